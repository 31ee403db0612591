"""What a client exports from the portal: its own rows only, each list with the portal's filters.

Every query starts from ``Model.for_client(client)`` (lines are reached through their parent's
scope) and selects, joins included, exactly the values its columns show, as dicts keyed by the
names the columns read: an export costs a fixed number of queries however long it is, and no
model objects are built for rows that go straight into a file. Each ``*_query`` function is
the list's rows; each ``export_*`` function writes them through the one exporter
(services.spreadsheets).
"""

from datetime import datetime, time, timedelta
from operator import itemgetter

from peewee import JOIN, fn

from fulfilment.models import (
    ORDER_SOURCES,
    ORDER_STATUSES,
    PURCHASE_ORDER_STATUSES,
    Backorder,
    Order,
    OrderLine,
    Picklist,
    Product,
    PurchaseOrder,
    PurchaseOrderLine,
    Receipt,
    Return,
    ReturnedProduct,
    ReturnStatus,
    Shipment,
    Stock,
    StockMutation,
    Warehouse,
    Webshop,
)
from fulfilment.services.errors import UnknownProduct, ValidationFailed
from fulfilment.services.spreadsheets import Column, export_rows

OPEN_PURCHASE_ORDER_STATUSES = ("concept", "purchased")
STOCK_FILTERS = ("low", "out")


def _matching(text, *fields):
    """Rows where any of fields contains text (case-insensitive; LIKE wildcards taken literally)."""
    condition = None
    for field in fields:
        clause = field.contains(text)
        condition = clause if condition is None else condition | clause
    return condition


def _search(query, text, *fields):
    text = (text or "").strip()
    return query.where(_matching(text, *fields)) if text else query


def _allowed(value, allowed, what):
    if value and value not in allowed:
        raise ValidationFailed(f"Unknown {what} {value!r}; choose one of: {', '.join(allowed)}.")
    return value


# --- Products with stock, free stock and stock value ----------------------------------------

PRODUCT_COLUMNS = [
    Column("Product code", itemgetter("product_code")),
    Column("Name", itemgetter("name")),
    Column("Barcode", itemgetter("barcode")),
    Column("Price", itemgetter("price"), money=True),
    Column("Stock price", itemgetter("fixed_stock_price"), money=True),
    Column("Stock", itemgetter("stock")),
    Column("Allocated", itemgetter("allocated")),
    Column("Free stock", lambda p: p["stock"] - p["allocated"]),
    Column("Stock value", lambda p: p["fixed_stock_price"] * p["stock"], money=True),
    Column("Active", itemgetter("active")),
]


def products_query(client, *, search="", stock_filter="", low_stock_threshold=5, sort="code"):
    """Client's products with their stock and allocated units summed over all warehouses.

    ``stock_filter`` "low" keeps active products with stock at or below the threshold, "out"
    those without stock; ``sort`` is a key of the portal's list ("name", "-stock" …).
    """
    _allowed(stock_filter, STOCK_FILTERS, "stock filter")
    totals = (
        Stock.select(Stock.product.alias("product_id"), fn.SUM(Stock.stock).alias("stock"),
                     fn.SUM(Stock.allocated).alias("allocated"))
        .where(Stock.client == client)
        .group_by(Stock.product)
        .alias("totals")
    )
    stock = fn.COALESCE(totals.c.stock, 0)
    allocated = fn.COALESCE(totals.c.allocated, 0)
    query = (
        Product.for_client(client)
        .select(Product.product_code, Product.name, Product.barcode, Product.price, Product.fixed_stock_price,
                Product.active, stock.alias("stock"), allocated.alias("allocated"))
        .join(totals, JOIN.LEFT_OUTER, on=(totals.c.product_id == Product.id))
    )
    query = _search(query, search, Product.product_code, Product.name, Product.barcode)
    if stock_filter:
        low = stock <= 0 if stock_filter == "out" else stock <= low_stock_threshold
        query = query.where((Product.active == True) & low)  # noqa: E712
    sorts = {
        "code": [Product.product_code],
        "name": [Product.name, Product.product_code],
        "barcode": [Product.barcode, Product.product_code],
        "stock": [stock, Product.product_code],
        "free": [stock - allocated, Product.product_code],
        "value": [stock * Product.fixed_stock_price, Product.product_code],
    }
    key = (sort or "code").lstrip("-")
    descending = (sort or "").startswith("-") and key in sorts
    order = sorts.get(key, sorts["code"])
    return query.order_by(*[e.desc() if descending else e.asc() for e in order]).dicts()


