"""What a client exports from the portal: the portal's lists (services.listings) as spreadsheets.

Each export is the columns of one list: the rows come from the list's own listing, with the
filters on screen, so a client exports exactly what the list shows (its lines included). The
one exporter (services.spreadsheets) streams them.
"""

from operator import itemgetter

from fulfilment.i18n import _, _l
from fulfilment.services import listings
from fulfilment.services.spreadsheets import Column, export_rows
from fulfilment.vocabulary import status_label

# --- Products with stock, free stock and stock value ----------------------------------------

PRODUCT_COLUMNS = [
    Column(_l("Product code"), itemgetter("product_code")),
    Column(_l("Name"), itemgetter("name")),
    Column(_l("Barcode"), itemgetter("barcode")),
    Column(_l("Price"), itemgetter("price"), money=True),
    Column(_l("Stock price"), itemgetter("fixed_stock_price"), money=True),
    Column(_l("Stock"), itemgetter("stock_total")),
    Column(_l("Allocated"), lambda p: p["stock_total"] - p["free_total"]),
    Column(_l("Free stock"), itemgetter("free_total")),
    Column(_l("Stock value"), lambda p: p["fixed_stock_price"] * p["stock_total"], money=True),
    Column(_l("Active"), itemgetter("active")),
    Column(_l("HS code"), itemgetter("hs_code")),
    Column(_l("Country of origin"), itemgetter("country_of_origin")),
    Column(_l("Customs description"), itemgetter("customs_description")),
    Column(_l("Weight (g)"), itemgetter("weight_grams")),
    Column(_l("Length (mm)"), itemgetter("length_mm")),
    Column(_l("Width (mm)"), itemgetter("width_mm")),
    Column(_l("Height (mm)"), itemgetter("height_mm")),
]


def export_products(client, *, max_rows, search="", stock_filter="", low_stock_threshold=5, sort="code",
                    today=None):
    """Client's products with stock, free stock and stock value (stock × fixed stock price)."""
    listing = listings.ProductList(client, search=search, stock_filter=stock_filter,
                                   low_stock_threshold=low_stock_threshold, sort=sort)
    return export_rows(_l("Products"), PRODUCT_COLUMNS, listing.export_rows(), max_rows=max_rows, today=today)


# --- Stock history (the ledger) for a date range --------------------------------------------


def _mutation_reference(mutation):
    """What caused a ledger line: "Picklist P0001", "Receipt R0001", "Return RT0001" or nothing."""
    if mutation["picklist"]:
        return _("Picklist %(number)s", number=mutation["picklist"])
    if mutation["receipt"]:
        return _("Receipt %(number)s", number=mutation["receipt"])
    if mutation["return"]:
        return _("Return %(number)s", number=mutation["return"])
    return None


def _status(key):
    """A status as the lists show it, in the reader's language."""
    return lambda row: status_label(row[key]) if row[key] else row[key]


STOCK_HISTORY_COLUMNS = [
    Column(_l("Date"), itemgetter("created_at")),
    Column(_l("Product code"), itemgetter("product_code")),
    Column(_l("Product name"), itemgetter("product_name")),
    Column(_l("Warehouse"), itemgetter("warehouse")),
    Column(_l("Old stock"), itemgetter("old_stock")),
    Column(_l("Change"), itemgetter("change")),
    Column(_l("New stock"), itemgetter("new_stock")),
    Column(_l("Type"), itemgetter("change_type")),
    Column(_l("Reason"), itemgetter("reason")),
    Column(_l("Reference"), _mutation_reference),
]


def export_stock_history(client, *, max_rows, date_from=None, date_to=None, product=None, change_type="",
                         today=None):
    """Client's stock history for a date range (optionally one product, one type), with what caused each change."""
    listing = listings.StockHistory(client, date_from=date_from, date_to=date_to, product=product,
                                    change_type=change_type)
    return export_rows(_l("Stock history"), STOCK_HISTORY_COLUMNS, listing.export_rows(), max_rows=max_rows,
                       today=today)


# --- Orders, one row per order line ---------------------------------------------------------

ORDER_COLUMNS = [
    Column(title, _status(key) if key == "status" else itemgetter(key), money=(key == "price"))
    for title, key in (
        (_l("Order"), "number"), (_l("Reference"), "reference"), (_l("Status"), "status"), (_l("Source"), "source"),
        (_l("Webshop"), "webshop"), (_l("Webshop order"), "foreign_number"), (_l("Created"), "created_at"),
        (_l("Recipient"), "delivery_name"), (_l("Contact"), "delivery_contact_name"),
        (_l("Address"), "delivery_address"),
        (_l("Zipcode"), "delivery_zipcode"), (_l("City"), "delivery_city"), (_l("Country"), "delivery_country"),
        (_l("E-mail"), "email"), (_l("Product code"), "product_code"), (_l("Product name"), "product_name"),
        (_l("Amount"), "amount"), (_l("Cancelled"), "amount_cancelled"), (_l("Price"), "price"),
    )
]


