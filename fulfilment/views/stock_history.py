"""Stock history of all the client's products: one page of the ledger, filtered by product, type and dates.

The page and its Excel export read the same URL arguments (stock_history_filters) and use one
named query, services.listings.StockHistory, so the export holds exactly the rows the page lists.
"""

from datetime import date

from flask import flash, render_template, request

from fulfilment.i18n import _
from fulfilment.models import CHANGE_TYPES, Product
from fulfilment.services import listings
from fulfilment.services.errors import DomainError
from fulfilment.views.blueprint import bp
from fulfilment.views.listing import choice, paginate_listing
from fulfilment.views.products import mutation_reason, mutation_source
from fulfilment.views.scope import current_client, get_owned_or_404
from fulfilment.vocabulary import CHANGE_TYPE_LABELS


class BadFilter(ValueError):
    pass


def _requested_date(arg):
    value = (request.args.get(arg) or "").strip()
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        raise BadFilter(_("Enter the dates of the stock history as YYYY-MM-DD.")) from None


def stock_history_filters(client):
    """The listing's arguments from the URL: ?product=id (one of client's), ?type=, ?from=, ?to=.

    Another client's product id answers 404; a malformed date raises BadFilter with its reason.
    """
    product = None
    if request.args.get("product"):
        product = get_owned_or_404(Product.for_client(client), request.args.get("product", type=int) or 0)
    return {"product": product, "change_type": choice("type", CHANGE_TYPES),
            "date_from": _requested_date("from"), "date_to": _requested_date("to")}


@bp.route("/stock-history")
def stock_history():
    client = current_client()
    filters, page, problem = {}, None, ""
    try:
        filters = stock_history_filters(client)
        page = paginate_listing(listings.StockHistory(client, newest_first=True, **filters))
    except (BadFilter, DomainError) as error:
        problem = getattr(error, "message", None) or str(error)
        flash(problem, "error")
    products = list(Product.for_client(client).select(Product.id, Product.product_code, Product.name)
                    .order_by(Product.product_code).limit(500))
    return render_template(
        "portal/stock_history.html", page=page, filters=filters, products=products,
        change_types=CHANGE_TYPE_LABELS, sources={m.id: mutation_source(m) for m in page or []},
        reasons={m.id: mutation_reason(m) for m in page or []},
        date_from=request.args.get("from", ""), date_to=request.args.get("to", ""),
    )
