import pytest

from fulfilment.services import locations, returns
from tests import factories


@pytest.fixture
def one_of_everything(app):
    """At least one row in every table, made the way the warehouse makes them."""
    client = factories.make_client(name="Acme Webshop")
    portal_user = factories.make_portal_user(client, username="acme", notification_email="acme@example.com")
    product = factories.make_product(client, product_code="ACME-1", stock_amount=5)
    factories.make_product_image(product)
    shipped = factories.make_shipped_order(client, lines=[(product, 1)])
    backordered = factories.make_order(client, lines=[(product, 10)], process=True)
    purchase_order = factories.make_purchase_order(client, lines=[(product, 3)])
    receipt = factories.receive_everything(purchase_order)
    spare = factories.make_product(client, product_code="ACME-2", stock_amount=3)
    ret = factories.make_return(client, returned=[(product, 1, "Broken")], replacements=[(spare, 1)],
                                order=shipped)
    returns.change_return_status(ret, factories.return_status("received"), "Thanks")
    webshop = factories.make_webshop(client)
    factories.make_webshop_order(webshop, order=shipped)
    factories.make_address(client)
    factories.make_api_key(client)
    draft, issued = factories.make_invoices(client)
    _notifications_of(client, portal_user, webshop)
    shelf = factories.make_location("A.1.4.3")
    locations.link_product(product, shelf)
    return {
        "client": client, "portal_user": portal_user, "product": product, "shipped": shipped,
        "backordered": backordered, "purchase_order": purchase_order, "receipt": receipt, "return": ret,
        "webshop": webshop, "draft_invoice": draft, "issued_invoice": issued,
    }


def _notifications_of(client, portal_user, webshop):
    """Mail (written by the events above), a setting, a connection state, a hook with a delivery."""
    from fulfilment.models import Hook, WebhookDelivery
    from fulfilment.services import notifications, webshop_health

    notifications.save_settings(portal_user, set(notifications.NOTIFICATION_KINDS))
    webshop_health.record_connection(webshop, "The shop could not be reached.")
    hook = Hook.create(client=client, name="Acme ERP", event="orders.created", address="https://erp.example/hook")
    WebhookDelivery.create(client=client, hook=hook, event="orders.created", body="{}")
    from fulfilment.services import export_jobs

    export_jobs.start_export(client, portal_user, "orders", {})  # a long export asked for, not yet written
    from fulfilment.models import ImportJob

    ImportJob.create(client=client, requested_by=portal_user, import_key="acme-import-1", reference="ACME-BULK",
                     lines_total=2500)  # a long import confirmed, not yet taken by the worker


@pytest.fixture
def portal_session(app, one_of_everything):
    from tests.conftest import portal_login

    return portal_login(app, one_of_everything["portal_user"])
