"""Fake WooCommerce and Shopify shops on 127.0.0.1 that answer like the real APIs.

The shapes follow the platforms' documentation: WooCommerce REST API v3 (orders with
billing/shipping/line_items, X-WP-Total(Pages) headers, {"code", "message", "data"} errors,
a key's read/write permission checked per HTTP method) and Shopify's GraphQL Admin API
(connections with nodes and pageInfo, access scopes, fulfilment orders, fulfillmentCreate
with userErrors, {"errors": …} bodies). Faults (500, 429, time-outs, broken JSON) can be
switched on per path, for a number of requests or for good.
"""

import base64
import hashlib
import hmac
import json
import re
import ssl
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, quote, unquote, urlsplit

from tests.webshops.shopify_cost import MAX_QUERY_COST, requested_cost

FOREVER = 10**9


@dataclass
class Fault:
    kind: str  # "500", "429", "timeout", "malformed", "html"
    path: str
    times: int
    delay: float
    query: dict

    def matches(self, path, query):
        return (self.times > 0 and self.path in path
                and all(query.get(name) == [value] for name, value in self.query.items()))


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False


class FakeShop:
    """A threaded HTTP(S) server; subclasses answer in ``route``."""

    def __init__(self, certificate=None):
        self.requests = []
        # The headers of each request, in the same order as ``requests``.
        self.headers = []
        self.faults = []
        self.lock = threading.Lock()
        # Called with (method, path, query) before each answer, outside the lock: a test can make
        # requests wait for each other here.
        self.before_answer = None
        shop = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _serve(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                parts = urlsplit(self.path)
                status, headers, payload = shop.handle(self.command, parts.path, parse_qs(parts.query),
                                                       self.headers, body)
                if status is None:  # the connection is dropped (time-out fault)
                    self.close_connection = True
                    return
                self.send_response(status)
                headers = {"Content-Type": "application/json; charset=UTF-8", **headers}
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = do_PUT = do_DELETE = _serve

            def log_message(self, *args):
                pass

        self.server = _Server(("127.0.0.1", 0), Handler)
        scheme = "http"
        if certificate is not None:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(certificate.cert_path, certificate.key_path)
            self.server.socket = context.wrap_socket(self.server.socket, server_side=True)
            scheme = "https"
        self.url = f"{scheme}://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()

    def fail(self, kind, path="", times=1, delay=2.0, **query):
        """Answer the next ``times`` requests whose path contains ``path`` (and query has ``query``) with a fault."""
        self.faults.append(Fault(kind, path, times, delay, {name: str(value) for name, value in query.items()}))

    def clear_faults(self):
        self.faults.clear()

    def handle(self, method, path, query, headers, body):
        with self.lock:
            self.requests.append((method, path, query, body))
            self.headers.append(dict(headers.items()))
            fault = next((f for f in self.faults if f.matches(path, query)), None)
            if fault is not None:
                fault.times -= 1
        if fault is not None:
            answer = self._fault(fault)
            if answer is not False:
                return answer
        if self.before_answer is not None:
            self.before_answer(method, path, query)
        with self.lock:
            return self.route(method, path, query, headers, body)

    def _fault(self, fault):
        if fault.kind == "timeout":
            time.sleep(fault.delay)
            return None, {}, b""
        if fault.kind == "500":
            return 500, {}, b'{"code":"internal_server_error","message":"Something went wrong."}'
        if fault.kind == "429":
            return 429, {"Retry-After": "0"}, b'{"errors":"Exceeded 2 calls per second for api client."}'
        if fault.kind == "malformed":
            return 200, {}, b'[{"id": 1, "number": "10'
        if fault.kind == "html":
            return 200, {"Content-Type": "text/html"}, b"<html><body>Maintenance mode</body></html>"
        return False

    def route(self, method, path, query, headers, body):
        raise NotImplementedError

    def paths(self, method=None):
        return [path for m, path, _, _ in self.requests if method is None or m == method]


def oauth_signature(method, url, params, consumer_secret):
    """The OAuth 1.0a signature as WooCommerce computes it (WC_REST_Authentication::check_oauth_signature):
    METHOD & encoded URL & the sorted, encoded parameters, signed with "consumer_secret&"."""
    def encode(text):
        return quote(str(text), safe="~")

    signed = {name: value for name, value in params.items() if name != "oauth_signature"}
    pairs = "%26".join(encode(f"{encode(name)}={encode(signed[name])}") for name in sorted(signed))
    base = f"{method.upper()}&{encode(url)}&{pairs}"
    algorithm = {"HMAC-SHA1": hashlib.sha1, "HMAC-SHA256": hashlib.sha256}.get(signed.get("oauth_signature_method"))
    if algorithm is None:
        return None
    digest = hmac.new(f"{consumer_secret}&".encode(), base.encode(), algorithm).digest()
    return base64.b64encode(digest).decode()


def _json(status, data, headers=None):
    return status, headers or {}, json.dumps(data).encode()


def _iso(moment):
    return moment.replace(microsecond=0).isoformat()


class RedirectingShop(FakeShop):
    """Answers every request with a redirect to ``location`` (plus the rest of the path)."""

    def __init__(self, location, status=307, certificate=None):
        super().__init__(certificate)
        self.location, self.status = location, status

    def route(self, method, path, query, headers, body):
        return self.status, {"Location": self.location + path}, b""


class ReplayShop(FakeShop):
    """Answers each request with the next of the given documented answers (the last one repeats).

    Each answer is a fixture file from tests/webshops/fixtures: {"source", "status", "headers", "body"}.
    """

    def __init__(self, *answers, certificate=None):
        super().__init__(certificate)
        self.answers = list(answers)

    def route(self, method, path, query, headers, body):
        answer = self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]
        return answer["status"], dict(answer.get("headers") or {}), json.dumps(answer["body"]).encode()


