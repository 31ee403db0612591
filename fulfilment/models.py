"""Peewee models and their named query scopes. No business rules live here (see services/).

Every table a client owns carries a non-null, indexed ``client`` column, and its indexes lead
with it, because every portal query starts from one client's scope.
"""

from datetime import UTC, datetime
from decimal import Decimal

from peewee import (
    SQL,
    BigIntegerField,
    BlobField,
    BooleanField,
    CharField,
    Check,
    CompositeKey,
    DateField,
    DateTimeField,
    DecimalField,
    DoubleField,
    ForeignKeyField,
    IntegerField,
    Model,
    TextField,
)

from fulfilment.db import database
from fulfilment.i18n import LANGUAGES


def utcnow():
    """Naive UTC now: what every timestamp column stores."""
    return datetime.now(UTC).replace(tzinfo=None)


def money(**kwargs):
    return DecimalField(max_digits=12, decimal_places=2, auto_round=True, default=Decimal("0.00"), **kwargs)


class BaseModel(Model):
    class Meta:
        database = database
        legacy_table_names = False

    # The fields __str__ reads: a list that shows a related row reads only these (and its keys).
    label_fields = ("name", "number")

    def __str__(self):
        label = getattr(self, "name", None) or getattr(self, "number", None)
        return str(label) if label else f"{type(self).__name__} #{self.get_id()}"

    @classmethod
    def label_columns(cls):
        """The id, the fields __str__ reads and the foreign keys (a label may name a related row's)."""
        return [field for field in cls._meta.sorted_fields
                if field.primary_key or field.name in cls.label_fields or isinstance(field, ForeignKeyField)]


class ClientOwned(BaseModel):
    """A row that belongs to one client; reach it through ``for_client``."""

    @classmethod
    def for_client(cls, client):
        """The tenant gate: rows of this model that belong to ``client``; every row for staff (client None).

        The portal passes its logged-in client (never None), the API its key's client (None for
        a staff key). services.tenancy.owned finds one row through it.
        """
        return cls.within(cls.select(), client)

    @classmethod
    def within(cls, query, client):
        """query (of this model, with any joins) narrowed to client's rows; unchanged for staff (client None)."""
        return query if client is None else query.where(cls.client == client)


# --- Warehouse and people -------------------------------------------------------------------


class Warehouse(BaseModel):
    name = CharField(unique=True)
    active = BooleanField(default=True)
    created_at = DateTimeField(default=utcnow)

    @classmethod
    def default(cls):
        """The first active warehouse: where stock goes when nobody says otherwise."""
        return cls.select().where(cls.active == True).order_by(cls.id).first()  # noqa: E712


class LoginIdentity:
    """What Flask-Login needs of a user. The id Flask-Login keeps in the signed cookie is the
    random token of a LoginSession row (set by fulfilment.auth when it logs the user in), so
    every session can be ended on the server by deleting its row."""

    identity_prefix = None
    is_anonymous = False
    is_authenticated = True
    # The token of the session this user object was loaded for (None outside a request).
    session_token = None

    @property
    def is_active(self):
        return self.active

    def get_id(self):
        return self.session_token


class StaffUser(LoginIdentity, BaseModel):
    identity_prefix = "staff"

    username = CharField(unique=True)
    password_hash = CharField()
    active = BooleanField(default=True)
    is_admin = BooleanField(default=False)
    last_login_at = DateTimeField(null=True)
    created_at = DateTimeField(default=utcnow)
    # Two-factor login (TOTP): the secret encrypted like webshop credentials, the last time step
    # accepted (a code is never accepted twice) and the SHA-256 hashes of the unused recovery codes.
    totp_secret_encrypted = TextField(default="")
    totp_enabled_at = DateTimeField(null=True)
    totp_last_step = IntegerField(default=0)
    recovery_code_hashes = TextField(default="")
    # The language this person reads the back office in (None: the browser's); migration 9.
    language = CharField(null=True, choices=LANGUAGES)

    label_fields = ("username",)

    def __str__(self):
        return self.username

    @property
    def two_factor_enabled(self):
        return self.totp_enabled_at is not None


class Client(BaseModel):
    """A fulfilment customer: the tenant."""

    @classmethod
    def within(cls, query, client):
        """The tenant gate on clients themselves: a client sees only itself; staff (client None) every one."""
        return query if client is None else query.where(cls.id == client)

    name = CharField(index=True)
    email = CharField(default="")
    portal_access = BooleanField(default=True)
    product_management = BooleanField(default=False)
    language = CharField(default="en", choices=LANGUAGES)
    active = BooleanField(default=True)
    created_at = DateTimeField(default=utcnow)
    updated_at = DateTimeField(default=utcnow)


class PortalUser(LoginIdentity, ClientOwned):
    identity_prefix = "portal"

    client = ForeignKeyField(Client, backref="portal_users", on_delete="RESTRICT")
    username = CharField(unique=True)
    password_hash = CharField()
    notification_email = CharField(default="")
    active = BooleanField(default=True)
    last_login_at = DateTimeField(null=True)
    created_at = DateTimeField(default=utcnow)
    # The language this person reads the portal in (None: its client's); migration 9.
    language = CharField(null=True, choices=LANGUAGES)

    label_fields = ("username",)

    def __str__(self):
        return self.username


# --- Products and stock ---------------------------------------------------------------------


