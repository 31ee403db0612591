"""URL converters: record ids in URLs are whole numbers a database column can hold.

An id beyond the largest one the tables can store (PostgreSQL's integer, 2,147,483,647) does not
match the route, so it answers 404 like any other unknown record, instead of reaching the
database and failing there (SQLite cannot bind integers beyond 64 bits; PostgreSQL refuses
anything beyond its integer range).
"""

from werkzeug.routing import IntegerConverter

MAX_RECORD_ID = 2_147_483_647


class RecordIdConverter(IntegerConverter):
    """``<int:…>`` limited to ids a table can hold."""

    def __init__(self, map, fixed_digits=0, min=None, max=MAX_RECORD_ID, signed=False):
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def init_app(app):
    """Use RecordIdConverter for every ``<int:…>`` route (call before any route is registered)."""
    app.url_map.converters["int"] = RecordIdConverter


def record_id(value):
    """The id in value (text from a query string or form) when it can be a record's, else None."""
    text = str(value or "").strip()
    if not text.isdigit() or len(text) > len(str(MAX_RECORD_ID)):
        return None
    number = int(text)
    return number if 0 < number <= MAX_RECORD_ID else None
