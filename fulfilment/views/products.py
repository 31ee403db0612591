"""Products: the list with stock and stock value, the product page with images, stock and history."""

import re

from flask import current_app, jsonify, render_template, request, url_for
from peewee import fn

from fulfilment import catalog_versions
from fulfilment.i18n import _, _l
from fulfilment.images import image_response
from fulfilment.models import (
    Backorder,
    Product,
    ProductImage,
    Stock,
    Warehouse,
)
from fulfilment.page_cache import cached_page
from fulfilment.services import catalog, listings, locations
from fulfilment.services.listings import STOCK_FILTERS
from fulfilment.views.blueprint import bp
from fulfilment.views.listing import choice, paginate_listing, search_text
from fulfilment.views.scope import current_client, get_owned_or_404, portal_actor
from fulfilment.views.stock_chart import stock_chart
from fulfilment.vocabulary import CHANGE_TYPE_LABELS

LOOKUP_LIMIT = 20
# The product list's stock filters (services.listings.STOCK_FILTERS) as its menu names them.
STOCK_FILTER_LABELS = {"low": _l("Low or out of stock"), "out": _l("Out of stock")}
# The kinds of ledger line (models.CHANGE_TYPES) as the stock history's Type column and filter name them.
# The reasons the services write on ledger lines themselves (services/picking, purchasing, returns) are
# stored in English; recognised by their wording and the record the line links to, they read in the
# reader's language. Reasons people type stay as typed.
SYSTEM_REASONS = (
    ("picklist_id", re.compile(r"Picklist (?P<number>\S+)"), lambda number: _("Picklist %(number)s", number=number)),
    ("picklist_id", re.compile(r"Not found while picking (?P<number>\S+)"),
     lambda number: _("Not found while picking %(number)s", number=number)),
    ("receipt_id", re.compile(r"Receipt (?P<receipt>\S+) for (?P<purchase_order>\S+)"),
     lambda receipt, purchase_order: _("Receipt %(receipt)s for %(purchase_order)s", receipt=receipt,
                                       purchase_order=purchase_order)),
    ("return_id", re.compile(r"Return (?P<number>\S+)"), lambda number: _("Return %(number)s", number=number)),
)


def product_listing(client, **filters):
    """The client's product list with the portal's low-stock threshold."""
    return listings.ProductList(client, low_stock_threshold=current_app.config["LOW_STOCK_THRESHOLD"], **filters)


@bp.route("/products")
def products():
    """The product list: kept per login session while the client's catalogue version stands."""
    client = current_client()
    manage = catalog.may_manage_products(client, portal_actor())

    def render():
        listing = product_listing(client, search=search_text(), stock_filter=choice("stock", STOCK_FILTERS),
                                  sort=request.args.get("sort", "code"))
        page = paginate_listing(listing)
        return render_template(
            "portal/products.html", page=page, q=listing.search, sort=listing.sort,
            stock_filter=listing.stock_filter,
            stock_filters=[(key, STOCK_FILTER_LABELS.get(key, label)) for key, label in STOCK_FILTERS.items()],
            threshold=listing.low_stock_threshold, manage=manage,
        )

    return cached_page(lambda: catalog_versions.current(client.id), render, extra=(client.id, client.name, manage))


@bp.route("/products/lookup")
def product_lookup():
    """The client's active products matching ?q= (code, name or barcode) as JSON, for the line search."""
    found = product_listing(current_client(), search=search_text(), active_only=True).rows().limit(LOOKUP_LIMIT)
    return jsonify(products=[
        {"id": product.id, "code": product.product_code, "name": product.name, "barcode": product.barcode,
         "free": int(product.free_total)}
        for product in found
    ])


@bp.route("/products/<int:product_id>")
def product(product_id):
    client = current_client()
    product = get_owned_or_404(Product.for_client(client), product_id)
    images = list(
        ProductImage.for_client(client)
        .select(ProductImage.id, ProductImage.filename, ProductImage.position)
        .where(ProductImage.product == product)
        .order_by(ProductImage.position, ProductImage.id)
    )
    levels = list(
        Stock.for_client(client).select(Stock, Warehouse).join(Warehouse)
        .where(Stock.product == product).order_by(Warehouse.name)
    )
    total_stock = sum(level.stock for level in levels)
    backordered = (
        Backorder.for_client(client).select(fn.COALESCE(fn.SUM(Backorder.amount), 0))
        .where(Backorder.product == product).scalar()
    )
    history = paginate_listing(listings.StockHistory(client, product=product, newest_first=True))
    # Location codes per warehouse, preferred first; only this client's product links (the tenant gate).
    codes = {}
    for link in locations.product_locations(product, client):
        codes.setdefault(link.location.warehouse_id, []).append(link.location.name)
    return render_template(
        "portal/product.html", product=product, images=images, levels=levels, total_stock=total_stock,
        location_codes=codes,
        total_free=sum(level.free for level in levels), backordered=backordered,
        incoming=listings.incoming(client, product),
        value=listings.stock_value(product, total_stock), history=history,
        sources={mutation.id: mutation_source(mutation) for mutation in history},
        reasons={mutation.id: mutation_reason(mutation) for mutation in history}, change_types=CHANGE_TYPE_LABELS,
        chart=stock_chart(client, product, total_stock), manage=catalog.may_manage_products(client, portal_actor()),
    )


def mutation_source(mutation):
    """(label, url) of what caused a ledger line: a shipment or order, a purchase order, a return."""
    if mutation.picklist_id:
        picklist = mutation.picklist
        if picklist.status == "closed":
            return (_("Shipment %(number)s", number=picklist.number),
                    url_for("portal.shipment", picklist_id=picklist.id))
        if picklist.order_id:
            return _("Order %(number)s", number=picklist.order.number), url_for("portal.order",
                                                                                 order_id=picklist.order_id)
        if picklist.return_id:
            return (_("Return for picklist %(number)s", number=picklist.number),
                    url_for("portal.return", return_id=picklist.return_id))
    if mutation.receipt_id:
        receipt = mutation.receipt
        return (_("Receipt %(receipt)s of %(purchase_order)s", receipt=receipt.number,
                  purchase_order=receipt.purchase_order.number),
                url_for("portal.purchase_order", purchase_order_id=receipt.purchase_order_id))
    if mutation.return_id:
        return _("Return %(number)s", number=mutation.return_.number), url_for("portal.return",
                                                                                return_id=mutation.return_id)
    return None


def mutation_reason(mutation):
    """The reason of a ledger line in the reader's language (a reason a person typed is shown as typed)."""
    reason = mutation.reason or ""
    for link, pattern, translated in SYSTEM_REASONS:
        match = pattern.fullmatch(reason) if getattr(mutation, link) else None
        if match:
            return translated(**match.groupdict())
    return reason


@bp.route("/products/<int:product_id>/images/<int:image_id>")
def product_image(product_id, image_id):
    """An image of one of the client's products, straight from the database (cached by the browser)."""
    client = current_client()
    image = get_owned_or_404(ProductImage.for_client(client).where(ProductImage.product == product_id), image_id)
    return image_response(image)
