"""Delivery addresses: the fields an order, a picklist and an address book entry share."""

from fulfilment.i18n import _, _l
from fulfilment.services.errors import IncompleteAddress, ValidationFailed

# Order field -> address book field.
DELIVERY_FIELDS = {
    "delivery_name": "name",
    "delivery_contact_name": "contact_name",
    "delivery_address": "address",
    "delivery_address2": "address2",
    "delivery_zipcode": "zipcode",
    "delivery_city": "city",
    "delivery_region": "region",
    "delivery_country": "country",
}
REQUIRED = ("delivery_name", "delivery_address", "delivery_zipcode", "delivery_city", "delivery_country")
TOO_LONG = {
    "delivery_name": _l("Name is too long."),
    "delivery_contact_name": _l("Contact name is too long."),
    "delivery_address": _l("Address is too long."),
    "delivery_address2": _l("Address line 2 is too long."),
    "delivery_zipcode": _l("Zip code is too long."),
    "delivery_city": _l("City is too long."),
    "delivery_region": _l("Region is too long."),
    "delivery_country": _l("Country is too long."),
}


def clean_delivery_address(fields, require=True):
    """Return the delivery_* fields trimmed, with the country as two upper-case letters.

    With require=True the name, address, zip code, city and country must be present.
    """
    cleaned = {}
    for name in DELIVERY_FIELDS:
        if name in fields:
            value = (fields[name] or "").strip()
            if len(value) > 255:
                raise ValidationFailed(TOO_LONG[name])
            cleaned[name] = value
    if "delivery_country" in cleaned:
        country = cleaned["delivery_country"].upper()
        if len(country) != 2 or not country.isalpha():
            raise ValidationFailed(_("Country must be a two-letter code such as NL, BE or DE."))
        cleaned["delivery_country"] = country
    if require:
        missing = [name for name in REQUIRED if not cleaned.get(name)]
        if missing:
            raise IncompleteAddress(missing)
    return cleaned


def picklist_address(source):
    """The address fields a picklist copies from an order (delivery_*) or a return."""
    if hasattr(source, "delivery_name"):
        return {
            "delivery_name": source.delivery_name,
            "delivery_address": " ".join(filter(None, [source.delivery_address, source.delivery_address2])),
            "delivery_zipcode": source.delivery_zipcode,
            "delivery_city": source.delivery_city,
            "delivery_country": source.delivery_country,
        }
    return {
        "delivery_name": source.name,
        "delivery_address": source.address,
        "delivery_zipcode": source.zipcode,
        "delivery_city": source.city,
        "delivery_country": source.country,
    }
