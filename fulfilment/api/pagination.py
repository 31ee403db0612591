"""Lists as Picqer pages them: a bare array of at most 100 items, the next page at ?offset=100."""

from fulfilment.api.body import query_int

PAGE_SIZE = 100
MAX_OFFSET = 2_000_000_000


def page_of(query):
    """The rows of query (which must have a stable order) on the page ?offset= asks for."""
    offset = query_int("offset", minimum=0, maximum=MAX_OFFSET) or 0
    return list(query.limit(PAGE_SIZE).offset(offset))
