"""Drop the picklists' (status, order) index: (status, order, units) of migration 23 serves every
query it served (the same leading columns), and each picklist written updated both."""


def upgrade(database):
    database.execute_sql('DROP INDEX IF EXISTS "picklist_status_order_id"')
