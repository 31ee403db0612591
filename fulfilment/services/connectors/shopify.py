"""Shopify through the GraphQL Admin API, authenticated with an Admin API access token.

Shopify made the REST Admin API legacy in October 2024 and requires new public apps to use
GraphQL since April 2025, so this connector speaks GraphQL only. Orders to ship are open,
unshipped and paid or partially refunded; tracking goes back as a fulfilment (with carrier,
code and link) of the order's open fulfilment orders, and a later parcel of the same picklist
adds its tracking code to that fulfilment. Every query asks at most COST_BUDGET points (see
SIZES); nested connections are paged. The API version is pinned (SHOPIFY_API_VERSION) because
Shopify changes its schema every quarter.
"""

import re
import time
from decimal import Decimal, InvalidOperation

from fulfilment.i18n import _, _l, ngettext
from fulfilment.services.connectors.base import (
    ConnectorError,
    CredentialsRejected,
    PermissionMissing,
    ShopConnector,
    ShopFailed,
    ShopLine,
    ShopOrder,
    UnreadableAnswer,
    person_and_company,
)
from fulfilment.services.connectors.http import json_of

APP_SETTINGS = "Settings → Apps and sales channels → Develop apps → your app"
MAX_PAGES = 1000
THROTTLE_ATTEMPTS = 4
MAX_THROTTLE_WAIT = 10.0
READ_SCOPES = {"read_orders", "write_orders"}
FULFILMENT_ORDER_SCOPES = {
    f"{action}_{kind}_fulfillment_orders"
    for action in ("read", "write") for kind in ("merchant_managed", "assigned", "third_party")
}
PAID = {"PAID", "PARTIALLY_REFUNDED"}
# The search for orders to ship (Shopify's search syntax: terms are ANDed, OR inside parentheses).
# A partially refunded order still has products to ship, so it counts as paid.
TO_SHIP = "status:open fulfillment_status:unshipped (financial_status:paid OR financial_status:partially_refunded)"

# --- what one query may ask --------------------------------------------------------------------
#
# Shopify refuses a query whose *requested* cost is over 1,000 points before running it
# (MAX_COST_EXCEEDED). The requested cost counts every object 1, every connection 2 plus
# ``first`` times the cost of one node, a mutation 10, scalars and enums 0. Each size below
# keeps its query at or under COST_BUDGET, half the limit, with a margin for schema changes;
# tests/webshops/test_shopify_query_cost.py computes every query's cost from these sizes.
COST_BUDGET = 500
SIZES = {
    "orders": 10,             # orders per page: 2 + 10 × (order 1 + 2 addresses + 10 lines × 3 + 3) + 1 = 363
    "lines": 10,              # line items read with each order; the rest are paged with OrderLines
    "moreLines": 100,         # line items per OrderLines page: 1 + 2 + 100 × 3 + 1 = 304
    "fulfillmentOrders": 5,   # fulfilment orders per page: 1 + 2 + 5 × (1 + 2 + 40 × 2 + 1) + 1 = 424
    "fulfillmentLines": 40,   # line items read with each fulfilment order; the rest via FulfillmentOrderLines
    "moreFulfillmentLines": 100,  # 1 + 2 + 100 × 2 + 1 = 204
    "fulfillments": 20,       # 1 + 2 + 20 × (1 + 2 + 10 × 1) = 263
    "trackingInfo": 10,
}

ORDER_FIELDS = """
fragment Address on MailingAddress {
  name firstName lastName company address1 address2 city zip provinceCode countryCodeV2 phone
}
fragment Line on LineItem {
  sku name currentQuantity requiresShipping
  originalUnitPriceSet { shopMoney { amount } }
}
fragment OrderFields on Order {
  id name email phone note cancelledAt displayFinancialStatus displayFulfillmentStatus
  shippingAddress { ...Address }
  billingAddress { ...Address }
  lineItems(first: $lines) { nodes { ...Line } pageInfo { hasNextPage endCursor } }
}
"""

