"""Every POST route of the portal, found in app.url_map, refuses a request without a valid CSRF
token with 400 and a page that says what to do, and changes nothing."""

import pytest

from fulfilment.models import Product
from tests import factories
from tests.conftest import portal_login
from tests.views.portal_forms import line_rows, snapshot, token_of
from tests.views.portal_routes import build_path, portal_rules

# Data that would make each form do something if the token were right.
PLAUSIBLE = {
    "username": "someone-else", "password": factories.PASSWORD, "notification_email": "x@example.com",
    "current_password": factories.PASSWORD, "new_password": "a-long-new-password", "repeat_password":
        "a-long-new-password",
    "product_code": "CSRF-1", "name": "Forged", "price": "1.00", "amount": "7",
    "delivery_name": "Forged", "delivery_address": "Street 1", "delivery_zipcode": "1000 AA",
    "delivery_city": "City", "delivery_country": "NL", "address": "Street 1", "zipcode": "1000 AA", "city": "City",
    "country": "NL", "supplier_name": "Forged supplier", "token": "x",
}


def post_rules(app):
    return [rule for rule in portal_rules(app) if "POST" in rule.methods]


def forged_tokens(app, world):
    other_session = portal_login(app, world.b_user)
    return {"missing": None, "wrong": "not-a-token", "another session's": token_of(other_session)}


@pytest.mark.parametrize("kind", ["missing", "wrong", "another session's"])
def test_every_portal_post_route_refuses_a_request_without_a_valid_csrf_token(app, world, kind):
    test_client = portal_login(app, world.a_user)
    token = forged_tokens(app, world)[kind]
    rules = post_rules(app)
    assert len(rules) >= 20, sorted(rule.endpoint for rule in rules)
    before = snapshot()
    wrong = []
    for rule in rules:
        data = {**PLAUSIBLE, **line_rows((world.product, 1))}
        if token is not None:
            data["csrf_token"] = token
        response = test_client.post(build_path(app, rule, world), data=data)
        page = response.get_data(as_text=True)
        if response.status_code != 400 or "This form has expired" not in page:
            wrong.append(f"{rule.endpoint}: {response.status_code}")
    assert not wrong, wrong
    assert snapshot() == before
    assert test_client.get("/fulfilmentportal/settings").status_code == 200  # not even logged out


def test_the_same_requests_with_the_token_do_change_things(app, world):
    """The refusals above are the token's doing: with it, the same data is accepted."""
    test_client = portal_login(app, world.a_user)
    data = {**PLAUSIBLE, "csrf_token": token_of(test_client)}
    assert test_client.post("/fulfilmentportal/products/new", data=data).status_code == 302
    assert Product.select().where(Product.product_code == "CSRF-1").exists()