def export_products(client, *, max_rows, search="", stock_filter="", low_stock_threshold=5, sort="code",
                    today=None):
    """Client's products with stock, free stock and stock value (stock × fixed stock price)."""
    query = products_query(client, search=search, stock_filter=stock_filter,
                           low_stock_threshold=low_stock_threshold, sort=sort)
    return export_rows("Products", PRODUCT_COLUMNS, query, max_rows=max_rows, today=today)


# --- Stock history (the ledger) for a date range --------------------------------------------


def _mutation_reference(mutation):
    """What caused a ledger line: "Picklist P0001", "Receipt R0001", "Return RT0001" or nothing."""
    for kind in ("picklist", "receipt", "return"):
        if mutation[kind]:
            return f"{kind.capitalize()} {mutation[kind]}"
    return None


STOCK_HISTORY_COLUMNS = [
    Column("Date", itemgetter("created_at")),
    Column("Product code", itemgetter("product_code")),
    Column("Product name", itemgetter("product_name")),
    Column("Warehouse", itemgetter("warehouse")),
    Column("Old stock", itemgetter("old_stock")),
    Column("Change", itemgetter("change")),
    Column("New stock", itemgetter("new_stock")),
    Column("Type", itemgetter("change_type")),
    Column("Reason", itemgetter("reason")),
    Column("Reference", _mutation_reference),
]


def stock_history_query(client, *, date_from=None, date_to=None, product=None):
    """Client's stock mutations from date_from to date_to (both days included), oldest first."""
    if date_from and date_to and date_from > date_to:
        raise ValidationFailed("The start date is after the end date.")
    if product is not None and product.client_id != getattr(client, "id", client):
        raise UnknownProduct("Unknown product.")
    query = (
        StockMutation.for_client(client)
        .select(
            StockMutation.created_at, Product.product_code, Product.name.alias("product_name"),
            Warehouse.name.alias("warehouse"), StockMutation.old_stock, StockMutation.change,
            StockMutation.new_stock, StockMutation.change_type, StockMutation.reason,
            Picklist.number.alias("picklist"), Receipt.number.alias("receipt"), Return.number.alias("return"),
        )
        .join_from(StockMutation, Product)
        .join_from(StockMutation, Warehouse)
        .join_from(StockMutation, Picklist, JOIN.LEFT_OUTER)
        .join_from(StockMutation, Receipt, JOIN.LEFT_OUTER)
        .join_from(StockMutation, Return, JOIN.LEFT_OUTER)
    )
    if date_from:
        query = query.where(StockMutation.created_at >= datetime.combine(date_from, time.min))
    if date_to:
        query = query.where(StockMutation.created_at < datetime.combine(date_to + timedelta(days=1), time.min))
    if product is not None:
        query = query.where(StockMutation.product == product)
    return query.order_by(StockMutation.created_at, StockMutation.id).dicts()


def export_stock_history(client, *, max_rows, date_from=None, date_to=None, product=None, today=None):
    """Client's stock history for a date range (optionally one product), with what caused each change."""
    query = stock_history_query(client, date_from=date_from, date_to=date_to, product=product)
    return export_rows("Stock history", STOCK_HISTORY_COLUMNS, query, max_rows=max_rows, today=today)


# --- Orders, one row per order line ---------------------------------------------------------