ORDERS_PAGE = ORDER_FIELDS + """
query OrdersPage($orders: Int!, $after: String, $query: String, $sortKey: OrderSortKeys, $reverse: Boolean,
                 $lines: Int!) {
  orders(first: $orders, after: $after, query: $query, sortKey: $sortKey, reverse: $reverse) {
    nodes { ...OrderFields }
    pageInfo { hasNextPage endCursor }
  }
}
"""

ONE_ORDER = ORDER_FIELDS + """
query OneOrder($id: ID!, $lines: Int!) {
  order(id: $id) { ...OrderFields }
}
"""

MORE_LINES = """
fragment Line on LineItem {
  sku name currentQuantity requiresShipping
  originalUnitPriceSet { shopMoney { amount } }
}
query OrderLines($id: ID!, $after: String, $moreLines: Int!) {
  order(id: $id) {
    lineItems(first: $moreLines, after: $after) { nodes { ...Line } pageInfo { hasNextPage endCursor } }
  }
}
"""

ACCESS = """
query Access {
  shop { name }
  currentAppInstallation { accessScopes { handle } }
}
"""

FULFILLMENT_ORDERS = """
query FulfillmentOrders($id: ID!, $after: String, $fulfillmentOrders: Int!, $fulfillmentLines: Int!) {
  order(id: $id) {
    fulfillmentOrders(first: $fulfillmentOrders, after: $after) {
      nodes {
        id status
        lineItems(first: $fulfillmentLines) {
          nodes { id remainingQuantity lineItem { sku } }
          pageInfo { hasNextPage endCursor }
        }
      }
      pageInfo { hasNextPage endCursor }
    }
  }
}
"""

MORE_FULFILLMENT_LINES = """
query FulfillmentOrderLines($id: ID!, $after: String, $moreFulfillmentLines: Int!) {
  fulfillmentOrder(id: $id) {
    lineItems(first: $moreFulfillmentLines, after: $after) {
      nodes { id remainingQuantity lineItem { sku } }
      pageInfo { hasNextPage endCursor }
    }
  }
}
"""

FULFILLMENTS = """
query OrderFulfillments($id: ID!, $fulfillments: Int!, $trackingInfo: Int!) {
  order(id: $id) {
    fulfillments(first: $fulfillments) { id trackingInfo(first: $trackingInfo) { company number url } }
  }
}
"""

CREATE_FULFILLMENT = """
mutation CreateFulfillment($fulfillment: FulfillmentInput!) {
  fulfillmentCreate(fulfillment: $fulfillment) {
    fulfillment { id status }
    userErrors { field message }
  }
}
"""

UPDATE_TRACKING = """
mutation UpdateTracking($fulfillmentId: ID!, $trackingInfoInput: FulfillmentTrackingInput!, $notifyCustomer: Boolean) {
  fulfillmentTrackingInfoUpdate(fulfillmentId: $fulfillmentId, trackingInfoInput: $trackingInfoInput,
                                notifyCustomer: $notifyCustomer) {
    fulfillment { id }
    userErrors { field message }
  }
}
"""

# Every operation the connector sends, by name (the cost test walks this).
OPERATIONS = {
    "OrdersPage": ORDERS_PAGE, "OneOrder": ONE_ORDER, "OrderLines": MORE_LINES, "Access": ACCESS,
    "FulfillmentOrders": FULFILLMENT_ORDERS, "FulfillmentOrderLines": MORE_FULFILLMENT_LINES,
    "OrderFulfillments": FULFILLMENTS, "CreateFulfillment": CREATE_FULFILLMENT, "UpdateTracking": UPDATE_TRACKING,
}


class QueryTooCostly(ConnectorError):
    """Shopify refused a query as too costly (MAX_COST_EXCEEDED) before running it."""


