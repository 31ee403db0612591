"""The back office's words for the fields it shows: one label per model field name, in the
reader's language.

Every list column, details row, filter, form field and spreadsheet column of the back office is
named here (a view's own ``column_labels`` still win, for a field that means something else in
that view: a location's ``name`` is its "Code"). Flask-Admin would otherwise write the field
name in English ("Product Code"); tests/admin/test_back_office_language.py fails on any shown
field missing from this mapping.
"""

from flask_babel.speaklater import LazyString

from fulfilment.i18n import _l, force_locale

LABELS = {
    # who and what
    "id": _l("ID"),
    "client": _l("Client"),
    "name": _l("Name"),
    "number": _l("Number"),
    "reference": _l("Reference"),
    "status": _l("Status"),
    "source": _l("Source"),
    "active": _l("Active"),
    "enabled": _l("Enabled"),
    "language": _l("Language"),
    "kind": _l("Kind"),
    "position": _l("Position"),
    "description": _l("Description"),
    "remarks": _l("Remarks"),
    "message": _l("Message"),
    "reason": _l("Reason"),
    "actor": _l("By"),
    "label": _l("Label"),
    "platform": _l("Platform"),
    "url": _l("URL"),
    "warehouse": _l("Warehouse"),
    "location": _l("Location"),
    "carrier": _l("Carrier"),
    "webshop": _l("Webshop"),
    "hook": _l("Webhook"),
    "event": _l("Event"),
    "failing": _l("Failing"),
    "preview": _l("Preview"),
    "image": _l("Image"),
    "data": _l("Image data"),
    "filename": _l("File name"),
    "content_type": _l("File type"),
    # people and logins
    "username": _l("Username"),
    "password_hash": _l("Password (hashed)"),
    "new_password": _l("New password"),
    "login_username": _l("Username"),
    "login_password": _l("Password"),
    "portal_user": _l("Portal user"),
    "staff_user": _l("Staff user"),
    "notification_email": _l("Notification e-mail"),
    "portal_access": _l("Access to portal"),
    "product_management": _l("Access to product management"),
    "is_admin": _l("Admin"),
    "totp_enabled_at": _l("Two-factor since"),
    "token_hash": _l("Token (hashed)"),
    "user_agent": _l("Browser"),
    "ip_address": _l("IP address"),
    "last_seen_at": _l("Last seen"),
    "key_prefix": _l("Key starts with"),
    "secret": _l("Secret"),
    # addresses and contact
    "email": _l("Email"),
    "telephone": _l("Telephone"),
    "address": _l("Address"),
    "address2": _l("Address line 2"),
    "zipcode": _l("Zip code"),
    "city": _l("City"),
    "region": _l("Region"),
    "country": _l("Country"),
    "contact_name": _l("Contact"),
    "recipient": _l("Recipient"),
    "delivery_name": _l("Recipient"),
    "delivery_contact_name": _l("Delivery contact"),
    "delivery_address": _l("Delivery address"),
    "delivery_address2": _l("Delivery address line 2"),
    "delivery_zipcode": _l("Delivery zip code"),
    "delivery_city": _l("Delivery city"),
    "delivery_region": _l("Delivery region"),
    "delivery_country": _l("Delivery country"),
    "invoice_name": _l("Invoice name"),
    "invoice_contact_name": _l("Invoice contact"),
    "invoice_address": _l("Invoice address"),
    "invoice_address2": _l("Invoice address line 2"),
    "invoice_zipcode": _l("Invoice zip code"),
    "invoice_city": _l("Invoice city"),
    "invoice_region": _l("Invoice region"),
    "invoice_country": _l("Invoice country"),
    "customer_remarks": _l("Customer's remarks"),
    # products and stock
    "product": _l("Product"),
    "products": _l("Products"),
    "product_code": _l("Product code"),
    "barcode": _l("Barcode"),
    "price": _l("Price"),
    "fixed_stock_price": _l("Fixed stock price"),
    "hs_code": _l("HS code"),
    "country_of_origin": _l("Country of origin (two letters)"),
    "customs_description": _l("Customs description"),
    "weight_grams": _l("Weight (grams)"),
    "length_mm": _l("Length (mm)"),
    "width_mm": _l("Width (mm)"),
    "height_mm": _l("Height (mm)"),
    "stock": _l("Stock"),
    "allocated": _l("Allocated"),
    "free": _l("Free"),
    "old_stock": _l("Old stock"),
    "change": _l("Change"),
    "new_stock": _l("New stock"),
    "change_type": _l("Type of change"),
    "preferred": _l("Preferred (picking) location"),
    "unlink_on_empty": _l("Unlink when empty"),
    "tracking_url_template": _l("Tracking link template"),
    # orders, picking and shipping
    "order": _l("Order"),
    "order_line": _l("Order line"),
    "amount": _l("Amount"),
    "amount_cancelled": _l("Amount cancelled"),
    "amount_picked": _l("Amount picked"),
    "amount_received": _l("Amount received"),
    "pause_reason": _l("Paused because"),
    "foreign_id": _l("ID in the shop"),
    "foreign_number": _l("Number in the shop"),
    "picklist": _l("Picklist"),
    "return_": _l("Return"),
    "shipped_at": _l("Shipped"),
    "tracking_code": _l("Tracking code"),
    "tracking_url": _l("Tracking link"),
    "webshop_push_status": _l("Webshop told"),
    "webshop_push_error": _l("Webshop's answer"),
    "webshop_push_attempts": _l("Attempts to tell the webshop"),
    "webshop_pushed_at": _l("Webshop told at"),
    "webshop_push_next_at": _l("Next attempt"),
    # purchasing and returns
    "purchase_order": _l("Purchase order"),
    "purchase_order_line": _l("Purchase order line"),
    "receipt": _l("Receipt"),
    "supplier_name": _l("Supplier"),
    "supplier_orderid": _l("Supplier's reference"),
    "delivery_date": _l("Expected"),
    "is_default": _l("Default"),
    "is_completed": _l("Completes the return"),
    # dates
    "created_at": _l("Created"),
    "created_by": _l("Created by"),
    "updated_at": _l("Updated"),
    "processed_at": _l("Processed"),
    "completed_at": _l("Completed"),
    "cancelled_at": _l("Cancelled"),
    "closed_at": _l("Closed"),
    "closed_by": _l("Closed by"),
    "purchased_at": _l("Purchased"),
    "received_at": _l("Received"),
    "changed_at": _l("Changed"),
    "deactivated_at": _l("Switched off"),
    "deactivated_reason": _l("Why off"),
    "last_login_at": _l("Last login"),
    "last_used_at": _l("Last used"),
    "last_import_at": _l("Last import"),
    "last_test_at": _l("Last tested"),
    "last_test_passed": _l("Last test passed"),
    "credentials": _l("Credentials"),
    "consumer_key": _l("Consumer key"),
    "consumer_secret": _l("Consumer secret"),
    "access_token": _l("Access token"),
    # mail and webhooks
    "subject": _l("Subject"),
    "text_body": _l("Text"),
    "html_body": _l("HTML text"),
    "dedupe_key": _l("Deduplication key"),
    "message_id": _l("Message ID"),
    "attempts": _l("Attempts"),
    "next_attempt_at": _l("Next attempt"),
    "sent_at": _l("Sent"),
    "delivered_at": _l("Delivered"),
    "failed_at": _l("Failed"),
    "last_error": _l("Last error"),
    "last_status_code": _l("HTTP"),
    "body": _l("Body sent"),
    # billing
    "invoice": _l("Invoice"),
    "line": _l("Invoice line"),
    "rate_card": _l("Rate card"),
    "rate_card_name": _l("Rate card"),
    "vat_rate": _l("VAT %"),
    "vat_amount": _l("VAT"),
    "subtotal": _l("Subtotal"),
    "total": _l("Total"),
    "quantity": _l("Quantity"),
    "unit_price": _l("Unit price"),
    "computed": _l("Computed"),
    "computed_at": _l("Computed"),
    "issued_at": _l("Issued"),
    "issued_by": _l("Issued by"),
    "period_start": _l("From"),
    "period_end": _l("Until"),
    "charge_date": _l("Date"),
    "day": _l("Day"),
    "positions": _l("Stock positions"),
    "units": _l("Units"),
    "taken_at": _l("Taken"),
    "record_type": _l("Record type"),
    "record_id": _l("Record ID"),
    "link_type": _l("Linked to"),
    "link_id": _l("Linked ID"),
    "last_value": _l("Last number given"),
    "per_order": _l("Order handled"),
    "per_picklist_line": _l("Picklist line"),
    "per_receipt_line": _l("Receipt line"),
    "per_return": _l("Return"),
    "per_shipment": _l("Shipment (when no carrier/country rule matches)"),
    "per_unit_picked": _l("Unit picked"),
    "per_unit_received": _l("Unit received"),
    "storage_per_location_day": _l("Stock position per day"),
    "storage_per_unit_day": _l("Unit in storage per day"),
}



def _joined(*labels):
    return " / ".join(str(label) for label in labels)


def related_label(foreign_key_name, field_name):
    """A filter's name on a related row's field, "Client / Name", in the language it is shown in."""
    return LazyString(_joined, LABELS.get(foreign_key_name, foreign_key_name), LABELS.get(field_name, field_name))


def in_english(text):
    """text (a label, a filter's name or operation) as an English reader sees it: how code refers to it."""
    with force_locale("en"):
        return str(text)


BOOLEAN_WORDS = (_l("no"), _l("yes"))


def yes_no(value):
    """A yes/no fact in the reader's language."""
    return str(BOOLEAN_WORDS[bool(value)])
