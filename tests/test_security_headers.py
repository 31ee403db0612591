"""Security headers on every kind of answer, pages without inline code, and running behind a TLS proxy.

The browser side (the policy enforced in chromium, zero violations while the portal and the back
office are used) is tests/e2e/test_content_security_policy.py.
"""

import io
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from flask import jsonify, request, url_for

from fulfilment import create_app
from fulfilment.config import settings_from_environment
from fulfilment.security_headers import CONTENT_SECURITY_POLICY
from tests import factories
from tests.admin.admin_routes import RECORD_FORMS, admin_rules, staff_urls
from tests.admin.conftest import one_of_everything  # noqa: F401 (fixture)
from tests.api.conftest import api_client_for
from tests.conftest import _test_config, csrf_token, portal_login
from tests.views.conftest import world  # noqa: F401 (fixture)
from tests.views.portal_routes import ROUTES, build_path, portal_rules

TEMPLATES = Path(__file__).resolve().parents[1] / "fulfilment" / "templates"


def assert_security_headers(response, what=""):
    headers = response.headers
    assert headers.get("Content-Security-Policy") == CONTENT_SECURITY_POLICY, what
    assert headers.get("X-Frame-Options") == "DENY", what
    assert headers.get("X-Content-Type-Options") == "nosniff", what
    assert headers.get("Referrer-Policy") == "same-origin", what


def directives(policy):
    return {part.split()[0]: part.split()[1:] for part in policy.split("; ")}


class InlineCodeFinder(HTMLParser):
    """Collects what a Content-Security-Policy without 'unsafe-inline' would block in a page."""

    URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data"}

    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "script" and not attributes.get("src"):
            self.found.append(f"inline <script> at line {self.getpos()[0]}")
        if tag == "style":
            self.found.append(f"<style> element at line {self.getpos()[0]}")
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}=…> handler at line {self.getpos()[0]}")
            if name == "style":
                self.found.append(f"<{tag} style=…> attribute at line {self.getpos()[0]}")
            if name in self.URL_ATTRIBUTES and (value or "").strip().lower().startswith("javascript:"):
                self.found.append(f"<{tag} {name}=\"{value}\"> at line {self.getpos()[0]}")

    handle_startendtag = handle_starttag


def inline_code(html):
    finder = InlineCodeFinder()
    finder.feed(html)
    return finder.found


# --- the policy itself ------------------------------------------------------------------------

def test_policy_allows_no_inline_script_no_framing_and_no_foreign_sources():
    policy = directives(CONTENT_SECURITY_POLICY)
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["default-src"] == ["'self'"]
    assert "'unsafe-inline'" not in CONTENT_SECURITY_POLICY and "'unsafe-eval'" not in CONTENT_SECURITY_POLICY


def test_no_template_holds_inline_script_handlers_or_javascript_links():
    found = []
    for path in sorted(TEMPLATES.rglob("*.html")):
        if path.relative_to(TEMPLATES).parts[0] == "mail":
            continue  # e-mails are read in mail programs, which need inline styles; no page serves them
        # Jinja comments and tags go (keeping line numbers): `style='primary'` there is a macro
        # argument. What a tag renders is checked on the rendered pages below.
        text = re.sub(r"\{#.*?#\}|\{\{.*?\}\}|\{%.*?%\}", lambda m: "\n" * m.group().count("\n"), path.read_text(),
                      flags=re.S)
        for number, line in enumerate(text.splitlines(), start=1):
            where = f"{path.relative_to(TEMPLATES)}:{number}"
            if re.search(r"<script(?![^>]*\bsrc=)", line):
                found.append(f"{where} inline <script>")
            if re.search(r"\son[a-z]+\s*=", line):
                found.append(f"{where} on*= handler")
            if "javascript:" in line.lower():
                found.append(f"{where} javascript: link")
            if re.search(r"\sstyle\s*=|<style", line):
                found.append(f"{where} inline style")
    assert found == []


# --- portal -----------------------------------------------------------------------------------

def test_every_portal_page_and_download_sends_the_headers_and_holds_no_inline_code(app, world):  # noqa: F811
    test_client = portal_login(app, world.a_user)
    checked = 0
    problems = []
    for rule in portal_rules(app):
        kind = ROUTES[rule.endpoint][0]
        if kind not in ("page", "owned", "download") or "GET" not in rule.methods:
            continue
        path = build_path(app, rule, world)
        response = test_client.get(path)
        assert response.status_code == 200, path
        assert_security_headers(response, path)
        if response.mimetype == "text/html":
            problems += [f"{path}: {problem}" for problem in inline_code(response.get_data(as_text=True))]
        checked += 1
    assert checked >= 30
    assert problems == []


