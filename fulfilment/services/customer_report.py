"""The fulfilment customer report: what one client used in a period, as Picqer counts it.

Outbound: picklists closed in the period (for orders and for returns' replacements), their
lines and picked units; shipments created in the period (none can be cancelled here, so none
are left out), per carrier and country. Inbound: receipts completed in the period, their lines
and units; purchase orders created in the period (cancelled ones left out) and their lines.
Returns: returns completed in the period, cancelled ones left out, their lines and units.
Storage usage is as of now, whatever the period: until warehouse locations exist, each
*stock position* (a product's stock in one warehouse, when above 0) counts as one location in
use. The period is whole days in UTC, both ends included.

Every figure has a "show details" query behind it (``*_details``) and the same queries feed the
billing run (services.billing), so the report and the invoice count the same records.
"""

import calendar
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from operator import itemgetter

from peewee import JOIN, fn

from fulfilment.i18n import _, _l
from fulfilment.models import (
    Client,
    Order,
    Picklist,
    PicklistLine,
    Product,
    PurchaseOrder,
    PurchaseOrderLine,
    Receipt,
    ReceiptLine,
    Return,
    ReturnedProduct,
    ReturnStatus,
    Shipment,
    Stock,
    Warehouse,
)
from fulfilment.services.errors import ValidationFailed
from fulfilment.services.spreadsheets import Column, Spreadsheet, export_filename, export_rows, write_workbook

MAX_PERIOD_DAYS = 366
CANCELLED_RETURN_STATUS = "cancelled"


@dataclass(frozen=True)
class Period:
    """Whole UTC days from start to end, both included."""

    start: date
    end: date

    @property
    def starts_at(self):
        return datetime.combine(self.start, time.min)

    @property
    def ends_before(self):
        return datetime.combine(self.end + timedelta(days=1), time.min)

    @property
    def days(self):
        return (self.end - self.start).days + 1

    def contains(self, field):
        """A condition: the datetime field falls inside the period."""
        return (field >= self.starts_at) & (field < self.ends_before)

    def __str__(self):
        return f"{self.start:%Y-%m-%d} – {self.end:%Y-%m-%d}"


def make_period(start, end):
    """A Period from two dates; refused when the end is before the start or it spans more than a year."""
    if start is None or end is None:
        raise ValidationFailed(_("Give the first and the last day of the period."))
    if end < start:
        raise ValidationFailed(_("The end date is before the start date."))
    if (end - start).days + 1 > MAX_PERIOD_DAYS:
        raise ValidationFailed(_("A period is at most %(days)s days long.", days=MAX_PERIOD_DAYS))
    return Period(start, end)


def month_period(day):
    """The calendar month that day falls in."""
    last = calendar.monthrange(day.year, day.month)[1]
    return Period(day.replace(day=1), day.replace(day=last))


def parse_day(text, what="date"):
    """A YYYY-MM-DD text as a date; None for empty text; ValidationFailed otherwise.

    ``what`` names the value in the caller's words (the CLI's and the API's, both English)."""
    text = (text or "").strip()
    if not text:
        return None
    try:
        if len(text) != 10:
            raise ValueError
        return date.fromisoformat(text)
    except ValueError:
        raise ValidationFailed(_("The %(what)s must be a date written as YYYY-MM-DD, e.g. 2026-05-31.",
                                 what=what)) from None


# --- the records behind each figure ---------------------------------------------------------


def closed_picklists(client, period):
    """The client's picklists closed in the period (orders' and returns' replacement picklists)."""
    return Picklist.for_client(client).where((Picklist.status == "closed") & period.contains(Picklist.closed_at))


def picklist_lines_in(client, period):
    """Lines of the picklists closed in the period."""
    return (PicklistLine.for_client(client)
            .join(Picklist, on=(PicklistLine.picklist == Picklist.id))
            .where((Picklist.client == client) & (Picklist.status == "closed") & period.contains(Picklist.closed_at)))


