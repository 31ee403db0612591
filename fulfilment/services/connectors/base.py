"""What every webshop connector offers, the shapes it returns and the errors it raises.

A connector speaks one platform's API. It knows nothing of our database: it returns
``ShopOrder`` values for the import and takes a ``TrackingUpdate`` for the way back.
Its errors carry a message a shop owner can act on; they never contain credentials.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from fulfilment.i18n import _l
from fulfilment.services.errors import DomainError


class ConnectorError(DomainError):
    """The shop could not be asked or did not answer usefully."""

    http_status = 502
    default_message = _l("The webshop could not be reached.")


class ShopUnreachable(ConnectorError):
    """No answer: unknown host, refused connection, time-out."""


class InsecureConnection(ConnectorError):
    """The secure connection (TLS) failed or the address is not https://."""


class CredentialsRejected(ConnectorError):
    """The shop does not accept the stored key, secret or token."""


class PermissionMissing(ConnectorError):
    """The credentials work but may not do this (read orders, update orders)."""


class ShopFailed(ConnectorError):
    """The shop answered with an error (5xx, 429) even after retrying."""


class UnreadableAnswer(ConnectorError):
    """The shop answered, but not with the data its API documents (HTML, broken JSON …)."""


@dataclass
class ShopLine:
    sku: str
    quantity: int
    name: str = ""
    price: Decimal | None = None


@dataclass
class ShopOrder:
    """One order as a shop sent it, mapped to our order fields.

    ``ignore_reason`` is set when the shop itself says the order is not to be shipped
    (cancelled, already fulfilled, nothing to ship); ``problem`` when we could not read it.
    """

    foreign_id: str
    number: str = ""
    fields: dict = field(default_factory=dict)
    lines: list = field(default_factory=list)
    ignore_reason: str = ""
    problem: str = ""


@dataclass
class TrackingUpdate:
    """A shipment to report to the shop."""

    foreign_id: str
    carrier: str
    tracking_code: str = ""
    tracking_url: str = ""
    # (sku, quantity) shipped in this parcel, for platforms that fulfil per line.
    lines: list = field(default_factory=list)
    # Whether everything of the order has now been shipped.
    order_complete: bool = True
    # Tracking codes of the same picklist's parcels the shop was told about before (a later parcel).
    earlier_tracking_codes: list = field(default_factory=list)
    # The language of the note the shop's customer reads: the client's (its shop's customers' best guess).
    language: str = "en"


class ShopConnector:
    """The interface of a platform connector. Subclasses implement every method."""

    platform = ""
    # Which credential fields the platform needs, with their labels.
    credential_fields = {}

    def __init__(self, url, credentials, http):
        self.url = url.rstrip("/")
        self.credentials = credentials
        self.http = http

    def __repr__(self):
        # Never show credentials, not even in a traceback.
        return f"<{type(self).__name__} {self.url}>"

    def close(self):
        self.http.close()

    def order_pages(self, since=None, created_after=None):
        """Yield lists of ShopOrder waiting to be shipped: at least those changed since ``since`` (a
        connector may return more), none created before ``created_after``."""
        raise NotImplementedError

    def fetch_order(self, foreign_id):
        """Return one order as a ShopOrder."""
        raise NotImplementedError

    def recent_orders(self, limit=20):
        """Return the newest orders (any status), for the connection test."""
        raise NotImplementedError

    def verify_credentials(self):
        """Raise CredentialsRejected unless the shop accepts the credentials."""
        raise NotImplementedError

    def verify_read_orders(self):
        """Raise PermissionMissing unless the credentials may read orders."""
        raise NotImplementedError

    def verify_update_orders(self):
        """Raise PermissionMissing unless the credentials may update orders (without changing any)."""
        raise NotImplementedError

    def send_tracking(self, update):
        """Tell the shop that (part of) an order has shipped, with carrier and tracking code."""
        raise NotImplementedError

    # --- helpers shared by the platforms ---------------------------------------------------

    @staticmethod
    def grouped_lines(lines):
        """Sum the quantities of lines with the same SKU, keeping their order."""
        grouped = {}
        for line in lines:
            if line.sku in grouped:
                grouped[line.sku].quantity += line.quantity
            else:
                grouped[line.sku] = ShopLine(line.sku, line.quantity, line.name, line.price)
        return list(grouped.values())


def person_and_company(first_name, last_name, company, full_name=""):
    """(delivery name, contact name): the company with the person as contact, or just the person."""
    person = " ".join(part for part in ((first_name or "").strip(), (last_name or "").strip()) if part)
    person = person or (full_name or "").strip()
    company = (company or "").strip()
    return (company, person) if company else (person, "")
