"""Create every table of the data model and seed the lookup rows."""

from fulfilment.models import MODELS, ReturnStatus, Warehouse

DEFAULT_RETURN_STATUSES = [
    # name, is_default, is_completed
    ("announced", True, False),
    ("received", False, False),
    ("completed", False, True),
    ("cancelled", False, True),
]


def upgrade(database):
    database.create_tables(MODELS, safe=True)
    seed_lookup_rows()


def seed_lookup_rows():
    """The return statuses DESIGN.md names, one warehouse and the carriers, unless they exist already."""
    for position, (name, is_default, is_completed) in enumerate(DEFAULT_RETURN_STATUSES):
        ReturnStatus.get_or_create(
            name=name,
            defaults={"is_default": is_default, "is_completed": is_completed, "position": position},
        )
    if not Warehouse.select().exists():
        Warehouse.create(name="Main warehouse")
    from fulfilment.migrations.m0012_locations_carriers_customs import seed_carriers

    seed_carriers()
