"""Products and their images: the product code is unique per client and fixed once created."""

import base64
import binascii
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from fulfilment.db import values_list, write_transaction
from fulfilment.formatting import format_number
from fulfilment.i18n import _, _l
from fulfilment.models import Product, ProductImage, utcnow
from fulfilment.services.actors import client_of
from fulfilment.services.errors import (
    DuplicateProductCode,
    ProductCodeLocked,
    ProductManagementDisabled,
    UnknownProduct,
    ValidationFailed,
)

EDITABLE_FIELDS = ("name", "barcode", "price", "fixed_stock_price", "active")
# Customs and shipping details (issue 15 item 7): weight in grams, dimensions in millimetres.
CUSTOMS_FIELDS = ("hs_code", "country_of_origin", "customs_description")
MEASURE_FIELDS = ("weight_grams", "length_mm", "width_mm", "height_mm")
DETAIL_FIELDS = CUSTOMS_FIELDS + MEASURE_FIELDS
MEASURE_LABELS = {"weight_grams": _l("Weight (grams)"), "length_mm": _l("Length (mm)"), "width_mm": _l("Width (mm)"),
                  "height_mm": _l("Height (mm)")}
# A refusal per money field, each a whole sentence (translations need the sentence, not a glued label).
MONEY_REFUSALS = {
    "price": {
        "not_a_number": _l("Price must be a number."),
        "negative": _l("Price cannot be negative."),
        "too_large": _l("Price is too large."),
    },
    "fixed_stock_price": {
        "not_a_number": _l("Fixed stock price must be a number."),
        "negative": _l("Fixed stock price cannot be negative."),
        "too_large": _l("Fixed stock price is too large."),
    },
}
MAX_MEASURE = 10_000_000  # 10 tonnes or 10 km: anything larger is a typing error
MAX_IMAGE_BYTES = 5 * 1024 * 1024
IMAGE_SIGNATURES = {
    b"\x89PNG\r\n\x1a\n": "image/png",
    b"\xff\xd8\xff": "image/jpeg",
    b"GIF87a": "image/gif",
    b"GIF89a": "image/gif",
    b"RIFF": "image/webp",
}


def _money(value, name):
    if value in (None, ""):
        return Decimal("0.00")
    refusals = MONEY_REFUSALS[name]
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        raise ValidationFailed(refusals["not_a_number"]) from None
    if not amount.is_finite() or amount < 0:
        raise ValidationFailed(refusals["negative"])
    if amount >= Decimal("10000000000"):
        raise ValidationFailed(refusals["too_large"])
    return amount.quantize(Decimal("0.01"))


def _measure(value, label):
    if value in (None, ""):
        return None
    if isinstance(value, bool):
        raise ValidationFailed(_("%(field)s must be a whole number.", field=label))
    try:
        number = int(str(value).strip())
    except ValueError:
        raise ValidationFailed(_("%(field)s must be a whole number.", field=label)) from None
    if not 0 <= number <= MAX_MEASURE:
        raise ValidationFailed(_("%(field)s must be between 0 and %(maximum)s.", field=label,
                                 maximum=format_number(MAX_MEASURE)))
    return number


def _customs(name, value):
    value = " ".join((value or "").split())
    if name == "hs_code":
        value = value.replace(" ", "").replace(".", "")
        if value and (not value.isdigit() or not 6 <= len(value) <= 10):
            raise ValidationFailed(_("An HS code has 6 to 10 digits, e.g. 6109100010."))
    elif name == "country_of_origin":
        value = value.upper()
        if value and (len(value) != 2 or not value.isalpha() or not value.isascii()):
            raise ValidationFailed(_("Country of origin is a two-letter country code, e.g. NL or CN."))
    elif len(value) > 255:
        raise ValidationFailed(_("The customs description has at most 255 characters."))
    return value


