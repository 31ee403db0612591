"""URL converters: record ids in URLs are whole numbers a database column can hold.

An id beyond the largest one the tables can store (PostgreSQL's integer, 2,147,483,647) reads as
0, an id no record has, so the page's own lookup answers 404 like for any other unknown record,
instead of the database failing on it (SQLite cannot bind integers beyond 64 bits; PostgreSQL
refuses anything beyond its integer range). Refusing the match instead would make Werkzeug
answer 405 where another method's route has the same path.
"""

from werkzeug.routing import IntegerConverter

MAX_RECORD_ID = 2_147_483_647


class RecordIdConverter(IntegerConverter):
    """``<int:…>`` whose values beyond what a table holds read as 0 (no record)."""

    def to_python(self, value):
        number = super().to_python(value)
        return number if number <= MAX_RECORD_ID else 0


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