def shipments_in(client, period):
    """Shipments created in the period, with their picklist (for the country)."""
    return (Shipment.for_client(client)
            .join(Picklist, on=(Shipment.picklist == Picklist.id))
            .where(period.contains(Shipment.shipped_at)))


def completed_receipts(client, period):
    return Receipt.for_client(client).where((Receipt.status == "completed") & period.contains(Receipt.completed_at))


def receipt_lines_in(client, period):
    return (ReceiptLine.for_client(client)
            .join(Receipt, on=(ReceiptLine.receipt == Receipt.id))
            .where((Receipt.client == client) & (Receipt.status == "completed")
                   & period.contains(Receipt.completed_at)))


def purchase_orders_in(client, period):
    return PurchaseOrder.for_client(client).where(
        period.contains(PurchaseOrder.created_at) & (PurchaseOrder.status != "cancelled"))


def completed_returns(client, period):
    """Returns completed in the period; a cancelled return (also a completed status) is left out."""
    return (Return.for_client(client)
            .join(ReturnStatus, on=(Return.status == ReturnStatus.id))
            .where(period.contains(Return.completed_at) & (ReturnStatus.name != CANCELLED_RETURN_STATUS)))


def returned_lines_in(client, period):
    return (ReturnedProduct.for_client(client)
            .join(Return, on=(ReturnedProduct.return_ == Return.id))
            .join(ReturnStatus, on=(Return.status == ReturnStatus.id))
            .where((Return.client == client) & period.contains(Return.completed_at)
                   & (ReturnStatus.name != CANCELLED_RETURN_STATUS)))


def stock_positions(client):
    """The client's stock positions now: product × warehouse rows with stock above 0."""
    return Stock.for_client(client).where(Stock.stock > 0)


# --- the report -----------------------------------------------------------------------------


def _count(query):
    return query.count()


def _sum(query, field):
    return int(query.select(fn.COALESCE(fn.SUM(field), 0)).scalar() or 0)


def shipment_groups(client, period):
    """Shipments per carrier and country: [(carrier, country, count)], largest first."""
    rows = (shipments_in(client, period)
            .select(Shipment.carrier, Picklist.delivery_country, fn.COUNT(Shipment.id).alias("n"))
            .group_by(Shipment.carrier, Picklist.delivery_country)
            .order_by(fn.COUNT(Shipment.id).desc(), Shipment.carrier, Picklist.delivery_country)
            .tuples())
    return [(carrier, country, n) for carrier, country, n in rows]


def storage_usage(client):
    """Storage as of now: positions (with their warehouse and product), products and units."""
    positions = list(
        stock_positions(client)
        .select(Stock.id, Stock.stock, Warehouse.id, Warehouse.name, Product.id, Product.product_code)
        .join_from(Stock, Warehouse).join_from(Stock, Product)
        .order_by(Warehouse.id, Product.product_code)
    )
    return {
        "positions": positions,
        "positions_count": len(positions),
        "products": len({position.product.id for position in positions}),
        "units": sum(position.stock for position in positions),
    }


def build_report(client, period):
    """Every figure of the report as a plain dict (see report_json for Picqer's JSON)."""
    groups = shipment_groups(client, period)
    storage = storage_usage(client)
    return {
        "client": client,
        "period": period,
        "picklists": _count(closed_picklists(client, period)),
        "picklist_rows": _count(picklist_lines_in(client, period)),
        "picklist_units": _sum(picklist_lines_in(client, period), PicklistLine.amount_picked),
        "shipments": sum(n for _, _, n in groups),
        "shipment_groups": groups,
        "shipment_countries": len({country for _, country, _ in groups}),
        "shipment_carriers": len({carrier for carrier, _, _ in groups}),
        "receipts": _count(completed_receipts(client, period)),
        "receipt_rows": _count(receipt_lines_in(client, period)),
        "receipt_units": _sum(receipt_lines_in(client, period), ReceiptLine.amount),
        "purchase_orders": _count(purchase_orders_in(client, period)),
        "purchase_order_rows": _count(
            PurchaseOrderLine.for_client(client).where(
                PurchaseOrderLine.purchase_order.in_(purchase_orders_in(client, period).select(PurchaseOrder.id)))),
        "returns": _count(completed_returns(client, period)),
        "return_rows": _count(returned_lines_in(client, period)),
        "return_units": _sum(returned_lines_in(client, period), ReturnedProduct.amount),
        "storage": storage,
    }