def _clean(fields):
    cleaned = {}
    for name, value in fields.items():
        if name not in EDITABLE_FIELDS and name not in DETAIL_FIELDS:
            raise ValidationFailed(_("Unknown product field %(name)s.", name=repr(name)))
        if name in MEASURE_FIELDS:
            value = _measure(value, MEASURE_LABELS[name])
        elif name in CUSTOMS_FIELDS:
            value = _customs(name, value)
        elif name in ("price", "fixed_stock_price"):
            value = _money(value, name)
        elif name in ("name", "barcode"):
            value = (value or "").strip()
        cleaned[name] = value
    if "name" in cleaned and not cleaned["name"]:
        raise ValidationFailed(_("A product needs a name."))
    return cleaned


def create_product(client, product_code, name, actor=None, **fields):
    """Create a product for client; the code must be new for this client."""
    check_product_management(client, actor)
    product_code = (product_code or "").strip()
    if not product_code:
        raise ValidationFailed(_("A product needs a product code."))
    if len(product_code) > 255:
        raise ValidationFailed(_("The product code is too long."))
    cleaned = _clean({"name": name, **fields})
    with write_transaction():
        if Product.for_client(client).where(Product.product_code == product_code).exists():
            raise DuplicateProductCode(_("Product code %(code)s already exists for %(client)s.",
                                         code=product_code, client=client.name))
        return Product.create(client=client, product_code=product_code, **cleaned)


def update_product(product, product_code=None, actor=None, **fields):
    """Change a product's name, barcode, prices, customs details, weight, dimensions or active flag.

    The product code never changes."""
    check_product_management(product.client, actor)
    if product_code is not None and product_code.strip() != product.product_code:
        raise ProductCodeLocked()
    cleaned = _clean(fields)
    with write_transaction():
        for name, value in cleaned.items():
            setattr(product, name, value)
        product.updated_at = utcnow()
        product.save()
    return product


MAX_PRODUCT_ID = 2_147_483_647  # the largest id either database holds
RESOLVE_BATCH = 5000  # keys per query: well inside SQLite's and PostgreSQL's parameter limits


@dataclass
class ResolvedProducts:
    """Products found by id and by product code, and a problem per key that was not usable.

    ``problems`` maps a requested id (int) or code (str) to ``("unknown" | "inactive", message)``;
    each caller shows the message or its own wording on its own form.
    """

    by_id: dict = field(default_factory=dict)
    by_code: dict = field(default_factory=dict)
    problems: dict = field(default_factory=dict)

    def get(self, key):
        """The product of an id (int) or a code (str); None when it has a problem."""
        return (self.by_id if isinstance(key, int) else self.by_code).get(key)


def resolve_products(client, ids=(), codes=(), *, goods_coming_back=False):
    """Find client's products by id and by product code, in one query per 5,000 keys.

    The one rule for products named in lines, wherever they are typed (portal forms, the Excel
    import, the back office, the API): another client's product is unknown; an inactive product
    cannot be ordered, purchased or sent as a replacement, but goods coming back into the
    warehouse (``goods_coming_back``: returned products, receipts) may be inactive products.
    """
    result = ResolvedProducts()
    ids = list(dict.fromkeys(ids))
    codes = list(dict.fromkeys(code for code in codes if code))
    queryable_ids = [i for i in ids if isinstance(i, int) and not isinstance(i, bool) and 0 < i <= MAX_PRODUCT_ID]
    # The columns new lines need, read as tuples and made into Product instances directly: for a
    # 10,000-line import Peewee's row-by-row model building would cost more than the query.
    columns = (Product.id, Product.client, Product.product_code, Product.name, Product.price,
               Product.fixed_stock_price, Product.barcode, Product.active)
    query = Product.select(*columns).where(Product.client == client).tuples()
    found_ids, found_codes = {}, {}
    for start in range(0, len(queryable_ids), RESOLVE_BATCH):
        batch = queryable_ids[start:start + RESOLVE_BATCH]
        found_ids.update((p.id, p) for p in _products(query.where(Product.id.in_(values_list(batch))), columns))
    for start in range(0, len(codes), RESOLVE_BATCH):
        batch = codes[start:start + RESOLVE_BATCH]
        found_codes.update((p.product_code, p) for p in
                           _products(query.where(Product.product_code.in_(values_list(batch))), columns))
    for keys, found, target in ((ids, found_ids, result.by_id), (codes, found_codes, result.by_code)):
        for key in keys:
            product = found.get(key)
            if product is None:
                unknown = (_("Unknown product code %(code)s.", code=key) if keys is codes
                           else _("Unknown product %(id)s.", id=key))
                result.problems[key] = ("unknown", unknown)
            elif not product.active and not goods_coming_back:
                result.problems[key] = ("inactive", _("Product %(code)s is inactive.", code=product.product_code))
            else:
                target[key] = product
    return result