class Product(ClientOwned):
    # Indexed with the id (Meta), not alone: a client's products in id order, as the back office
    # and the API list them (migration 30).
    client = ForeignKeyField(Client, backref="products", on_delete="RESTRICT", index=False)
    product_code = CharField()
    name = CharField()
    barcode = CharField(default="")
    price = money()
    fixed_stock_price = money()
    active = BooleanField(default=True)
    created_at = DateTimeField(default=utcnow)
    updated_at = DateTimeField(default=utcnow)

    # Customs and shipping details (issue 15 item 7); migration 12 adds them to older databases.
    hs_code = CharField(default="")
    country_of_origin = CharField(default="", max_length=2)
    customs_description = CharField(default="")
    weight_grams = IntegerField(null=True)
    length_mm = IntegerField(null=True)
    width_mm = IntegerField(null=True)
    height_mm = IntegerField(null=True)

    # The sums of the product's stock rows (stock, and stock - allocated), written by the stock
    # table's triggers only (fulfilment/stock_totals.py, migration 28): lists sort and filter by them.
    stock_total = IntegerField(default=0, constraints=[SQL("DEFAULT 0")])
    free_total = IntegerField(default=0, constraints=[SQL("DEFAULT 0")])

    class Meta:
        indexes = (
            (("client", "product_code"), True),
            (("client", "name"), False),
            (("client", "barcode"), False),
            (("client", "id"), False),
        )

    label_fields = ("product_code", "name")

    def __str__(self):
        return f"{self.product_code} {self.name}"

    def save(self, force_insert=False, only=None):
        """Save, never writing the stock totals back: the triggers keep them, and this copy's may be stale."""
        if only is None and self._pk is not None and not force_insert:
            only = [field for field in self._meta.sorted_fields if field.name not in STOCK_TOTALS]
        return super().save(force_insert=force_insert, only=only)


STOCK_TOTALS = ("stock_total", "free_total")


class ProductImage(ClientOwned):
    """An image kept in the database, so every web server can serve it."""

    client = ForeignKeyField(Client, on_delete="RESTRICT")
    product = ForeignKeyField(Product, backref="images", on_delete="CASCADE")
    filename = CharField(default="")
    content_type = CharField(default="image/png")
    data = BlobField()
    position = IntegerField(default=0)
    created_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("client", "product", "position"), False),)


class Stock(ClientOwned):
    """Units of one product in one warehouse. free = stock - allocated."""

    client = ForeignKeyField(Client, on_delete="RESTRICT")
    product = ForeignKeyField(Product, backref="stock_levels", on_delete="RESTRICT")
    warehouse = ForeignKeyField(Warehouse, on_delete="RESTRICT")
    stock = IntegerField(default=0, constraints=[Check("stock >= 0")])
    allocated = IntegerField(default=0, constraints=[Check("allocated >= 0")])
    updated_at = DateTimeField(default=utcnow)

    class Meta:
        constraints = [Check("allocated <= stock")]
        indexes = (
            (("product", "warehouse"), True),
            (("client", "product"), False),
        )

    @property
    def free(self):
        return self.stock - self.allocated


# Migration 18 indexed each client's stock rows by free stock for the low-stock lists; those read
# the product's free_total since migration 28, and migration 31 drops that index.


# --- Orders ---------------------------------------------------------------------------------

ORDER_STATUSES = ("concept", "expected", "processing", "paused", "completed", "cancelled")
ORDER_SOURCES = ("portal", "import", "webshop", "api", "staff")
PLATFORMS = (("woocommerce", "WooCommerce"), ("shopify", "Shopify"))


class Webshop(ClientOwned):
    client = ForeignKeyField(Client, backref="webshops", on_delete="RESTRICT")
    platform = CharField(choices=PLATFORMS)
    name = CharField()
    url = CharField()
    credentials_encrypted = TextField(default="")
    active = BooleanField(default=True)
    last_import_at = DateTimeField(null=True)
    last_test_at = DateTimeField(null=True)
    last_test_passed = BooleanField(null=True)
    last_test_result = TextField(default="")  # JSON list of checks
    created_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("client", "name"), False),)


class Order(ClientOwned):
    client = ForeignKeyField(Client, backref="orders", on_delete="RESTRICT")
    number = CharField(null=True, unique=True)
    reference = CharField(default="")
    status = CharField(default="concept", choices=[(s, s) for s in ORDER_STATUSES])
    source = CharField(default="staff", choices=[(s, s) for s in ORDER_SOURCES])
    webshop = ForeignKeyField(Webshop, null=True, backref="orders", on_delete="RESTRICT")
    foreign_id = CharField(null=True)
    foreign_number = CharField(default="")
    warehouse = ForeignKeyField(Warehouse, null=True, on_delete="RESTRICT")

    delivery_name = CharField(default="")
    delivery_contact_name = CharField(default="")
    delivery_address = CharField(default="")
    delivery_address2 = CharField(default="")
    delivery_zipcode = CharField(default="")
    delivery_city = CharField(default="")
    delivery_region = CharField(default="")
    delivery_country = CharField(default="NL", max_length=2)
    invoice_name = CharField(default="")
    invoice_contact_name = CharField(default="")
    invoice_address = CharField(default="")
    invoice_address2 = CharField(default="")
    invoice_zipcode = CharField(default="")
    invoice_city = CharField(default="")
    invoice_region = CharField(default="")
    invoice_country = CharField(default="")
    email = CharField(default="")
    telephone = CharField(default="")
    customer_remarks = TextField(default="")
    pause_reason = CharField(default="")

    created_at = DateTimeField(default=utcnow)
    updated_at = DateTimeField(default=utcnow)
    processed_at = DateTimeField(null=True)
    completed_at = DateTimeField(null=True)
    cancelled_at = DateTimeField(null=True)

    class Meta:
        # Lists newest first sort on (created_at, id): the id ends each index so PostgreSQL reads
        # a page from the index alone, in order (SQLite's indexes end with the rowid anyway;
        # migration 25).
        indexes = (
            (("client", "created_at", "id"), False),
            (("client", "status", "created_at", "id"), False),
            (("client", "source", "created_at", "id"), False),  # migration 6
            (("webshop", "foreign_id"), True),
        )


# The processing orders of every client, for the back office's orders to pick. A partial index,
# so the portal's queries by client and status are never tempted by it (with the statistics of a
# small table, an index on status alone made SQLite scan every order instead). In id order with
# the status (migration 29, replacing migration 16's on status alone): PostgreSQL merges it with
# the open picklists' (status, order) index, both read alone; SQLite finds each order in it.
PROCESSING_ORDERS_INDEX = "order_processing_id_status"
Order.add_index(Order.index(Order.id, Order.status, where=(Order.status == "processing"),
                            name=PROCESSING_ORDERS_INDEX))


