"""Warehouse locations, product locations and carriers (seeded); customs, weight and dimensions on products."""

from playhouse.migrate import SchemaMigrator, migrate

from fulfilment.models import LOCATION_MODELS, Carrier, Product

# name, tracking page template: {code} is the tracking code, {country} and {zipcode} the recipient's.
DEFAULT_CARRIERS = [
    ("PostNL", "https://jouw.postnl.nl/track-and-trace/{code}-{country}-{zipcode}"),
    ("DHL", "https://www.dhl.com/nl-en/home/tracking/tracking-parcel.html?submit=1&tracking-id={code}"),
    ("DPD", "https://tracking.dpd.de/status/en_US/parcel/{code}"),
    ("UPS", "https://www.ups.com/track?tracknum={code}"),
    ("GLS", "https://gls-group.eu/track/{code}"),
    ("bpost", "https://track.bpost.cloud/btr/web/#/search?itemCode={code}&lang=en"),
    ("FedEx", "https://www.fedex.com/fedextrack/?trknbr={code}"),
]

PRODUCT_COLUMNS = ("hs_code", "country_of_origin", "customs_description", "weight_grams", "length_mm", "width_mm",
                   "height_mm")


def seed_carriers():
    """The carriers most Dutch and Belgian warehouses ship with, unless a carrier of that name exists."""
    for name, template in DEFAULT_CARRIERS:
        Carrier.get_or_create(name=name, defaults={"tracking_url_template": template})


def upgrade(database):
    database.create_tables(LOCATION_MODELS, safe=True)
    table = Product._meta.table_name
    existing = {column.name for column in database.get_columns(table)}
    migrator = SchemaMigrator.from_database(database.obj)
    operations = [migrator.add_column(table, name, Product._meta.fields[name])
                  for name in PRODUCT_COLUMNS if name not in existing]
    if operations:
        migrate(*operations)
    seed_carriers()
