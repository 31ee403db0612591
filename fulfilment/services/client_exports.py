"""What a client exports from the portal: the portal's lists (services.listings) as spreadsheets.

Each export is the columns of one list: the rows come from the list's own listing, with the
filters on screen, so a client exports exactly what the list shows (its lines included). The
one exporter (services.spreadsheets) streams them.
"""

from operator import itemgetter

from fulfilment.services import listings
from fulfilment.services.spreadsheets import Column, export_rows

# --- Products with stock, free stock and stock value ----------------------------------------

PRODUCT_COLUMNS = [
    Column("Product code", itemgetter("product_code")),
    Column("Name", itemgetter("name")),
    Column("Barcode", itemgetter("barcode")),
    Column("Price", itemgetter("price"), money=True),
    Column("Stock price", itemgetter("fixed_stock_price"), money=True),
    Column("Stock", itemgetter("stock_total")),
    Column("Allocated", lambda p: p["stock_total"] - p["free_total"]),
    Column("Free stock", itemgetter("free_total")),
    Column("Stock value", lambda p: p["fixed_stock_price"] * p["stock_total"], money=True),
    Column("Active", itemgetter("active")),
    Column("HS code", itemgetter("hs_code")),
    Column("Country of origin", itemgetter("country_of_origin")),
    Column("Customs description", itemgetter("customs_description")),
    Column("Weight (g)", itemgetter("weight_grams")),
    Column("Length (mm)", itemgetter("length_mm")),
    Column("Width (mm)", itemgetter("width_mm")),
    Column("Height (mm)", itemgetter("height_mm")),
]


def export_products(client, *, max_rows, search="", stock_filter="", low_stock_threshold=5, sort="code",
                    today=None):
    """Client's products with stock, free stock and stock value (stock × fixed stock price)."""
    listing = listings.ProductList(client, search=search, stock_filter=stock_filter,
                                   low_stock_threshold=low_stock_threshold, sort=sort)
    return export_rows("Products", PRODUCT_COLUMNS, listing.export_rows(), max_rows=max_rows, today=today)


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


def export_stock_history(client, *, max_rows, date_from=None, date_to=None, product=None, change_type="",
                         today=None):
    """Client's stock history for a date range (optionally one product, one type), with what caused each change."""
    listing = listings.StockHistory(client, date_from=date_from, date_to=date_to, product=product,
                                    change_type=change_type)
    return export_rows("Stock history", STOCK_HISTORY_COLUMNS, listing.export_rows(), max_rows=max_rows,
                       today=today)


# --- Orders, one row per order line ---------------------------------------------------------

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


def export_orders(client, *, max_rows, status="", source="", search="", today=None):
    """Client's orders with their lines, filtered as the portal's order list."""
    listing = listings.OrderList(client, status=status, source=source, search=search)
    return export_rows("Orders", ORDER_COLUMNS, listing.export_rows(), max_rows=max_rows, today=today)


# --- Shipments ------------------------------------------------------------------------------

SHIPMENT_COLUMNS = [
    Column(title, itemgetter(key))
    for title, key in (
        ("Shipped", "shipped_at"), ("Picklist", "picklist"), ("Order", "order"),
        ("Order reference", "order_reference"), ("Return", "return"), ("Recipient", "delivery_name"),
        ("Zipcode", "delivery_zipcode"), ("City", "delivery_city"), ("Country", "delivery_country"),
        ("Carrier", "carrier"), ("Tracking code", "tracking_code"), ("Tracking URL", "tracking_url"),
    )
]


def export_shipments(client, *, max_rows, search="", today=None):
    """Client's shipments with carrier and track & trace, filtered as the portal's shipment list."""
    listing = listings.ShipmentList(client, search=search)
    return export_rows("Shipments", SHIPMENT_COLUMNS, listing.export_rows(), max_rows=max_rows, today=today)


# --- Backorders -----------------------------------------------------------------------------

BACKORDER_COLUMNS = [
    Column(title, itemgetter(key))
    for title, key in (
        ("Since", "created_at"), ("Order", "order"), ("Order reference", "order_reference"),
        ("Product code", "product_code"), ("Product name", "product_name"), ("Backordered", "amount"),
        ("Free stock", "free"), ("Incoming", "incoming"),
    )
]


def export_backorders(client, *, max_rows, search="", today=None):
    """Client's backorders with free stock and what is on its way, filtered as the portal's list."""
    listing = listings.BackorderList(client, search=search)
    return export_rows("Backorders", BACKORDER_COLUMNS, listing.export_rows(), max_rows=max_rows, today=today)


# --- Purchase orders, one row per line ------------------------------------------------------

def _outstanding(line):
    return None if line["amount"] is None else line["amount"] - line["amount_received"]


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


def export_purchase_orders(client, *, max_rows, status="", search="", today=None):
    """Client's purchase orders with their lines and what has been received."""
    listing = listings.PurchaseOrderList(client, status=status, search=search)
    return export_rows("Purchase orders", PURCHASE_ORDER_COLUMNS, listing.export_rows(), max_rows=max_rows,
                       today=today)


# --- Returns, one row per returned product --------------------------------------------------

RETURN_COLUMNS = [
    Column(title, itemgetter(key))
    for title, key in (
        ("Return", "number"), ("Created", "created_at"), ("Status", "status"), ("Order", "order"), ("Name", "name"),
        ("Tracking code", "tracking_code"), ("Product code", "product_code"), ("Product name", "product_name"),
        ("Amount", "amount"), ("Received", "amount_received"), ("Reason", "reason"),
    )
]


def export_returns(client, *, max_rows, status="", search="", today=None):
    """Client's returns with the products that came back and why."""
    listing = listings.ReturnList(client, status=status, search=search)
    return export_rows("Returns", RETURN_COLUMNS, listing.export_rows(), max_rows=max_rows, today=today)