class OrderLine(ClientOwned):
    client = ForeignKeyField(Client, on_delete="RESTRICT")
    order = ForeignKeyField(Order, backref="lines", on_delete="CASCADE")
    product = ForeignKeyField(Product, backref="order_lines", on_delete="RESTRICT")
    amount = IntegerField(constraints=[Check("amount > 0")])
    amount_cancelled = IntegerField(default=0)
    price = money()
    remarks = CharField(default="")

    class Meta:
        indexes = ((("client", "product"), False), (("client", "order"), False))


class OrderEvent(ClientOwned):
    """One step in an order's history (created, processed, paused, cancelled …)."""

    client = ForeignKeyField(Client, on_delete="RESTRICT")
    order = ForeignKeyField(Order, backref="events", on_delete="CASCADE")
    status = CharField()
    message = CharField(default="")
    actor = CharField(default="system")
    created_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("client", "order", "created_at"), False),)  # migration 6


class Backorder(ClientOwned):
    """The part of an order line that waits for stock. Served oldest first."""

    client = ForeignKeyField(Client, on_delete="RESTRICT")
    order = ForeignKeyField(Order, backref="backorders", on_delete="CASCADE")
    order_line = ForeignKeyField(OrderLine, backref="backorders", on_delete="CASCADE")
    product = ForeignKeyField(Product, backref="backorders", on_delete="RESTRICT")
    warehouse = ForeignKeyField(Warehouse, on_delete="RESTRICT")
    amount = IntegerField(constraints=[Check("amount > 0")])
    created_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = (
            (("client", "created_at"), False),
            (("product", "warehouse", "created_at"), False),
            (("client", "order"), False),  # migration 6
        )


# --- Purchase orders and receipts -----------------------------------------------------------

PURCHASE_ORDER_STATUSES = ("concept", "purchased", "received", "cancelled")
# Purchase orders whose goods are still expected: their outstanding units count as incoming.
OPEN_PURCHASE_ORDER_STATUSES = ("concept", "purchased")


class PurchaseOrder(ClientOwned):
    client = ForeignKeyField(Client, backref="purchase_orders", on_delete="RESTRICT")
    number = CharField(null=True, unique=True)
    supplier_name = CharField(default="")
    supplier_orderid = CharField(default="")
    delivery_date = DateField(null=True)
    remarks = TextField(default="")
    status = CharField(default="concept", choices=[(s, s) for s in PURCHASE_ORDER_STATUSES])
    warehouse = ForeignKeyField(Warehouse, null=True, on_delete="RESTRICT")
    created_at = DateTimeField(default=utcnow)
    updated_at = DateTimeField(default=utcnow)
    purchased_at = DateTimeField(null=True)
    cancelled_at = DateTimeField(null=True)

    class Meta:
        indexes = (
            (("client", "created_at", "id"), False),  # migration 25: the id of the newest-first sort
            (("client", "status", "delivery_date"), False),
        )


# Migration 19: the open purchase orders of every client, for the back office's dashboard (those
# expected by today, and the incoming units that will serve backorders). Partial, as the orders'
# index of migration 16; SQLite reads these through (client, status, delivery_date) as well.
OPEN_PURCHASE_ORDERS_INDEX = "purchase_order_open"
PurchaseOrder.add_index(PurchaseOrder.index(PurchaseOrder.status, PurchaseOrder.delivery_date,
                                            where=PurchaseOrder.status.in_(OPEN_PURCHASE_ORDER_STATUSES),
                                            name=OPEN_PURCHASE_ORDERS_INDEX))


class PurchaseOrderLine(ClientOwned):
    client = ForeignKeyField(Client, on_delete="RESTRICT")
    purchase_order = ForeignKeyField(PurchaseOrder, backref="lines", on_delete="CASCADE")
    product = ForeignKeyField(Product, backref="purchase_order_lines", on_delete="RESTRICT")
    amount = IntegerField(constraints=[Check("amount > 0")])
    amount_received = IntegerField(default=0)
    price = money()

    class Meta:
        indexes = ((("client", "product"), False), (("client", "purchase_order"), False))


# Migration 22: the lines still expected (a few among every line ever ordered), with their product,
# for the back office's dashboard: PostgreSQL read every purchase-order line to find the units
# still incoming for backorders.
EXPECTED_PURCHASE_ORDER_LINES_INDEX = "purchase_order_line_expected"
PurchaseOrderLine.add_index(PurchaseOrderLine.index(
    PurchaseOrderLine.purchase_order, PurchaseOrderLine.product,
    where=PurchaseOrderLine.amount > PurchaseOrderLine.amount_received, name=EXPECTED_PURCHASE_ORDER_LINES_INDEX))


class Receipt(ClientOwned):
    client = ForeignKeyField(Client, on_delete="RESTRICT")
    purchase_order = ForeignKeyField(PurchaseOrder, backref="receipts", on_delete="RESTRICT")
    number = CharField(null=True, unique=True)
    status = CharField(default="processing", choices=[("processing", "processing"), ("completed", "completed")])
    remarks = TextField(default="")
    actor = CharField(default="system")
    created_at = DateTimeField(default=utcnow)
    completed_at = DateTimeField(null=True)

    class Meta:
        indexes = ((("client", "created_at"), False), (("client", "purchase_order"), False))


class ReceiptLine(ClientOwned):
    client = ForeignKeyField(Client, on_delete="RESTRICT")
    receipt = ForeignKeyField(Receipt, backref="lines", on_delete="RESTRICT")
    purchase_order_line = ForeignKeyField(PurchaseOrderLine, null=True, backref="receipt_lines", on_delete="RESTRICT")
    product = ForeignKeyField(Product, on_delete="RESTRICT")
    amount = IntegerField(constraints=[Check("amount > 0")])
    created_at = DateTimeField(default=utcnow)


# --- Returns --------------------------------------------------------------------------------


class ReturnStatus(BaseModel):
    name = CharField(unique=True)
    is_default = BooleanField(default=False)
    is_completed = BooleanField(default=False)
    position = IntegerField(default=0)


