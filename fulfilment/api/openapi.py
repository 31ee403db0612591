"""The OpenAPI 3 description of the API, served at /api/v1/openapi.json.

Written by hand next to the code it describes; tests/api/test_openapi.py checks that every
route under /api/v1 is described (and nothing else), that staff-only routes say so, and a
schemathesis run checks that answers match the schemas.
"""

import re
from copy import deepcopy

from flask import jsonify

from fulfilment.api.blueprint import bp
from fulfilment.api.errors import API_PREFIX
from fulfilment.api.pagination import PAGE_SIZE
from fulfilment.models import (
    CHANGE_TYPES,
    LOCATION_TYPES,
    ORDER_SOURCES,
    ORDER_STATUSES,
    PICKLIST_STATUSES,
    PURCHASE_ORDER_STATUSES,
    WEBSHOP_ORDER_STATUSES,
)
from fulfilment.services.quantities import MAX_AMOUNT
from fulfilment.services.tenancy import MAX_ID
from fulfilment.services.webhooks import EVENTS as WEBHOOK_EVENTS
from fulfilment.version import __version__

# --- schema building blocks -----------------------------------------------------------------

LOCATION_KINDS = tuple(kind for kind, _ in LOCATION_TYPES)

STRING = {"type": "string"}
INTEGER = {"type": "integer"}
ID = {"type": "integer", "minimum": 1}
NUMBER = {"type": "number"}
BOOLEAN = {"type": "boolean"}
DATETIME = {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$", "example": "2026-05-01 14:30:00",
            "description": "UTC, YYYY-MM-DD HH:MM:SS"}
