"""WooCommerce through its REST API v3 (``/wp-json/wc/v3``), authenticated with a consumer key and secret.

Over https the key and secret travel as HTTP Basic credentials. Over plain http (only with the
development flag FULFILMENT_WEBSHOP_ALLOW_HTTP) WooCommerce never reads Basic credentials: it
accepts only OAuth 1.0a "one-legged" signatures, so there each request (and each retry) is signed
afresh (HMAC-SHA256, a new nonce each time; the parameters go in an ``Authorization: OAuth``
header, which WooCommerce reads since 3.0, so the key stays out of URLs and logs) and the
secret never travels.

A refusal is told apart by status, as WooCommerce's permission checks do: 401 means nobody is
logged in (a mistyped or revoked key, or a web server that drops the Authorization header),
403 means the key's user is logged in but lacks the capability (its WordPress role).

Orders to ship are those in status ``processing`` (paid, not yet completed). Tracking goes
back by completing the order and adding a note for the customer with carrier and code.
"""

import logging
from decimal import Decimal, InvalidOperation
from urllib.parse import urlsplit

from oauthlib.oauth1 import SIGNATURE_HMAC_SHA256, SIGNATURE_TYPE_AUTH_HEADER
from requests_oauthlib import OAuth1

from fulfilment.i18n import _, _l, force_locale
from fulfilment.services.connectors.base import (
    ConnectorError,
    CredentialsRejected,
    PermissionMissing,
    ShopConnector,
    ShopLine,
    ShopOrder,
    UnreadableAnswer,
    person_and_company,
)
from fulfilment.services.connectors.http import json_of

# oauthlib and requests-oauthlib log the consumer key (and the signed parameters) at DEBUG level.
for _name in ("oauthlib", "requests_oauthlib"):
    logging.getLogger(_name).setLevel(logging.INFO)

API_PATH = "/wp-json/wc/v3"
KEYS_PAGE = _l("WooCommerce → Settings → Advanced → REST API")
# A shop that keeps answering with full pages is broken; stop rather than loop for ever.
MAX_PAGES = 1000

IGNORED_STATUSES = {
    "pending": _l("Not paid yet (status “pending payment” in the shop)."),
    "on-hold": _l("On hold in the shop (awaiting payment)."),
    "completed": _l("Already completed in the shop."),
    "cancelled": _l("Cancelled in the shop."),
    "refunded": _l("Refunded in the shop."),
    "failed": _l("The payment failed in the shop."),
    "trash": _l("Deleted in the shop."),
    "checkout-draft": _l("Still a draft in the shop's checkout."),
}