class Return(ClientOwned):
    client = ForeignKeyField(Client, backref="returns", on_delete="RESTRICT")
    number = CharField(null=True, unique=True)
    order = ForeignKeyField(Order, null=True, backref="returns", on_delete="RESTRICT")
    status = ForeignKeyField(ReturnStatus, on_delete="RESTRICT")
    name = CharField(default="")
    address = CharField(default="")
    zipcode = CharField(default="")
    city = CharField(default="")
    country = CharField(default="NL", max_length=2)
    email = CharField(default="")
    tracking_code = CharField(default="")
    remarks = TextField(default="")
    warehouse = ForeignKeyField(Warehouse, null=True, on_delete="RESTRICT")
    created_at = DateTimeField(default=utcnow)
    updated_at = DateTimeField(default=utcnow)
    received_at = DateTimeField(null=True)
    completed_at = DateTimeField(null=True)

    class Meta:
        indexes = ((("client", "created_at", "id"), False), (("client", "order"), False))  # id: migration 25


class ReturnedProduct(ClientOwned):
    client = ForeignKeyField(Client, on_delete="RESTRICT")
    return_ = ForeignKeyField(Return, column_name="return_id", backref="returned_products", on_delete="CASCADE")
    product = ForeignKeyField(Product, on_delete="RESTRICT")
    amount = IntegerField(constraints=[Check("amount > 0")])
    amount_received = IntegerField(default=0)
    reason = CharField(default="")


class ReturnLog(ClientOwned):
    """A status update on a return, shown to the client as a timeline."""

    client = ForeignKeyField(Client, on_delete="RESTRICT")
    return_ = ForeignKeyField(Return, column_name="return_id", backref="logs", on_delete="CASCADE")
    status = ForeignKeyField(ReturnStatus, on_delete="RESTRICT")
    message = TextField(default="")
    actor = CharField(default="system")
    created_at = DateTimeField(default=utcnow)


# --- Picklists and shipments ----------------------------------------------------------------

PICKLIST_STATUSES = ("new", "closed", "cancelled")


class Picklist(ClientOwned):
    client = ForeignKeyField(Client, on_delete="RESTRICT")
    number = CharField(null=True, unique=True)
    order = ForeignKeyField(Order, null=True, backref="picklists", on_delete="RESTRICT")
    return_ = ForeignKeyField(Return, column_name="return_id", null=True, backref="picklists", on_delete="RESTRICT")
    warehouse = ForeignKeyField(Warehouse, on_delete="RESTRICT")
    status = CharField(default="new", choices=[(s, s) for s in PICKLIST_STATUSES])
    delivery_name = CharField(default="")
    delivery_address = CharField(default="")
    delivery_zipcode = CharField(default="")
    delivery_city = CharField(default="")
    delivery_country = CharField(default="")
    created_at = DateTimeField(default=utcnow)
    closed_at = DateTimeField(null=True)
    closed_by = CharField(default="")
    # The units on its lines, written with them (a picklist's lines are never added, removed or
    # resized later): the dashboard sums the open picklists' units from an index (migration 23).
    units = IntegerField(default=0)

    class Meta:
        indexes = (
            (("client", "status", "closed_at", "id"), False),  # migration 6: replaces (client, status, closed_at)
            (("client", "created_at"), False),
            (("client", "order"), False),  # migration 6
            # (status, order) of migration 11, for the open picklists and orders to pick over every
            # client, gave way to (status, order, units) of migration 23 (migration 26).
            # The back office's list filtered by status, newest first, and the open picklists'
            # orders read from the index alone (migration 21).
            (("status", "id", "order"), False),
        )


# Made by migration 23 only, not declared on the model: earlier migrations create the model's
# declared indexes on databases that do not have the units column yet.
OPEN_PICKLIST_UNITS_INDEX = "picklist_status_order_id_units"


class PicklistLine(ClientOwned):
    client = ForeignKeyField(Client, on_delete="RESTRICT")
    picklist = ForeignKeyField(Picklist, backref="lines", on_delete="CASCADE")
    product = ForeignKeyField(Product, on_delete="RESTRICT")
    order_line = ForeignKeyField(OrderLine, null=True, backref="picklist_lines", on_delete="RESTRICT")
    amount = IntegerField(constraints=[Check("amount > 0")])
    amount_picked = IntegerField(default=0)

    class Meta:
        indexes = ((("client", "product"), False), (("client", "picklist"), False))


class Shipment(ClientOwned):
    client = ForeignKeyField(Client, on_delete="RESTRICT")
    picklist = ForeignKeyField(Picklist, backref="shipments", on_delete="RESTRICT")
    order = ForeignKeyField(Order, null=True, backref="shipments", on_delete="RESTRICT")
    carrier = CharField(default="")
    tracking_code = CharField(default="")
    tracking_url = CharField(default="")
    shipped_at = DateTimeField(default=utcnow)
    # Telling the webshop about the shipment: "" (not a webshop order), pending, sent, failed.
    webshop_push_status = CharField(default="")
    webshop_push_attempts = IntegerField(default=0)
    webshop_push_error = TextField(default="")
    webshop_pushed_at = DateTimeField(null=True)
    # When the next attempt is due (null: at once); also holds a running attempt's lease.
    webshop_push_next_at = DateTimeField(null=True)

    class Meta:
        indexes = (
            (("client", "shipped_at"), False),
            (("webshop_push_status", "webshop_push_next_at"), False),
            (("client", "order"), False),  # migration 6
            (("client", "picklist"), False),  # migration 6
        )


class ReplacementProduct(ClientOwned):
    """A product sent to the customer in place of a returned one; it gets a picklist."""

    client = ForeignKeyField(Client, on_delete="RESTRICT")
    return_ = ForeignKeyField(Return, column_name="return_id", backref="replacement_products", on_delete="CASCADE")
    product = ForeignKeyField(Product, on_delete="RESTRICT")
    amount = IntegerField(constraints=[Check("amount > 0")])
    picklist = ForeignKeyField(Picklist, null=True, on_delete="RESTRICT")


# --- Stock ledger ---------------------------------------------------------------------------

CHANGE_TYPES = ("manual", "receipt", "picklist", "return", "api", "correction")