def report_json(report):
    """The report in the shape of Picqer's GET /fulfilment/customers/{id}/report.

    Until locations exist, ``stock_locations_in_use`` lists stock positions: idlocation is null
    and stock_location is the product code; ``stock_location_types_in_use`` has one row per
    warehouse with idlocation_type null. ``shipments`` lists shipments per carrier and country
    (its items' shape is ours: Picqer documents only an empty list).
    """
    storage = report["storage"]
    per_warehouse = {}
    for position in storage["positions"]:
        per_warehouse.setdefault(position.warehouse.id, [position.warehouse.name, 0])[1] += 1
    return {
        "meta_data": {
            "idfulfilment_customer": report["client"].id,
            "start_date": f"{report['period'].start:%Y-%m-%d}",
            "end_date": f"{report['period'].end:%Y-%m-%d}",
        },
        "inbound": {
            "receipts_count": report["receipts"],
            "receipts_rows_count": report["receipt_rows"],
            "receipts_products_total_amount": report["receipt_units"],
            "purchase_orders_count": report["purchase_orders"],
            "purchase_order_rows_count": report["purchase_order_rows"],
        },
        "outbound": {
            "picklists_count": report["picklists"],
            "picklist_rows_count": report["picklist_rows"],
            "picklist_products_count": report["picklist_units"],
            "shipments": [{"provider": carrier, "country": country, "shipments_count": n}
                          for carrier, country, n in report["shipment_groups"]],
            "shipments_count": report["shipments"],
            "shipment_country_count": report["shipment_countries"],
            "shipment_profile_count": report["shipment_carriers"],
        },
        "storage_usage": {
            "stock_locations_in_use_count": storage["positions_count"],
            "stock_locations_in_use": [
                {"idlocation": None, "idwarehouse": position.warehouse.id, "warehouse_name": position.warehouse.name,
                 "stock_location": position.product.product_code, "unique_products": 1,
                 "total_items": str(position.stock)}
                for position in storage["positions"]
            ],
            "stock_location_types_in_use": [
                {"idwarehouse": warehouse_id, "warehouse_name": name, "idlocation_type": None,
                 "name": "Stock position (no location)", "unique_locations": count}
                for warehouse_id, (name, count) in per_warehouse.items()
            ],
            "products_total": storage["products"],
            "stock_total": storage["units"],
        },
        "returns": {
            "returns_count": report["returns"],
            "return_rows_count": report["return_rows"],
            "return_products_count": report["return_units"],
        },
    }


# --- "show details": the records behind the figures -----------------------------------------

DETAILS = ("picklists", "shipments", "receipts", "returns")


def picklist_details(client, period):
    """Closed picklists with their order or return, line count and units picked, oldest first."""
    lines = (PicklistLine.select(PicklistLine.picklist.alias("picklist_id"), fn.COUNT(PicklistLine.id).alias("rows"),
                                 fn.SUM(PicklistLine.amount_picked).alias("units"))
             .where(PicklistLine.client == client).group_by(PicklistLine.picklist).alias("lines"))
    return (closed_picklists(client, period)
            .select(Picklist.id, Picklist.number, Picklist.closed_at, Picklist.delivery_name,
                    Picklist.delivery_country, Order.id.alias("order_id"), Order.number.alias("order"),
                    Return.id.alias("return_id"), Return.number.alias("return"),
                    fn.COALESCE(lines.c.rows, 0).alias("rows"), fn.COALESCE(lines.c.units, 0).alias("units"))
            .join_from(Picklist, Order, JOIN.LEFT_OUTER)
            .join_from(Picklist, Return, JOIN.LEFT_OUTER)
            .join_from(Picklist, lines, JOIN.LEFT_OUTER, on=(lines.c.picklist_id == Picklist.id))
            .order_by(Picklist.closed_at, Picklist.id).dicts())


