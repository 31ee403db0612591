"""Importing a webshop's orders: page by page, each order at most once, each one whole or not at all.

Every order seen is recorded in WebshopOrder with what became of it:

- ``imported``: created (source ``webshop``) and processed, linked to the new order;
- ``ignored``: the shop itself says it is not to be shipped (cancelled, unpaid, nothing to ship);
- ``error``: skipped because something must be fixed first (an unknown SKU, an incomplete
  address); the reason says what. It is tried again when the shop sends it again, or from
  the back office.

At most once: each order is imported in its own transaction that first claims the
(webshop, foreign id) row. Two imports running at once meet on that unique row: on SQLite the
second waits for the write lock and then sees the first one's row; on PostgreSQL its insert
waits and then fails with an IntegrityError, which means "the other import has it".

Reasons are stored as text people read (the portal's webshop orders, the client's e-mail). In a
request they are written in the reader's language; the periodic import (no request) writes them
in the client's language, as the client is the one who acts on them.
"""

import logging
from collections import Counter
from contextlib import closing, nullcontext
from datetime import timedelta

from flask import has_request_context
from peewee import IntegrityError

from fulfilment.db import locked, write_transaction
from fulfilment.i18n import LANGUAGE_CODES, _, _l, force_locale, ngettext
from fulfilment.models import Order, Product, WebshopOrder, utcnow
from fulfilment.services import events, orders, webshop_health
from fulfilment.services.addresses import DELIVERY_FIELDS
from fulfilment.services.connectors.base import ShopConnector
from fulfilment.services.errors import DomainError, WrongStatus
from fulfilment.services.webshops import connector_for, mark_imported

logger = logging.getLogger(__name__)

# Orders changed shortly before the previous import started are asked for again, so a clock
# difference between us and the shop loses nothing; seeing an order twice is harmless.
OVERLAP = timedelta(minutes=10)
# Orders created this long before the webshop was connected are left alone: a shop connected
# for the first time may hold years of orders that were never marked as shipped.
HISTORY = timedelta(days=14)

IMPORTED, IGNORED, SKIPPED, SEEN_BEFORE = "imported", "ignored", "skipped", "seen before"
_STATUS_OF = {IMPORTED: "imported", IGNORED: "ignored", SKIPPED: "error"}


class WebshopSwitchedOff(WrongStatus):
    default_message = _l("This webshop connection is switched off; switch it on to import its orders.")


class ImportSummary(Counter):
    """How many orders of one import ended which way."""

    def describe(self):
        parts = [_("%(num)s imported", num=self[IMPORTED])]
        if self[SKIPPED]:
            parts.append(_("%(num)s skipped (see Webshop orders for why)", num=self[SKIPPED]))
        if self[IGNORED]:
            parts.append(_("%(num)s ignored", num=self[IGNORED]))
        if self[SEEN_BEFORE]:
            parts.append(_("%(num)s imported before", num=self[SEEN_BEFORE]))
        return ", ".join(parts)


def import_orders(webshop, actor=None, connector=None):
    """Fetch the webshop's orders to ship, page by page, and import each one at most once.

    A failure of the shop (ConnectorError) stops the run; orders imported until then stay
    imported, and the next run asks again from the same point.
    """
    if not webshop.active:
        raise WebshopSwitchedOff(_("Webshop %(name)s is switched off; switch it on to import its orders.",
                                   name=webshop.name))
    started = utcnow()
    since = webshop.last_import_at - OVERLAP if webshop.last_import_at else None
    summary = ImportSummary()
    with speaking_for(webshop.client), webshop_health.watching(webshop), \
            closing(connector or connector_for(webshop)) as shop:
        for page in shop.order_pages(since, created_after=webshop.created_at - HISTORY):
            for shop_order in page:
                summary[import_shop_order(webshop, shop_order, actor)] += 1
    mark_imported(webshop, started)
    logger.info("Webshop %s (#%s): %s.", webshop.name, webshop.id, summary.describe())
    return summary


def speaking_for(client):
    """Outside a request, write texts in the client's language (inside one, the reader's is used)."""
    if has_request_context() or client.language not in LANGUAGE_CODES:
        return nullcontext()
    return force_locale(client.language)


