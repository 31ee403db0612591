"""Security headers on every response, and running behind a proxy that terminates TLS.

Every answer (portal and back-office pages, API JSON, error pages, static files, downloads)
carries the same headers, added in one after-request hook, so no view can forget them.
"""

from flask import request
from werkzeug.middleware.proxy_fix import ProxyFix

# No inline script anywhere: every script is a file served by this app ('self'), and no page
# uses on*= attributes or javascript: links (tests/test_security_headers.py checks the pages,
# tests/e2e/test_content_security_policy.py runs them in chromium with this policy enforced).
# Styles too come only from files, so style-src needs no 'unsafe-inline': Bootstrap, select2 and
# the date picker set their inline styles from script through the DOM (element.style), which
# the policy does not restrict. (select2 3.5 draws its own javascript:void(0) links at run
# time; it cancels their clicks, so they are never followed.) Bootstrap's CSS draws a few icons
# as data: SVG images, hence img-src data:.
CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])

SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    # For browsers that predate CSP's frame-ancestors.
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    # Links out of the portal (carriers' tracking pages, shops) learn nothing of our URLs; within
    # the site the full referrer stays, which Flask-WTF's CSRF check needs over https.
    "Referrer-Policy": "same-origin",
}

_HEADERS_BY_LOWERED_NAME = {name.lower(): (name, value) for name, value in SECURITY_HEADERS.items()}


def init_app(app):
    """Trust the configured number of proxies, make cookies https-only when asked, add the headers."""
    proxies = app.config["BEHIND_PROXY"]
    if proxies:
        # Client address, scheme and host as the proxies saw them. Only the last `proxies`
        # values of each X-Forwarded-* header are trusted; a client cannot forge them.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)
    if app.config["HTTPS"]:
        app.config.update(
            SESSION_COOKIE_SECURE=True,
            REMEMBER_COOKIE_SECURE=True,
            PREFERRED_URL_SCHEME="https",
        )

    @app.after_request
    def add_security_headers(response):
        # Each header unless the view set its own: the names present read once, not looked up
        # per header (four setdefault calls were a twentieth of a small page's time).
        headers = response.headers
        present = {name.lower() for name, _value in headers}
        for lowered, (name, value) in _HEADERS_BY_LOWERED_NAME.items():
            if lowered not in present:
                headers.add(name, value)
        # Browsers ignore HSTS received over plain http (RFC 6797), so send it only over https.
        if app.config["HTTPS"] and app.config["HSTS_SECONDS"] and request.is_secure:
            response.headers.setdefault("Strict-Transport-Security", f"max-age={app.config['HSTS_SECONDS']}")
        return response