def shipment_details(client, period):
    return (shipments_in(client, period)
            .select(Shipment.id, Shipment.shipped_at, Shipment.carrier, Shipment.tracking_code,
                    Picklist.id.alias("picklist_id"), Picklist.number.alias("picklist"),
                    Picklist.delivery_country, Order.number.alias("order"))
            .join_from(Shipment, Order, JOIN.LEFT_OUTER)
            .order_by(Shipment.shipped_at, Shipment.id).dicts())


def receipt_details(client, period):
    lines = (ReceiptLine.select(ReceiptLine.receipt.alias("receipt_id"), fn.COUNT(ReceiptLine.id).alias("rows"),
                                fn.SUM(ReceiptLine.amount).alias("units"))
             .where(ReceiptLine.client == client).group_by(ReceiptLine.receipt).alias("lines"))
    return (completed_receipts(client, period)
            .select(Receipt.id, Receipt.number, Receipt.completed_at, PurchaseOrder.id.alias("purchase_order_id"),
                    PurchaseOrder.number.alias("purchase_order"), PurchaseOrder.supplier_name,
                    fn.COALESCE(lines.c.rows, 0).alias("rows"), fn.COALESCE(lines.c.units, 0).alias("units"))
            .join_from(Receipt, PurchaseOrder)
            .join_from(Receipt, lines, JOIN.LEFT_OUTER, on=(lines.c.receipt_id == Receipt.id))
            .order_by(Receipt.completed_at, Receipt.id).dicts())


def return_details(client, period):
    lines = (ReturnedProduct.select(ReturnedProduct.return_.alias("return_id"),
                                    fn.COUNT(ReturnedProduct.id).alias("rows"),
                                    fn.SUM(ReturnedProduct.amount).alias("units"))
             .where(ReturnedProduct.client == client).group_by(ReturnedProduct.return_).alias("lines"))
    return (completed_returns(client, period)
            .select(Return.id, Return.number, Return.name, Return.completed_at, ReturnStatus.name.alias("status"),
                    Order.number.alias("order"),
                    fn.COALESCE(lines.c.rows, 0).alias("rows"), fn.COALESCE(lines.c.units, 0).alias("units"))
            .join_from(Return, Order, JOIN.LEFT_OUTER)
            .join_from(Return, lines, JOIN.LEFT_OUTER, on=(lines.c.return_id == Return.id))
            .order_by(Return.completed_at, Return.id).dicts())


DETAIL_QUERIES = {
    "picklists": picklist_details,
    "shipments": shipment_details,
    "receipts": receipt_details,
    "returns": return_details,
}

# The titles of each "show details" export's columns (read in the reader's language by detail_columns).
DETAIL_TITLES = {
    "picklists": ((_l("Picklist"), "number"), (_l("Closed"), "closed_at"), (_l("Order"), "order"),
                  (_l("Return"), "return"), (_l("Recipient"), "delivery_name"), (_l("Country"), "delivery_country"),
                  (_l("Rows"), "rows"), (_l("Units picked"), "units")),
    "shipments": ((_l("Created"), "shipped_at"), (_l("Picklist"), "picklist"), (_l("Order"), "order"),
                  (_l("Carrier"), "carrier"), (_l("Country"), "delivery_country"),
                  (_l("Tracking code"), "tracking_code")),
    "receipts": ((_l("Receipt"), "number"), (_l("Completed"), "completed_at"), (_l("Purchase order"), "purchase_order"),
                 (_l("Supplier"), "supplier_name"), (_l("Rows"), "rows"), (_l("Units"), "units")),
    "returns": ((_l("Return"), "number"), (_l("Completed"), "completed_at"), (_l("Status"), "status"),
                (_l("Order"), "order"), (_l("From"), "name"), (_l("Rows"), "rows"), (_l("Units"), "units")),
}
DETAIL_NAMES = {"picklists": _l("picklists"), "shipments": _l("shipments"), "receipts": _l("receipts"),
                "returns": _l("returns")}