def retry_webshop_order(seen, actor=None):
    """Ask the shop for one skipped or ignored order again and import it if it can be now."""
    if seen.status == "imported":
        raise WrongStatus(_("Webshop order %(number)s was imported already.", number=seen.foreign_number))
    webshop = seen.webshop
    if not webshop.active:
        raise WebshopSwitchedOff(_("Webshop %(name)s is switched off; switch it on to import its orders.",
                                   name=webshop.name))
    with closing(connector_for(webshop)) as shop:
        shop_order = shop.fetch_order(seen.foreign_id)
    return import_shop_order(webshop, shop_order, actor)


def import_shop_order(webshop, shop_order, actor=None):
    """Record one order seen in the webshop and import it unless that happened before. Returns the outcome."""
    actor = actor or f"webshop {webshop.name}"
    try:
        with write_transaction():
            seen = _claim(webshop, shop_order)
            if seen.status == "imported":
                return SEEN_BEFORE
            outcome, reason, order = _import(webshop, shop_order, actor)
            if outcome == SKIPPED and (seen.status, seen.reason) != ("error", reason[:255]):
                events.emit("webshop_orders.import_failed", seen, reason=reason)
            seen.status, seen.reason, seen.order = _STATUS_OF.get(outcome, "imported"), reason[:255], order
            seen.foreign_number = (shop_order.number or seen.foreign_number)[:255]
            seen.updated_at = utcnow()
            seen.save()
            return outcome
    except IntegrityError:
        # A concurrent import claimed this order first; it records what became of it.
        return SEEN_BEFORE


def _claim(webshop, shop_order):
    """The order's WebshopOrder row, locked; inserted when new (the unique key makes a race fail here)."""
    query = WebshopOrder.select().where(
        (WebshopOrder.webshop == webshop) & (WebshopOrder.foreign_id == shop_order.foreign_id)
    )
    seen = locked(query).first()
    if seen is None:
        seen = WebshopOrder.create(client=webshop.client_id, webshop=webshop, foreign_id=shop_order.foreign_id,
                                   foreign_number=(shop_order.number or "")[:255], status="error",
                                   reason="Being imported")
    return seen


def _import(webshop, shop_order, actor):
    """(outcome, reason, order) for a claimed order; creates and processes it when it can."""
    if shop_order.problem:
        return SKIPPED, shop_order.problem, None
    existing = Order.get_or_none((Order.webshop == webshop) & (Order.foreign_id == shop_order.foreign_id))
    if existing is not None:
        return SEEN_BEFORE, "", existing
    if shop_order.ignore_reason:
        return IGNORED, shop_order.ignore_reason, None
    lines, problem = match_products(webshop.client, shop_order.lines)
    if problem:
        return SKIPPED, problem, None
    fields = {name: value if name in DELIVERY_FIELDS or name == "customer_remarks" else str(value)[:255]
              for name, value in shop_order.fields.items()}
    try:
        # A savepoint: when the order service refuses, nothing of the order remains.
        with write_transaction():
            order = orders.create_order(webshop.client, lines, source="webshop", actor=actor, fields=fields,
                                        webshop=webshop, foreign_id=shop_order.foreign_id,
                                        foreign_number=(shop_order.number or "")[:255])
            order = orders.process_order(order, actor)
    except DomainError as error:
        return SKIPPED, error.message, None
    return IMPORTED, "", order


def match_products(client, shop_lines):
    """([(product, amount, price)], "") for the order's lines, or (None, reason) when they cannot be matched."""
    if not shop_lines:
        return None, _("The order has no products.")
    without_sku = [line.name or _("(no name)") for line in shop_lines if not line.sku]
    if without_sku:
        names = ", ".join(f"“{name}”" for name in without_sku[:3])
        return None, _("No SKU in the shop for %(names)s, so it cannot be matched to a product.", names=names)
    lines = ShopConnector.grouped_lines(shop_lines)
    codes = [line.sku for line in lines]
    products = {p.product_code: p for p in Product.for_client(client).where(Product.product_code.in_(codes))}
    unknown = [code for code in codes if code not in products]
    if unknown:
        return None, ngettext("Unknown SKU %(skus)s: no product with this product code. Add it, then try again.",
                              "Unknown SKUs %(skus)s: no product with this product code. Add it, then try again.",
                              len(unknown), skus=", ".join(unknown))
    inactive = [code for code in codes if not products[code].active]
    if inactive:
        return None, _("Product %(codes)s is inactive; activate it, then try again.", codes=", ".join(inactive))
    return [(products[line.sku], line.quantity, line.price) for line in lines], ""
