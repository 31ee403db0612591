"""Products: fields, stock per warehouse, stock changes (staff), images, activate/inactivate.

Clients' keys may change products only when the client has access to product management.
"""

from flask import current_app, jsonify, url_for
from itsdangerous import BadSignature, URLSafeSerializer
from peewee import fn

from fulfilment.api.auth import (
    check_same_client,
    client_for_new_record,
    current_key,
    get_owned_or_404,
    scoped,
    staff_only,
)
from fulfilment.api.blueprint import bp
from fulfilment.api.body import json_body, query_bool, query_int, query_text
from fulfilment.api.errors import INCOMPLETE_LINE, MISSING_PARAMETERS, ApiError, not_found
from fulfilment.api.pagination import page_of
from fulfilment.api.serialisation import created, datetime_text, json_list, money_value, no_content
from fulfilment.images import image_response
from fulfilment.models import Backorder, Product, ProductImage, Stock, Warehouse
from fulfilment.services import catalog, stock_corrections
from fulfilment.services.errors import UnknownProduct
from fulfilment.services.listings import matching
from fulfilment.services.tenancy import MAX_ID

# API field -> Product field for what may be written.
WRITABLE = {"name": "name", "barcode": "barcode", "price": "price", "fixedstockprice": "fixed_stock_price",
            "active": "active", "hs_code": "hs_code", "country_of_origin": "country_of_origin",
            "customs_description": "customs_description"}
# Picqer's weight is in grams (as we keep it); its length, width and height in centimetres, which
# we keep in millimetres: the API answers centimetres with one decimal when the millimetres need it.
DIMENSIONS = {"length": "length_mm", "width": "width_mm", "height": "height_mm"}
_IMAGE_SALT = "fulfilment.api.product-image"


# --- serialising ----------------------------------------------------------------------------


def products_json(products):
    """Products with their stock per warehouse and image URLs, in four queries for the whole page."""
    ids = [product.id for product in products]
    levels = stock_by_product(ids)
    images = images_by_product(ids)
    return [product_json(product, levels[product.id], images[product.id]) for product in products]


def product_json(product, stock_objects, images):
    return {
        "idproduct": product.id,
        "idfulfilment_customer": product.client_id,
        "productcode": product.product_code,
        "name": product.name,
        "price": money_value(product.price),
        "fixedstockprice": money_value(product.fixed_stock_price),
        "barcode": product.barcode,
        "active": product.active,
        "hs_code": product.hs_code or None,
        "country_of_origin": product.country_of_origin or None,
        "customs_description": product.customs_description or None,
        "weight": product.weight_grams,
        **{name: centimetres(getattr(product, field)) for name, field in DIMENSIONS.items()},
        "images": [image_url(image.id) for image in images],
        "stock": stock_objects,
        "created": datetime_text(product.created_at),
        "updated": datetime_text(product.updated_at),
    }


def centimetres(millimetres):
    """Millimetres as Picqer's centimetres: a whole number when it is one, else one decimal."""
    if millimetres is None:
        return None
    return millimetres // 10 if millimetres % 10 == 0 else millimetres / 10


def _millimetres(body, name):
    value = body.data.get(name)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 1_000_000:
        raise ApiError(400, MISSING_PARAMETERS, f"Invalid parameter {name}: a number of centimetres from 0.")
    return round(value * 10)


def stock_by_product(product_ids):
    """{product id: [stock object per warehouse]}: every active warehouse, and any other holding stock."""
    warehouses = list(Warehouse.select().order_by(Warehouse.id))
    levels = {(row.product_id, row.warehouse_id): row
              for row in Stock.select().where(Stock.product.in_(product_ids))} if product_ids else {}
    backordered = dict(
        ((product_id, warehouse_id), amount)
        for product_id, warehouse_id, amount in Backorder.select(
            Backorder.product, Backorder.warehouse, fn.SUM(Backorder.amount)
        ).where(Backorder.product.in_(product_ids)).group_by(Backorder.product, Backorder.warehouse).tuples()
    ) if product_ids else {}
    return {
        product_id: [
            stock_object(warehouse.id, levels.get((product_id, warehouse.id)),
                         int(backordered.get((product_id, warehouse.id), 0)))
            for warehouse in warehouses if warehouse.active or (product_id, warehouse.id) in levels
        ]
        for product_id in product_ids
    }