def detail_columns(which):
    """The columns of one "show details" export, titled in the reader's language."""
    return [Column(str(title), itemgetter(key)) for title, key in DETAIL_TITLES[which]]


def details(client, period, which):
    """The records behind one figure of the report: "picklists", "shipments", "receipts" or "returns"."""
    if which not in DETAIL_QUERIES:
        raise ValidationFailed(_("Unknown details %(which)s; choose one of: %(choices)s.", which=repr(which),
                                 choices=", ".join(DETAILS)))
    return DETAIL_QUERIES[which](client, period)


# --- Excel ----------------------------------------------------------------------------------

def summary_columns():
    return [Column(_("Section"), itemgetter(0)), Column(_("Figure"), itemgetter(1)), Column(_("Value"), itemgetter(2))]


def summary_rows(report):
    """The report as (section, figure, value) rows, in the order the back office shows them, in the reader's
    language."""
    storage = report["storage"]
    outbound, inbound, returns, now = _("Outbound"), _("Inbound"), _("Returns"), _("Storage (now)")
    rows = [
        (_("Client"), _("Name"), report["client"].name),
        (_("Period"), _("First day"), report["period"].start),
        (_("Period"), _("Last day"), report["period"].end),
        (outbound, _("Picklists processed"), report["picklists"]),
        (outbound, _("Picklist rows"), report["picklist_rows"]),
        (outbound, _("Units picked"), report["picklist_units"]),
        (outbound, _("Shipments"), report["shipments"]),
        (outbound, _("Countries"), report["shipment_countries"]),
        (outbound, _("Carriers"), report["shipment_carriers"]),
    ]
    rows += [(_("Shipments"), _("%(carrier)s to %(country)s", carrier=carrier or _("(no carrier)"),
                                country=country or _("(no country)")), n)
             for carrier, country, n in report["shipment_groups"]]
    rows += [
        (inbound, _("Receipts processed"), report["receipts"]),
        (inbound, _("Receipt rows"), report["receipt_rows"]),
        (inbound, _("Units received"), report["receipt_units"]),
        (inbound, _("Purchase orders"), report["purchase_orders"]),
        (inbound, _("Purchase order rows"), report["purchase_order_rows"]),
        (returns, _("Returns processed"), report["returns"]),
        (returns, _("Return rows"), report["return_rows"]),
        (returns, _("Units returned"), report["return_units"]),
        (now, _("Stock positions in use"), storage["positions_count"]),
        (now, _("Products in stock"), storage["products"]),
        (now, _("Units in stock"), storage["units"]),
    ]
    return rows


def export_report(client, period, today=None):
    """The report's figures as an .xlsx file (one row per figure)."""
    import tempfile

    report = build_report(client, period)
    # The file outlives this function: the returned Spreadsheet owns it (its close() deletes it).
    target = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115
    try:
        rows = write_workbook(target, _("Customer report"), summary_columns(), summary_rows(report))
    except BaseException:
        target.close()
        raise
    target.seek(0)
    name = _("customer report %(client)s %(start)s %(end)s", client=client.name, start=period.start.isoformat(),
             end=period.end.isoformat())
    return Spreadsheet(filename=export_filename(name, today), file=target, rows=rows)


def export_details(client, period, which, *, max_rows, today=None):
    """One "show details" list as an .xlsx file, streamed by the shared exporter."""
    query = details(client, period, which)
    name = " ".join((str(DETAIL_NAMES[which]), f"{period.start:%Y-%m-%d}", f"{period.end:%Y-%m-%d}"))
    return export_rows(name, detail_columns(which), query, max_rows=max_rows, today=today)


def client_or_none(client_id):
    return Client.get_or_none(Client.id == client_id)
