"""Links to other sites (carrier tracking pages, webshops): only http(s) addresses become links."""

from urllib.parse import urlparse

from fulfilment.views.blueprint import bp


@bp.app_template_global()
def outside_link(url):
    """The URL when it is an http(s) address with a host, else None (no javascript: or data: links)."""
    url = (url or "").strip()
    parts = urlparse(url)
    if parts.scheme in ("http", "https") and parts.netloc:
        return url
    return None

