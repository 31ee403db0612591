"""Products and their images: the product code is unique per client and fixed once created."""

import base64
import binascii
from decimal import Decimal, InvalidOperation

from fulfilment.db import write_transaction
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
MAX_IMAGE_BYTES = 5 * 1024 * 1024
IMAGE_SIGNATURES = {
    b"\x89PNG\r\n\x1a\n": "image/png",
    b"\xff\xd8\xff": "image/jpeg",
    b"GIF87a": "image/gif",
    b"GIF89a": "image/gif",
    b"RIFF": "image/webp",
}


def _money(value, label):
    if value in (None, ""):
        return Decimal("0.00")
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        raise ValidationFailed(f"{label} must be a number.") from None
    if not amount.is_finite() or amount < 0:
        raise ValidationFailed(f"{label} cannot be negative.")
    if amount >= Decimal("10000000000"):
        raise ValidationFailed(f"{label} is too large.")
    return amount.quantize(Decimal("0.01"))


def _clean(fields):
    cleaned = {}
    for name, value in fields.items():
        if name not in EDITABLE_FIELDS:
            raise ValidationFailed(f"Unknown product field {name!r}.")
        if name in ("price", "fixed_stock_price"):
            value = _money(value, "Price" if name == "price" else "Fixed stock price")
        elif name in ("name", "barcode"):
            value = (value or "").strip()
        cleaned[name] = value
    if "name" in cleaned and not cleaned["name"]:
        raise ValidationFailed("A product needs a name.")
    return cleaned


def create_product(client, product_code, name, actor=None, **fields):
    """Create a product for client; the code must be new for this client."""
    check_product_management(client, actor)
    product_code = (product_code or "").strip()
    if not product_code:
        raise ValidationFailed("A product needs a product code.")
    if len(product_code) > 255:
        raise ValidationFailed("The product code is too long.")
    cleaned = _clean({"name": name, **fields})
    with write_transaction():
        if Product.for_client(client).where(Product.product_code == product_code).exists():
            raise DuplicateProductCode(f"Product code {product_code} already exists for {client.name}.")
        return Product.create(client=client, product_code=product_code, **cleaned)


def update_product(product, product_code=None, actor=None, **fields):
    """Change a product's name, barcode, prices or active flag; the product code never changes."""
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


def products_by_code(client, codes):
    """Map each given product code to the client's product; unknown codes raise UnknownProduct listing them."""
    codes = list(dict.fromkeys(codes))
    found = {p.product_code: p for p in Product.for_client(client).where(Product.product_code.in_(codes))}
    missing = [code for code in codes if code not in found]
    if missing:
        raise UnknownProduct(f"Unknown product code(s) for {client.name}: {', '.join(missing)}.")
    return found


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
        raise ValidationFailed("The image is empty.")
    if len(data) > MAX_IMAGE_BYTES:
        raise ValidationFailed("The image is larger than 5 MB.")
    content_type = detect_image_type(data)
    if content_type is None:
        raise ValidationFailed("Only PNG, JPEG, GIF and WebP images are accepted.")
    with write_transaction():
        position = ProductImage.select().where(ProductImage.product == product).count()
        return ProductImage.create(
            client=product.client_id, product=product, data=data, content_type=content_type,
            filename=filename[:255], position=position,
        )


def add_product_image_from_base64(product, encoded, filename="", actor=None):
    """Store an image sent as base64 text (a data: URL prefix and line breaks are allowed)."""
    if not isinstance(encoded, str) or not encoded.strip():
        raise ValidationFailed("Send the image as base64 text.")
    text = encoded.strip()
    if text.startswith("data:") and "," in text:
        text = text.split(",", 1)[1]
    try:
        data = base64.b64decode("".join(text.split()), validate=True)
    except (binascii.Error, ValueError):
        raise ValidationFailed("The image is not valid base64.") from None
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
            f"{client.name} has no access to product management; ask the warehouse to change products."
        )


def usable_product(client, product, *, inactive_ok=False):
    """The product when it belongs to client and is active; otherwise refuse with UnknownProduct.

    Every line of an order, purchase order or return names its product through this rule. Goods
    that come back (a return's returned products) may be of a product no longer sold: inactive_ok.
    """
    if product is None or product.client_id != getattr(client, "id", client):
        raise UnknownProduct("Unknown product.")
    if not product.active and not inactive_ok:
        raise UnknownProduct(f"Product {product.product_code} is inactive.")
    return product