class StockMutation(ClientOwned):
    """One line of the ledger. Append-only: stock = the sum of these changes."""

    client = ForeignKeyField(Client, on_delete="RESTRICT")
    product = ForeignKeyField(Product, backref="stock_mutations", on_delete="RESTRICT")
    warehouse = ForeignKeyField(Warehouse, on_delete="RESTRICT")
    old_stock = IntegerField()
    change = IntegerField()
    new_stock = IntegerField()
    change_type = CharField(choices=[(c, c) for c in CHANGE_TYPES])
    reason = CharField(default="")
    picklist = ForeignKeyField(Picklist, null=True, on_delete="RESTRICT")
    receipt = ForeignKeyField(Receipt, null=True, on_delete="RESTRICT")
    return_ = ForeignKeyField(Return, column_name="return_id", null=True, on_delete="RESTRICT")
    actor = CharField(default="system")
    staff_user = ForeignKeyField(StaffUser, null=True, on_delete="RESTRICT")
    created_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = (
            (("client", "product", "created_at", "id"), False),
            (("product", "warehouse", "id"), False),
            # The portal's stock history of all a client's products, newest first, and the back
            # office's ledger of every client by date (migration 11), each ending with the id of
            # the sort (migration 25).
            (("client", "created_at", "id"), False),
            (("created_at", "id"), False),
        )


# --- Webshop orders, address book, API keys -------------------------------------------------

WEBSHOP_ORDER_STATUSES = ("imported", "ignored", "error")


class WebshopOrder(ClientOwned):
    """An order seen in a webshop, and what became of it."""

    client = ForeignKeyField(Client, on_delete="RESTRICT")
    webshop = ForeignKeyField(Webshop, backref="seen_orders", on_delete="RESTRICT")
    foreign_id = CharField()
    foreign_number = CharField(default="")
    status = CharField(choices=[(s, s) for s in WEBSHOP_ORDER_STATUSES])
    reason = CharField(default="")
    order = ForeignKeyField(Order, null=True, on_delete="RESTRICT")
    created_at = DateTimeField(default=utcnow)
    updated_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = (
            (("webshop", "foreign_id"), True),
            (("client", "webshop", "created_at"), False),
            (("client", "webshop", "status"), False),  # migration 14: the webshops page's counts
        )


# Migration 19: the webshop orders whose import failed, for the back office's dashboard tile (a
# few among millions; SQLite otherwise counted them by reading every row).
FAILED_WEBSHOP_ORDERS_INDEX = "webshop_order_failed"
WebshopOrder.add_index(WebshopOrder.index(WebshopOrder.status, where=(WebshopOrder.status == "error"),
                                          name=FAILED_WEBSHOP_ORDERS_INDEX))


class AddressBookEntry(ClientOwned):
    client = ForeignKeyField(Client, backref="addresses", on_delete="RESTRICT")
    name = CharField()
    contact_name = CharField(default="")
    address = CharField(default="")
    address2 = CharField(default="")
    zipcode = CharField(default="")
    city = CharField(default="")
    region = CharField(default="")
    country = CharField(default="NL", max_length=2)
    email = CharField(default="")
    telephone = CharField(default="")
    created_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("client", "name"), False),)


class ApiKey(BaseModel):
    """A key for the REST API: staff-wide when client is empty, else scoped to one client."""

    client = ForeignKeyField(Client, null=True, backref="api_keys", on_delete="RESTRICT")
    name = CharField()
    key_hash = CharField(unique=True)
    key_prefix = CharField()
    active = BooleanField(default=True)
    created_by = CharField(default="")
    created_at = DateTimeField(default=utcnow)
    last_used_at = DateTimeField(null=True)

    @classmethod
    def for_client(cls, client):
        """The keys scoped to client; with None, the staff-wide keys."""
        return cls.select().where(cls.client == client)

    within = classmethod(ClientOwned.within.__func__)


class ApiRequestCount(BaseModel):
    """Requests made with one API key in one minute: the rate limit's counter, shared by all web workers.

    Not in MODELS: it is bookkeeping, not warehouse data; migration 2 creates it and its rows go
    with their key.
    """

    api_key = ForeignKeyField(ApiKey, on_delete="CASCADE")
    minute = IntegerField()  # minutes since the Unix epoch
    requests = IntegerField(default=0)

    class Meta:
        indexes = ((("api_key", "minute"), True),)


MODELS = [
    Warehouse,
    StaffUser,
    Client,
    PortalUser,
    Product,
    ProductImage,
    Stock,
    Webshop,
    Order,
    OrderLine,
    OrderEvent,
    Backorder,
    PurchaseOrder,
    PurchaseOrderLine,
    Receipt,
    ReceiptLine,
    ReturnStatus,
    Return,
    ReturnedProduct,
    ReturnLog,
    Picklist,
    PicklistLine,
    ReplacementProduct,
    Shipment,
    StockMutation,
    WebshopOrder,
    AddressBookEntry,
    ApiKey,
]




class CreationKey(ClientOwned):
    """A create that may happen once: an import preview's or a form's key, and what it created.

    The same preview confirmed twice, or a form sent twice (a double click, a reload, another
    login of the same client), finds its key here and creates nothing new. Not in MODELS: it is
    bookkeeping, not warehouse data (like ApiRequestCount); migration 4 creates it and its rows
    go with their client.
    """

    client = ForeignKeyField(Client, on_delete="CASCADE")
    key = CharField(max_length=64)
    kind = CharField()
    record_id = IntegerField(null=True)
    label = CharField(default="")
    created_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("client", "key"), True),)



# --- Billing: rate cards, daily storage snapshots, invoices (issue 18) ----------------------


def rate(**kwargs):
    """A price per unit: four decimals, since storage per unit per day is often a fraction of a cent."""
    return DecimalField(max_digits=14, decimal_places=4, auto_round=True, default=Decimal("0.0000"), **kwargs)


# Rates a card holds (field name, what one unit of it is).
RATE_FIELDS = (
    ("per_order", "order handled"),
    ("per_picklist_line", "picklist line"),
    ("per_unit_picked", "unit picked"),
    ("per_shipment", "shipment (when no carrier/country rule matches)"),
    ("per_receipt_line", "receipt line"),
    ("per_unit_received", "unit received"),
    ("per_return", "return"),
    ("storage_per_location_day", "stock position per day"),
    ("storage_per_unit_day", "unit in storage per day"),
)