def export_orders(client, *, max_rows, status="", source="", search="", today=None):
    """Client's orders with their lines, filtered as the portal's order list."""
    listing = listings.OrderList(client, status=status, source=source, search=search)
    return export_rows(_l("Orders"), ORDER_COLUMNS, listing.export_rows(), max_rows=max_rows, today=today)


# --- Shipments ------------------------------------------------------------------------------

SHIPMENT_COLUMNS = [
    Column(title, itemgetter(key))
    for title, key in (
        (_l("Shipped"), "shipped_at"), (_l("Picklist"), "picklist"), (_l("Order"), "order"),
        (_l("Order reference"), "order_reference"), (_l("Return"), "return"), (_l("Recipient"), "delivery_name"),
        (_l("Zipcode"), "delivery_zipcode"), (_l("City"), "delivery_city"), (_l("Country"), "delivery_country"),
        (_l("Carrier"), "carrier"), (_l("Tracking code"), "tracking_code"), (_l("Tracking URL"), "tracking_url"),
    )
]


def export_shipments(client, *, max_rows, search="", today=None):
    """Client's shipments with carrier and track & trace, filtered as the portal's shipment list."""
    listing = listings.ShipmentList(client, search=search)
    return export_rows(_l("Shipments"), SHIPMENT_COLUMNS, listing.export_rows(), max_rows=max_rows, today=today)


# --- Backorders -----------------------------------------------------------------------------

BACKORDER_COLUMNS = [
    Column(title, itemgetter(key))
    for title, key in (
        (_l("Since"), "created_at"), (_l("Order"), "order"), (_l("Order reference"), "order_reference"),
        (_l("Product code"), "product_code"), (_l("Product name"), "product_name"), (_l("Backordered"), "amount"),
        (_l("Free stock"), "free"), (_l("Incoming"), "incoming"),
    )
]


def export_backorders(client, *, max_rows, search="", today=None):
    """Client's backorders with free stock and what is on its way, filtered as the portal's list."""
    listing = listings.BackorderList(client, search=search)
    return export_rows(_l("Backorders"), BACKORDER_COLUMNS, listing.export_rows(), max_rows=max_rows, today=today)


# --- Purchase orders, one row per line ------------------------------------------------------

def _outstanding(line):
    return None if line["amount"] is None else line["amount"] - line["amount_received"]


PURCHASE_ORDER_COLUMNS = [
    Column(_l("Purchase order"), itemgetter("number")),
    Column(_l("Supplier"), itemgetter("supplier_name")),
    Column(_l("Supplier reference"), itemgetter("supplier_orderid")),
    Column(_l("Status"), _status("status")),
    Column(_l("Expected"), itemgetter("delivery_date")),
    Column(_l("Created"), itemgetter("created_at")),
    Column(_l("Product code"), itemgetter("product_code")),
    Column(_l("Product name"), itemgetter("product_name")),
    Column(_l("Amount"), itemgetter("amount")),
    Column(_l("Received"), itemgetter("amount_received")),
    Column(_l("Outstanding"), _outstanding),
    Column(_l("Price"), itemgetter("price"), money=True),
]


def export_purchase_orders(client, *, max_rows, status="", search="", today=None):
    """Client's purchase orders with their lines and what has been received."""
    listing = listings.PurchaseOrderList(client, status=status, search=search)
    return export_rows(_l("Purchase orders"), PURCHASE_ORDER_COLUMNS, listing.export_rows(), max_rows=max_rows,
                       today=today)


# --- Returns, one row per returned product --------------------------------------------------

RETURN_COLUMNS = [
    Column(title, _status(key) if key == "status" else itemgetter(key))
    for title, key in (
        (_l("Return"), "number"), (_l("Created"), "created_at"), (_l("Status"), "status"), (_l("Order"), "order"),
        (_l("Name"), "name"), (_l("Tracking code"), "tracking_code"), (_l("Product code"), "product_code"),
        (_l("Product name"), "product_name"),
        (_l("Amount"), "amount"), (_l("Received"), "amount_received"), (_l("Reason"), "reason"),
    )
]


def export_returns(client, *, max_rows, status="", search="", today=None):
    """Client's returns with the products that came back and why."""
    listing = listings.ReturnList(client, status=status, search=search)
    return export_rows(_l("Returns"), RETURN_COLUMNS, listing.export_rows(), max_rows=max_rows, today=today)