class WooCommerceConnector(ShopConnector):
    platform = "woocommerce"
    credential_fields = {"consumer_key": _l("Consumer key"), "consumer_secret": _l("Consumer secret")}
    page_size = 50

    def __init__(self, url, credentials, http, page_size=None, **_options):
        super().__init__(url, credentials, http)
        self.page_size = page_size or self.page_size
        self._reading_checked = None

    # --- talking to the API ----------------------------------------------------------------

    def _auth(self):
        """(auth, signed per try): Basic over https, an OAuth 1.0a signature per try over plain http."""
        key, secret = self.credentials.get("consumer_key", ""), self.credentials.get("consumer_secret", "")
        if urlsplit(self.url).scheme == "https":
            return (key, secret), False
        return OAuth1(key, client_secret=secret, signature_method=SIGNATURE_HMAC_SHA256,
                      signature_type=SIGNATURE_TYPE_AUTH_HEADER), True

    def _call(self, method, path, what, *, idempotent=True, **kwargs):
        auth, signed_per_try = self._auth()
        response = self.http.request(method, self.url + API_PATH + path, idempotent=idempotent,
                                     signed_per_try=signed_per_try, auth=auth, **kwargs)
        if response.status_code in (401, 403):
            raise self._refusal(response)
        if response.status_code == 404:
            raise self._not_found(response, what)
        if response.status_code >= 400:
            raise ConnectorError(_("The shop refused %(what)s (HTTP %(status)s: %(reason)s).", what=what,
                                   status=response.status_code, reason=_message(response)))
        return response

    def _refusal(self, response):
        code, message = _code(response), _message(response)
        # The key's own Read/Write setting: WooCommerce answers these with 401 after logging the key in.
        if "read permission" in message:
            return PermissionMissing(_("The API key may not read orders. In %(page)s, give the key the "
                                       "permission Read/Write.", page=KEYS_PAGE))
        if "write permission" in message:
            return PermissionMissing(_("The API key is read-only, so we cannot mark orders as shipped. In %(page)s, "
                                       "set the key's permissions to Read/Write.", page=KEYS_PAGE))
        if response.status_code == 403:
            if code.startswith("woocommerce_rest_cannot_"):
                return PermissionMissing(_("The user the API key belongs to may not manage orders. Create the key "
                                           "for a user with the role Administrator or Shop manager (%(page)s).",
                                           page=KEYS_PAGE))
            return PermissionMissing(_("The shop refused access (HTTP 403: %(reason)s). A security plugin or "
                                       "firewall may block API requests; ask whoever runs the shop to allow requests "
                                       "to /wp-json/wc/.", reason=message or _("no reason given")))
        if "secret" in message.lower() or "signature" in message.lower():
            return CredentialsRejected(_("The shop knows the consumer key but not this consumer secret. Copy the "
                                         "secret again from %(page)s (it is shown only once; if it is lost, create "
                                         "a new key there).", page=KEYS_PAGE))
        if "consumer key is invalid" in message.lower():  # over http, an OAuth signature with an unknown key
            return CredentialsRejected(_("The shop does not recognise the consumer key: it is mistyped, or the key "
                                         "was revoked. Copy the key and secret again from %(page)s, or create a new "
                                         "key there.", page=KEYS_PAGE))
        if code.startswith("woocommerce_rest_cannot_"):
            # Not logged in: WooCommerce did not recognise the key at all.
            return CredentialsRejected(_("The shop does not recognise the consumer key: it is mistyped, or the key "
                                         "was revoked. Copy the key and secret again from %(page)s, or create a new "
                                         "key there. If they are right, the shop's web server may be dropping the "
                                         "Authorization header; ask its hosting provider to pass it on.",
                                         page=KEYS_PAGE))
        return CredentialsRejected(_("The shop does not accept the consumer key and secret (%(reason)s). Copy both "
                                     "again from %(page)s, or create a new key there.",
                                     reason=message or "HTTP 401", page=KEYS_PAGE))

    def _not_found(self, response, what):
        if _code(response) == "rest_no_route" or not _code(response):
            return UnreadableAnswer(_(
                "WooCommerce's REST API was not found at %(url)s. Check that the address is the shop's home "
                "page, that WooCommerce is active and that Settings → Permalinks is not set to “Plain”.", url=self.url
            ))
        return ConnectorError(_("The shop could not find %(what)s: %(reason)s", what=what, reason=_message(response)))

    # --- reading orders --------------------------------------------------------------------

    def order_pages(self, since=None, created_after=None):
        # Every "processing" order is listed, not only those changed since the last run: the list
        # pages by offset, and an order that leaves "processing" during a run (completed by a
        # tracking push) shifts the next page by one, so one order can be passed over. It is
        # still "processing", so the next run finds it; a modified_after window would not.
        params = {"status": "processing", "per_page": self.page_size, "orderby": "date", "order": "asc"}
        if created_after is not None:
            params.update(after=created_after.replace(microsecond=0).isoformat(), dates_are_gmt="true")
        for page in range(1, MAX_PAGES + 1):
            response = self._call("GET", "/orders", _("the list of orders"), params={**params, "page": page})
            data = json_of(response, _("the list of orders"))
            if not isinstance(data, list):
                raise UnreadableAnswer(_("The shop answered the list of orders with something that is not a list."))
            yield [self._order(item) for item in data]
            total_pages = response.headers.get("X-WP-TotalPages", "")
            last = page >= int(total_pages) if total_pages.isdigit() else len(data) < self.page_size
            if last or not data:
                return

    def fetch_order(self, foreign_id):
        what = _("order %(id)s", id=foreign_id)
        response = self._call("GET", f"/orders/{int(foreign_id)}", what)
        return self._order(json_of(response, what))

    def recent_orders(self, limit=20):
        response = self._call("GET", "/orders", _("the list of orders"),
                              params={"per_page": limit, "orderby": "date", "order": "desc"})
        data = json_of(response, _("the list of orders"))
        if not isinstance(data, list):
            raise UnreadableAnswer(_("The shop answered the list of orders with something that is not a list."))
        return [self._order(item) for item in data]

    def _order(self, data):
        """Map a WooCommerce order (its documented JSON) to a ShopOrder."""
        if not isinstance(data, dict) or "id" not in data:
            raise UnreadableAnswer(_("The shop sent an order without an id; its answer is not WooCommerce order "
                                     "data."))
        foreign_id, number = str(data["id"]), str(data.get("number") or data["id"])
        try:
            shipping, billing = data.get("shipping") or {}, data.get("billing") or {}
            address = shipping if (shipping.get("address_1") or "").strip() else billing
            name, contact = person_and_company(address.get("first_name"), address.get("last_name"),
                                               address.get("company"))
            invoice_name, invoice_contact = person_and_company(billing.get("first_name"), billing.get("last_name"),
                                                               billing.get("company"))
            fields = {
                "delivery_name": name, "delivery_contact_name": contact,
                "delivery_address": address.get("address_1") or "", "delivery_address2": address.get("address_2") or "",
                "delivery_zipcode": address.get("postcode") or "", "delivery_city": address.get("city") or "",
                "delivery_region": address.get("state") or "", "delivery_country": address.get("country") or "",
                "invoice_name": invoice_name, "invoice_contact_name": invoice_contact,
                "invoice_address": billing.get("address_1") or "", "invoice_address2": billing.get("address_2") or "",
                "invoice_zipcode": billing.get("postcode") or "", "invoice_city": billing.get("city") or "",
                "invoice_region": billing.get("state") or "", "invoice_country": billing.get("country") or "",
                "email": billing.get("email") or "", "telephone": shipping.get("phone") or billing.get("phone") or "",
                "customer_remarks": data.get("customer_note") or "", "reference": number,
            }
            lines = [
                ShopLine(sku=(item.get("sku") or "").strip(), quantity=int(item["quantity"]),
                         name=item.get("name") or "", price=_price(item.get("price")))
                for item in data["line_items"]
            ]
        except (AttributeError, KeyError, TypeError, ValueError) as error:
            return ShopOrder(foreign_id, number, problem=_(
                "The shop sent order %(number)s in a form we could not read (%(error)s).", number=number,
                error=": ".join((type(error).__name__, str(error)))))
        status = data.get("status") or ""
        ignore = "" if status == "processing" else str(IGNORED_STATUSES.get(status) or _(
            "Its status in the shop is “%(status)s”; only “processing” orders are shipped.", status=status))
        return ShopOrder(foreign_id, number, fields=fields, lines=[line for line in lines if line.quantity > 0],
                         ignore_reason=ignore)

    # --- permissions -----------------------------------------------------------------------

    def _check_reading(self):
        """One small request answers both 'credentials accepted' and 'may read orders'."""
        if self._reading_checked is None:
            try:
                self._call("GET", "/orders", _("the list of orders"), params={"per_page": 1})
                self._reading_checked = True
            except (CredentialsRejected, PermissionMissing) as error:
                self._reading_checked = error
        return self._reading_checked

    def verify_credentials(self):
        outcome = self._check_reading()
        if isinstance(outcome, CredentialsRejected):
            raise outcome

    def verify_read_orders(self):
        outcome = self._check_reading()
        if isinstance(outcome, Exception):
            raise outcome

    def verify_update_orders(self):
        # WooCommerce checks a key's write permission on every POST; an empty batch changes nothing.
        self._call("POST", "/orders/batch", _("a test of the permission to update orders"), idempotent=False,
                   json={})

    # --- tracking back ---------------------------------------------------------------------

    def send_tracking(self, update):
        order_id = int(update.foreign_id)
        # Completing is idempotent and goes first: a failed note is then retried without
        # completing twice, and a completed order never misses its note for long.
        what = _("order %(id)s", id=order_id)
        if update.order_complete:
            self._call("PUT", f"/orders/{order_id}", what, json={"status": "completed"})
        self._call("POST", f"/orders/{order_id}/notes", what, idempotent=False,
                   json={"note": tracking_note(update), "customer_note": True})


def tracking_note(update):
    """The note the customer reads, in the client's language: carrier, tracking code and link."""
    with force_locale(update.language):
        sentences = [_("Your order has been shipped with %(carrier)s.", carrier=update.carrier) if update.order_complete
                     else _("Part of your order has been shipped with %(carrier)s.", carrier=update.carrier)]
        if update.tracking_code:
            sentences.append(_("Tracking code: %(code)s.", code=update.tracking_code))
        if update.tracking_url:
            sentences.append(_("Track your parcel at %(url)s", url=update.tracking_url))
    return " ".join(sentences)


def _price(value):
    if value in (None, ""):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def _body(response):
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def _code(response):
    return str(_body(response).get("code") or "")


def _message(response):
    return str(_body(response).get("message") or response.reason or "")
