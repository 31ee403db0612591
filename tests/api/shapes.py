"""The fields and JSON types of each resource, as ../shared/picqer-api.md names them.

Written from the contract, not from the OpenAPI description, so the two are checked against
each other rather than against themselves.
"""

import re

NULL = type(None)
DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$")
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class Datetime:
    """A 'YYYY-MM-DD HH:MM:SS' string."""


class Date:
    """A 'YYYY-MM-DD' string."""


NUMBER = (int, float)

CUSTOMER = {"idfulfilment_customer": int, "name": str, "can_login": bool, "username": (str, NULL),
            "emailaddress": str, "language": str, "last_login_at": (Datetime, NULL), "product_management": bool,
            "active": bool}
STOCK = {"idwarehouse": int, "stock": int, "reserved": int, "reservedbackorders": int, "reservedpicklists": int,
         "freestock": int}
PRODUCT = {"idproduct": int, "idfulfilment_customer": int, "productcode": str, "name": str, "price": NUMBER,
           "fixedstockprice": NUMBER, "barcode": str, "active": bool, "images": list, "stock": list,
           "created": Datetime, "updated": Datetime,
           # Picqer's customs and measure fields (issue 15 item 7); customs_description is ours.
           "hs_code": (str, NULL), "country_of_origin": (str, NULL), "customs_description": (str, NULL),
           "weight": (int, NULL), "length": (*NUMBER, NULL), "width": (*NUMBER, NULL), "height": (*NUMBER, NULL)}
# Picqer's location attributes (https://picqer.com/en/api/locations); location_type and active are ours.
LOCATION = {"idlocation": int, "idwarehouse": int, "parent_idlocation": (int, NULL), "type": str, "name": str,
            "remarks": str, "unlink_on_empty": bool, "is_bulk_location": bool, "location_type": str, "active": bool}
IMAGE = {"idproduct_image": int, "idproduct": int, "url": str}
STOCK_HISTORY = {"idproduct_stock_history": int, "idproduct": int, "idwarehouse": int, "iduser": (int, NULL),
                 "old_stock": int, "stock_change": int, "new_stock": int, "reason": str, "change_type": str,
                 "changed_at": Datetime}
ORDER_LINE = {"idorder_product": int, "idproduct": int, "productcode": str, "name": str, "amount": int,
              "price": NUMBER, "remarks": str}
ADDRESS_FIELDS = ("name", "contactname", "address", "address2", "zipcode", "city", "region", "country")
ORDER = {"idorder": int, "orderid": str, "idfulfilment_customer": int, "reference": str, "status": str,
         "source": str, **{f"delivery{name}": str for name in ADDRESS_FIELDS},
         **{f"invoice{name}": str for name in ADDRESS_FIELDS}, "emailaddress": str, "telephone": str,
         "customer_remarks": str, "created": Datetime, "updated": Datetime, "products": list, "picklists": list}
PRODUCT_STATUS = {"idorder_product": int, "amount": int, "allocated": int, "backorder": int, "picked": int,
                  "shipped": int}
PICKLIST_LINE = {"idpicklist_product": int, "idproduct": int, "idorder_product": (int, NULL), "productcode": str,
                 "name": str, "amount": int, "amount_picked": int}
PICKLIST = {"idpicklist": int, "picklistid": str, "idorder": (int, NULL), "idreturn": (int, NULL), "status": str,
            "totalproducts": int, "totalpicked": int, "closed_at": (Datetime, NULL), "deliveryname": str,
            "deliveryaddress": str, "deliveryzipcode": str, "deliverycity": str, "deliverycountry": str,
            "products": list}
SHIPMENT = {"idshipment": int, "idpicklist": int, "idorder": (int, NULL), "provider": str, "trackingcode": str,
            "trackingurl": str, "created": Datetime}
BACKORDER = {"idbackorder": int, "idorder": int, "idorder_product": int, "idproduct": int, "idwarehouse": int,
             "amount": int, "priority": int, "created_at": Datetime}
PURCHASE_ORDER_LINE = {"idpurchaseorder_product": int, "idproduct": int, "productcode": str, "name": str,
                       "amount": int, "amountreceived": int, "price": NUMBER}
PURCHASE_ORDER = {"idpurchaseorder": int, "purchaseorderid": str, "idfulfilment_customer": int,
                  "supplier_name": str, "supplier_orderid": str, "delivery_date": (Date, NULL), "remarks": str,
                  "status": str, "products": list}
RECEIPT_LINE = {"idreceipt_product": int, "idproduct": int, "amount": int}
RECEIPT = {"idreceipt": int, "receiptid": str, "idpurchaseorder": int, "status": str, "products": list,
           "created": Datetime, "completed_at": (Datetime, NULL)}
RETURN_STATUS = {"idreturn_status": int, "name": str, "default": bool, "completed": bool}
RETURNED_PRODUCT = {"idreturn_product": int, "idproduct": int, "amount": int, "reason": str}
REPLACEMENT = {"idreturn_product_replacement": int, "idproduct": int, "amount": int, "idpicklist": (int, NULL)}
RETURN = {"idreturn": int, "returnid": str, "idorder": (int, NULL), "idfulfilment_customer": int,
          "idreturn_status": int, "return_status": dict, "name": str, "address": str, "zipcode": str, "city": str,
          "country": str, "emailaddress": str, "tracking_code": str, "received_at": (Datetime, NULL),
          "completed_at": (Datetime, NULL), "created_at": Datetime, "returned_products": list,
          "replacement_products": list}
RETURN_LOG = {"idreturn_log": int, "idreturn_status": int, "message": str, "created_at": Datetime}
WEBSHOP_ORDER = {"idwebshop_order": int, "idwebshop": int, "idorder": (int, NULL), "foreign_id": str,
                 "foreign_number": str, "status": str, "reason": str, "created": Datetime}


def _matches(value, kind):
    if isinstance(kind, tuple):
        return any(_matches(value, k) for k in kind)
    if kind is Datetime:
        return isinstance(value, str) and bool(DATETIME.match(value))
    if kind is Date:
        return isinstance(value, str) and bool(DATE.match(value))
    if kind is int:
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, kind)


def assert_shape(item, shape, **nested):
    """Assert item has every field of shape with the right JSON type; nested={"products": LINE_SHAPE}."""
    assert isinstance(item, dict), item
    wrong = {name: item.get(name, "<missing>") for name, kind in shape.items()
             if name not in item or not _matches(item[name], kind)}
    assert wrong == {}, f"fields with a wrong type or missing: {wrong}"
    assert "password" not in item
    for name, inner in nested.items():
        for element in item[name]:
            assert_shape(element, inner)


def assert_list_of(items, shape, **nested):
    assert isinstance(items, list), items
    for item in items:
        assert_shape(item, shape, **nested)