ORDER_FIELDS = (
    Order.number, Order.reference, Order.status, Order.source, Webshop.name.alias("webshop"),
    Order.foreign_number, Order.created_at, Order.delivery_name, Order.delivery_contact_name,
    Order.delivery_address, Order.delivery_zipcode, Order.delivery_city, Order.delivery_country, Order.email,
    Product.product_code, Product.name.alias("product_name"), OrderLine.amount, OrderLine.amount_cancelled,
    OrderLine.price,
)
ORDER_COLUMNS = [
    Column(title, itemgetter(key), money=(key == "price"))
    for title, key in (
        ("Order", "number"), ("Reference", "reference"), ("Status", "status"), ("Source", "source"),
        ("Webshop", "webshop"), ("Webshop order", "foreign_number"), ("Created", "created_at"),
        ("Recipient", "delivery_name"), ("Contact", "delivery_contact_name"), ("Address", "delivery_address"),
        ("Zipcode", "delivery_zipcode"), ("City", "delivery_city"), ("Country", "delivery_country"),
        ("E-mail", "email"), ("Product code", "product_code"), ("Product name", "product_name"),
        ("Amount", "amount"), ("Cancelled", "amount_cancelled"), ("Price", "price"),
    )
]


def orders_query(client, *, status="", source="", search=""):
    """Client's orders joined with their lines (one row per line), newest order first."""
    _allowed(status, ORDER_STATUSES, "order status")
    _allowed(source, ORDER_SOURCES, "order source")
    query = (
        Order.for_client(client)
        .select(*ORDER_FIELDS)
        .join_from(Order, Webshop, JOIN.LEFT_OUTER)
        .join_from(Order, OrderLine, JOIN.LEFT_OUTER, on=(OrderLine.order == Order.id))
        .join_from(OrderLine, Product, JOIN.LEFT_OUTER)
    )
    if status:
        query = query.where(Order.status == status)
    if source:
        query = query.where(Order.source == source)
    query = _search(query, search, Order.number, Order.reference, Order.foreign_number, Order.delivery_name,
                    Order.delivery_contact_name, Order.email)
    return query.order_by(Order.created_at.desc(), Order.id.desc(), OrderLine.id).dicts()


def export_orders(client, *, max_rows, status="", source="", search="", today=None):
    """Client's orders with their lines, filtered as the portal's order list."""
    query = orders_query(client, status=status, source=source, search=search)
    return export_rows("Orders", ORDER_COLUMNS, query, max_rows=max_rows, today=today)


# --- Shipments ------------------------------------------------------------------------------

SHIPMENT_FIELDS = (
    Shipment.shipped_at, Picklist.number.alias("picklist"), Order.number.alias("order"),
    Order.reference.alias("order_reference"), Return.number.alias("return"), Picklist.delivery_name,
    Picklist.delivery_zipcode, Picklist.delivery_city, Picklist.delivery_country, Shipment.carrier,
    Shipment.tracking_code, Shipment.tracking_url,
)
SHIPMENT_COLUMNS = [
    Column(title, itemgetter(key))
    for title, key in (
        ("Shipped", "shipped_at"), ("Picklist", "picklist"), ("Order", "order"),
        ("Order reference", "order_reference"), ("Return", "return"), ("Recipient", "delivery_name"),
        ("Zipcode", "delivery_zipcode"), ("City", "delivery_city"), ("Country", "delivery_country"),
        ("Carrier", "carrier"), ("Tracking code", "tracking_code"), ("Tracking URL", "tracking_url"),
    )
]


