"""A language per person (issue 16): portal users and staff may choose theirs (empty: a portal user
reads its client's language, staff their browser's)."""

from playhouse.migrate import SchemaMigrator, migrate

from fulfilment.models import PortalUser, StaffUser


def upgrade(database):
    migrator = SchemaMigrator.from_database(database.obj)
    operations = []
    for model in (PortalUser, StaffUser):
        table = model._meta.table_name
        if "language" not in {column.name for column in database.get_columns(table)}:
            operations.append(migrator.add_column(table, "language", model._meta.fields["language"]))
    if operations:
        migrate(*operations)