def stock_object(warehouse_id, level, backordered):
    in_stock = level.stock if level is not None else 0
    allocated = level.allocated if level is not None else 0
    return {
        "idwarehouse": warehouse_id,
        "stock": in_stock,
        "reserved": allocated + backordered,
        "reservedbackorders": backordered,
        "reservedpicklists": allocated,
        "freestock": in_stock - allocated,
    }


def images_by_product(product_ids):
    found = {product_id: [] for product_id in product_ids}
    if product_ids:
        # Without the image bytes: only ids go into the JSON.
        for image in (ProductImage.select(ProductImage.id, ProductImage.product)
                      .where(ProductImage.product.in_(product_ids))
                      .order_by(ProductImage.position, ProductImage.id)):
            found[image.product_id].append(image)
    return found


def image_json(image):
    return {"idproduct_image": image.id, "idproduct": image.product_id, "url": image_url(image.id)}


def _image_signer():
    return URLSafeSerializer(current_app.secret_key, salt=_IMAGE_SALT)


def image_url(image_id):
    """A public, signed URL of the image (like Picqer's image URLs, usable in an <img> tag)."""
    return url_for("api.product_image_file", token=_image_signer().dumps(image_id), _external=True)


# --- products named in request lines ----------------------------------------------------------


def products_of_lines(client, lines, require_amount=True, goods_coming_back=False):
    """Resolve each line's idproduct (or productcode) to the client's active product: two queries for all lines.

    A line without a product or an amount answers error 23; a product that is not the client's or
    is inactive, error 24.
    """
    wanted = []
    for line in lines:
        idproduct = line.integer("idproduct", minimum=1)
        productcode = line.text("productcode")
        if (idproduct is None and not productcode) or (require_amount and not line.has("amount")):
            raise ApiError(400, INCOMPLETE_LINE, "Every product line needs idproduct (or productcode) and amount.")
        wanted.append((idproduct, productcode))
    resolved = catalog.resolve_products(client, ids=[i for i, _ in wanted if i is not None],
                                        codes=[code for i, code in wanted if i is None],
                                        goods_coming_back=goods_coming_back)
    found = []
    for idproduct, productcode in wanted:
        key = idproduct if idproduct is not None else productcode
        product = resolved.get(key)
        if product is None:
            raise UnknownProduct(resolved.problems[key][1])
        found.append(product)
    return found


def product_of_line(client, line, require_amount=True, goods_coming_back=False):
    return products_of_lines(client, [line], require_amount, goods_coming_back)[0]


# --- routes ---------------------------------------------------------------------------------


def _check_may_change_products(client):
    """Refuse early (before reading the body) what the catalog service would refuse anyway."""
    catalog.check_product_management(client, current_key())


def _writable_fields(body):
    fields = {}
    for api_name, field in WRITABLE.items():
        if not body.has(api_name):
            continue
        if api_name in ("price", "fixedstockprice"):
            fields[field] = body.money(api_name)
        elif api_name == "active":
            fields[field] = body.boolean(api_name)
        elif api_name in ("hs_code", "country_of_origin", "customs_description"):
            fields[field] = body.text(api_name) or ""
        else:
            fields[field] = body.text(api_name, required=api_name == "name")
    if body.has("weight"):
        fields["weight_grams"] = body.integer("weight", minimum=0)
    for api_name, field in DIMENSIONS.items():
        if body.has(api_name):
            fields[field] = _millimetres(body, api_name)
    return fields


def _one(idproduct):
    product = get_owned_or_404(Product, idproduct, "Product")
    return products_json([product])[0]


@bp.get("/products")
def list_products():
    query = scoped(Product).order_by(Product.id)
    if (code := query_text("productcode")) is not None:
        query = query.where(Product.product_code == code)
    if (search := query_text("search")) is not None:
        query = query.where(matching(search, Product.product_code, Product.name, Product.barcode))
    if (customer := query_int("idfulfilment_customer")) is not None:
        query = Product.within(query, customer)
    if not query_bool("inactive"):
        query = query.where(Product.active == True)  # noqa: E712
    return json_list(products_json(page_of(query)))


@bp.get("/products/<int:idproduct>")
def get_product(idproduct):
    return jsonify(_one(idproduct))


@bp.post("/products")
def create_product():
    body = json_body()
    client = client_for_new_record(body)
    _check_may_change_products(client)
    productcode = body.text("productcode", required=True)
    name = body.text("name", required=True)
    fields = _writable_fields(body)
    del fields["name"]
    product = catalog.create_product(client, productcode, name, actor=current_key(), **fields)
    return created(_one(product.id))