class RateCard(BaseModel):
    """What a client pays for handling and storage. The default card applies to clients without one."""

    name = CharField(unique=True)
    is_default = BooleanField(default=False)
    per_order = rate()
    per_picklist_line = rate()
    per_unit_picked = rate()
    per_shipment = rate()
    per_receipt_line = rate()
    per_unit_received = rate()
    per_return = rate()
    storage_per_location_day = rate()
    storage_per_unit_day = rate()
    created_at = DateTimeField(default=utcnow)
    updated_at = DateTimeField(default=utcnow)


class ShipmentRate(BaseModel):
    """A shipment price for a carrier and/or country; empty carrier or country means any."""

    rate_card = ForeignKeyField(RateCard, backref="shipment_rates", on_delete="CASCADE")
    carrier = CharField(default="")
    country = CharField(default="", max_length=2)
    price = rate()

    class Meta:
        indexes = ((("rate_card", "carrier", "country"), True),)


class ClientBilling(ClientOwned):
    """A client's billing terms: its rate card (None: the default card) and VAT rate in percent."""

    client = ForeignKeyField(Client, backref="billing", on_delete="RESTRICT", unique=True)
    rate_card = ForeignKeyField(RateCard, null=True, backref="clients", on_delete="RESTRICT")
    vat_rate = DecimalField(max_digits=5, decimal_places=2, auto_round=True, default=Decimal("21.00"))
    updated_at = DateTimeField(default=utcnow)


class StorageSnapshot(ClientOwned):
    """A client's storage at the end of one day (UTC), taken by the worker each night."""

    client = ForeignKeyField(Client, on_delete="RESTRICT")
    day = DateField()
    positions = IntegerField(default=0)  # product × warehouse rows with stock
    products = IntegerField(default=0)
    units = IntegerField(default=0)
    taken_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("client", "day"), True),)


class OneOffCharge(ClientOwned):
    """A charge staff add by hand (a stock count, labelling work …), billed in the period of its date."""

    client = ForeignKeyField(Client, backref="one_off_charges", on_delete="RESTRICT")
    description = CharField()
    quantity = IntegerField(default=1)
    unit_price = rate()
    charge_date = DateField()
    created_by = CharField(default="")
    created_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("client", "charge_date"), False),)


INVOICE_STATUSES = ("draft", "issued")


class Invoice(ClientOwned):
    """A client's invoice for a period: a draft staff check and adjust, then issue; issued never changes."""

    client = ForeignKeyField(Client, backref="invoices", on_delete="RESTRICT")
    number = CharField(null=True, unique=True)  # given at issue, sequential without gaps
    status = CharField(default="draft", choices=[(s, s) for s in INVOICE_STATUSES])
    period_start = DateField()
    period_end = DateField()
    rate_card_name = CharField(default="")
    vat_rate = DecimalField(max_digits=5, decimal_places=2, auto_round=True, default=Decimal("21.00"))
    subtotal = money()
    vat_amount = money()
    total = money()
    created_at = DateTimeField(default=utcnow)
    updated_at = DateTimeField(default=utcnow)
    computed_at = DateTimeField(null=True)
    issued_at = DateTimeField(null=True)
    issued_by = CharField(default="")

    class Meta:
        indexes = (
            (("client", "status", "period_start"), False),
            (("client", "period_start", "period_end"), False),
        )

    def __str__(self):
        return self.number or f"Draft #{self.id}"


class InvoiceLine(ClientOwned):
    """One charge: quantity × unit price, rounded half up to cents on the line."""

    client = ForeignKeyField(Client, on_delete="RESTRICT")
    invoice = ForeignKeyField(Invoice, backref="lines", on_delete="CASCADE")
    kind = CharField()  # a RATE_FIELDS name, "one_off" or "manual"
    description = CharField()
    quantity = IntegerField()
    unit_price = rate()
    amount = money()
    computed = BooleanField(default=False)  # written by a billing run (replaced by the next run)
    position = IntegerField(default=0)
    created_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("client", "invoice", "position"), False),)


class InvoiceLineRecord(ClientOwned):
    """A record a charge line counts (an order, picklist line, shipment, snapshot …).

    Unique per (kind, record_type, record_id): a record is charged for one thing at most once,
    whatever invoice it is on, so a re-run or an overlapping period never bills it twice.
    """

    client = ForeignKeyField(Client, on_delete="RESTRICT")
    line = ForeignKeyField(InvoiceLine, backref="records", on_delete="CASCADE")
    kind = CharField()
    record_type = CharField()
    record_id = IntegerField()
    label = CharField(default="")
    quantity = IntegerField(default=1)
    # Where the record is shown: "order", "shipment" (picklist id), "purchase_order", "return" or "".
    link_type = CharField(default="")
    link_id = IntegerField(null=True)

    class Meta:
        indexes = (
            (("kind", "record_type", "record_id"), True),
            (("client", "line"), False),
        )


class InvoiceNumberSequence(BaseModel):
    """The last invoice number handed out; bumped in the issuing transaction, so numbers have no gaps."""

    name = CharField(unique=True)
    last_value = IntegerField(default=0)


BILLING_MODELS = [RateCard, ShipmentRate, ClientBilling, StorageSnapshot, OneOffCharge, Invoice, InvoiceLine,
                  InvoiceLineRecord, InvoiceNumberSequence]
MODELS.extend(BILLING_MODELS)
# --- Sessions, login throttling, security settings (issue 12) --------------------------------


class LoginSession(BaseModel):
    """One logged-in browser of a staff user or a portal user.

    The signed session cookie carries only a random token; its SHA-256 is stored here. Deleting
    the row ends the session wherever the cookie is replayed from.
    """

    token_hash = CharField(unique=True)
    staff_user = ForeignKeyField(StaffUser, null=True, backref="login_sessions", on_delete="CASCADE")
    portal_user = ForeignKeyField(PortalUser, null=True, backref="login_sessions", on_delete="CASCADE")
    created_at = DateTimeField(default=utcnow)
    last_seen_at = DateTimeField(default=utcnow)
    user_agent = CharField(default="", max_length=255)
    ip_address = CharField(default="", max_length=64)

    class Meta:
        indexes = (
            (("staff_user", "last_seen_at"), False),
            (("portal_user", "last_seen_at"), False),
        )

    @property
    def user(self):
        return self.staff_user if self.staff_user_id is not None else self.portal_user


