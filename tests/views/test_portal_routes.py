"""Every portal route, for every kind of visitor, built from app.url_map.

A new portal route that is not in ROUTES fails test_every_portal_route_has_an_expectation, so
nobody can add a page without saying who may see it.
"""

from urllib.parse import parse_qs, urlparse

import pytest

from tests.conftest import PORTAL_LOGIN, csrf_token, login, portal_login
from tests.views.conftest import revoke_portal_access

PREFIX = "/fulfilmentportal"

# endpoint -> (kind, the URL arguments naming client A's own rows)
#   public: the login page; page: a page without ids; owned: a page of one of A's rows;
#   action: a POST without ids (with the CSRF token); owned action: a POST on one of A's rows;
#   download: a file without ids; logout: the POST that ends the session.
ROUTES = {
    "portal.login": ("public", None),
    "portal.logout": ("logout", None),
    "portal.dashboard": ("page", None),
    "portal.products": ("page", None),
    "portal.product_lookup": ("page", None),
    "portal.new_product": ("page", None),
    "portal.product": ("owned", lambda w: {"product_id": w.product.id}),
    "portal.edit_product": ("owned", lambda w: {"product_id": w.product.id}),
    "portal.product_image": ("owned", lambda w: {"product_id": w.product.id, "image_id": w.image.id}),
    "portal.orders": ("page", None),
    "portal.new_order": ("page", None),
    "portal.import_order": ("page", None),
    "portal.order_import_template": ("download", None),
    "portal.confirm_order_import": ("action", None),
    "portal.order": ("owned", lambda w: {"order_id": w.order.id}),
    "portal.change_order_address": ("owned", lambda w: {"order_id": w.order.id}),
    "portal.cancel_order": ("owned", lambda w: {"order_id": w.order.id}),
    "portal.duplicate_order": ("owned action", lambda w: {"order_id": w.order.id}),
    "portal.submit_order": ("owned action", lambda w: {"order_id": w.order.id}),
    "portal.add_order_line": ("owned action", lambda w: {"order_id": w.order.id}),
    "portal.update_order_line": ("owned action", lambda w: {"order_id": w.order.id, "line_id": w.order_line.id}),
    "portal.remove_order_line": ("owned action", lambda w: {"order_id": w.order.id, "line_id": w.order_line.id}),
    "portal.shipments": ("page", None),
    "portal.shipment": ("owned", lambda w: {"picklist_id": w.shipment.id}),
    "portal.backorders": ("page", None),
    "portal.purchase_orders": ("page", None),
    "portal.new_purchase_order": ("page", None),
    "portal.purchase_order": ("owned", lambda w: {"purchase_order_id": w.purchase_order.id}),
    "portal.edit_purchase_order": ("owned", lambda w: {"purchase_order_id": w.purchase_order.id}),
    "portal.cancel_purchase_order": ("owned", lambda w: {"purchase_order_id": w.purchase_order.id}),
    "portal.returns": ("page", None),
    "portal.return": ("owned", lambda w: {"return_id": w.ret.id}),
    "portal.webshops": ("page", None),
    "portal.webshop": ("owned", lambda w: {"webshop_id": w.webshop.id}),
    "portal.new_webshop": ("page", None),
    "portal.edit_webshop": ("owned", lambda w: {"webshop_id": w.webshop.id}),
    "portal.test_webshop_connection": ("owned action", lambda w: {"webshop_id": w.webshop.id}),
    "portal.addresses": ("page", None),
    "portal.new_address": ("page", None),
    "portal.edit_address": ("owned", lambda w: {"address_id": w.address.id}),
    "portal.delete_address": ("owned", lambda w: {"address_id": w.address.id}),
    "portal.settings": ("page", None),
    "portal.update_login_details": ("action", None),
    "portal.change_password": ("action", None),
    # The client's own API keys: created by a POST, revoked after a confirmation page (GET, then POST).
    "portal.create_api_key": ("action", None),
    "portal.revoke_api_key": ("owned", lambda w: {"api_key_id": w.api_key.id}),
    # Excel downloads of the lists: each client gets its own rows (tests/views/test_exports.py).
    "portal.products_export": ("page", None),
    "portal.stock_history_export": ("page", None),
    "portal.orders_export": ("page", None),
    "portal.shipments_export": ("page", None),
    "portal.backorders_export": ("page", None),
    "portal.purchase_orders_export": ("page", None),
    "portal.returns_export": ("page", None),
    # E-mail notifications and webhooks on the settings page (tests/views/test_notification_settings.py).
    "portal.save_notification_settings": ("action", None),
    "portal.create_webhook": ("page", None),
    "portal.webhook": ("owned", lambda w: {"hook_id": w.hook.id}),
    "portal.delete_webhook": ("owned", lambda w: {"hook_id": w.hook.id}),
    "portal.test_webhook": ("owned action", lambda w: {"hook_id": w.hook.id}),
    "portal.reactivate_webhook": ("owned action", lambda w: {"hook_id": w.hook.id}),
}

