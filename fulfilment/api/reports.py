"""The fulfilment customer report, as Picqer's GET /fulfilment/customers/{id}/report (staff keys only).

Filters as Picqer documents them: ``start-date`` and ``end-date`` (YYYY-MM-DD, both days included);
``startdate`` and ``enddate`` are accepted too. Without them the report covers the current month; with only
one of them, the month of that day from or until it.
"""

from flask import jsonify, request

from fulfilment.api import openapi
from fulfilment.api.auth import get_owned_or_404, staff_only
from fulfilment.api.blueprint import bp
from fulfilment.api.errors import invalid
from fulfilment.models import Client
from fulfilment.services import customer_report
from fulfilment.services.billing import today_utc
from fulfilment.services.errors import ValidationFailed

START_NAMES = ("start-date", "startdate")
END_NAMES = ("end-date", "enddate")


def _requested_day(names):
    for name in names:
        value = request.args.get(name)
        if value not in (None, ""):
            try:
                return customer_report.parse_day(value, name)
            except ValidationFailed:
                raise invalid(name, "a date such as 2026-05-31") from None
    return None


def requested_period():
    """The period from the query string: without dates the current month; with one date, that date's month
    from or until it."""
    start, end = _requested_day(START_NAMES), _requested_day(END_NAMES)
    if start is None and end is None:
        month = customer_report.month_period(today_utc())
        start, end = month.start, month.end
    elif start is None:
        start = customer_report.month_period(end).start
    elif end is None:
        end = customer_report.month_period(start).end
    return customer_report.make_period(start, end)


@bp.get("/fulfilment/customers/<int:idfulfilment_customer>/report")
@staff_only
def customer_report_json(idfulfilment_customer):
    client = get_owned_or_404(Client, idfulfilment_customer, "Fulfilment customer")
    period = requested_period()
    return jsonify(customer_report.report_json(customer_report.build_report(client, period)))


# --- the OpenAPI description of this endpoint -----------------------------------------------

_INT, _STR, _ID = openapi.INTEGER, openapi.STRING, openapi.ID
openapi.SCHEMAS["FulfilmentCustomerReport"] = openapi.answer({
    "meta_data": openapi.answer({"idfulfilment_customer": _ID, "start_date": openapi.DATE, "end_date": openapi.DATE}),
    "inbound": openapi.answer({name: _INT for name in (
        "receipts_count", "receipts_rows_count", "receipts_products_total_amount", "purchase_orders_count",
        "purchase_order_rows_count")}),
    "outbound": openapi.answer({
        "picklists_count": _INT, "picklist_rows_count": _INT, "picklist_products_count": _INT,
        "shipments": openapi.array(openapi.answer({"provider": _STR, "country": _STR, "shipments_count": _INT})),
        "shipments_count": _INT, "shipment_country_count": _INT, "shipment_profile_count": _INT,
    }),
    "storage_usage": openapi.answer({
        "stock_locations_in_use_count": _INT,
        "stock_locations_in_use": openapi.array(openapi.answer({
            "idlocation": openapi.nullable(_ID), "idwarehouse": _ID, "warehouse_name": _STR, "stock_location": _STR,
            "unique_products": _INT, "total_items": _STR})),
        "stock_location_types_in_use": openapi.array(openapi.answer({
            "idwarehouse": _ID, "warehouse_name": _STR, "idlocation_type": openapi.nullable(_ID), "name": _STR,
            "unique_locations": _INT})),
        "products_total": _INT, "stock_total": _INT,
    }),
    "returns": openapi.answer({"returns_count": _INT, "return_rows_count": _INT, "return_products_count": _INT}),
})
_DAY = {"type": "string", "maxLength": 10, "example": "2026-05-31"}
openapi.operation(
    "get", "/fulfilment/customers/{idfulfilment_customer}/report", "Get a fulfilment customer's report",
    "Fulfilment customers", answer_schema=openapi.ref("FulfilmentCustomerReport"), staff_only=True,
    filters=[openapi.query("start-date", _DAY, "First day of the report (default: the 1st of this month)"),
             openapi.query("end-date", _DAY, "Last day, included (default: the end of the start's month)"),
             openapi.query("startdate", _DAY, "Same as start-date"),
             openapi.query("enddate", _DAY, "Same as end-date")],
    description="Picklists, shipments, receipts, purchase orders and returns in the period; storage usage as of "
                "now. See docs/api.md for how each figure is counted.",
)
