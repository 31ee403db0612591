"""Back-office lists at scale: rows picked on bare ids, a bounded count, filters on the list's own columns."""

import re

import pytest

from fulfilment.admin import base
from fulfilment.models import Order
from tests import factories
from tests.conftest import count_queries


@pytest.fixture
def orders(app):
    big, small = factories.make_client(name="Big Shop"), factories.make_client(name="Small Shop")
    made = [factories.make_order(big if n % 3 else small, reference=f"REF-{n:03d}") for n in range(12)]
    return big, small, made


def listed_references(page):
    return [ref for ref in (f"REF-{n:03d}" for n in range(12)) if ref in page]


def test_pages_show_the_same_rows_in_the_same_order_as_before(staff_client, orders, monkeypatch):
    _, _, made = orders
    monkeypatch.setattr(base.StaffModelView, "page_size", 5)
    first = staff_client.get("/admin/order/").get_data(as_text=True)
    second = staff_client.get("/admin/order/?page=1").get_data(as_text=True)
    newest_first = [f"REF-{n:03d}" for n in reversed(range(12))]

    assert listed_references(first) == sorted(newest_first[:5])
    assert listed_references(second) == sorted(newest_first[5:10])
    assert "List (12)" in first
    assert "Big Shop" in first  # the related row, joined for the page's rows


def test_filter_on_client_name_and_search_narrow_the_list(staff_client, orders):
    big, small, made = orders
    filter_arg = next(f"flt0_{i}" for i, flt in enumerate(_order_view(staff_client)._filters)
                      if getattr(flt, "column", None) is not None and flt.column.name == "name"
                      and flt.operation() == "equals")

    page = staff_client.get(f"/admin/order/?{filter_arg}=Small+Shop").get_data(as_text=True)
    assert listed_references(page) == ["REF-000", "REF-003", "REF-006", "REF-009"]
    assert "List (4)" in page

    page = staff_client.get("/admin/order/?search=ref-01").get_data(as_text=True)
    assert listed_references(page) == ["REF-010", "REF-011"]

    page = staff_client.get(f"/admin/order/?{filter_arg}=Nobody").get_data(as_text=True)
    assert listed_references(page) == []


def test_count_stops_at_its_limit_and_pages_stop_at_that_row(staff_client, orders, monkeypatch):
    monkeypatch.setattr(base, "LIST_COUNT_LIMIT", 10)
    monkeypatch.setattr(base.StaffModelView, "page_size", 5)

    page = staff_client.get("/admin/order/").get_data(as_text=True)
    beyond = staff_client.get("/admin/order/?page=50").get_data(as_text=True)

    assert "List (more than 10)" in page
    # page 50 does not exist within the limit: the last page within it (rows 6-10, newest first) is shown
    assert listed_references(beyond) == ["REF-002", "REF-003", "REF-004", "REF-005", "REF-006"]


def test_a_list_is_counted_only_when_its_first_page_or_its_id_blocks_cannot_tell(
        staff_client, orders, monkeypatch, small_id_blocks):
    """A search whose matches fit on the first page is its own count; the whole table far beyond the
    limit, its rows counted per block of ids, is "more than" without a count; others are counted."""
    from fulfilment import id_blocks
    from fulfilment.db import is_sqlite

    monkeypatch.setattr(base, "LIST_COUNT_LIMIT", 4)
    monkeypatch.setattr(base.StaffModelView, "page_size", 3)
    monkeypatch.setattr(id_blocks, "SEALED_MARGIN", 2)

    def page_and_counts(url):
        with count_queries() as counter:
            page = staff_client.get(url).get_data(as_text=True)
        return page, sum(sql.startswith("SELECT COUNT(") for sql in counter.statements)

    staff_client.get("/admin/order/")  # the session, once
    found, found_counts = page_and_counts("/admin/order/?search=ref-01")
    unsealed, unsealed_counts = page_and_counts("/admin/order/")
    id_blocks.seal()  # the orders' ids counted per block: at least 8 of the 12, more than 4 + 2
    sealed, sealed_counts = page_and_counts("/admin/order/")
    second, second_counts = page_and_counts("/admin/order/?page=1")
    searched, searched_counts = page_and_counts("/admin/order/?search=ref-0")

    assert listed_references(found) == ["REF-010", "REF-011"] and "List (2)" in found and found_counts == 0
    assert "List (more than 4)" in unsealed and unsealed_counts == 1
    assert "List (more than 4)" in sealed and sealed_counts == 0
    assert "List (more than 4)" in second and second_counts == 0
    assert listed_references(sealed) == ["REF-009", "REF-010", "REF-011"]
    # A search is counted: by COUNT on SQLite, by the window COUNT over its matches on PostgreSQL.
    assert "List (more than 4)" in searched and searched_counts == (1 if is_sqlite() else 0)


