"""Submitting portal forms the way a browser does (with the session's CSRF token), and proving
that a refused request changed nothing."""

from fulfilment.models import MODELS
from tests.conftest import csrf_token

PREFIX = "/fulfilmentportal"


def token_of(test_client):
    """The session's CSRF token (one per session), read once from the settings page's form."""
    if not getattr(test_client, "portal_csrf_token", None):
        test_client.portal_csrf_token = csrf_token(test_client, f"{PREFIX}/settings")
    return test_client.portal_csrf_token


def submit(test_client, path, data=None, **kwargs):
    """POST data to a portal path with the CSRF token."""
    return test_client.post(PREFIX + path, data={"csrf_token": token_of(test_client), **(data or {})}, **kwargs)


def snapshot():
    """Every row of every table: compare two snapshots to show that nothing changed."""
    return {model.__name__: list(model.select().order_by(model.id).tuples()) for model in MODELS}


def text_of(response, status=200):
    assert response.status_code == status, (response.status_code, response.get_data(as_text=True)[:3000])
    return response.get_data(as_text=True)


def location_of(response):
    from urllib.parse import urlparse

    assert response.status_code in (302, 303), (response.status_code, response.get_data(as_text=True)[:3000])
    return urlparse(response.headers["Location"]).path


def line_rows(*lines, prefix="lines"):
    """Form data for product rows: (code or product, amount) typed, or ("id", product, amount) picked by search."""
    data = {}
    for index, line in enumerate(lines):
        if line[0] == "id":
            _, product_id, amount = line
            data[f"{prefix}-{index}-product_id"] = str(getattr(product_id, "id", product_id))
        else:
            code, amount = line
            data[f"{prefix}-{index}-product_code"] = getattr(code, "product_code", code)
        data[f"{prefix}-{index}-amount"] = str(amount)
    return data