def shipments_query(client, *, search=""):
    """Client's shipments of closed picklists, newest picklist first.

    The search matches the picklist, its order or recipient, or any shipment's tracking code or
    carrier (then every shipment of that picklist is listed, as on the portal page).
    """
    query = (
        Shipment.for_client(client)
        .select(*SHIPMENT_FIELDS)
        .join_from(Shipment, Picklist)
        .join_from(Picklist, Order, JOIN.LEFT_OUTER)
        .join_from(Picklist, Return, JOIN.LEFT_OUTER)
        .where((Picklist.client == client) & (Picklist.status == "closed"))
    )
    text = (search or "").strip()
    if text:
        tracked = Shipment.for_client(client).select(Shipment.picklist).where(
            _matching(text, Shipment.tracking_code, Shipment.carrier)
        )
        query = query.where(
            _matching(text, Picklist.number, Order.number, Order.reference, Picklist.delivery_name)
            | Picklist.id.in_(tracked)
        )
    return query.order_by(Picklist.closed_at.desc(), Picklist.id.desc(), Shipment.id).dicts()


def export_shipments(client, *, max_rows, search="", today=None):
    """Client's shipments with carrier and track & trace, filtered as the portal's shipment list."""
    return export_rows("Shipments", SHIPMENT_COLUMNS, shipments_query(client, search=search), max_rows=max_rows,
                       today=today)


# --- Backorders -----------------------------------------------------------------------------

BACKORDER_COLUMNS = [
    Column(title, itemgetter(key))
    for title, key in (
        ("Since", "created_at"), ("Order", "order"), ("Order reference", "order_reference"),
        ("Product code", "product_code"), ("Product name", "product_name"), ("Backordered", "amount"),
        ("Free stock", "free"), ("Incoming", "incoming"),
    )
]


def backorders_query(client, *, search=""):
    """Client's backorders, oldest first, beside each product's free stock and units incoming."""
    free = (
        Stock.select(Stock.product.alias("product_id"), fn.SUM(Stock.stock - Stock.allocated).alias("free"))
        .where(Stock.client == client)
        .group_by(Stock.product)
        .alias("free_stock")
    )
    incoming = (
        PurchaseOrderLine.select(
            PurchaseOrderLine.product.alias("product_id"),
            fn.SUM(PurchaseOrderLine.amount - PurchaseOrderLine.amount_received).alias("incoming"),
        )
        .join(PurchaseOrder)
        .where((PurchaseOrderLine.client == client) & PurchaseOrder.status.in_(OPEN_PURCHASE_ORDER_STATUSES))
        .group_by(PurchaseOrderLine.product)
        .alias("incoming")
    )
    query = (
        Backorder.for_client(client)
        .select(Backorder.created_at, Order.number.alias("order"), Order.reference.alias("order_reference"),
                Product.product_code, Product.name.alias("product_name"), Backorder.amount,
                fn.COALESCE(free.c.free, 0).alias("free"), fn.COALESCE(incoming.c.incoming, 0).alias("incoming"))
        .join_from(Backorder, Product)
        .join_from(Backorder, Order)
        .join_from(Backorder, free, JOIN.LEFT_OUTER, on=(free.c.product_id == Backorder.product))
        .join_from(Backorder, incoming, JOIN.LEFT_OUTER, on=(incoming.c.product_id == Backorder.product))
    )
    query = _search(query, search, Product.product_code, Product.name, Order.number, Order.reference)
    return query.order_by(Backorder.created_at, Backorder.id).dicts()


def export_backorders(client, *, max_rows, search="", today=None):
    """Client's backorders with free stock and what is on its way, filtered as the portal's list."""
    return export_rows("Backorders", BACKORDER_COLUMNS, backorders_query(client, search=search),
                       max_rows=max_rows, today=today)


# --- Purchase orders, one row per line ------------------------------------------------------

def _outstanding(line):
    return None if line["amount"] is None else line["amount"] - line["amount_received"]


