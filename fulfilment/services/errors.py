"""Domain errors: a message a person can act on, plus the answer each caller gives.

``http_status`` is what the portal and the API answer; ``api_code`` is the error_code of
Picqer's API v1 error body. Callers translate DomainError in one place each.

Messages are marked for translation (fulfilment/i18n.py): a DomainError reads its message in
the language of the request that raised it, so the portal and the back office show it in the
reader's language and the REST API (always English) in English.
"""

from fulfilment.i18n import _, _l


class DomainError(Exception):
    http_status = 400
    api_code = 21
    default_message = _l("This action is not allowed.")

    def __init__(self, message=None):
        # Read now, in the language of the request that raised it (the API's is always English).
        self.message = str(message or self.default_message)
        super().__init__(self.message)


class ValidationFailed(DomainError):
    api_code = 5
    default_message = _l("Some fields are missing or invalid.")


class NotFound(DomainError):
    http_status = 404
    api_code = 20
    default_message = _l("Not found.")


class UnknownProduct(ValidationFailed):
    api_code = 24
    default_message = _l("Unknown product.")


class DuplicateProductCode(ValidationFailed):
    http_status = 409
    default_message = _l("A product with this product code already exists.")


class ProductCodeLocked(ValidationFailed):
    default_message = _l("The product code cannot be changed once the product exists.")


class UsernameTaken(ValidationFailed):
    http_status = 409
    default_message = _l("This username is already taken.")


class WeakPassword(ValidationFailed):
    default_message = _l("Choose a stronger password.")


class InsufficientStock(DomainError):
    http_status = 409
    default_message = _l("Not enough free stock.")


class HasHistory(DomainError):
    http_status = 409
    default_message = _l("This record has history and cannot be deleted; deactivate it instead.")


class WrongStatus(DomainError):
    http_status = 409
    api_code = 21
    default_message = _l("This action is not possible in the current status.")


class OrderNotChangeable(DomainError):
    """Cancelling or changing an order after it was picked."""

    http_status = 409
    api_code = 30
    default_message = _l("The order has been picked and can no longer be changed or cancelled.")


class OrderLinesLocked(DomainError):
    http_status = 409
    api_code = 33
    default_message = _l("Order lines can only be changed while the order is a concept.")


class PurchaseOrderLocked(DomainError):
    http_status = 409
    api_code = 21
    default_message = _l(
        "A receipt has been registered for this purchase order; it can no longer be changed or cancelled.")


class ExportTooLarge(DomainError):
    """A spreadsheet export would hold more rows than the configured limit."""

    default_message = _l("This list is too long to export; narrow it down with a search or filter.")


class ProductManagementDisabled(DomainError):
    """A client without access to product management tries to change products."""

    http_status = 403
    api_code = 1
    default_message = _l("You have no access to product management.")


class AlreadyCreated(DomainError):
    """The same import preview or form was sent again: what it created exists, nothing new is made."""

    http_status = 409
    api_code = 21
    default_message = _l("This has already been created; nothing new was created.")

    def __init__(self, message=None, record_id=None):
        super().__init__(message)
        self.record_id = record_id


ADDRESS_LABELS = {
    "delivery_name": _l("Name"),
    "delivery_address": _l("Address"),
    "delivery_zipcode": _l("Zip code"),
    "delivery_city": _l("City"),
    "delivery_country": _l("Country"),
}


class IncompleteAddress(ValidationFailed):
    """An order without a shippable delivery address: a concept needs a name, processing the whole address.

    ``missing`` holds the order's field names (delivery_address …), so each caller can name them
    in its own words (the API uses its field names).
    """

    def __init__(self, missing, order=None):
        self.missing = list(missing)
        self.order = order
        labels = ", ".join(str(ADDRESS_LABELS.get(name, name)) for name in self.missing)
        if order is not None and order.status in ("concept", "expected"):
            message = _("The delivery address needs: %(fields)s. Order %(number)s can be processed once it has them.",
                        fields=labels, number=order.number)
        else:
            message = _("The delivery address needs: %(fields)s.", fields=labels)
        super().__init__(message)
