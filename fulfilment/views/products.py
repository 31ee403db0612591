"""Products: the list with stock and stock value, the product page with images, stock and history."""

from flask import current_app, jsonify, render_template, url_for
from peewee import JOIN, fn

from fulfilment.images import image_response
from fulfilment.models import (
    Backorder,
    Order,
    Picklist,
    Product,
    ProductImage,
    PurchaseOrder,
    PurchaseOrderLine,
    Receipt,
    Return,
    Stock,
    StockMutation,
    Warehouse,
)
from fulfilment.views import bp
from fulfilment.views.listing import choice, matches_any, paginate, search_text, sort_order
from fulfilment.views.scope import current_client, get_owned_or_404
from fulfilment.views.stock_chart import stock_chart

OPEN_PURCHASE_ORDER_STATUSES = ("concept", "purchased")
LOOKUP_LIMIT = 20
STOCK_FILTERS = {"low": "Low or out of stock", "out": "Out of stock"}


def product_stock(client, product, column=Stock.stock):
    """Correlated: one product's column (stock, or stock - allocated) summed over the warehouses.

    Evaluated for the rows a page shows, not for all of a client's products before paging.
    """
    return fn.COALESCE(
        Stock.select(fn.SUM(column)).where((Stock.client == client) & (Stock.product == product)), 0)


def product_incoming(client, product):
    """Correlated: units of one product still expected on the client's open purchase orders."""
    return fn.COALESCE(
        PurchaseOrderLine.select(fn.SUM(PurchaseOrderLine.amount - PurchaseOrderLine.amount_received))
        .join(PurchaseOrder)
        .where((PurchaseOrderLine.client == client) & (PurchaseOrderLine.product == product)
               & PurchaseOrder.status.in_(OPEN_PURCHASE_ORDER_STATUSES)), 0)


def products_with_stock(client):
    """Client's products with stock_total, free_total and thumbnail_id, in one query.

    Returns (query, stock expression, free expression) so callers can filter and sort on them.
    The totals are correlated subqueries: a page sorted by code or name computes them for its 25
    rows only; sorting or filtering on stock computes them per product through (client, product).
    """
    stock = product_stock(client, Product.id)
    free = product_stock(client, Product.id, Stock.stock - Stock.allocated)
    thumbnail = (
        ProductImage.select(ProductImage.id)
        .where((ProductImage.client == client) & (ProductImage.product == Product.id))
        .order_by(ProductImage.position, ProductImage.id)
        .limit(1)
    )
    query = (
        Product.for_client(client)
        .select(Product, stock.alias("stock_total"), free.alias("free_total"), thumbnail.alias("thumbnail_id"))
    )
    return query, stock, free


def low_stock_condition(free, which="low"):
    """Low: free stock at or below LOW_STOCK_THRESHOLD; out: nothing free to ship."""
    threshold = current_app.config["LOW_STOCK_THRESHOLD"]
    return free <= 0 if which == "out" else free <= threshold


@bp.route("/products")
def products():
    client = current_client()
    query, stock, free = products_with_stock(client)
    text = search_text()
    if text:
        query = query.where(matches_any(text, Product.product_code, Product.name, Product.barcode))
    stock_filter = choice("stock", STOCK_FILTERS)
    if stock_filter:
        query = query.where((Product.active == True) & low_stock_condition(free, stock_filter))  # noqa: E712
    sort, order_by = sort_order(
        {
            "code": [Product.product_code],
            "name": [Product.name, Product.product_code],
            "barcode": [Product.barcode, Product.product_code],
            "stock": [stock, Product.product_code],
            "free": [free, Product.product_code],
            "value": [stock * Product.fixed_stock_price, Product.product_code],
        },
        default="code",
    )
    page = paginate(query.order_by(*order_by))
    for row in page:
        row.stock_value = stock_value(row, row.stock_total)
    return render_template(
        "portal/products.html", page=page, q=text, sort=sort, stock_filter=stock_filter,
        stock_filters=STOCK_FILTERS, threshold=current_app.config["LOW_STOCK_THRESHOLD"],
        manage=client.product_management,
    )