def documented_answer(name):
    """A platform's answer as its documentation shows it (tests/webshops/fixtures/<name>.json)."""
    path = Path(__file__).parent / "fixtures" / f"{name}.json"
    answer = json.loads(path.read_text())
    assert answer.get("source"), f"{path.name} must name the documentation it was taken from"
    return answer


# --- WooCommerce ---------------------------------------------------------------------------


class FakeWooCommerce(FakeShop):
    API = "/wp-json/wc/v3"

    def __init__(self, consumer_key="ck_" + "a1" * 20, consumer_secret="cs_" + "b2" * 20, permissions="read_write",
                 certificate=None, user_role="shop_manager"):
        super().__init__(certificate)
        self.consumer_key, self.consumer_secret, self.permissions = consumer_key, consumer_secret, permissions
        # The WordPress role of the user the key belongs to: only administrators and shop managers manage orders.
        self.user_role = user_role
        self.secure = certificate is not None
        self.nonces = set()
        self.orders = {}
        self.notes = {}
        self._next_id = 1000

    def add_order(self, lines=(("SKU-1", 2),), status="processing", **overrides):
        """Add an order as WooCommerce would return it; lines are (sku, quantity[, name])."""
        self._next_id += 1
        order_id = overrides.pop("id", self._next_id)
        now = datetime.now(UTC).replace(tzinfo=None)
        order = {
            "id": order_id, "parent_id": 0, "number": str(order_id), "order_key": f"wc_order_{order_id}",
            "created_via": "checkout", "version": "9.4.0", "status": status, "currency": "EUR",
            "date_created": _iso(now), "date_created_gmt": _iso(now), "date_modified": _iso(now),
            "date_modified_gmt": _iso(now), "discount_total": "0.00", "shipping_total": "4.95", "total": "29.85",
            "customer_id": 0, "customer_note": "Please ring twice",
            "billing": {"first_name": "Sanne", "last_name": "de Vries", "company": "", "address_1": "Prinsengracht 12",
                        "address_2": "", "city": "Amsterdam", "state": "", "postcode": "1015 DX", "country": "NL",
                        "email": "sanne@example.com", "phone": "+31 6 12345678"},
            "shipping": {"first_name": "Sanne", "last_name": "de Vries", "company": "", "address_1": "Prinsengracht 12",
                         "address_2": "3 hoog", "city": "Amsterdam", "state": "", "postcode": "1015 DX",
                         "country": "NL", "phone": ""},
            "payment_method": "ideal", "payment_method_title": "iDEAL", "transaction_id": "tr_123",
            "date_paid": _iso(now), "date_completed": None,
            "line_items": [
                {"id": 100 + index, "name": line[2] if len(line) > 2 else f"Product {line[0]}", "product_id": 55,
                 "variation_id": 0, "quantity": line[1], "tax_class": "", "subtotal": "12.40", "subtotal_tax": "2.60",
                 "total": "12.40", "total_tax": "2.60", "taxes": [], "meta_data": [], "sku": line[0],
                 "price": 6.2, "image": {"id": "", "src": ""}, "parent_name": None}
                for index, line in enumerate(lines)
            ],
            "shipping_lines": [{"id": 200, "method_title": "PostNL", "method_id": "flat_rate", "total": "4.95"}],
            "meta_data": [],
        }
        for name, value in overrides.items():
            if isinstance(value, dict) and isinstance(order.get(name), dict):
                order[name] = {**order[name], **value}
            else:
                order[name] = value
        self.orders[order_id] = order
        return order

    def _error(self, status, code, message):
        return _json(status, {"code": code, "message": message, "data": {"status": status}})

    def _cannot(self, method, path, status):
        """The permission callbacks' refusals (WC_REST_Orders_Controller and its parents)."""
        listing = path.rstrip("/").endswith("/orders")
        code, message = {
            "GET": ("woocommerce_rest_cannot_view", "Sorry, you cannot list resources." if listing
                    else "Sorry, you cannot view this resource."),
            "POST": ("woocommerce_rest_cannot_create", "Sorry, you are not allowed to create resources."),
            "PUT": ("woocommerce_rest_cannot_edit", "Sorry, you are not allowed to edit this resource."),
        }.get(method, ("woocommerce_rest_cannot_edit", "Sorry, you are not allowed to edit this resource."))
        if path.rstrip("/").endswith("/batch"):
            code = "woocommerce_rest_cannot_batch"
            message = "Sorry, you are not allowed to batch manipulate this resource."
        return self._error(status, code, message)

    def _authenticate(self, method, path, query, headers):
        """(user or None, error answer or None) as WC_REST_Authentication decides: HTTP Basic only over
        https, OAuth 1.0a one-legged (parameters in the query string) over plain http."""
        if self.secure:
            auth = headers.get("Authorization", "")
            if not auth.startswith("Basic "):
                return None, None
            try:
                key, _, secret = base64.b64decode(auth.removeprefix("Basic ")).decode().partition(":")
            except ValueError:
                return None, None
            if key != self.consumer_key:
                return None, None  # an unknown key logs nobody in; the endpoint then refuses with 401
            if secret != self.consumer_secret:
                return None, self._error(401, "woocommerce_rest_authentication_error", "Consumer secret is invalid.")
            return "user", None
        params = {name: values[0] for name, values in query.items()}
        authorization = headers.get("Authorization", "").strip()
        if authorization.startswith("OAuth "):  # WC_REST_Authentication::parse_header
            for name, quoted, bare in re.findall(r'(oauth_[a-z_-]*)=(?:"([^"]*)"|([^,]*))', authorization):
                params[name] = unquote(quoted or bare)
        required = ("oauth_consumer_key", "oauth_timestamp", "oauth_nonce", "oauth_signature", "oauth_signature_method")
        if not any(params.get(name) for name in required):
            return None, None
        missing = [name for name in required if not params.get(name)]
        if missing:
            return None, self._error(401, "woocommerce_rest_authentication_missing_parameter",
                                     f"Missing OAuth parameter{'s' if len(missing) > 1 else ''} {', '.join(missing)}")
        if params["oauth_consumer_key"] != self.consumer_key:
            return None, self._error(401, "woocommerce_rest_authentication_error", "Consumer key is invalid.")
        if params["oauth_signature"] != oauth_signature(method, self.url + path, params, self.consumer_secret):
            return None, self._error(401, "woocommerce_rest_authentication_error",
                                     "Invalid signature - provided signature does not match.")
        if abs(int(params["oauth_timestamp"]) - time.time()) > 15 * 60:
            return None, self._error(401, "woocommerce_rest_authentication_error", "Invalid timestamp.")
        if params["oauth_nonce"] in self.nonces:
            return None, self._error(401, "woocommerce_rest_authentication_error",
                                     "Invalid nonce - nonce has already been used.")
        self.nonces.add(params["oauth_nonce"])
        return "user", None

    def route(self, method, path, query, headers, body):
        if not path.startswith(self.API + "/"):
            return self._error(404, "rest_no_route", "No route was found matching the URL and request method.")
        user, error = self._authenticate(method, path, query, headers)
        if error is not None:
            return error
        if user is None or self.user_role not in ("administrator", "shop_manager"):
            # Not logged in (unknown key, no credentials): 401; logged in without the capability: 403.
            # (WooCommerce's permission callbacks answer rest_authorization_required_code().)
            return self._cannot(method, path, 401 if user is None else 403)
        if method in ("GET", "HEAD") and self.permissions not in ("read", "read_write"):
            return self._error(401, "woocommerce_rest_authentication_error",
                               "The API key provided does not have read permissions.")
        if method in ("POST", "PUT", "PATCH", "DELETE") and self.permissions not in ("write", "read_write"):
            return self._error(401, "woocommerce_rest_authentication_error",
                               "The API key provided does not have write permissions.")
        rest = path[len(self.API):].strip("/").split("/")
        payload = json.loads(body) if body else {}
        if rest == ["orders"] and method == "GET":
            return self._list_orders(query)
        if rest == ["orders", "batch"] and method == "POST":
            return _json(200, {key: [] for key in ("create", "update", "delete") if key in payload})
        if len(rest) >= 2 and rest[0] == "orders" and rest[1].isdigit():
            order = self.orders.get(int(rest[1]))
            if order is None:
                return self._error(404, "woocommerce_rest_shop_order_invalid_id", "Invalid ID.")
            if len(rest) == 2 and method == "GET":
                return _json(200, order)
            if len(rest) == 2 and method == "PUT":
                order.update({key: value for key, value in payload.items() if key in ("status",)})
                order["date_modified_gmt"] = _iso(datetime.now(UTC).replace(tzinfo=None))
                return _json(200, order)
            if rest[2:] == ["notes"] and method == "POST":
                note = {"id": len(self.notes.get(order["id"], [])) + 1, "author": "WooCommerce",
                        "date_created": _iso(datetime.now()), "note": payload.get("note", ""),
                        "customer_note": bool(payload.get("customer_note"))}
                self.notes.setdefault(order["id"], []).append(note)
                return _json(201, note)
        return self._error(404, "rest_no_route", "No route was found matching the URL and request method.")

    def _list_orders(self, query):
        def one(name, default=None):
            return query.get(name, [default])[0]

        orders = sorted(self.orders.values(), key=lambda o: (o["date_created_gmt"], o["id"]),
                        reverse=one("order", "desc") == "desc")
        if one("status") and one("status") != "any":
            orders = [o for o in orders if o["status"] in one("status").split(",")]
        if one("modified_after"):
            orders = [o for o in orders if o["date_modified_gmt"] > one("modified_after")]
        if one("after"):
            orders = [o for o in orders if o["date_created_gmt"] > one("after")]
        per_page, page = int(one("per_page", 10)), int(one("page", 1))
        total_pages = max((len(orders) + per_page - 1) // per_page, 1)
        chunk = orders[(page - 1) * per_page: page * per_page]
        return _json(200, chunk, {"X-WP-Total": str(len(orders)), "X-WP-TotalPages": str(total_pages)})


# --- Shopify -------------------------------------------------------------------------------


class FakeShopify(FakeShop):
    def __init__(self, access_token="shpat_" + "c3" * 16, version="2026-10", certificate=None,
                 scopes=("read_orders", "write_fulfillments", "write_merchant_managed_fulfillment_orders")):
        super().__init__(certificate)
        self.access_token, self.version, self.scopes = access_token, version, set(scopes)
        self.orders = []
        self.fulfillments = []
        self._next = 5000
        # Shopify refuses, before running it, any query whose requested cost is over this.
        self.max_cost = MAX_QUERY_COST
        # (operation name, requested cost) of every query received.
        self.costs = []

    def add_order(self, lines=(("SKU-1", 2),), paid=True, cancelled=False, locations=1, **overrides):
        """Add an order; lines are (sku, quantity[, requires_shipping]). Its lines are split over
        ``locations`` fulfilment orders (one per location that ships them), as Shopify does."""
        self._next += 1
        number = self._next
        order = {
            "id": f"gid://shopify/Order/{number}", "name": f"#{number}", "email": "piet@example.com",
            "phone": None, "note": "Leave at the door",
            "cancelledAt": _iso(datetime.now(UTC)) if cancelled else None,
            "displayFinancialStatus": "PAID" if paid else "PENDING",
            "displayFulfillmentStatus": "UNFULFILLED",
            "updatedAt": _iso(datetime.now(UTC).replace(tzinfo=None)),
            "createdAt": _iso(datetime.now(UTC).replace(tzinfo=None)),
            "shippingAddress": {"name": "Piet Jansen", "firstName": "Piet", "lastName": "Jansen",
                                "company": "Jansen BV",
                                "address1": "Dorpsstraat 5", "address2": None, "city": "Utrecht", "zip": "3511 AB",
                                "provinceCode": "UT", "countryCodeV2": "NL", "phone": "+31 30 1234567"},
            "billingAddress": {"name": "Piet Jansen", "firstName": "Piet", "lastName": "Jansen", "company": None,
                               "address1": "Dorpsstraat 5", "address2": None, "city": "Utrecht", "zip": "3511 AB",
                               "provinceCode": "UT", "countryCodeV2": "NL", "phone": None},
            "lines": [{"id": f"gid://shopify/LineItem/{number}{index}", "sku": line[0], "quantity": line[1],
                       "requiresShipping": line[2] if len(line) > 2 else True, "fulfilled": 0,
                       "name": f"Product {line[0]}"} for index, line in enumerate(lines)],
        }
        order["fulfillmentOrders"] = [
            {"id": f"gid://shopify/FulfillmentOrder/{number}{location}",
             "lines": [line for index, line in enumerate(order["lines"]) if index % locations == location]}
            for location in range(locations)]
        order["fulfillments"] = []
        order.update(overrides)
        self.orders.append(order)
        return order

    def route(self, method, path, query, headers, body):
        if path != f"/admin/api/{self.version}/graphql.json" or method != "POST":
            return _json(404, {"errors": "Not Found"})
        if headers.get("X-Shopify-Access-Token") != self.access_token:
            return _json(401, {"errors": "[API] Invalid API key or access token (unrecognized login or wrong "
                                         "password)"})
        request = json.loads(body)
        operation, variables = request.get("operationName"), request.get("variables") or {}
        cost = requested_cost(request.get("query") or "", variables)
        self.costs.append((operation, cost))
        if cost > self.max_cost:
            return _json(200, {"errors": [{
                "message": f"Query cost is {cost}, which exceeds the single query max cost limit ({self.max_cost}).\n\n"
                           "See https://shopify.dev/concepts/about-apis/rate-limits for more information on how the\n"
                           "cost of a query is calculated.\n\nTo query larger amounts of data with fewer limits, bulk "
                           "operations should be used instead.\nSee https://shopify.dev/tutorials/perform-bulk-"
                           "operations-with-admin-api for usage details.\n",
                "extensions": {"code": "MAX_COST_EXCEEDED", "cost": cost, "maxCost": self.max_cost,
                               "documentation": "https://shopify.dev/api/usage/rate-limits"}}]})
        handler = getattr(self, f"_op_{operation}", None)
        if handler is None:
            return _json(200, {"errors": [{"message": f"Unknown operation {operation}",
                                           "extensions": {"code": "undefinedField"}}]})
        return handler(variables)

    def _denied(self, scope):
        return _json(200, {"errors": [{"message": f"Access denied for orders field. Required access: `{scope}` access "
                                                  "scope.", "extensions": {"code": "ACCESS_DENIED"}}]})

    def _may_read(self):
        return bool(self.scopes & {"read_orders", "write_orders"})

    def _op_Access(self, variables):
        return _json(200, {"data": {"shop": {"name": "Fake Shopify"},
                                    "currentAppInstallation": {"accessScopes": [{"handle": h} for h in
                                                                                sorted(self.scopes)]}},
                           "extensions": {"cost": {"requestedQueryCost": 2, "actualQueryCost": 2}}})

    def _node(self, order, lines_first):
        node = {key: order[key] for key in ("id", "name", "email", "phone", "note", "cancelledAt",
                                             "displayFinancialStatus", "displayFulfillmentStatus",
                                             "shippingAddress", "billingAddress")}
        node["lineItems"] = self._lines(order, lines_first)
        return node

    def _lines(self, order, first, after=None):
        start = int(after) if after else 0
        chunk = order["lines"][start:start + first]
        return {"nodes": [{"sku": line["sku"], "name": line["name"], "currentQuantity": line["quantity"],
                           "requiresShipping": line["requiresShipping"],
                           "originalUnitPriceSet": {"shopMoney": {"amount": "12.5", "currencyCode": "EUR"}}}
                          for line in chunk],
                "pageInfo": {"hasNextPage": start + first < len(order["lines"]),
                             "endCursor": str(start + first)}}

    def _op_OrdersPage(self, variables):
        if not self._may_read():
            return self._denied("read_orders")
        orders = list(self.orders)
        search = variables.get("query") or ""
        if "fulfillment_status:unshipped" in search:
            orders = [o for o in orders if o["displayFulfillmentStatus"] != "FULFILLED" and not o["cancelledAt"]]
        statuses = {status.upper() for status in re.findall(r"financial_status:(\w+)", search)}
        if statuses:  # terms for one field joined with OR, as the connector asks
            orders = [o for o in orders if o["displayFinancialStatus"] in statuses]
        if "updated_at:>'" in search:
            since = search.split("updated_at:>'")[1].split("'")[0].rstrip("Z")
            orders = [o for o in orders if o["updatedAt"] > since]
        if "created_at:>='" in search:
            after = search.split("created_at:>='")[1].split("'")[0].rstrip("Z")
            orders = [o for o in orders if o["createdAt"] >= after]
        key = "updatedAt" if variables.get("sortKey") == "UPDATED_AT" else "id"
        orders.sort(key=lambda o: (o[key], o["id"]), reverse=bool(variables.get("reverse")))
        start = int(variables.get("after") or 0)
        first = int(variables["orders"])
        chunk = orders[start:start + first]
        return _json(200, {"data": {"orders": {
            "nodes": [self._node(order, int(variables["lines"])) for order in chunk],
            "pageInfo": {"hasNextPage": start + first < len(orders),
                         "endCursor": str(start + first) if chunk else None},
        }}})

    def _find(self, order_id):
        return next((order for order in self.orders if order["id"] == order_id), None)

    def _op_OneOrder(self, variables):
        order = self._find(variables["id"])
        return _json(200, {"data": {"order": self._node(order, int(variables["lines"])) if order else None}})

    def _op_OrderLines(self, variables):
        order = self._find(variables["id"])
        return _json(200, {"data": {"order": {"lineItems": self._lines(order, int(variables["moreLines"]),
                                                                       variables.get("after"))}}})

    def _fulfillment_order(self, fulfillment_order, lines_first, after=None):
        open_lines = [line for line in fulfillment_order["lines"] if line["requiresShipping"]]
        remaining = sum(line["quantity"] - line["fulfilled"] for line in open_lines)
        start = int(after) if after else 0
        return {"id": fulfillment_order["id"], "status": "OPEN" if remaining else "CLOSED",
                "lineItems": {"nodes": [{"id": line["id"].replace("LineItem", "FulfillmentOrderLineItem"),
                                         "remainingQuantity": line["quantity"] - line["fulfilled"],
                                         "lineItem": {"sku": line["sku"]}}
                                        for line in open_lines[start:start + lines_first]],
                              "pageInfo": {"hasNextPage": start + lines_first < len(open_lines),
                                           "endCursor": str(start + lines_first)}}}

    def _find_fulfillment_order(self, fulfillment_order_id):
        for order in self.orders:
            for fulfillment_order in order["fulfillmentOrders"]:
                if fulfillment_order["id"] == fulfillment_order_id:
                    return order, fulfillment_order
        return None, None

    def _op_FulfillmentOrders(self, variables):
        order = self._find(variables["id"])
        if order is None:
            return _json(200, {"data": {"order": None}})
        start, first = int(variables.get("after") or 0), int(variables["fulfillmentOrders"])
        chunk = order["fulfillmentOrders"][start:start + first]
        return _json(200, {"data": {"order": {"fulfillmentOrders": {
            "nodes": [self._fulfillment_order(fo, int(variables["fulfillmentLines"])) for fo in chunk],
            "pageInfo": {"hasNextPage": start + first < len(order["fulfillmentOrders"]),
                         "endCursor": str(start + first)}}}}})

    def _op_FulfillmentOrderLines(self, variables):
        _, fulfillment_order = self._find_fulfillment_order(variables["id"])
        node = self._fulfillment_order(fulfillment_order, int(variables["moreFulfillmentLines"]),
                                       variables.get("after"))
        return _json(200, {"data": {"fulfillmentOrder": {"lineItems": node["lineItems"]}}})

    def _op_OrderFulfillments(self, variables):
        order = self._find(variables["id"])
        return _json(200, {"data": {"order": {"fulfillments": [
            {"id": f["id"], "trackingInfo": f["trackingInfo"][:int(variables["trackingInfo"])]}
            for f in order["fulfillments"][:int(variables["fulfillments"])]]}}})

    def _op_CreateFulfillment(self, variables):
        if "write_fulfillments" not in self.scopes:
            return self._denied("write_fulfillments")
        fulfillment = variables["fulfillment"]
        for entry in fulfillment["lineItemsByFulfillmentOrder"]:
            order, fulfillment_order = self._find_fulfillment_order(entry["fulfillmentOrderId"])
            if order is None or self._fulfillment_order(fulfillment_order, 250)["status"] != "OPEN":
                return _json(200, {"data": {"fulfillmentCreate": {"fulfillment": None, "userErrors": [
                    {"field": ["fulfillment"], "message": "Fulfillment order is not open."}]}}})
            wanted = {item["id"]: item["quantity"] for item in entry.get("fulfillmentOrderLineItems") or []}
            for line in fulfillment_order["lines"]:
                item_id = line["id"].replace("LineItem", "FulfillmentOrderLineItem")
                if line["requiresShipping"] and (not wanted or item_id in wanted):
                    line["fulfilled"] += wanted.get(item_id, line["quantity"] - line["fulfilled"])
            if all(line["fulfilled"] >= line["quantity"] for line in order["lines"] if line["requiresShipping"]):
                order["displayFulfillmentStatus"] = "FULFILLED"
            tracking = fulfillment.get("trackingInfo") or {}
            order["fulfillments"].append({
                "id": f"gid://shopify/Fulfillment/{len(self.fulfillments) + 1}",
                "trackingInfo": [{"company": tracking.get("company"), "number": tracking.get("number"),
                                  "url": tracking.get("url")}] if tracking.get("number") else []})
        self.fulfillments.append(fulfillment)
        return _json(200, {"data": {"fulfillmentCreate": {
            "fulfillment": {"id": f"gid://shopify/Fulfillment/{len(self.fulfillments)}", "status": "SUCCESS"},
            "userErrors": []}}})

    def _op_UpdateTracking(self, variables):
        tracking = variables["trackingInfoInput"]
        for order in self.orders:
            for fulfillment in order["fulfillments"]:
                if fulfillment["id"] == variables["fulfillmentId"]:
                    urls = tracking.get("urls") or [None] * len(tracking.get("numbers") or [])
                    numbers = tracking.get("numbers") or []
                    fulfillment["trackingInfo"] = [{"company": tracking.get("company"), "number": number, "url": url}
                                                   for number, url in zip(numbers, urls, strict=False)]
                    fulfillment["notifyCustomer"] = variables.get("notifyCustomer")
                    return _json(200, {"data": {"fulfillmentTrackingInfoUpdate": {
                        "fulfillment": {"id": fulfillment["id"]}, "userErrors": []}}})
        return _json(200, {"data": {"fulfillmentTrackingInfoUpdate": {"fulfillment": None, "userErrors": [
            {"field": ["fulfillmentId"], "message": "Fulfillment does not exist."}]}}})


# --- certificates for the TLS tests ---------------------------------------------------------


@dataclass
class Certificate:
    cert_path: str
    key_path: str


def make_certificate(directory, names=("127.0.0.1",), days=30, expired=False):
    """A self-signed certificate for the given names (IP addresses or DNS names), written as PEM files."""
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Fake shop")])
    now = datetime.now(UTC)
    start, end = (now - timedelta(days=60), now - timedelta(days=1)) if expired else (now - timedelta(days=1),
                                                                                      now + timedelta(days=days))
    alternative = []
    for name in names:
        try:
            alternative.append(x509.IPAddress(ipaddress.ip_address(name)))
        except ValueError:
            alternative.append(x509.DNSName(name))
    certificate = (
        x509.CertificateBuilder().subject_name(subject).issuer_name(subject).public_key(key.public_key())
        .serial_number(x509.random_serial_number()).not_valid_before(start).not_valid_after(end)
        .add_extension(x509.SubjectAlternativeName(alternative), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = f"{directory}/shop.crt", f"{directory}/shop.key"
    with open(cert_path, "wb") as handle:
        handle.write(certificate.public_bytes(serialization.Encoding.PEM))
    with open(key_path, "wb") as handle:
        handle.write(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                       serialization.NoEncryption()))
    return Certificate(cert_path, key_path)