MODELS.append(LoginSession)


class RateLimitCounter(BaseModel):
    """A fixed-window counter of the login throttle (the `limits` storage on the database).

    Not in MODELS: bookkeeping, not warehouse data; migration 5 creates it.
    """

    name = CharField(unique=True)
    hits = IntegerField(default=0)
    # Unix time at which the window ends: DOUBLE PRECISION (PostgreSQL's REAL would round it by minutes).
    expires_at = DoubleField(index=True)


class SecuritySetting(BaseModel):
    """A security switch an admin sets in the back office (e.g. two-factor required for all staff).

    Not in MODELS: migration 5 creates it.
    """

    name = CharField(unique=True)
    value = CharField(default="")


# --- Notifications: client e-mails and webhooks (issue 17) ---------------------------------
# Not in MODELS' history-bearing sense but listed there, so fresh databases and the tests' table
# cleaning know them; migration 7 creates them on existing databases.

MAIL_STATUSES = ("pending", "sending", "sent", "failed")


class OutboxMail(BaseModel):
    """An e-mail to a client's portal user, written in the same transaction as its event; the worker sends it."""

    client = ForeignKeyField(Client, null=True, on_delete="RESTRICT")
    portal_user = ForeignKeyField(PortalUser, null=True, on_delete="SET NULL")
    kind = CharField()
    language = CharField(default="en")
    recipient = CharField()
    subject = CharField()
    text_body = TextField()
    html_body = TextField(default="")
    message_id = CharField()
    # A key for messages that must exist once (the daily digest); null for event mails.
    dedupe_key = CharField(null=True, unique=True)
    status = CharField(default="pending", choices=[(s, s) for s in MAIL_STATUSES])
    attempts = IntegerField(default=0)
    # When the next attempt is due (null: at once); while sending, the end of the attempt's lease.
    next_attempt_at = DateTimeField(null=True)
    last_error = TextField(default="")
    created_at = DateTimeField(default=utcnow)
    sent_at = DateTimeField(null=True)

    class Meta:
        indexes = (
            (("status", "next_attempt_at"), False),
            (("client", "created_at"), False),
            (("status", "id"), False),  # the back office's list filtered by status, newest first (migration 21)
        )


class NotificationSetting(ClientOwned):
    """A portal user's choice for one kind of e-mail (no row: the default, which is on)."""

    client = ForeignKeyField(Client, on_delete="RESTRICT")
    portal_user = ForeignKeyField(PortalUser, backref="notification_settings", on_delete="CASCADE")
    kind = CharField()
    enabled = BooleanField(default=True)

    class Meta:
        indexes = ((("portal_user", "kind"), True),)


class WebshopConnectionState(ClientOwned):
    """Whether a webshop's connection is failing, so its client hears about it once, and again on recovery."""

    client = ForeignKeyField(Client, on_delete="RESTRICT")
    webshop = ForeignKeyField(Webshop, unique=True, on_delete="CASCADE")
    failing = BooleanField(default=False)
    message = TextField(default="")
    changed_at = DateTimeField(default=utcnow)


class Hook(BaseModel):
    """A webhook as Picqer's API has it: events of one kind POSTed to an address, signed with its secret.

    A staff hook (client empty) hears every client's events; a client's hook only that client's.
    """

    client = ForeignKeyField(Client, null=True, backref="hooks", on_delete="RESTRICT")
    name = CharField()
    event = CharField()
    address = CharField(max_length=1000)
    secret_encrypted = TextField(default="")
    active = BooleanField(default=True)
    # Why it is inactive: "deleted" (by its owner) or "failing" (deliveries kept failing).
    deactivated_reason = CharField(default="")
    deactivated_at = DateTimeField(null=True)
    created_by = CharField(default="")
    created_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("event", "active", "client"), False),)

    @classmethod
    def for_client(cls, client):
        """The hooks of client; with None, the staff-wide hooks."""
        return cls.select().where(cls.client == client)

    within = classmethod(ClientOwned.within.__func__)


DELIVERY_STATUSES = ("pending", "sending", "delivered", "retrying", "failed")


class WebhookDelivery(BaseModel):
    """One event for one hook: the exact body sent, retried with back-off until delivered or given up."""

    client = ForeignKeyField(Client, null=True, on_delete="RESTRICT")
    hook = ForeignKeyField(Hook, backref="deliveries", on_delete="CASCADE")
    event = CharField()
    body = TextField()
    status = CharField(default="pending", choices=[(s, s) for s in DELIVERY_STATUSES])
    attempts = IntegerField(default=0)
    next_attempt_at = DateTimeField(null=True)
    last_status_code = IntegerField(null=True)
    last_error = TextField(default="")
    created_at = DateTimeField(default=utcnow)
    delivered_at = DateTimeField(null=True)
    failed_at = DateTimeField(null=True)

    class Meta:
        indexes = (
            (("status", "next_attempt_at"), False),
            (("hook", "created_at"), False),
            (("hook", "status", "failed_at"), False),
            (("status", "id"), False),  # the back office's list filtered by status, newest first (migration 21)
        )


NOTIFICATION_MODELS = [OutboxMail, NotificationSetting, WebshopConnectionState, Hook, WebhookDelivery]
MODELS.extend(NOTIFICATION_MODELS)


# --- Warehouse locations and carriers (issue 15 item 2) -------------------------------------

LOCATION_TYPES = (("shelf", "Shelf"), ("pallet", "Pallet place"), ("bulk", "Bulk"), ("floor", "Floor"))


class Location(BaseModel):
    """A place in a warehouse where products are kept, named by a code such as A.1.4.3.

    Warehouse-wide (products of several clients may share one); stock stays per warehouse.
    """

    warehouse = ForeignKeyField(Warehouse, backref="locations", on_delete="RESTRICT")
    name = CharField(max_length=64)
    kind = CharField(default="shelf", choices=LOCATION_TYPES)
    remarks = CharField(default="")
    unlink_on_empty = BooleanField(default=False)
    active = BooleanField(default=True)
    created_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("warehouse", "name"), True),)

    @property
    def is_bulk_location(self):
        return self.kind == "bulk"


