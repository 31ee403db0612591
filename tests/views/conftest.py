"""A small world for the portal tests: client A owns one of everything, client B owns its own few rows.

Every text A's rows carry includes MARKER, so a test can prove none of it reaches client B.
"""

from dataclasses import dataclass

import pytest

from fulfilment.models import ExportJob, Hook, Picklist, Product, ProductImage
from fulfilment.services import accounts, export_jobs, idempotency, import_jobs, login_sessions, picking
from tests import factories

MARKER = "Zqx7Marker"
OTHER_BROWSER = "Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0"


@dataclass
class World:
    a_user: object
    b_user: object
    no_access_user: object
    product: object
    image: object
    order: object
    order_line: object
    shipped_order: object
    shipment: object  # the closed picklist
    purchase_order: object
    ret: object
    webshop: object
    address: object
    api_key: object
    invoice: object = None  # issued: the client sees it
    invoice_line: object = None
    draft_invoice: object = None  # never shown to the client
    hook: object = None
    export_job: object = None  # a long export the worker wrote (tests/views/test_export_jobs.py)
    import_job: object = None  # a long Excel import waiting for the worker (tests/views/test_import_jobs.py)


def build_client_with_everything(name, user_name, marker=MARKER):
    """A client and its portal user, owning one of each kind of row the portal shows."""
    user = factories.make_portal_user(factories.make_client(name=f"{marker} {name}", email=f"{marker}@example.com"),
                                      username=user_name, notification_email=f"{marker.lower()}@example.com")
    client = user.client
    product = factories.make_product(client, product_code=f"{marker}-SKU", name=f"{marker} mug",
                                     barcode=f"{marker}-EAN", stock_amount=2)
    image = factories.make_product_image(product)
    # Wants 5, 2 in stock: a picklist for 2 and a backorder for 3.
    order = factories.make_order(client, lines=[(product, 5)], process=True, reference=f"{marker}-ref",
                                 delivery_name=f"{marker} recipient")
    other = factories.make_product(client, product_code=f"{marker}-SHIP", name=f"{marker} shipped", stock_amount=5)
    shipped_order = factories.make_order(client, lines=[(other, 1)], process=True, reference=f"{marker}-shipped",
                                         delivery_name=f"{marker} shipped recipient")
    shipment = factories.open_picklist(shipped_order)
    picking.close_picklist(shipment, shipments=[{
        "carrier": "PostNL", "tracking_code": f"{marker}TRACK", "tracking_url": "https://postnl.example/track/3S",
    }])
    purchase_order = factories.make_purchase_order(client, lines=[(product, 10)], supplier_name=f"{marker} supplier")
    ret = factories.make_return(client, returned=[(other, 1, f"{marker} reason")], replacements=[(other, 1)],
                                name=f"{marker} returner")
    webshop = factories.make_webshop(client, name=f"{marker} shop")
    factories.make_webshop_order(webshop, status="error", reason=f"{marker} unknown product")
    address = factories.make_address(client, name=f"{marker} address")
    api_key, _ = accounts.create_api_key(f"{marker} key", client=client)
    hook = Hook.create(client=client, name=f"{marker} hook", event="orders.created",
                       address=f"https://{marker.lower()}.example/hook")
    draft_invoice, invoice = factories.make_invoices(client)
    return dict(hook=hook, invoice=invoice, invoice_line=invoice.lines.get(), draft_invoice=draft_invoice,
                api_key=api_key, user=user, product=product, image=image, order=order, order_line=order.lines.get(),
                shipped_order=shipped_order,
                shipment=Picklist.get_by_id(shipment.id), purchase_order=purchase_order, ret=ret, webshop=webshop,
                address=address)


def build_world():
    a = build_client_with_everything("Client A", "client-a")
    b = build_client_with_everything("Client B", "client-b", marker="Bravo")
    no_access = factories.make_portal_user(factories.make_client(name="Client without portal"), username="no-access")
    # Client A's user is also logged in on another browser (a session it can end from its settings).
    login_sessions.start_session(a["user"], OTHER_BROWSER)
    return World(
        a_user=a["user"], b_user=b["user"], no_access_user=no_access, product=a["product"], image=a["image"],
        order=a["order"], order_line=a["order_line"], shipped_order=a["shipped_order"], shipment=a["shipment"],
        purchase_order=a["purchase_order"], ret=a["ret"], webshop=a["webshop"], address=a["address"],
        api_key=a["api_key"], invoice=a["invoice"], invoice_line=a["invoice_line"], draft_invoice=a["draft_invoice"],
        hook=a["hook"],
    )


def revoke_portal_access(user):
    accounts.save_client(user.client, portal_access=False)


@pytest.fixture
def world(app, tmp_path):
    world = build_world()
    # Each client's long export of its orders, written by the worker into a folder of this test.
    app.config["EXPORT_FOLDER"] = str(tmp_path / "exports")
    for user in (world.b_user, world.a_user):
        job, _ = export_jobs.start_export(user.client, user, "orders", {})
        app.extensions["jobs"].write_export(job.id)
    world.export_job = ExportJob.get_by_id(job.id)
    # Each client's long Excel import, confirmed and waiting for the worker (its preview in a folder of this test).
    for user, marker in ((world.b_user, "Bravo"), (world.a_user, MARKER)):
        world.import_job, _ = import_jobs.start_import(
            user.client, user, waiting_import_preview(user.client, marker), folder=tmp_path / "imports")
    app.config["IMPORT_FOLDER"] = str(tmp_path / "imports")
    return world


def waiting_import_preview(client, marker):
    """A confirmed import preview of one of client's products (what the signed preview token holds)."""
    product = Product.for_client(client).order_by(Product.id).first()
    return {"client": client.id, "lines": [[product.id, 1]], "save_address": False,
            "import_key": idempotency.new_key(),
            "fields": {"reference": f"{marker}-import", "delivery_name": f"{marker} importer",
                       "delivery_address": "Kerkstraat 1", "delivery_zipcode": "1011 AB",
                       "delivery_city": "Amsterdam", "delivery_country": "NL"}}


def image_of(product):
    return ProductImage.select().where(ProductImage.product == product).first()