@bp.put("/products/<int:idproduct>")
def update_product(idproduct):
    product = get_owned_or_404(Product, idproduct, "Product")
    body = json_body()
    check_same_client(body, product)
    _check_may_change_products(product.client)
    catalog.update_product(product, product_code=body.text("productcode"), actor=current_key(),
                           **_writable_fields(body))
    return jsonify(_one(product.id))


@bp.post("/products/<int:idproduct>/inactivate")
def inactivate_product(idproduct):
    return _set_active(idproduct, False)


@bp.post("/products/<int:idproduct>/activate")
def activate_product(idproduct):
    return _set_active(idproduct, True)


def _set_active(idproduct, active):
    product = get_owned_or_404(Product, idproduct, "Product")
    json_body()
    _check_may_change_products(product.client)
    catalog.update_product(product, active=active, actor=current_key())
    return jsonify(_one(product.id))


def _warehouse_or_404(idwarehouse):
    warehouse = Warehouse.get_or_none(Warehouse.id == idwarehouse) if 0 < idwarehouse <= MAX_ID else None
    if warehouse is None:
        raise not_found(f"Warehouse {idwarehouse}")
    return warehouse


@bp.get("/products/<int:idproduct>/stock")
def product_stock(idproduct):
    product = get_owned_or_404(Product, idproduct, "Product")
    return json_list(stock_by_product([product.id])[product.id])


@bp.get("/products/<int:idproduct>/stock/<int:idwarehouse>")
def product_stock_in_warehouse(idproduct, idwarehouse):
    product = get_owned_or_404(Product, idproduct, "Product")
    return jsonify(_stock_in(product, _warehouse_or_404(idwarehouse)))


def _stock_in(product, warehouse):
    level = Stock.get_or_none((Stock.product == product) & (Stock.warehouse == warehouse))
    backordered = Backorder.select(fn.SUM(Backorder.amount)).where(
        (Backorder.product == product) & (Backorder.warehouse == warehouse)).scalar() or 0
    return stock_object(warehouse.id, level, int(backordered))


@bp.post("/products/<int:idproduct>/stock/<int:idwarehouse>")
@staff_only
def change_product_stock(idproduct, idwarehouse):
    product = get_owned_or_404(Product, idproduct, "Product")
    warehouse = _warehouse_or_404(idwarehouse)
    body = json_body()
    change = body.integer("change")
    amount = body.integer("amount", minimum=0)
    reason = body.text("reason") or ""
    if (change is None) == (amount is None):
        raise ApiError(400, MISSING_PARAMETERS, "Send either change (relative) or amount (absolute), not both.")
    if change is not None:
        stock_corrections.change_stock(product, warehouse, change, reason, current_key(), change_type="api")
    else:
        stock_corrections.set_stock(product, warehouse, amount, reason, current_key(), change_type="api")
    return jsonify(_stock_in(product, warehouse))


@bp.get("/products/<int:idproduct>/images")
def product_images(idproduct):
    product = get_owned_or_404(Product, idproduct, "Product")
    return json_list(image_json(image) for image in images_by_product([product.id])[product.id])


@bp.post("/products/<int:idproduct>/images")
def add_product_image(idproduct):
    product = get_owned_or_404(Product, idproduct, "Product")
    body = json_body()
    _check_may_change_products(product.client)
    encoded = body.data.get("image")
    if encoded is None:
        raise ApiError(400, MISSING_PARAMETERS, "Missing parameter image (base64).")
    image = catalog.add_product_image_from_base64(product, encoded, body.text("filename") or "", current_key())
    return created(image_json(image))


@bp.delete("/products/<int:idproduct>/images/<int:idproduct_image>")
def delete_product_image(idproduct, idproduct_image):
    product = get_owned_or_404(Product, idproduct, "Product")
    _check_may_change_products(product.client)
    image = ProductImage.get_or_none((ProductImage.id == idproduct_image) & (ProductImage.product == product)) \
        if idproduct_image <= MAX_ID else None
    if image is None:
        raise not_found(f"Image {idproduct_image}")
    catalog.remove_product_image(image, current_key())
    return no_content()


@bp.get("/product_images/<token>")
def product_image_file(token):
    try:
        image_id = _image_signer().loads(token)
    except BadSignature:
        raise not_found("Image") from None
    image = ProductImage.get_or_none(ProductImage.id == image_id) if isinstance(image_id, int) else None
    if image is None:
        raise not_found("Image")
    return image_response(image)