def test_portal_login_page_sends_the_headers(app):
    response = app.test_client().get("/fulfilmentportal/login")
    assert response.status_code == 200
    assert_security_headers(response)
    assert inline_code(response.get_data(as_text=True)) == []


def test_redirects_send_the_headers(app):
    to_login = app.test_client().get("/fulfilmentportal/orders")
    assert to_login.status_code == 302
    assert_security_headers(to_login)
    # Werkzeug's own redirect to the address with its trailing slash.
    slash = app.test_client().get("/admin/order")
    assert slash.status_code == 308
    assert_security_headers(slash)


def test_portal_spreadsheet_download_sends_the_headers(app, world):  # noqa: F811
    response = portal_login(app, world.a_user).get("/fulfilmentportal/orders/export.xlsx")
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert_security_headers(response)


def test_portal_product_image_sends_the_headers(app, world):  # noqa: F811
    path = f"/fulfilmentportal/products/{world.product.id}/images/{world.image.id}"
    response = portal_login(app, world.a_user).get(path)
    assert response.status_code == 200, path
    assert response.mimetype.startswith("image/")
    assert_security_headers(response)


# --- back office ------------------------------------------------------------------------------

def record_form_urls(app):
    """(url, why) for every back-office form page of one record (correct stock, register a receipt …)."""
    views = {view.endpoint: view for view in app.extensions["admin"][0]._views}
    urls = []
    for rule in admin_rules(app):
        view_name, _, kind = rule.endpoint.rpartition(".")
        if kind in RECORD_FORMS:
            model = views[view_name].model
            record = model.select().order_by(model.id).first()
            urls.append((rule.rule.replace(f"<int:{next(iter(rule.arguments))}>", str(record.id)), rule.endpoint))
    return urls


def test_every_back_office_page_sends_the_headers_and_holds_no_inline_code(app, staff_client, one_of_everything):  # noqa: F811
    problems = []
    urls = staff_urls(app) + record_form_urls(app) + [("/admin/login", "login")]
    for url, why in urls:
        response = staff_client.get(url)
        assert response.status_code == 200, url
        assert_security_headers(response, url)
        if response.mimetype == "text/html":
            problems += [f"{url} ({why}): {problem}" for problem in inline_code(response.get_data(as_text=True))]
    assert len(urls) > 60
    assert problems == []


def test_back_office_pages_load_the_script_that_replaces_inline_handlers(app, staff_client, one_of_everything):  # noqa: F811
    order = one_of_everything["backordered"]
    page = staff_client.get(f"/admin/order/details/?id={order.id}").get_data(as_text=True)
    assert '/static/backoffice.js"' in page
    # The cancel button asks first, through data-confirm instead of onsubmit.
    assert 'data-confirm="Cancel this order?' in page
    listing = staff_client.get("/admin/apikey/").get_data(as_text=True)
    assert 'data-list-action="revoke"' in listing
    assert 'data-confirm="Are you sure you want to delete this record?"' not in listing  # keys are revoked, not deleted
    factories.make_client(name="No history yet")  # only a record without history offers the delete button
    clients = staff_client.get("/admin/client/").get_data(as_text=True)
    assert 'data-confirm="Are you sure you want to delete this record?"' in clients


def test_back_office_pager_links_every_page_and_marks_the_current_one(app, staff_client):
    for number in range(45):
        factories.make_client(name=f"Pager client {number:02d}")
    first = staff_client.get("/admin/client/?page_size=20").get_data(as_text=True)
    pager = first[first.index('<ul class="pagination">'):]
    pager = pager[:pager.index("</ul>")]
    current = r'<li class="page-item active" aria-current="page"><span class="page-link">(\d+)</span>'
    assert re.findall(current, pager) == ["1"]
    assert re.findall(r'<a class="page-link" href="[^"]*">(\d+)</a>', pager) == ["2", "3"]
    assert 'aria-label="Previous page"' in pager and '<span class="page-link" aria-label="Previous page">' in pager
    following = re.search(r'<a class="page-link" href="([^"]*)" aria-label="Next page">', pager).group(1)
    following = following.replace("&amp;", "&")
    second = staff_client.get(following).get_data(as_text=True)
    assert re.search(r'aria-current="page"><span class="page-link">2</span>', second)
    names_first, names_second = (set(re.findall(r"Pager client \d\d", page)) for page in (first, second))
    assert len(names_first) == len(names_second) == 20 and not names_first & names_second