def test_a_list_page_costs_the_same_queries_for_many_rows_as_for_few(staff_client, app):
    client = factories.make_client()
    factories.make_order(client)
    staff_client.get("/admin/order/")
    with count_queries() as few:
        staff_client.get("/admin/order/")
    for _ in range(8):
        factories.make_order(client)
    with count_queries() as many:
        assert staff_client.get("/admin/order/").status_code == 200
    assert many.n == few.n
    assert Order.select().count() == 9


def _order_view(staff_client):
    app = staff_client.application
    return next(view for view in app.extensions["admin"][0]._views if view.endpoint == "order")


def test_each_row_links_to_its_own_record_and_back_to_the_list(staff_client, orders):
    _, _, made = orders
    page = staff_client.get("/admin/order/?search=REF-00").get_data(as_text=True)
    links = re.findall(r'href="/admin/order/details/\?id=(\d+)&amp;url=([^"]+)"', page)

    assert sorted(int(row_id) for row_id, _ in links) == sorted(order.id for order in made[:10])
    assert {back for _, back in links} == {"/admin/order/?search%3DREF-00%26page_size%3D50"}


def test_row_links_survive_a_search_for_the_id_marker(staff_client, orders):
    # Row links are built once per page with a marker for the id; the list's own URL may hold it too.
    big, _, _ = orders
    marked = factories.make_order(big, reference=f"X-{base.ROW_ID_MARKER}")
    page = staff_client.get(f"/admin/order/?search={base.ROW_ID_MARKER}").get_data(as_text=True)
    links = re.findall(r'href="/admin/order/details/\?id=(\d+)&amp;url=([^"]+)"', page)

    assert links == [(str(marked.id), f"/admin/order/?search%3D{base.ROW_ID_MARKER}%26page_size%3D50")]


def test_a_search_with_few_matches_is_paged_from_its_matches_on_postgresql(staff_client, orders, monkeypatch):
    """PostgreSQL guesses a search's matches at 1 % of the rows and would walk the primary key for a
    page of them (at scale, 248,000 rows for 209 matches). There, one query finds the matches,
    counts them with a window COUNT and sorts them; a search with more matches than the count
    limit is paged as before. The pages are the same on both databases."""
    from fulfilment.db import is_sqlite

    monkeypatch.setattr(base.StaffModelView, "page_size", 2)
    staff_client.get("/admin/order/")
    with count_queries() as counter:
        first = staff_client.get("/admin/order/?search=ref-00").get_data(as_text=True)
        second = staff_client.get("/admin/order/?search=ref-00&page=1").get_data(as_text=True)
        beyond = staff_client.get("/admin/order/?search=ref-00&page=9").get_data(as_text=True)
    monkeypatch.setattr(base, "LIST_COUNT_LIMIT", 4)
    with count_queries() as many:
        dense = staff_client.get("/admin/order/?search=ref-00").get_data(as_text=True)

    assert listed_references(first) == ["REF-008", "REF-009"] and "List (10)" in first
    assert first.index("REF-009") < first.index("REF-008")  # newest first, as without a search
    assert listed_references(second) == ["REF-006", "REF-007"] and "List (10)" in second
    assert "List (10)" in beyond
    assert listed_references(dense) == ["REF-008", "REF-009"] and "List (more than 4)" in dense
    if not is_sqlite():
        windowed = [sql for sql in counter.statements if "OVER ()" in sql]
        assert len(windowed) == 3 and not any(sql.startswith("SELECT COUNT(") for sql in counter.statements[:2])
        assert any('"t1"."id" DESC' in sql for sql in many.statements if sql.startswith('SELECT "t1"."id"'))
        assert not any(sql.startswith("SELECT COUNT(") for sql in many.statements)  # the window told it