DATE = {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$", "example": "2026-05-01"}


def nullable(schema):
    return {**schema, "nullable": True}


def enum(values):
    return {"type": "string", "enum": list(values)}


def ref(name):
    return {"$ref": f"#/components/schemas/{name}"}


def array(items):
    return {"type": "array", "items": items}


def answer(properties):
    """An object the API returns: every property is always present."""
    return {"type": "object", "properties": properties, "required": sorted(properties)}


def request_body(properties, required=()):
    return {"type": "object", "properties": properties, "required": sorted(required)} if required else \
        {"type": "object", "properties": properties}


def text(max_length=255):
    return {"type": "string", "maxLength": max_length}


ID_IN = {"type": "integer", "minimum": 1, "maximum": MAX_ID}
AMOUNT_IN = {"type": "integer", "minimum": 1, "maximum": MAX_AMOUNT}
MONEY_IN = {"type": "number", "minimum": 0, "maximum": 9_999_999_999}
LINE_IN = {"idproduct": ID_IN, "productcode": text()}

ORDER_TEXT_FIELDS = ("reference", "deliveryname", "deliverycontactname", "deliveryaddress", "deliveryaddress2",
                     "deliveryzipcode", "deliverycity", "deliveryregion", "deliverycountry", "invoicename",
                     "invoicecontactname", "invoiceaddress", "invoiceaddress2", "invoicezipcode", "invoicecity",
                     "invoiceregion", "invoicecountry", "emailaddress", "telephone", "customer_remarks")
RETURN_TEXT_FIELDS = ("name", "address", "zipcode", "city", "country", "emailaddress", "tracking_code", "remarks")

SCHEMAS = {
    "Hook": answer({
        "idhook": ID, "name": STRING, "event": STRING, "address": STRING, "active": BOOLEAN,
        "secret": {"type": "boolean", "description": "Whether a secret is set (it is never shown)"},
        "idfulfilment_customer": nullable(ID), "deactivated_reason": nullable(enum(["deleted", "failing"])),
        "created": DATETIME,
    }),
    "HookInput": request_body({
        "name": text(), "event": enum(sorted(WEBHOOK_EVENTS)), "address": text(1000), "secret": text(),
        "idfulfilment_customer": ID_IN,
    }, required=("name", "event", "address")),
    "Error": answer({"error": BOOLEAN, "error_code": INTEGER, "error_message": STRING}),
    "StockLevel": answer({name: INTEGER for name in ("idwarehouse", "stock", "reserved", "reservedbackorders",
                                                     "reservedpicklists", "freestock")}),
    "Product": answer({
        "idproduct": ID, "idfulfilment_customer": ID, "productcode": STRING, "name": STRING, "price": NUMBER,
        "fixedstockprice": NUMBER, "barcode": STRING, "active": BOOLEAN,
        "hs_code": nullable(STRING), "country_of_origin": nullable(STRING), "customs_description": nullable(STRING),
        "weight": nullable({**INTEGER, "description": "grams"}),
        **{name: nullable({**NUMBER, "description": "centimetres (Picqer's unit); kept in millimetres"})
           for name in ("length", "width", "height")},
        "images": array({"type": "string", "format": "uri"}), "stock": array(ref("StockLevel")),
        "created": DATETIME, "updated": DATETIME,
    }),
    "Location": answer({
        "idlocation": ID, "idwarehouse": ID, "parent_idlocation": nullable(ID), "type": enum(("location",)),
        "name": STRING, "remarks": STRING, "unlink_on_empty": BOOLEAN, "is_bulk_location": BOOLEAN,
        "location_type": enum(LOCATION_KINDS), "active": BOOLEAN, "created": DATETIME,
    }),
    "ProductLocation": {"allOf": [ref("Location"), answer({"preferred": BOOLEAN})]},
    "ProductImage": answer({"idproduct_image": ID, "idproduct": ID, "url": {"type": "string", "format": "uri"}}),
    "StockHistory": answer({
        "idproduct_stock_history": ID, "idproduct": ID, "idwarehouse": ID, "iduser": nullable(ID),
        "old_stock": INTEGER, "stock_change": INTEGER, "new_stock": INTEGER, "reason": STRING,
        "change_type": enum(CHANGE_TYPES), "changed_at": DATETIME,
    }),
    "FulfilmentCustomer": answer({
        "idfulfilment_customer": ID, "name": STRING, "can_login": BOOLEAN, "username": nullable(STRING),
        "emailaddress": STRING, "language": enum(("en", "nl")), "last_login_at": nullable(DATETIME),
        "product_management": BOOLEAN, "active": BOOLEAN,
    }),
    "OrderProduct": answer({"idorder_product": ID, "idproduct": ID, "productcode": STRING, "name": STRING,
                            "amount": INTEGER, "price": NUMBER, "remarks": STRING}),
    "Order": answer({
        "idorder": ID, "orderid": STRING, "idfulfilment_customer": ID, "status": enum(ORDER_STATUSES),
        "source": enum(ORDER_SOURCES), **{name: STRING for name in ORDER_TEXT_FIELDS},
        "created": DATETIME, "updated": DATETIME, "products": array(ref("OrderProduct")), "picklists": array(ID),
    }),
    "ProductStatus": answer({
        "idorder_product": ID, "idproduct": ID, "productcode": STRING, "name": STRING,
        **{name: INTEGER for name in ("amount", "cancelled", "allocated", "backorder", "picked", "shipped")},
    }),
    "Backorder": answer({"idbackorder": ID, "idorder": ID, "idorder_product": ID, "idproduct": ID, "idwarehouse": ID,
                         "amount": INTEGER, "priority": INTEGER, "created_at": DATETIME}),
    "BackordersProcessed": answer({"allocated": INTEGER}),
    "PicklistProduct": answer({"idpicklist_product": ID, "idproduct": ID, "idorder_product": nullable(ID),
                               "productcode": STRING, "name": STRING, "amount": INTEGER, "amount_picked": INTEGER}),
    "Picklist": answer({
        "idpicklist": ID, "picklistid": STRING, "idorder": nullable(ID), "idreturn": nullable(ID), "idwarehouse": ID,
        "status": enum(PICKLIST_STATUSES), "totalproducts": INTEGER, "totalpicked": INTEGER,
        **{name: STRING for name in ("deliveryname", "deliveryaddress", "deliveryzipcode", "deliverycity",
                                     "deliverycountry")},
        "created": DATETIME, "closed_at": nullable(DATETIME), "products": array(ref("PicklistProduct")),
    }),
    "Shipment": answer({"idshipment": ID, "idpicklist": ID, "idorder": nullable(ID), "provider": STRING,
                        "trackingcode": STRING, "trackingurl": STRING, "created": DATETIME}),
    "PurchaseOrderProduct": answer({"idpurchaseorder_product": ID, "idproduct": ID, "productcode": STRING,
                                    "name": STRING, "amount": INTEGER, "amountreceived": INTEGER, "price": NUMBER}),
    "PurchaseOrder": answer({
        "idpurchaseorder": ID, "purchaseorderid": STRING, "idfulfilment_customer": ID, "supplier_name": STRING,
        "supplier_orderid": STRING, "delivery_date": nullable(DATE), "remarks": STRING,
        "status": enum(PURCHASE_ORDER_STATUSES), "created": DATETIME, "updated": DATETIME,
        "products": array(ref("PurchaseOrderProduct")),
    }),
    "ReceiptProduct": answer({"idreceipt_product": ID, "idproduct": ID, "idpurchaseorder_product": nullable(ID),
                              "amount": INTEGER}),
    "Receipt": answer({
        "idreceipt": ID, "receiptid": STRING, "idpurchaseorder": ID, "idfulfilment_customer": ID,
        "status": enum(("processing", "completed")), "remarks": STRING, "created": DATETIME,
        "completed_at": nullable(DATETIME), "products": array(ref("ReceiptProduct")),
    }),
    "ReturnStatus": answer({"idreturn_status": ID, "name": STRING, "default": BOOLEAN, "completed": BOOLEAN}),
    "ReturnedProduct": answer({"idreturn_product": ID, "idproduct": ID, "amount": INTEGER, "amount_received": INTEGER,
                               "reason": STRING}),
    "ReplacementProduct": answer({"idreturn_product_replacement": ID, "idproduct": ID, "amount": INTEGER,
                                  "idpicklist": nullable(ID)}),
    "Return": answer({
        "idreturn": ID, "returnid": STRING, "idorder": nullable(ID), "idfulfilment_customer": ID,
        "idreturn_status": ID, "return_status": ref("ReturnStatus"), **{name: STRING for name in RETURN_TEXT_FIELDS},
        "received_at": nullable(DATETIME), "completed_at": nullable(DATETIME), "created_at": DATETIME,
        "returned_products": array(ref("ReturnedProduct")), "replacement_products": array(ref("ReplacementProduct")),
    }),
    "ReturnLog": answer({"idreturn_log": ID, "idreturn": ID, "idreturn_status": ID, "message": STRING,
                         "created_at": DATETIME}),
    "WebshopOrder": answer({
        "idwebshop_order": ID, "idwebshop": ID, "idfulfilment_customer": ID, "idorder": nullable(ID),
        "foreign_id": STRING, "foreign_number": STRING, "status": enum(WEBSHOP_ORDER_STATUSES), "reason": STRING,
        "created": DATETIME,
    }),
    # --- request bodies ---
    "FulfilmentCustomerInput": request_body({
        "name": text(), "can_login": BOOLEAN, "username": text(), "password": {**text(1024), "writeOnly": True},
        "emailaddress": text(), "language": enum(("en", "nl")), "product_management": BOOLEAN, "active": BOOLEAN,
    }),
    "ProductInput": request_body({
        "idfulfilment_customer": ID_IN, "productcode": text(), "name": text(), "price": MONEY_IN,
        "fixedstockprice": MONEY_IN, "barcode": text(), "active": BOOLEAN,
        "hs_code": text(16), "country_of_origin": text(2), "customs_description": text(),
        "weight": {"type": "integer", "minimum": 0, "maximum": 10_000_000, "description": "grams"},
        **{name: {"type": "number", "minimum": 0, "maximum": 1_000_000, "description": "centimetres"}
           for name in ("length", "width", "height")},
    }),
    "LocationInput": request_body({
        "idwarehouse": ID_IN, "name": text(64), "type": enum(("location",)), "remarks": text(),
        "unlink_on_empty": BOOLEAN, "is_bulk_location": BOOLEAN, "location_type": enum(LOCATION_KINDS),
    }, required=("idwarehouse", "name")),
    "LocationUpdate": request_body({
        "name": text(64), "remarks": text(), "unlink_on_empty": BOOLEAN, "is_bulk_location": BOOLEAN,
        "location_type": enum(LOCATION_KINDS), "active": BOOLEAN,
    }),
    "ProductLocationInput": request_body({"idlocation": ID_IN, "preferred": BOOLEAN}, required=("idlocation",)),
    "StockChangeInput": request_body({
        "change": {"type": "integer", "minimum": -MAX_ID, "maximum": MAX_ID,
                   "description": "Relative change; send this or amount"},
        "amount": {"type": "integer", "minimum": 0, "maximum": MAX_ID, "description": "Absolute stock; or change"},
        "reason": text(),
    }, required=("reason",)),
    "ImageInput": request_body({"image": {"type": "string", "format": "byte", "description": "base64"},
                                "filename": text()}, required=("image",)),
    "OrderProductInput": request_body({**LINE_IN, "amount": AMOUNT_IN, "price": MONEY_IN, "remarks": text()},
                                      required=("amount",)),
    "OrderProductUpdate": request_body({"amount": AMOUNT_IN, "price": MONEY_IN, "remarks": text()}),
    "OrderInput": request_body({
        "idfulfilment_customer": ID_IN,
        **{name: text(10_000 if name == "customer_remarks" else 255) for name in ORDER_TEXT_FIELDS},
        "products": array(ref("OrderProductInput")),
    }, required=("products", "deliveryname")),
    "OrderUpdate": request_body({name: text(10_000 if name == "customer_remarks" else 255)
                                 for name in ORDER_TEXT_FIELDS}),
    "PauseInput": request_body({"reason": text()}),
    "ShipmentInput": request_body({
        "provider": {**text(), "description": "A carrier's name from the carriers table (PostNL, DHL, DPD, UPS, GLS, "
                                              "bpost, FedEx, or one staff added)"},
        "trackingcode": text()}, required=("provider",)),
    "PurchaseOrderProductInput": request_body({**LINE_IN, "amount": AMOUNT_IN, "price": MONEY_IN},
                                              required=("amount",)),
    "PurchaseOrderProductUpdate": request_body({"amount": AMOUNT_IN, "price": MONEY_IN}),
    "PurchaseOrderInput": request_body({
        "idfulfilment_customer": ID_IN, "supplier_name": text(), "supplier_orderid": text(),
        "delivery_date": nullable(DATE), "remarks": text(10_000), "products": array(ref("PurchaseOrderProductInput")),
    }, required=("products",)),
    "PurchaseOrderUpdate": request_body({"supplier_name": text(), "supplier_orderid": text(),
                                         "delivery_date": nullable(DATE), "remarks": text(10_000)}),
    "ReceiptInput": request_body({"idpurchaseorder": ID_IN, "remarks": text(10_000)}, required=("idpurchaseorder",)),
    "ReceiptProductInput": request_body({**LINE_IN, "amount": AMOUNT_IN}, required=("amount",)),
    "ReceiptUpdate": request_body({"status": enum(("completed",))}, required=("status",)),
    "ReturnedProductInput": request_body({**LINE_IN, "amount": AMOUNT_IN, "reason": text()}, required=("amount",)),
    "ReplacementProductInput": request_body({**LINE_IN, "amount": AMOUNT_IN}, required=("amount",)),
    "ReturnInput": request_body({
        "idfulfilment_customer": ID_IN, "idorder": ID_IN,
        **{name: text(10_000 if name == "remarks" else 255) for name in RETURN_TEXT_FIELDS},
        "returned_products": array(ref("ReturnedProductInput")),
        "replacement_products": array(ref("ReplacementProductInput")),
    }),
    "ReturnUpdate": request_body({name: text(10_000 if name == "remarks" else 255) for name in RETURN_TEXT_FIELDS}),
    "ReturnLogInput": request_body({"idreturn_status": ID_IN, "message": text(10_000)}, required=("idreturn_status",)),
    "ReturnReceiveInput": request_body({"products": array(request_body(
        {"idreturn_product": ID_IN, "amount": {"type": "integer", "minimum": 0, "maximum": MAX_AMOUNT}},
        required=("idreturn_product", "amount")))}),
}

# --- operations -----------------------------------------------------------------------------

ERRORS = {
    400: "Invalid JSON (error 22), a missing or wrong parameter (5), a product line without idproduct or amount "
         "(23), an unknown product (24)",
    401: "No API key, or an unknown or revoked one",
    403: "A client's key on an endpoint for staff keys, or a product change without product management",
    404: "No such record, or it belongs to another client (error 20)",
    409: "Refused in the current state: wrong status (21), order picked (30), lines locked (33), purchase order "
         "has a receipt (21), not enough stock, duplicate",
    413: "The request body is too large",
    429: "Rate limit reached (error 28)",
}
PAGED = {"name": "offset", "in": "query", "required": False,
         "description": f"Skip this many records; pages hold {PAGE_SIZE}.",
         "schema": {"type": "integer", "minimum": 0, "maximum": 2_000_000_000, "default": 0}}
RATE_HEADERS = {
    "X-RateLimit-Limit": {"$ref": "#/components/headers/X-RateLimit-Limit"},
    "X-RateLimit-Remaining": {"$ref": "#/components/headers/X-RateLimit-Remaining"},
}
HEADERS = {
    "X-RateLimit-Limit": {"required": True, "description": "Requests allowed per minute for this key",
                          "schema": INTEGER},
    "X-RateLimit-Remaining": {"required": True, "description": "Requests left this minute", "schema": INTEGER},
}
ERROR_RESPONSES = {str(code): {"description": text_, "content": {"application/json": {"schema": ref("Error")}}}
                   for code, text_ in ERRORS.items()}


def query(name, schema, description=""):
    return {"name": name, "in": "query", "required": False, "schema": schema, "description": description}


def since_until():
    return [query("sincedate", {"type": "string", "maxLength": 19},
                  "From this date (YYYY-MM-DD or YYYY-MM-DD HH:MM:SS)"),
            query("untildate", {"type": "string", "maxLength": 19}, "Until this date (inclusive)")]


CUSTOMER_FILTER = query("idfulfilment_customer", ID_IN)
OPERATIONS = []


def operation(method, path, summary, tag, *, answer_schema=None, status=200, body=None, filters=(), paged=False,
              staff_only=False, product_write=False, public=False, description=""):
    """Describe one route; path uses OpenAPI's {name} for the integer ids in it."""
    parameters = [{"name": name, "in": "path", "required": True, "schema": ID_IN}
                  for name in re.findall(r"{(\w+)}", path) if name != "token"]
    parameters += list(filters) + ([PAGED] if paged else [])
    responses = {}
    if status == 204:
        responses["204"] = {"description": "Done", "headers": RATE_HEADERS}
    else:
        responses[str(status)] = {"description": "Created" if status == 201 else "OK", "headers": RATE_HEADERS,
                                  "content": {"application/json": {"schema": answer_schema}}}
    writes = method != "get"
    errors = set() if public else {401, 429}
    if parameters or writes:
        errors.add(400)
    if "{" in path:
        errors.add(404)
    if staff_only or product_write:
        errors.add(403)
    if writes:
        errors |= {409, 413}
    for code in sorted(errors):
        responses[str(code)] = {"$ref": f"#/components/responses/{code}"}
    spec = {"summary": summary, "tags": [tag], "operationId": _operation_id(method, path), "responses": responses}
    if description:
        spec["description"] = description
    if staff_only:
        spec["x-staff-keys-only"] = True
        spec["description"] = (description + " " if description else "") + "Staff keys only."
    if parameters:
        spec["parameters"] = parameters
    if body:
        spec["requestBody"] = {"required": True, "content": {"application/json": {"schema": ref(body)}}}
    if public:
        spec["security"] = []
    OPERATIONS.append((path, method, spec))


def _operation_id(method, path):
    words = re.sub(r"[{}]", "", path).replace("/", "_").replace("-", "_").strip("_")
    return f"{method}_{words}"


def listing(name):
    return array(ref(name))


# Fulfilment customers
T = "Fulfilment customers"
operation("get", "/fulfilment/customers", "List fulfilment customers", T, answer_schema=listing("FulfilmentCustomer"),
          filters=[query("search", text(), "Part of the name")], paged=True, staff_only=True)
operation("post", "/fulfilment/customers", "Create a fulfilment customer (and its portal login)", T,
          answer_schema=ref("FulfilmentCustomer"), status=201, body="FulfilmentCustomerInput", staff_only=True,
          description="With can_login, username and password the customer gets a portal login.")
operation("get", "/fulfilment/customers/{idfulfilment_customer}", "Get a fulfilment customer", T,
          answer_schema=ref("FulfilmentCustomer"), staff_only=True)
operation("put", "/fulfilment/customers/{idfulfilment_customer}", "Change a fulfilment customer or its login", T,
          answer_schema=ref("FulfilmentCustomer"), body="FulfilmentCustomerInput", staff_only=True)

# Products
T = "Products"
operation("get", "/products", "List products", T, answer_schema=listing("Product"), paged=True, filters=[
    query("productcode", text()), query("search", text(), "Part of product code, name or barcode"),
    CUSTOMER_FILTER, query("inactive", BOOLEAN, "true: include inactive products"),
])
operation("post", "/products", "Create a product", T, answer_schema=ref("Product"), status=201, body="ProductInput",
          product_write=True, description="idfulfilment_customer is required with a staff key and implied by a "
                                          "client's key; productcode and name are required.")
operation("get", "/products/{idproduct}", "Get a product", T, answer_schema=ref("Product"))
operation("put", "/products/{idproduct}", "Change a product (the product code cannot change)", T,
          answer_schema=ref("Product"), body="ProductInput", product_write=True)
operation("post", "/products/{idproduct}/inactivate", "Inactivate a product", T, answer_schema=ref("Product"),
          product_write=True)
operation("post", "/products/{idproduct}/activate", "Activate a product", T, answer_schema=ref("Product"),
          product_write=True)
operation("get", "/products/{idproduct}/stock", "Stock per warehouse", T, answer_schema=listing("StockLevel"))
operation("get", "/products/{idproduct}/stock/{idwarehouse}", "Stock in one warehouse", T,
          answer_schema=ref("StockLevel"))
operation("post", "/products/{idproduct}/stock/{idwarehouse}", "Change stock (relative or absolute)", T,
          answer_schema=ref("StockLevel"), body="StockChangeInput", staff_only=True,
          description="Never below 0 or below what is allocated to picklists.")
operation("get", "/products/{idproduct}/images", "List a product's images", T, answer_schema=listing("ProductImage"))
operation("post", "/products/{idproduct}/images", "Add an image (base64)", T, answer_schema=ref("ProductImage"),
          status=201, body="ImageInput", product_write=True)
operation("delete", "/products/{idproduct}/images/{idproduct_image}", "Delete an image", T, status=204,
          product_write=True)

# Locations (warehouse-wide: staff keys) and product locations
T = "Locations"
operation("get", "/locations", "List locations", T, answer_schema=listing("Location"), paged=True, staff_only=True,
          filters=[query("idwarehouse", ID_IN), query("name", text(64), "The exact location code"),
                   query("inactive", BOOLEAN, "true: include inactive locations")])
operation("post", "/locations", "Create a location", T, answer_schema=ref("Location"), status=201,
          body="LocationInput", staff_only=True, description="The code (name) is unique in its warehouse.")
operation("get", "/locations/{idlocation}", "Get a location", T, answer_schema=ref("Location"), staff_only=True)
operation("put", "/locations/{idlocation}", "Change a location", T, answer_schema=ref("Location"),
          body="LocationUpdate", staff_only=True)
operation("delete", "/locations/{idlocation}", "Delete a location no product is linked to", T, status=204,
          staff_only=True)
operation("get", "/products/{idproduct}/locations", "A product's locations, preferred first", T,
          answer_schema=listing("ProductLocation"))
operation("post", "/products/{idproduct}/locations", "Link a product to a location", T,
          answer_schema=ref("ProductLocation"), status=201, body="ProductLocationInput", staff_only=True,
          description="The first location in a warehouse becomes the preferred one; preferred: true makes this one "
                      "preferred.")
operation("delete", "/products/{idproduct}/locations/{idlocation}", "Unlink a product from a location", T,
          status=204, staff_only=True)

# Stock history
T = "Stock history"
operation("get", "/stockhistory", "List stock mutations, newest first", T, answer_schema=listing("StockHistory"),
          paged=True, filters=[query("idproduct", ID_IN), query("idwarehouse", ID_IN), *since_until()])
operation("get", "/stockhistory/{idproduct_stock_history}", "Get a stock mutation", T,
          answer_schema=ref("StockHistory"))

# Orders
T = "Orders"
operation("get", "/orders", "List orders", T, answer_schema=listing("Order"), paged=True, filters=[
    query("status", enum(ORDER_STATUSES)), query("search", text(), "Part of number, reference, name or e-mail"),
    query("reference", text()), CUSTOMER_FILTER, *since_until(),
])
operation("post", "/orders", "Create an order (a concept)", T, answer_schema=ref("Order"), status=201,
          body="OrderInput", description="Every product line needs idproduct (or productcode) and amount.")
operation("get", "/orders/{idorder}", "Get an order", T, answer_schema=ref("Order"))
operation("put", "/orders/{idorder}", "Change an order's header and addresses (until picked)", T,
          answer_schema=ref("Order"), body="OrderUpdate")
operation("delete", "/orders/{idorder}", "Cancel an order (refused with error 30 once picked)", T, status=204)
operation("post", "/orders/{idorder}/process", "Process: allocate stock on a picklist, backorder the rest", T,
          answer_schema=ref("Order"))
operation("post", "/orders/{idorder}/pause", "Pause a processing order", T, answer_schema=ref("Order"),
          body="PauseInput")
operation("post", "/orders/{idorder}/resume", "Resume a paused order", T, answer_schema=ref("Order"))
operation("get", "/orders/{idorder}/products", "List an order's lines", T, answer_schema=listing("OrderProduct"))
operation("post", "/orders/{idorder}/products", "Add a line (concept orders only; else error 33)", T,
          answer_schema=ref("OrderProduct"), status=201, body="OrderProductInput")
operation("get", "/orders/{idorder}/products/{idorder_product}", "Get an order line", T,
          answer_schema=ref("OrderProduct"))
operation("put", "/orders/{idorder}/products/{idorder_product}", "Change a line (concept orders only)", T,
          answer_schema=ref("OrderProduct"), body="OrderProductUpdate")
operation("delete", "/orders/{idorder}/products/{idorder_product}", "Remove a line (concept orders only)", T,
          status=204)
operation("get", "/orders/{idorder}/backorders", "An order's backorders", T, answer_schema=listing("Backorder"))
operation("get", "/orders/{idorder}/productstatus", "Per line: allocated, backordered, picked and shipped", T,
          answer_schema=listing("ProductStatus"))

# Picklists
T = "Picklists"
operation("get", "/picklists", "List picklists", T, answer_schema=listing("Picklist"), paged=True,
          filters=[query("status", enum(PICKLIST_STATUSES)), query("idorder", ID_IN)])
operation("get", "/picklists/{idpicklist}", "Get a picklist", T, answer_schema=ref("Picklist"))
operation("post", "/picklists/{idpicklist}/close", "Pick everything and close the picklist", T,
          answer_schema=ref("Picklist"), staff_only=True)
operation("post", "/picklists/{idpicklist}/cancel", "Cancel a picklist; its products wait as backorders", T,
          answer_schema=ref("Picklist"), staff_only=True)
operation("get", "/picklists/{idpicklist}/shipments", "A picklist's shipments", T, answer_schema=listing("Shipment"))
operation("post", "/picklists/{idpicklist}/shipments", "Add a shipment to a closed picklist", T,
          answer_schema=ref("Shipment"), status=201, body="ShipmentInput", staff_only=True)

# Backorders
T = "Backorders"
operation("get", "/backorders", "List backorders, oldest (served first) first", T, answer_schema=listing("Backorder"),
          paged=True, filters=[query("idorder", ID_IN), query("idproduct", ID_IN)])
operation("get", "/backorders/{idbackorder}", "Get a backorder", T, answer_schema=ref("Backorder"))
operation("delete", "/backorders/{idbackorder}", "Cancel a backorder (that part of the order line)", T, status=204)
operation("post", "/backorders/process", "Serve backorders that now have free stock", T,
          answer_schema=ref("BackordersProcessed"), staff_only=True)

# Purchase orders
T = "Purchase orders"
operation("get", "/purchaseorders", "List purchase orders", T, answer_schema=listing("PurchaseOrder"), paged=True,
          filters=[query("status", enum(PURCHASE_ORDER_STATUSES)), CUSTOMER_FILTER])
operation("post", "/purchaseorders", "Create a purchase order (a concept)", T, answer_schema=ref("PurchaseOrder"),
          status=201, body="PurchaseOrderInput")
operation("get", "/purchaseorders/{idpurchaseorder}", "Get a purchase order", T, answer_schema=ref("PurchaseOrder"))
operation("put", "/purchaseorders/{idpurchaseorder}", "Change a purchase order (until a receipt exists)", T,
          answer_schema=ref("PurchaseOrder"), body="PurchaseOrderUpdate")
operation("post", "/purchaseorders/{idpurchaseorder}/mark-as-purchased", "Mark as purchased", T,
          answer_schema=ref("PurchaseOrder"))
operation("post", "/purchaseorders/{idpurchaseorder}/cancel", "Cancel (until a receipt exists)", T,
          answer_schema=ref("PurchaseOrder"))
operation("get", "/purchaseorders/{idpurchaseorder}/products", "List lines", T,
          answer_schema=listing("PurchaseOrderProduct"))
operation("post", "/purchaseorders/{idpurchaseorder}/products", "Add a line (until a receipt exists)", T,
          answer_schema=ref("PurchaseOrderProduct"), status=201, body="PurchaseOrderProductInput")
operation("put", "/purchaseorders/{idpurchaseorder}/products/{idpurchaseorder_product}", "Change a line", T,
          answer_schema=ref("PurchaseOrderProduct"), body="PurchaseOrderProductUpdate")
operation("delete", "/purchaseorders/{idpurchaseorder}/products/{idpurchaseorder_product}", "Remove a line", T,
          status=204)

# Receipts
T = "Receipts"
operation("get", "/receipts", "List receipts", T, answer_schema=listing("Receipt"), paged=True,
          filters=[query("idpurchaseorder", ID_IN)])
operation("post", "/receipts", "Start a receipt (processing) for a purchase order", T, answer_schema=ref("Receipt"),
          status=201, body="ReceiptInput", staff_only=True,
          description="From now on the purchase order cannot change or be cancelled.")
operation("get", "/receipts/{idreceipt}", "Get a receipt", T, answer_schema=ref("Receipt"))
operation("put", "/receipts/{idreceipt}", "Complete a receipt", T, answer_schema=ref("Receipt"), body="ReceiptUpdate",
          staff_only=True)
operation("post", "/receipts/{idreceipt}/products", "Receive units of a product into stock", T,
          answer_schema=ref("Receipt"), status=201, body="ReceiptProductInput", staff_only=True,
          description="Stock is booked at once and waiting backorders are served. Answers the receipt.")
operation("post", "/receipts/{idreceipt}/mark-all-received", "Receive everything outstanding", T,
          answer_schema=ref("Receipt"), staff_only=True)

# Returns
T = "Returns"
operation("get", "/return_statuses", "List return statuses", T, answer_schema=listing("ReturnStatus"))
operation("get", "/returns", "List returns", T, answer_schema=listing("Return"), paged=True,
          filters=[query("idorder", ID_IN), query("idreturn_status", ID_IN), CUSTOMER_FILTER])
operation("post", "/returns", "Register a return", T, answer_schema=ref("Return"), status=201, body="ReturnInput",
          staff_only=True, description="Replacement products are allocated on a picklist at once.")
operation("get", "/returns/{idreturn}", "Get a return", T, answer_schema=ref("Return"))
operation("put", "/returns/{idreturn}", "Change a return's address or tracking code", T, answer_schema=ref("Return"),
          body="ReturnUpdate", staff_only=True)
operation("get", "/returns/{idreturn}/returned_products", "List returned products", T,
          answer_schema=listing("ReturnedProduct"))
operation("post", "/returns/{idreturn}/returned_products", "Add a returned product", T,
          answer_schema=ref("ReturnedProduct"), status=201, body="ReturnedProductInput", staff_only=True)
operation("get", "/returns/{idreturn}/replacement_products", "List replacement products", T,
          answer_schema=listing("ReplacementProduct"))
operation("post", "/returns/{idreturn}/replacement_products", "Add a replacement product (allocated on a picklist)",
          T, answer_schema=ref("ReplacementProduct"), status=201, body="ReplacementProductInput", staff_only=True)
operation("get", "/returns/{idreturn}/logs", "A return's status log", T, answer_schema=listing("ReturnLog"))
operation("post", "/returns/{idreturn}/logs", "Change the status, with a message", T, answer_schema=ref("ReturnLog"),
          status=201, body="ReturnLogInput", staff_only=True)
operation("post", "/returns/{idreturn}/receive", "Receive returned products back into stock", T,
          answer_schema=ref("Return"), body="ReturnReceiveInput", staff_only=True,
          description="Without products, everything outstanding is received.")

# Webshop orders
T = "Webshop orders"
operation("get", "/webshoporders", "List orders seen in webshops", T, answer_schema=listing("WebshopOrder"),
          paged=True, staff_only=True, filters=[query("idwebshop", ID_IN), query("foreign_id", text())])
operation("get", "/webshoporders/{idwebshop_order}", "Get a webshop order", T, answer_schema=ref("WebshopOrder"),
          staff_only=True)

# Hooks (webhooks)
T = "Hooks"
operation("get", "/hooks", "List hooks", T, answer_schema=listing("Hook"), paged=True,
          filters=[query("active", BOOLEAN, "Only active (true) or inactive (false) hooks")],
          description="A client's key sees only its own hooks.")
operation("post", "/hooks", "Create a hook", T, answer_schema=ref("Hook"), status=201, body="HookInput",
          description="Each delivery is a POST of {idhook, name, event, event_triggered_at, data}; with a secret it is "
                      "signed: X-Picqer-Signature = base64(HMAC-SHA256(secret, raw body)). The address must be "
                      "https:// and public.")
operation("get", "/hooks/{idhook}", "Get a hook", T, answer_schema=ref("Hook"))
operation("delete", "/hooks/{idhook}", "Delete (deactivate) a hook", T, status=204,
          description="As in Picqer, the hook is deactivated and can be reactivated.")
operation("post", "/hooks/{idhook}/reactivate", "Reactivate a hook", T, answer_schema=ref("Hook"),
          description="Also for a hook deactivated after repeated failed deliveries.")

# Public
T = "Description and images"
operation("get", "/openapi.json", "This description", T, answer_schema={"type": "object"}, public=True)


def _image_file_operation():
    images = {kind: {"schema": {"type": "string", "format": "binary"}}
              for kind in ("image/png", "image/jpeg", "image/gif", "image/webp")}
    spec = {
        "summary": "A product image's bytes (the URL in a product's images)", "tags": [T],
        "operationId": "get_product_images_token", "security": [],
        "parameters": [{"name": "token", "in": "path", "required": True,
                        "schema": {"type": "string", "minLength": 1, "maxLength": 500}}],
        "responses": {
            "200": {"description": "The image", "content": images},
            "304": {"description": "Not modified (If-None-Match)"},
            "404": {"description": "Unknown image", "content": {"application/json": {"schema": ref("Error")}}},
        },
    }
    OPERATIONS.append(("/product_images/{token}", "get", spec))


_image_file_operation()
for _path, _method, _spec in OPERATIONS:
    if _spec.get("security") == []:
        for _response in _spec["responses"].values():
            _response.pop("headers", None)


def description():
    """The OpenAPI document as a dict."""
    paths = {}
    for path, method, spec in OPERATIONS:
        paths.setdefault(path, {})[method] = deepcopy(spec)
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "Fulfilment Portal API",
            "version": __version__,
            "description": "REST API v1, compatible with Picqer's API v1. Authenticate with HTTP Basic: the API key "
                           "is the username, the password is ignored. Lists are bare arrays of at most "
                           f"{PAGE_SIZE} items, paged with ?offset=. See docs/api.md.",
        },
        "servers": [{"url": API_PREFIX}],
        "security": [{"apiKey": []}],
        "tags": [{"name": tag} for tag in dict.fromkeys(spec["tags"][0] for _, _, spec in OPERATIONS)],
        "paths": paths,
        "components": {
            "securitySchemes": {"apiKey": {"type": "http", "scheme": "basic",
                                           "description": "The API key as username; any password."}},
            "schemas": deepcopy(SCHEMAS),
            "responses": deepcopy(ERROR_RESPONSES),
            "headers": deepcopy(HEADERS),
        },
    }


@bp.get("/openapi.json")
def openapi_description():
    return jsonify(description())