def test_back_office_export_and_static_files_send_the_headers(app, staff_client, one_of_everything):  # noqa: F811
    export = staff_client.get("/admin/order/export/xlsx/")
    assert export.status_code == 200
    assert export.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert_security_headers(export)
    for path in ("/static/backoffice.js", "/static/portal-lines.js", "/static/portal.css",
                 "/admin/static/vendor/jquery.min.js", "/admin/static/bootstrap/bootstrap4/css/bootstrap.min.css"):
        response = app.test_client().get(path)
        assert response.status_code == 200, path
        assert_security_headers(response, path)
        # With nosniff a script or style sheet must carry its real type, or the browser refuses it.
        assert response.mimetype in ("text/javascript", "text/css"), path
        response.close()


# --- API --------------------------------------------------------------------------------------

def test_api_answers_and_api_errors_send_the_headers(app):
    api = api_client_for(app)
    answers = {
        "list": api.get("/products"),
        "not found": api.get("/products/999999"),
        "unauthenticated": app.test_client().get("/api/v1/products"),
    }
    assert [answers[name].status_code for name in answers] == [200, 404, 401]
    for name, response in answers.items():
        assert response.mimetype == "application/json", name
        assert_security_headers(response, name)


def test_api_rate_limit_answer_sends_the_headers(app):
    app.config["API_RATE_LIMIT_PER_MINUTE"] = 1
    api = api_client_for(app)
    assert api.get("/products").status_code == 200
    refused = api.get("/products")
    assert refused.status_code == 429
    assert refused.headers["Retry-After"]
    assert_security_headers(refused)


# --- error pages ------------------------------------------------------------------------------

def test_not_found_page_sends_the_headers(app):
    response = app.test_client().get("/fulfilmentportal/no-such-page")
    assert response.status_code == 404
    assert_security_headers(response)
    assert inline_code(response.get_data(as_text=True)) == []


def test_forbidden_page_sends_the_headers(app, portal_client):
    response = portal_client.get("/admin/")
    assert response.status_code == 403
    assert_security_headers(response)
    assert inline_code(response.get_data(as_text=True)) == []


def test_too_large_upload_page_sends_the_headers(app, portal_client):
    app.config["MAX_CONTENT_LENGTH"] = 1000
    token = csrf_token(portal_client, "/fulfilmentportal/orders/import")
    response = portal_client.post("/fulfilmentportal/orders/import", data={
        "csrf_token": token, "file": (io.BytesIO(b"x" * 5000), "big.xlsx")})
    assert response.status_code == 413
    assert_security_headers(response)


def test_server_error_page_sends_the_headers(app, staff_client, monkeypatch):
    app.config["PROPAGATE_EXCEPTIONS"] = False

    def broken():
        raise RuntimeError("a bug")

    monkeypatch.setattr("fulfilment.admin.dashboard.dashboard_figures", broken)
    response = staff_client.get("/admin/")
    assert response.status_code == 500
    assert_security_headers(response)
    assert inline_code(response.get_data(as_text=True)) == []


def test_a_header_the_view_set_itself_is_kept_and_sent_once_whatever_its_case(app_with):
    built = app_with()

    @built.route("/_own_policy")
    def own_policy():
        response = built.make_response("framed on purpose")
        response.headers["content-security-policy"] = "frame-ancestors 'self'"
        response.headers["X-Content-Type-Options"] = "nosniff"
        return response

    response = built.test_client().get("/_own_policy")
    assert response.headers.getlist("Content-Security-Policy") == ["frame-ancestors 'self'"]
    assert response.headers.getlist("X-Content-Type-Options") == ["nosniff"]
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"


# --- behind a TLS proxy -----------------------------------------------------------------------

