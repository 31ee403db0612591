"""Migration 5 upgrades a database made before it: new tables and staff columns, data kept."""

import sqlite3

from fulfilment import migrations
from fulfilment.db import bind_database, database
from fulfilment.models import StaffUser

NEW_TABLES = ("login_session", "rate_limit_counter", "security_setting")
NEW_COLUMNS = ("totp_secret_encrypted", "totp_enabled_at", "totp_last_step", "recovery_code_hashes")


def test_migration_5_adds_sessions_and_two_factor_to_an_existing_database(app, database_url, tmp_path):
    path = tmp_path / "before.sqlite3"
    bind_database(f"sqlite:///{path}")
    try:
        database.connect()
        migrations.upgrade()
        database.close()
        # Turn it into a database at version 3, as the release before this one left it.
        raw = sqlite3.connect(path)
        for table in NEW_TABLES:
            raw.execute(f'DROP TABLE "{table}"')
        for column in NEW_COLUMNS:
            raw.execute(f'ALTER TABLE staff_user DROP COLUMN "{column}"')
        raw.execute("DELETE FROM schema_version WHERE version > 3")
        raw.execute("INSERT INTO staff_user (username, password_hash, active, is_admin, created_at) "
                    "VALUES ('alice', 'hash', 1, 1, '2026-01-01 00:00:00')")
        raw.commit()
        raw.close()

        database.connect()
        # Every migration after 3 runs (those whose tables survived the rewind find them and add nothing).
        assert migrations.upgrade() == [name for version, name in sorted(migrations.MIGRATIONS) if version > 3]
        assert set(NEW_TABLES) <= set(database.get_tables())
        assert set(NEW_COLUMNS) <= {column.name for column in database.get_columns("staff_user")}
        alice = StaffUser.get(StaffUser.username == "alice")
        assert (alice.password_hash, alice.two_factor_enabled, alice.recovery_code_hashes) == ("hash", False, "")
        assert migrations.upgrade() == []  # twice is safe
    finally:
        if not database.is_closed():
            database.close()
        bind_database(database_url)  # back to the test database