LOGIN = "→ login"
HOME = "→ dashboard"
# The request reached the view of a visitor allowed to use it: whatever the view answered (done,
# or refused with a reason), it was not a 404, a login redirect or a server error.
ALLOWED = "allowed"
SHUT_OUT = {"public": 200, "page": LOGIN, "download": LOGIN, "owned": LOGIN, "action": LOGIN, "owned action": LOGIN,
            "logout": LOGIN}
# visitor -> kind -> expected answer
EXPECTED = {
    "anonymous": SHUT_OUT,
    "client_a": {"public": HOME, "page": 200, "download": 200, "owned": 200, "action": ALLOWED,
                 "owned action": ALLOWED, "logout": LOGIN},
    "client_b": {"public": HOME, "page": 200, "download": 200, "owned": 404, "action": ALLOWED, "owned action": 404,
                 "logout": LOGIN},
    "staff_only": SHUT_OUT,
    "no_portal_access": SHUT_OUT,
}
POSTS_LAST = {"action": 1, "owned action": 1, "logout": 2}


def expectation_met(got, expected):
    if expected == ALLOWED:
        return isinstance(got, int) and got < 500 and got != 404 or isinstance(got, str) and got != LOGIN
    return got == expected


def portal_rules(app):
    return [rule for rule in app.url_map.iter_rules() if rule.rule.startswith(PREFIX)]


def build_path(app, rule, world):
    kind, arguments = ROUTES[rule.endpoint]
    values = arguments(world) if arguments else {}
    return app.url_map.bind("portal.test").build(rule.endpoint, values)


def visitor(app, name, world):
    """A test client with the session of the named kind of visitor."""
    if name == "anonymous":
        return app.test_client()
    if name == "client_a":
        return portal_login(app, world.a_user)
    if name == "client_b":
        return portal_login(app, world.b_user)
    if name == "staff_only":
        from tests import factories

        factories.make_staff_user(username="staff", password="staff-password-1")
        test_client = app.test_client()
        assert login(test_client, "/admin/login", "staff", "staff-password-1").status_code == 302
        return test_client
    if name == "no_portal_access":
        # Logged in while the client still had access; the access was switched off afterwards.
        test_client = portal_login(app, world.no_access_user)
        revoke_portal_access(world.no_access_user)
        return test_client
    raise AssertionError(name)


def any_csrf_token(test_client):
    """The session's CSRF token, read from a page that has a form whoever is logged in."""
    return csrf_token(test_client, PORTAL_LOGIN) or csrf_token(test_client, f"{PREFIX}/settings")


def request_route(test_client, rule, path):
    methods = rule.methods - {"HEAD", "OPTIONS"}
    if methods == {"POST"}:
        return test_client.post(path, data={"csrf_token": any_csrf_token(test_client)})
    assert "GET" in methods, f"{rule.endpoint}: add how to call a {sorted(methods)} route to this test"
    return test_client.get(path)


def answer(response):
    """The response as the expectation table writes it."""
    if response.status_code in (301, 302, 303):
        location = urlparse(response.headers["Location"]).path
        if location == PORTAL_LOGIN:
            return LOGIN
        if location == f"{PREFIX}/":
            return HOME
        return f"→ {location}"
    return response.status_code


def test_every_portal_route_has_an_expectation(app):
    endpoints = {rule.endpoint for rule in portal_rules(app)}
    missing = endpoints - set(ROUTES)
    assert not missing, f"portal routes without an access expectation in ROUTES: {sorted(missing)}"
    stale = set(ROUTES) - endpoints
    assert not stale, f"ROUTES lists endpoints that no longer exist: {sorted(stale)}"


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_every_portal_route_answers_each_visitor_as_expected(app, world, name):
    test_client = visitor(app, name, world)
    wrong = []
    # Pages first, then the actions (they change A's rows), logout last: it ends the session.
    rules = sorted(portal_rules(app), key=lambda rule: POSTS_LAST.get(ROUTES[rule.endpoint][0], 0))
    assert rules, "no portal routes found"
    for rule in rules:
        kind = ROUTES[rule.endpoint][0]
        path = build_path(app, rule, world)
        got = answer(request_route(test_client, rule, path))
        if not expectation_met(got, EXPECTED[name][kind]):
            wrong.append(f"{rule.endpoint} {path}: expected {EXPECTED[name][kind]}, got {got}")
    assert not wrong, "\n".join(wrong)


def test_anonymous_visitor_comes_back_to_the_page_asked_for(app, world):
    response = app.test_client().get(f"{PREFIX}/orders?status=processing")
    assert response.status_code == 302
    location = urlparse(response.headers["Location"])
    assert location.path == PORTAL_LOGIN
    assert parse_qs(location.query)["next"] == ["/fulfilmentportal/orders?status=processing"]


def test_staff_session_stays_staff_after_visiting_the_portal(app, world):
    test_client = visitor(app, "staff_only", world)
    assert answer(test_client.get(f"{PREFIX}/orders")) == LOGIN
    assert test_client.get("/admin/").status_code == 200
