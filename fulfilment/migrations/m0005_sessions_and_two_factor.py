"""Server-side login sessions, the login throttle's counters, security settings and staff two-factor columns."""

from playhouse.migrate import SchemaMigrator, migrate

from fulfilment.models import LoginSession, RateLimitCounter, SecuritySetting, StaffUser

STAFF_COLUMNS = ("totp_secret_encrypted", "totp_enabled_at", "totp_last_step", "recovery_code_hashes")


def upgrade(database):
    database.create_tables([LoginSession, RateLimitCounter, SecuritySetting], safe=True)
    table = StaffUser._meta.table_name
    present = {column.name for column in database.get_columns(table)}
    migrator = SchemaMigrator.from_database(database.obj)
    operations = [migrator.add_column(table, name, StaffUser._meta.fields[name])
                  for name in STAFF_COLUMNS if name not in present]
    if operations:
        migrate(*operations)