class ShopifyConnector(ShopConnector):
    platform = "shopify"
    credential_fields = {"access_token": _l("Admin API access token")}
    # The sizes of the pages asked for (see SIZES: each keeps its query's requested cost in budget).
    page_size = SIZES["orders"]
    lines_per_order = SIZES["lines"]
    lines_per_page = SIZES["moreLines"]
    fulfillment_orders_per_page = SIZES["fulfillmentOrders"]
    fulfillment_lines = SIZES["fulfillmentLines"]
    fulfillment_lines_per_page = SIZES["moreFulfillmentLines"]

    def __init__(self, url, credentials, http, page_size=None, api_version="2026-10", **_options):
        super().__init__(url, credentials, http)
        self.page_size = min(page_size or self.page_size, SIZES["orders"])
        self.endpoint = f"{self.url}/admin/api/{api_version}/graphql.json"
        self._scopes = None

    # --- talking to the API ----------------------------------------------------------------

    def _graphql(self, operation, document, variables, what, *, idempotent=True):
        """Run one GraphQL operation and return its data; waits and tries again when throttled."""
        for attempt in range(1, THROTTLE_ATTEMPTS + 1):
            response = self.http.request(
                "POST", self.endpoint, idempotent=idempotent,
                headers={"X-Shopify-Access-Token": self.credentials.get("access_token", "")},
                json={"query": document, "variables": variables, "operationName": operation},
            )
            self._raise_for_status(response, what)
            body = json_of(response, what)
            if not isinstance(body, dict):
                raise UnreadableAnswer(_("Shopify answered %(what)s with something that is not GraphQL data.",
                                         what=what))
            errors = body.get("errors")
            if not errors:
                data = body.get("data")
                if not isinstance(data, dict):
                    raise UnreadableAnswer(_("Shopify answered %(what)s without data.", what=what))
                return data
            if isinstance(errors, str):
                raise CredentialsRejected(self._token_rejected())
            codes = {((error or {}).get("extensions") or {}).get("code") for error in errors if isinstance(error, dict)}
            if "THROTTLED" in codes and attempt < THROTTLE_ATTEMPTS:
                time.sleep(_throttle_wait(body))
                continue
            if "THROTTLED" in codes:
                raise ShopFailed(_throttled_message(body, what))
            if "MAX_COST_EXCEEDED" in codes:
                raise QueryTooCostly(_too_costly_message(errors, what))
            if "ACCESS_DENIED" in codes:
                scopes = sorted(set(re.findall(r"`(\w+)`", " ".join(str(e.get("message", "")) for e in errors
                                                                    if isinstance(e, dict)))))
                if scopes:
                    raise PermissionMissing(_("The app may not access %(what)s. In the Shopify admin (%(settings)s → "
                                              "Configuration), add the scope %(scopes)s and reinstall the app.",
                                              what=what, settings=APP_SETTINGS, scopes=", ".join(scopes)))
                raise PermissionMissing(_("The app may not access %(what)s. In the Shopify admin (%(settings)s → "
                                          "Configuration), add the scope it needs and reinstall the app.",
                                          what=what, settings=APP_SETTINGS))
            first = next((e.get("message") for e in errors if isinstance(e, dict) and e.get("message")), "")
            raise ConnectorError(_("Shopify refused %(what)s: %(reason)s.", what=what,
                                   reason=first or _("no reason given")))

    def _raise_for_status(self, response, what):
        status = response.status_code
        if status == 401:
            raise CredentialsRejected(self._token_rejected())
        if status == 403:
            raise PermissionMissing(_("Shopify refused %(what)s: the app is not installed on this shop or lacks the "
                                      "permission. Check the app in the Shopify admin (%(settings)s).",
                                      what=what, settings=APP_SETTINGS))
        if status == 404:
            raise UnreadableAnswer(_("No Shopify shop answered at %(url)s. Use the shop's myshopify.com address, "
                                     "e.g. https://your-shop.myshopify.com.", url=self.url))
        if status in (402, 423):
            raise ShopFailed(_("Shopify says this shop is frozen or locked (for example an unpaid Shopify bill); "
                               "the shop owner must resolve it in the Shopify admin."))
        if status >= 400:
            raise ConnectorError(_("Shopify refused %(what)s (HTTP %(status)s).", what=what, status=status))

    def _token_rejected(self):
        return _("Shopify does not accept the access token. Copy the Admin API access token again in the Shopify "
                 "admin (%(settings)s → API credentials), or reinstall the app to get a new one.",
                 settings=APP_SETTINGS)

    # --- reading orders --------------------------------------------------------------------

    def order_pages(self, since=None, created_after=None):
        # Cursor pages sorted by updated_at: an order changed during the run moves to the end
        # (seen again, harmless) and one leaving the search moves nothing, so none is passed over.
        search = TO_SHIP
        if since is not None:
            search += f" updated_at:>'{since.replace(microsecond=0).isoformat()}Z'"
        if created_after is not None:
            search += f" created_at:>='{created_after.replace(microsecond=0).isoformat()}Z'"
        variables = {"orders": self.page_size, "after": None, "query": search, "sortKey": "UPDATED_AT",
                     "reverse": False, "lines": self.lines_per_order}
        for _page in range(MAX_PAGES):
            connection = self._orders(variables)
            yield [self._order(node) for node in connection["nodes"]]
            page_info = connection.get("pageInfo") or {}
            if not page_info.get("hasNextPage") or not page_info.get("endCursor"):
                return
            variables["after"] = page_info["endCursor"]

    def recent_orders(self, limit=20):
        orders, variables = [], {"orders": min(limit, self.page_size), "after": None, "query": None,
                                 "sortKey": "CREATED_AT", "reverse": True, "lines": self.lines_per_order}
        while len(orders) < limit:
            variables["orders"] = min(variables["orders"], limit - len(orders))
            connection = self._orders(variables)
            orders.extend(self._order(node) for node in connection["nodes"])
            page_info = connection.get("pageInfo") or {}
            if not page_info.get("hasNextPage") or not page_info.get("endCursor"):
                break
            variables["after"] = page_info["endCursor"]
        return orders

    def fetch_order(self, foreign_id):
        data = self._graphql("OneOrder", ONE_ORDER, {"id": foreign_id, "lines": self.lines_per_order},
                             _("order %(id)s", id=foreign_id))
        if not isinstance(data.get("order"), dict):
            raise ConnectorError(_("Shopify could not find order %(id)s; it may have been deleted.", id=foreign_id))
        return self._order(data["order"])

    def _orders(self, variables):
        """One page of orders. Should Shopify find the page too costly after all (its costs can change
        with an API version), ask again for half as many orders, down to one."""
        while True:
            try:
                data = self._graphql("OrdersPage", ORDERS_PAGE, variables, _("the list of orders"))
                break
            except QueryTooCostly:
                if variables["orders"] <= 1:
                    raise
                variables["orders"] = max(variables["orders"] // 2, 1)
        connection = data.get("orders")
        if not isinstance(connection, dict) or not isinstance(connection.get("nodes"), list):
            raise UnreadableAnswer(_("Shopify answered the list of orders without orders."))
        return connection

    def _line_nodes(self, order):
        """All of the order's line items, asking for the rest when it has more than one page of them."""
        connection = order["lineItems"]
        nodes = list(connection["nodes"])
        while (connection.get("pageInfo") or {}).get("hasNextPage"):
            data = self._graphql("OrderLines", MORE_LINES, {"id": order["id"], "moreLines": self.lines_per_page,
                                                           "after": connection["pageInfo"]["endCursor"]},
                                 _("the products of order %(number)s", number=order.get("name")))
            connection = data["order"]["lineItems"]
            nodes.extend(connection["nodes"])
        return nodes

    def _order(self, data):
        """Map a Shopify Order (the fields ORDER_FIELDS asks for) to a ShopOrder."""
        if not isinstance(data, dict) or not data.get("id"):
            raise UnreadableAnswer(_("Shopify sent an order without an id; its answer is not order data."))
        foreign_id, number = str(data["id"]), str(data.get("name") or data["id"])
        try:
            address, billing = data.get("shippingAddress") or {}, data.get("billingAddress") or {}
            name, contact = person_and_company(address.get("firstName"), address.get("lastName"),
                                               address.get("company"), address.get("name"))
            invoice_name, invoice_contact = person_and_company(billing.get("firstName"), billing.get("lastName"),
                                                               billing.get("company"), billing.get("name"))
            fields = {
                "delivery_name": name, "delivery_contact_name": contact,
                "delivery_address": address.get("address1") or "", "delivery_address2": address.get("address2") or "",
                "delivery_zipcode": address.get("zip") or "", "delivery_city": address.get("city") or "",
                "delivery_region": address.get("provinceCode") or "",
                "delivery_country": address.get("countryCodeV2") or "",
                "invoice_name": invoice_name, "invoice_contact_name": invoice_contact,
                "invoice_address": billing.get("address1") or "", "invoice_address2": billing.get("address2") or "",
                "invoice_zipcode": billing.get("zip") or "", "invoice_city": billing.get("city") or "",
                "invoice_region": billing.get("provinceCode") or "",
                "invoice_country": billing.get("countryCodeV2") or "",
                "email": data.get("email") or "", "telephone": address.get("phone") or data.get("phone") or "",
                "customer_remarks": data.get("note") or "", "reference": number,
            }
            lines = [
                ShopLine(sku=(node.get("sku") or "").strip(), quantity=int(node["currentQuantity"]),
                         name=node.get("name") or "", price=_money(node.get("originalUnitPriceSet")))
                for node in self._line_nodes(data) if node.get("requiresShipping", True)
            ]
        except (AttributeError, KeyError, TypeError, ValueError) as error:
            return ShopOrder(foreign_id, number, problem=_(
                "Shopify sent order %(number)s in a form we could not read (%(error)s).", number=number,
                error=": ".join((type(error).__name__, str(error)))))
        lines = [line for line in lines if line.quantity > 0]
        return ShopOrder(foreign_id, number, fields=fields, lines=lines, ignore_reason=_ignore_reason(data, lines))

    # --- permissions -----------------------------------------------------------------------

    def _granted_scopes(self):
        if self._scopes is None:
            data = self._graphql("Access", ACCESS, {}, _("the app's permissions"))
            installation = data.get("currentAppInstallation") or {}
            self._scopes = {scope.get("handle") for scope in installation.get("accessScopes") or []
                            if isinstance(scope, dict)}
        return self._scopes

    def verify_credentials(self):
        self._granted_scopes()

    def verify_read_orders(self):
        if not self._granted_scopes() & READ_SCOPES:
            raise PermissionMissing(_("The app may not read orders. In the Shopify admin (%(settings)s → "
                                      "Configuration), add the scope read_orders and reinstall the app.",
                                      settings=APP_SETTINGS))

    def verify_update_orders(self):
        scopes = self._granted_scopes()
        missing = []
        if "write_fulfillments" not in scopes:
            missing.append("write_fulfillments")
        if not scopes & FULFILMENT_ORDER_SCOPES:
            missing.append("write_merchant_managed_fulfillment_orders")
        if missing:
            raise PermissionMissing(ngettext(
                "The app may not mark orders as fulfilled, so tracking codes cannot go back. In the Shopify admin "
                "(%(settings)s → Configuration), add the scope %(scopes)s and reinstall the app.",
                "The app may not mark orders as fulfilled, so tracking codes cannot go back. In the Shopify admin "
                "(%(settings)s → Configuration), add the scopes %(scopes)s and reinstall the app.",
                len(missing), settings=APP_SETTINGS, scopes=", ".join(missing)))

    # --- tracking back ---------------------------------------------------------------------

    def send_tracking(self, update):
        open_orders = [node for node in self._fulfillment_orders(update.foreign_id)
                       if node.get("status") in ("OPEN", "IN_PROGRESS")]
        if update.earlier_tracking_codes:
            # A later parcel of a picklist whose products were fulfilled with its first parcel: Shopify
            # keeps one fulfilment with several tracking numbers, so the code joins that fulfilment.
            fulfillment = self._fulfillment_with(update.foreign_id, update.earlier_tracking_codes)
            if fulfillment is not None:
                self._add_tracking(fulfillment, update)
                return
        # Nothing open: the order is fulfilled already (perhaps by an earlier try whose answer was lost).
        for fulfillment_order, line_items in _what_to_fulfil(open_orders, update):
            entry = {"fulfillmentOrderId": fulfillment_order["id"]}
            if line_items is not None:
                entry["fulfillmentOrderLineItems"] = line_items
            tracking = {"company": update.carrier}
            if update.tracking_code:
                tracking["number"] = update.tracking_code
            if update.tracking_url:
                tracking["url"] = update.tracking_url
            result = self._graphql(
                "CreateFulfillment", CREATE_FULFILLMENT,
                {"fulfillment": {"lineItemsByFulfillmentOrder": [entry], "trackingInfo": tracking,
                                 "notifyCustomer": True}},
                _("the fulfilment"), idempotent=False,
            ).get("fulfillmentCreate") or {}
            errors = [error.get("message", "") for error in result.get("userErrors") or [] if isinstance(error, dict)]
            if errors:
                raise ConnectorError(_("Shopify refused the fulfilment: %(reasons)s", reasons="; ".join(errors)))

    def _fulfillment_orders(self, order_id):
        """Every fulfilment order of the order with all its line items, page by page."""
        variables = {"id": order_id, "after": None, "fulfillmentOrders": self.fulfillment_orders_per_page,
                     "fulfillmentLines": self.fulfillment_lines}
        result = []
        for _page in range(MAX_PAGES):
            data = self._graphql("FulfillmentOrders", FULFILLMENT_ORDERS, variables,
                                 _("the fulfilment orders of %(id)s", id=order_id))
            order = data.get("order")
            if not isinstance(order, dict):
                raise ConnectorError(_("Shopify could not find order %(id)s; it may have been deleted.", id=order_id))
            connection = order.get("fulfillmentOrders") or {}
            for node in connection.get("nodes") or []:
                node["lineItems"] = {"nodes": self._fulfillment_order_lines(node)}
                result.append(node)
            page_info = connection.get("pageInfo") or {}
            if not page_info.get("hasNextPage") or not page_info.get("endCursor"):
                break
            variables["after"] = page_info["endCursor"]
        return result

    def _fulfillment_order_lines(self, fulfillment_order):
        connection = fulfillment_order.get("lineItems") or {}
        nodes = list(connection.get("nodes") or [])
        while (connection.get("pageInfo") or {}).get("hasNextPage"):
            data = self._graphql("FulfillmentOrderLines", MORE_FULFILLMENT_LINES,
                                 {"id": fulfillment_order["id"], "after": connection["pageInfo"]["endCursor"],
                                  "moreFulfillmentLines": self.fulfillment_lines_per_page},
                                 _("the products of fulfilment order %(id)s", id=fulfillment_order["id"]))
            connection = (data.get("fulfillmentOrder") or {}).get("lineItems") or {}
            nodes.extend(connection.get("nodes") or [])
        return nodes

    def _fulfillment_with(self, order_id, tracking_codes):
        """The order's fulfilment that carries one of the tracking codes, or None."""
        data = self._graphql("OrderFulfillments", FULFILLMENTS,
                             {"id": order_id, "fulfillments": SIZES["fulfillments"],
                              "trackingInfo": SIZES["trackingInfo"]},
                             _("the fulfilments of %(id)s", id=order_id))
        wanted = set(tracking_codes)
        for fulfillment in (data.get("order") or {}).get("fulfillments") or []:
            if any(info.get("number") in wanted for info in fulfillment.get("trackingInfo") or []):
                return fulfillment
        return None

    def _add_tracking(self, fulfillment, update):
        infos = [info for info in fulfillment.get("trackingInfo") or [] if info.get("number")]
        if not update.tracking_code or any(info["number"] == update.tracking_code for info in infos):
            return  # nothing new to tell, or told already (an earlier try whose answer was lost)
        numbers = [info["number"] for info in infos] + [update.tracking_code]
        urls = [info.get("url") or "" for info in infos] + [update.tracking_url or ""]
        tracking = {"company": update.carrier, "numbers": numbers}
        if any(urls):
            tracking["urls"] = urls
        result = self._graphql(
            "UpdateTracking", UPDATE_TRACKING,
            {"fulfillmentId": fulfillment["id"], "trackingInfoInput": tracking, "notifyCustomer": True},
            _("the tracking codes of the fulfilment"), idempotent=False,
        ).get("fulfillmentTrackingInfoUpdate") or {}
        errors = [error.get("message", "") for error in result.get("userErrors") or [] if isinstance(error, dict)]
        if errors:
            raise ConnectorError(_("Shopify refused the tracking code: %(reasons)s", reasons="; ".join(errors)))


def _what_to_fulfil(open_orders, update):
    """[(fulfilment order, line items or None for all)]: everything open when the order is complete,
    else the shipped quantities per SKU."""
    if update.order_complete or not update.lines:
        return [(fulfillment_order, None) for fulfillment_order in open_orders]
    wanted = {}
    for sku, quantity in update.lines:
        wanted[sku] = wanted.get(sku, 0) + quantity
    plan = []
    for fulfillment_order in open_orders:
        items = []
        for node in (fulfillment_order.get("lineItems") or {}).get("nodes") or []:
            sku = ((node.get("lineItem") or {}).get("sku") or "").strip()
            take = min(wanted.get(sku, 0), int(node.get("remainingQuantity") or 0))
            if take > 0:
                items.append({"id": node["id"], "quantity": take})
                wanted[sku] -= take
        if items:
            plan.append((fulfillment_order, items))
    return plan


def _ignore_reason(data, lines):
    if data.get("cancelledAt"):
        return _("Cancelled in the shop.")
    if data.get("displayFulfillmentStatus") == "FULFILLED":
        return _("Already fulfilled in the shop.")
    financial = data.get("displayFinancialStatus")
    if financial and financial not in PAID:
        return _("Not paid (payment status in the shop: %(status)s).", status=financial.replace("_", " ").lower())
    if not lines:
        return _("Nothing to ship: none of its products needs shipping.")
    return ""


def _money(price_set):
    try:
        return Decimal(str(price_set["shopMoney"]["amount"]))
    except (KeyError, TypeError, InvalidOperation):
        return None


def _cost(body):
    return (body.get("extensions") or {}).get("cost") or {}


def _throttled_message(body, what):
    status = _cost(body).get("throttleStatus") or {}
    rate = status.get("restoreRate")
    if isinstance(rate, (int, float)):
        return _("Shopify asked us to slow down %(times)s times in a row while reading %(what)s (this shop's limit "
                 "restores %(rate)s points a second); other apps may be using the shop's API heavily. We will try "
                 "again later.", times=THROTTLE_ATTEMPTS, what=what, rate=format(rate, "g"))
    return _("Shopify asked us to slow down %(times)s times in a row while reading %(what)s; other apps may be using "
             "the shop's API heavily. We will try again later.", times=THROTTLE_ATTEMPTS, what=what)


def _too_costly_message(errors, what):
    extensions = next((e.get("extensions") or {} for e in errors if isinstance(e, dict)
                       and (e.get("extensions") or {}).get("code") == "MAX_COST_EXCEEDED"), {})
    cost, limit = extensions.get("cost"), extensions.get("maxCost") or 1000
    if cost:
        return _("Shopify refused to read %(what)s in one go (it would cost %(cost)s points, at most %(limit)s are "
                 "allowed). This is a limit on our side's questions, not a problem with the shop; please report it "
                 "to the warehouse so the connector can ask for less at once.", what=what, cost=cost, limit=limit)
    return _("Shopify refused to read %(what)s in one go. This is a limit on our side's questions, not a problem "
             "with the shop; please report it to the warehouse so the connector can ask for less at once.", what=what)


def _throttle_wait(body):
    """Seconds until Shopify has restored enough query cost for the refused query."""
    cost = _cost(body)
    status = cost.get("throttleStatus") or {}
    try:
        missing = float(cost.get("requestedQueryCost") or 0) - float(status.get("currentlyAvailable") or 0)
        return min(max(missing / float(status.get("restoreRate") or 50), 0.5), MAX_THROTTLE_WAIT)
    except (TypeError, ValueError, ZeroDivisionError):
        return 1.0