@bp.route("/products/lookup")
def product_lookup():
    """The client's active products matching ?q= (code, name or barcode) as JSON, for the line search."""
    client = current_client()
    query, _, _ = products_with_stock(client)
    query = query.where(Product.active == True)  # noqa: E712
    text = search_text()
    if text:
        query = query.where(matches_any(text, Product.product_code, Product.name, Product.barcode))
    found = query.order_by(Product.product_code).limit(LOOKUP_LIMIT)
    return jsonify(products=[
        {"id": product.id, "code": product.product_code, "name": product.name, "barcode": product.barcode,
         "free": int(product.free_total)}
        for product in found
    ])


def stock_value(product, stock):
    """What the client's stock of product is worth: stock × the fixed stock price."""
    return product.fixed_stock_price * stock


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
    incoming = (
        PurchaseOrderLine.for_client(client)
        .select(fn.COALESCE(fn.SUM(PurchaseOrderLine.amount - PurchaseOrderLine.amount_received), 0))
        .join(PurchaseOrder)
        .where((PurchaseOrderLine.product == product) & PurchaseOrder.status.in_(OPEN_PURCHASE_ORDER_STATUSES))
        .scalar()
    )
    history = paginate(
        stock_history(client, product),
        count_query=StockMutation.for_client(client).where(StockMutation.product == product),
    )
    return render_template(
        "portal/product.html", product=product, images=images, levels=levels, total_stock=total_stock,
        total_free=sum(level.free for level in levels), backordered=backordered, incoming=incoming,
        value=stock_value(product, total_stock), history=history,
        sources={mutation.id: mutation_source(mutation) for mutation in history},
        chart=stock_chart(client, product, total_stock), manage=client.product_management,
    )


def stock_history(client, product):
    """Product's ledger, newest first, with the warehouse and what caused each change (one query)."""
    return (
        StockMutation.for_client(client)
        .select(StockMutation, Warehouse, Picklist, Order, Receipt, PurchaseOrder, Return)
        .join_from(StockMutation, Warehouse)
        .join_from(StockMutation, Picklist, JOIN.LEFT_OUTER)
        .join_from(Picklist, Order, JOIN.LEFT_OUTER)
        .join_from(StockMutation, Receipt, JOIN.LEFT_OUTER)
        .join_from(Receipt, PurchaseOrder, JOIN.LEFT_OUTER)
        .join_from(StockMutation, Return, JOIN.LEFT_OUTER)
        .where(StockMutation.product == product)
        .order_by(StockMutation.created_at.desc(), StockMutation.id.desc())
    )


def mutation_source(mutation):
    """(label, url) of what caused a ledger line: a shipment or order, a purchase order, a return."""
    if mutation.picklist_id:
        picklist = mutation.picklist
        if picklist.status == "closed":
            return f"Shipment {picklist.number}", url_for("portal.shipment", picklist_id=picklist.id)
        if picklist.order_id:
            return f"Order {picklist.order.number}", url_for("portal.order", order_id=picklist.order_id)
        if picklist.return_id:
            return f"Return for picklist {picklist.number}", url_for("portal.return", return_id=picklist.return_id)
    if mutation.receipt_id:
        receipt = mutation.receipt
        return (f"Receipt {receipt.number} of {receipt.purchase_order.number}",
                url_for("portal.purchase_order", purchase_order_id=receipt.purchase_order_id))
    if mutation.return_id:
        return f"Return {mutation.return_.number}", url_for("portal.return", return_id=mutation.return_id)
    return None


@bp.route("/products/<int:product_id>/images/<int:image_id>")
def product_image(product_id, image_id):
    """An image of one of the client's products, straight from the database (cached by the browser)."""
    client = current_client()
    image = get_owned_or_404(ProductImage.for_client(client).where(ProductImage.product == product_id), image_id)
    return image_response(image)
