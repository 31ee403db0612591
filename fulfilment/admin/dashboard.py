"""The back office's front page: today's work, each tile a link to the list of exactly its rows."""

from dataclasses import dataclass

from fulfilment.admin.work import list_url
from fulfilment.formatting import format_number
from fulfilment.i18n import _l, ngettext
from fulfilment.models import Backorder, Order, Picklist, PurchaseOrder, Return, Shipment, WebshopOrder
from fulfilment.services import todays_work


@dataclass
class Tile:
    label: str
    count: int
    url: str
    note: str = ""
    attention: bool = False  # something went wrong: shown in the error colour when not zero


# (label, model, condition, list endpoint, the list's filter of the same name in English, needs attention)
TILES = (
    (_l("Orders to pick"), Order, todays_work.orders_to_pick, "order", "To pick", False),
    (_l("Picklists not closed"), Picklist, todays_work.open_picklists, "picklist", "Not closed", False),
    (_l("Backorders stock can serve"), Backorder, todays_work.servable_backorders, "backorder", "Stock can serve",
     False),
    (_l("Purchase orders expected today or overdue"), PurchaseOrder, todays_work.purchase_orders_due,
     "purchaseorder", "Expected by today", False),
    (_l("Returns announced"), Return, todays_work.announced_returns, "return", "Announced", False),
    (_l("Webshop imports with errors"), WebshopOrder, todays_work.failed_imports, "webshoporder", "Import failed",
     True),
    (_l("Tracking pushes that failed"), Shipment, todays_work.failed_tracking_pushes, "shipment",
     "Webshop not told", True),
)


def dashboard_figures():
    """The tiles: one COUNT per tile; the orders to pick are counted with their units in one query."""
    orders_to_pick, units = todays_work.to_pick_totals()
    tiles = []
    for label, model, condition, endpoint, filter_name, attention in TILES:
        picking = condition is todays_work.orders_to_pick
        count = orders_to_pick if picking else model.select().where(condition()).count()
        tiles.append(Tile(label, count, list_url(endpoint, (filter_name, "is", "1")), attention=attention))
    tiles[0].note = ngettext("%(units)s unit to pick", "%(units)s units to pick", units, units=format_number(units))
    return tiles