class ProductLocation(ClientOwned):
    """A product linked to a location; one link per product and warehouse is the preferred (picking) one."""

    client = ForeignKeyField(Client, on_delete="RESTRICT")
    product = ForeignKeyField(Product, backref="locations", on_delete="CASCADE")
    location = ForeignKeyField(Location, backref="product_links", on_delete="RESTRICT")
    preferred = BooleanField(default=False)
    created_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = (
            (("product", "location"), True),
            (("client", "product"), False),
            (("location",), False),
        )


class Carrier(BaseModel):
    """A carrier shipments go with; its template turns a tracking code into the tracking link."""

    name = CharField(unique=True)
    # https URL with {code} and optionally {country} and {zipcode} (the recipient's).
    tracking_url_template = CharField(default="")
    active = BooleanField(default=True)
    created_at = DateTimeField(default=utcnow)


LOCATION_MODELS = [Location, ProductLocation, Carrier]
MODELS.extend(LOCATION_MODELS)


# --- Export jobs: long exports written by the worker (issue 14) -------------------------------

EXPORT_JOB_STATUSES = ("queued", "running", "done", "failed")


class ExportJob(ClientOwned):
    """A list export too long to write during a request: the worker writes it into a file in the
    instance folder, the page shows its progress, and whoever asked downloads it when done.

    A portal export belongs to its client (``requested_by`` a portal user); a back-office export
    has no client (so the portal's tenant gate never shows it), ``requested_by_staff`` and a
    ``kind`` of "admin:<view endpoint>". ``filters`` are the list's filters as JSON (what
    services.export_jobs reads back); ``failure`` says why a job failed ("too_large", "error") so
    the page explains it in the reader's language, ``error`` keeps the technical detail for the log.
    """

    client = ForeignKeyField(Client, null=True, on_delete="CASCADE")
    requested_by = ForeignKeyField(PortalUser, null=True, on_delete="SET NULL")
    requested_by_staff = ForeignKeyField(StaffUser, null=True, on_delete="SET NULL")
    kind = CharField()
    filters = TextField(default="{}")
    language = CharField(default="en", choices=LANGUAGES)
    status = CharField(default="queued", choices=[(s, s) for s in EXPORT_JOB_STATUSES])
    rows_written = IntegerField(default=0)
    rows_total = IntegerField(null=True)
    file_name = CharField(default="")
    download_name = CharField(default="")
    failure = CharField(default="")
    error = TextField(default="")
    created_at = DateTimeField(default=utcnow)
    started_at = DateTimeField(null=True)
    finished_at = DateTimeField(null=True)

    class Meta:
        indexes = (
            (("client", "created_at"), False),
            (("created_at",), False),
        )


MODELS.append(ExportJob)


# --- Import jobs: long Excel order imports created by the worker (issue 14) --------------------

IMPORT_JOB_STATUSES = ("queued", "running", "done", "failed")
# What a running import job is doing (services.import_jobs.STEPS says it in words).
IMPORT_JOB_STEPS = ("", "checking", "creating")


class ImportJob(ClientOwned):
    """A confirmed Excel order import too long to create during the request: the worker creates
    the order, the page shows how far it is and then the order (or why nothing was created).

    ``import_key`` is the preview's once-only key (services.idempotency): one job per preview,
    and the order service claims the same key when it creates the order. The preview's lines
    wait in ``file_name`` in the import folder until the worker has read them. ``failure`` says
    why a job failed ("refused": the order service or a product check said no, with ``message``
    in the language the import was confirmed in; "error": something broke, the page says so in
    the reader's language), ``error`` keeps the technical detail for the log.
    """

    client = ForeignKeyField(Client, on_delete="CASCADE")
    requested_by = ForeignKeyField(PortalUser, null=True, on_delete="SET NULL")
    import_key = CharField(max_length=64)
    reference = CharField(default="")
    language = CharField(default="en", choices=LANGUAGES)
    status = CharField(default="queued", choices=[(s, s) for s in IMPORT_JOB_STATUSES])
    step = CharField(default="", choices=[(s, s) for s in IMPORT_JOB_STEPS])
    lines_total = IntegerField(default=0)
    file_name = CharField(default="")
    order = ForeignKeyField(Order, null=True, on_delete="SET NULL")
    failure = CharField(default="")
    message = TextField(default="")
    error = TextField(default="")
    created_at = DateTimeField(default=utcnow)
    started_at = DateTimeField(null=True)
    finished_at = DateTimeField(null=True)

    class Meta:
        indexes = (
            (("client", "import_key"), True),
            (("client", "created_at"), False),
            (("created_at",), False),
        )


MODELS.append(ImportJob)


# --- Rows per block of ids, for the API's deep offsets (issue 14) ----------------------------


class IdBlock(BaseModel):
    """How many rows of a counted table one client (client 0: all clients) has in one block of ids.

    Not in MODELS: bookkeeping kept by fulfilment/id_blocks.py and its triggers; migration 24
    creates it.
    """

    counted_table = CharField()
    client_id = IntegerField()  # 0: every client's rows together
    block = IntegerField()  # ids from block * id_blocks.BLOCK up to the next block
    row_count = IntegerField()

    class Meta:
        primary_key = CompositeKey("counted_table", "client_id", "block")


class IdBlockSeal(BaseModel):
    """The id below which a counted table's rows are counted in IdBlock; the newer ones are counted live."""

    counted_table = CharField(primary_key=True)
    below_id = IntegerField()
    sealed_at = DateTimeField(default=utcnow)


# --- Each client's catalogue version, for the product list's page cache (issue 14) -------------


class CatalogVersion(BaseModel):
    """A number that moves with every write to one client's products or product images.

    Not in MODELS: kept by the triggers of fulfilment/catalog_versions.py; migration 32 creates it.
    """

    client_id = IntegerField(primary_key=True)
    version = BigIntegerField(default=0)

    class Meta:
        table_name = "catalog_version"