def _products(rows, columns):
    """Product instances (with only these columns loaded, nothing dirty) from tuple rows."""
    names = [column.name for column in columns]
    for row in rows:
        product = Product(__no_default__=True)
        product.__data__ = dict(zip(names, row, strict=True))
        product._dirty = set()
        yield product


def products_by_code(client, codes, *, goods_coming_back=False):
    """Map each given product code to the client's product (see resolve_products); refuse with UnknownProduct."""
    resolved = resolve_products(client, codes=codes, goods_coming_back=goods_coming_back)
    if resolved.problems:
        raise UnknownProduct(" ".join(message for _kind, message in resolved.problems.values()))
    return resolved.by_code


def detect_image_type(data):
    """Return the image's content type from its first bytes, or None when it is not an image we serve."""
    for signature, content_type in IMAGE_SIGNATURES.items():
        if data.startswith(signature):
            if content_type == "image/webp" and data[8:12] != b"WEBP":
                continue
            return content_type
    return None


def add_product_image(product, data, filename="", actor=None):
    """Store an image for product in the database (PNG, JPEG, GIF or WebP)."""
    check_product_management(product.client, actor)
    if not data:
        raise ValidationFailed(_("The image is empty."))
    if len(data) > MAX_IMAGE_BYTES:
        raise ValidationFailed(_("The image is larger than 5 MB."))
    content_type = detect_image_type(data)
    if content_type is None:
        raise ValidationFailed(_("Only PNG, JPEG, GIF and WebP images are accepted."))
    with write_transaction():
        position = ProductImage.select().where(ProductImage.product == product).count()
        return ProductImage.create(
            client=product.client_id, product=product, data=data, content_type=content_type,
            filename=filename[:255], position=position,
        )


def add_product_image_from_base64(product, encoded, filename="", actor=None):
    """Store an image sent as base64 text (a data: URL prefix and line breaks are allowed)."""
    if not isinstance(encoded, str) or not encoded.strip():
        raise ValidationFailed(_("Send the image as base64 text."))
    text = encoded.strip()
    if text.startswith("data:") and "," in text:
        text = text.split(",", 1)[1]
    try:
        data = base64.b64decode("".join(text.split()), validate=True)
    except (binascii.Error, ValueError):
        raise ValidationFailed(_("The image is not valid base64.")) from None
    return add_product_image(product, data, filename, actor)


def remove_product_image(image, actor=None):
    """Delete a product image; an image is no history, so it can go."""
    check_product_management(image.product.client, actor)
    with write_transaction():
        ProductImage.delete().where(ProductImage.id == image.id).execute()


def may_manage_products(client, actor=None):
    """Whether actor may add and change client's products.

    The warehouse (staff, staff-wide API keys, the system: no actor) always may; the client
    itself (a portal user, a client-scoped API key) only with access to product management.
    """
    return client_of(actor) is None or bool(client.product_management)


def check_product_management(client, actor=None):
    """Refuse product changes made by or for a client who has no access to product management."""
    if not may_manage_products(client, actor):
        raise ProductManagementDisabled(
            _("%(client)s has no access to product management; ask the warehouse to change products.",
              client=client.name)
        )


def usable_product(client, product, *, inactive_ok=False):
    """The product when it belongs to client and is active; otherwise refuse with UnknownProduct.

    Every line of an order, purchase order or return names its product through this rule. Goods
    that come back (a return's returned products) may be of a product no longer sold: inactive_ok.
    """
    if product is None or product.client_id != getattr(client, "id", client):
        raise UnknownProduct(_("Unknown product."))
    if not product.active and not inactive_ok:
        raise UnknownProduct(_("Product %(code)s is inactive.", code=product.product_code))
    return product