PURCHASE_ORDER_FIELDS = (
    PurchaseOrder.number, PurchaseOrder.supplier_name, PurchaseOrder.supplier_orderid, PurchaseOrder.status,
    PurchaseOrder.delivery_date, PurchaseOrder.created_at, Product.product_code, Product.name.alias("product_name"),
    PurchaseOrderLine.amount, PurchaseOrderLine.amount_received, PurchaseOrderLine.price,
)
PURCHASE_ORDER_COLUMNS = [
    Column("Purchase order", itemgetter("number")),
    Column("Supplier", itemgetter("supplier_name")),
    Column("Supplier reference", itemgetter("supplier_orderid")),
    Column("Status", itemgetter("status")),
    Column("Expected", itemgetter("delivery_date")),
    Column("Created", itemgetter("created_at")),
    Column("Product code", itemgetter("product_code")),
    Column("Product name", itemgetter("product_name")),
    Column("Amount", itemgetter("amount")),
    Column("Received", itemgetter("amount_received")),
    Column("Outstanding", _outstanding),
    Column("Price", itemgetter("price"), money=True),
]


def purchase_orders_query(client, *, status="", search=""):
    """Client's purchase orders joined with their lines (one row per line), newest first."""
    _allowed(status, PURCHASE_ORDER_STATUSES, "purchase order status")
    query = (
        PurchaseOrder.for_client(client)
        .select(*PURCHASE_ORDER_FIELDS)
        .join_from(PurchaseOrder, PurchaseOrderLine, JOIN.LEFT_OUTER,
                   on=(PurchaseOrderLine.purchase_order == PurchaseOrder.id))
        .join_from(PurchaseOrderLine, Product, JOIN.LEFT_OUTER)
    )
    if status:
        query = query.where(PurchaseOrder.status == status)
    query = _search(query, search, PurchaseOrder.number, PurchaseOrder.supplier_name, PurchaseOrder.supplier_orderid)
    return query.order_by(PurchaseOrder.created_at.desc(), PurchaseOrder.id.desc(), PurchaseOrderLine.id).dicts()


def export_purchase_orders(client, *, max_rows, status="", search="", today=None):
    """Client's purchase orders with their lines and what has been received."""
    query = purchase_orders_query(client, status=status, search=search)
    return export_rows("Purchase orders", PURCHASE_ORDER_COLUMNS, query, max_rows=max_rows, today=today)


# --- Returns, one row per returned product --------------------------------------------------

RETURN_FIELDS = (
    Return.number, Return.created_at, ReturnStatus.name.alias("status"), Order.number.alias("order"), Return.name,
    Return.tracking_code, Product.product_code, Product.name.alias("product_name"), ReturnedProduct.amount,
    ReturnedProduct.amount_received, ReturnedProduct.reason,
)
RETURN_COLUMNS = [
    Column(title, itemgetter(key))
    for title, key in (
        ("Return", "number"), ("Created", "created_at"), ("Status", "status"), ("Order", "order"), ("Name", "name"),
        ("Tracking code", "tracking_code"), ("Product code", "product_code"), ("Product name", "product_name"),
        ("Amount", "amount"), ("Received", "amount_received"), ("Reason", "reason"),
    )
]


def returns_query(client, *, status="", search=""):
    """Client's returns joined with their returned products (one row per product), newest first.

    ``status`` is a return status name ("announced", "received" …).
    """
    query = (
        Return.for_client(client)
        .select(*RETURN_FIELDS)
        .join_from(Return, ReturnStatus)
        .join_from(Return, Order, JOIN.LEFT_OUTER)
        .join_from(Return, ReturnedProduct, JOIN.LEFT_OUTER, on=(ReturnedProduct.return_ == Return.id))
        .join_from(ReturnedProduct, Product, JOIN.LEFT_OUTER)
    )
    if status:
        names = [name for (name,) in ReturnStatus.select(ReturnStatus.name).order_by(ReturnStatus.position).tuples()]
        _allowed(status, names, "return status")
        query = query.where(ReturnStatus.name == status)
    query = _search(query, search, Return.number, Return.name, Return.tracking_code, Return.email, Order.number)
    return query.order_by(Return.created_at.desc(), Return.id.desc(), ReturnedProduct.id).dicts()


def export_returns(client, *, max_rows, status="", search="", today=None):
    """Client's returns with the products that came back and why."""
    return export_rows("Returns", RETURN_COLUMNS, returns_query(client, status=status, search=search),
                       max_rows=max_rows, today=today)