@pytest.fixture
def app_with(database_url, app):
    """Build an app with extra settings, plus a probe route that shows what the app sees of a request."""

    def build(**settings):
        built = create_app({**_test_config(database_url), "SERVER_NAME": None, **settings})

        @built.route("/_probe")
        def probe():
            return jsonify(scheme=request.scheme, host=request.host, remote_addr=request.remote_addr,
                           external=url_for("portal.login", _external=True))

        return built

    return build


FORWARDED_HTTPS = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "portal.example.com",
                   "X-Forwarded-For": "203.0.113.9"}


def test_settings_for_a_tls_proxy_come_from_the_environment():
    settings = settings_from_environment({"FULFILMENT_BEHIND_PROXY": "1", "FULFILMENT_HTTPS": "true",
                                          "FULFILMENT_HSTS_SECONDS": "600"})
    assert settings == {"BEHIND_PROXY": 1, "HTTPS": True, "HSTS_SECONDS": 600}


def test_without_the_proxy_setting_forwarded_headers_are_ignored(app_with):
    plain = app_with()
    response = plain.test_client().get("/_probe", headers=FORWARDED_HTTPS)
    assert response.json["scheme"] == "http"
    assert response.json["remote_addr"] == "127.0.0.1"
    assert response.json["host"] == "localhost"
    assert "Strict-Transport-Security" not in response.headers


def test_behind_a_tls_proxy_the_app_sees_the_visitors_scheme_host_and_address(app_with):
    behind = app_with(BEHIND_PROXY=1, HTTPS=True)
    response = behind.test_client().get("/_probe", headers=FORWARDED_HTTPS)
    assert response.json == {"scheme": "https", "host": "portal.example.com", "remote_addr": "203.0.113.9",
                             "external": "https://portal.example.com/fulfilmentportal/login"}
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000"
    assert_security_headers(response)


def test_only_the_configured_number_of_proxies_is_trusted(app_with):
    behind = app_with(BEHIND_PROXY=1)
    # A client put its own X-Forwarded-For in front; the one proxy appended the real address.
    response = behind.test_client().get("/_probe", headers={"X-Forwarded-For": "10.9.9.9, 198.51.100.7"})
    assert response.json["remote_addr"] == "198.51.100.7"


def test_https_setting_makes_the_session_cookie_secure(app_with):
    behind = app_with(BEHIND_PROXY=1, HTTPS=True)
    response = behind.test_client().get("/fulfilmentportal/login", headers=FORWARDED_HTTPS)
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("session=")
    assert "; Secure" in cookie and "; HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_without_the_https_setting_the_session_cookie_is_not_secure_and_no_hsts(app_with):
    response = app_with().test_client().get("/fulfilmentportal/login")
    assert "Secure" not in response.headers["Set-Cookie"]
    assert "Strict-Transport-Security" not in response.headers


def test_hsts_is_not_sent_over_plain_http_and_can_be_switched_off(app_with):
    behind = app_with(BEHIND_PROXY=1, HTTPS=True)
    over_http = behind.test_client().get("/_probe", headers={"X-Forwarded-Proto": "http"})
    assert "Strict-Transport-Security" not in over_http.headers
    no_hsts = app_with(BEHIND_PROXY=1, HTTPS=True, HSTS_SECONDS=0)
    assert "Strict-Transport-Security" not in no_hsts.test_client().get("/_probe", headers=FORWARDED_HTTPS).headers


def test_login_over_https_behind_the_proxy_passes_the_csrf_referrer_check(app_with, app):
    user = factories.make_portal_user(username="proxy-user")
    behind = app_with(BEHIND_PROXY=1, HTTPS=True)
    test_client = behind.test_client()
    login_url = "https://portal.example.com/fulfilmentportal/login"
    page = test_client.get("/fulfilmentportal/login", headers=FORWARDED_HTTPS).get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    form = {"username": user.username, "password": factories.PASSWORD, "csrf_token": token}
    # Over https Flask-WTF wants a same-site Referer; the same-origin policy lets the browser send it.
    refused = test_client.post("/fulfilmentportal/login", data=form, headers=FORWARDED_HTTPS)
    assert refused.status_code == 400
    assert_security_headers(refused)
    answer = test_client.post("/fulfilmentportal/login", data=form, headers={**FORWARDED_HTTPS, "Referer": login_url})
    assert answer.status_code == 302
    assert answer.headers["Location"] in ("/fulfilmentportal/", "https://portal.example.com/fulfilmentportal/")
    assert "; Secure" in answer.headers["Set-Cookie"]
