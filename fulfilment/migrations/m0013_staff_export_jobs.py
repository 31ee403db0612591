"""Back-office export jobs (issue 14): a job without a client, asked for by a staff member."""

from playhouse.migrate import SchemaMigrator, migrate

from fulfilment.models import ExportJob


def upgrade(database):
    table = ExportJob._meta.table_name
    columns = {column.name: column for column in database.get_columns(table)}
    migrator = SchemaMigrator.from_database(database.obj)
    operations = []
    if not columns["client_id"].null:
        operations.append(migrator.drop_not_null(table, "client_id"))
    if "requested_by_staff_id" not in columns:
        operations.append(migrator.add_column(table, "requested_by_staff_id", ExportJob.requested_by_staff))
    if operations:
        migrate(*operations)
