"""Portal lists longer than the count limit: "of more than N", and pages stop at that row."""

from fulfilment.views import listing
from tests import factories


def test_a_long_list_says_more_than_and_pages_stop_at_the_limit(app, portal_client, portal_user, monkeypatch):
    monkeypatch.setattr(listing, "LIST_COUNT_LIMIT", 4)
    app.config["PORTAL_PAGE_SIZE"] = 2
    try:
        orders = [factories.make_order(portal_user.client, reference=f"LONG-{n}") for n in range(7)]
        first = portal_client.get("/fulfilmentportal/orders").get_data(as_text=True)
        beyond = portal_client.get("/fulfilmentportal/orders?page=99").get_data(as_text=True)
    finally:
        app.config["PORTAL_PAGE_SIZE"] = 25

    assert "of more than 4 orders" in first.replace("\u202f", " ")
    assert "Page 1 of more than 2" in first
    # newest first: page 2 (the last within the limit) holds the 3rd and 4th newest
    assert [o.reference for o in orders if o.reference in beyond] == ["LONG-3", "LONG-4"]
    assert "Page 2 of more than 2" in beyond


def test_a_short_list_counts_exactly(app, portal_client, portal_user):
    for n in range(3):
        factories.make_order(portal_user.client, reference=f"SHORT-{n}")

    page = portal_client.get("/fulfilmentportal/orders").get_data(as_text=True)

    assert "of 3 orders" in page and "more than" not in page


def test_a_first_page_that_holds_the_whole_list_is_its_own_count(app):
    """A search that finds a few products needs no COUNT, which would search again; a list one row
    longer than the page is counted, and its second page still comes from the count."""
    from fulfilment.services.listings import ProductList
    from tests.conftest import count_queries

    client = factories.make_client()
    for n in range(3):
        factories.make_product(client, product_code=f"MUG-{n}")
    factories.make_product(client, product_code="TEA")
    app.config["PORTAL_PAGE_SIZE"] = 3
    try:
        pages = {}
        for url, search in (("/?page=1", "mug"), ("/", ""), ("/?page=2", "")):
            with app.test_request_context(url), count_queries() as counter:
                page = listing.paginate_listing(ProductList(client, search=search))
            counts = [sql for sql in counter.statements if "COUNT(" in sql]
            pages[url, search] = ([p.product_code for p in page], page.total, page.pages, len(counts))
    finally:
        app.config["PORTAL_PAGE_SIZE"] = 25

    assert pages["/?page=1", "mug"] == (["MUG-0", "MUG-1", "MUG-2"], 3, 1, 0)
    assert pages["/", ""] == (["MUG-0", "MUG-1", "MUG-2"], 4, 2, 1)
    assert pages["/?page=2", ""] == (["TEA"], 4, 2, 1)



def test_a_search_is_paged_newest_first_without_counting_its_matches(app, portal_client, portal_user):
    """A search over millions of orders is not counted: each page reads one row more than it shows
    to know whether another page follows; the last page knows the exact number."""
    app.config["PORTAL_PAGE_SIZE"] = 2
    other = factories.make_client(name="Other")
    try:
        found = [factories.make_order(portal_user.client, reference=f"FINDME-{n}") for n in range(5)]
        factories.make_order(portal_user.client, reference="SOMETHING-ELSE")
        factories.make_order(other, reference="FINDME-OTHER")
        pages = [portal_client.get(f"/fulfilmentportal/orders?q=findme&page={n}").get_data(as_text=True)
                 for n in (1, 2, 3, 9)]
    finally:
        app.config["PORTAL_PAGE_SIZE"] = 25

    first, second, last, beyond = (page.replace("\u202f", " ") for page in pages)
    newest_first = [o.reference for o in reversed(found)]
    assert [r for r in newest_first if r in first] == newest_first[:2]
    assert "1–2 of more than 2 orders" in first and "Page 1" in first and 'rel="next"' in first
    assert "Page 1 of" not in first
    assert [r for r in newest_first if r in second] == newest_first[2:4]
    assert [r for r in newest_first if r in last] == newest_first[4:]
    assert "5–5 of 5 orders" in last and "more than" not in last
    assert "FINDME-OTHER" not in "".join(pages) and "SOMETHING-ELSE" not in "".join(pages)
    assert [r for r in newest_first if r in beyond] == newest_first[:2]  # an old link past the end: page 1


def test_a_search_with_a_single_page_of_matches_counts_them_exactly(app, portal_client, portal_user):
    for n in range(3):
        factories.make_order(portal_user.client, reference=f"FEW-{n}")

    page = portal_client.get("/fulfilmentportal/orders?q=few").get_data(as_text=True).replace("\u202f", " ")

    assert "1–3 of 3 orders" in page and "more than" not in page


def test_a_search_of_two_characters_looks_through_the_newest_orders_and_shipments_only(
        app, portal_client, portal_user, monkeypatch):
    """One or two characters cannot use the trigram index: the scan is bounded to the newest rows,
    and the page says so."""
    from fulfilment.services import listings

    monkeypatch.setattr(listings, "SHORT_SEARCH_WINDOW", 3)
    client = portal_user.client
    product = factories.make_product(client, stock_amount=10)
    for code in ("ZQ1", "AA2", "AA3", "ZQ4"):  # shipped oldest first: ZQ1 falls outside the newest 3
        factories.make_shipped_order(client, lines=[(product, 1)], tracking_code=code)
    old = factories.make_order(client, reference="ZQ-OLD")
    for n in range(3):
        factories.make_order(client, reference=f"NEWER-{n}")
    newest = factories.make_order(client, reference="ZQ-NEW")

    orders = portal_client.get("/fulfilmentportal/orders?q=zq").get_data(as_text=True)
    shipments = portal_client.get("/fulfilmentportal/shipments?q=zq").get_data(as_text=True)
    longer = portal_client.get("/fulfilmentportal/orders?q=zq-").get_data(as_text=True)

    assert newest.reference in orders and old.reference not in orders
    assert "looks through the newest 3 orders only" in orders
    assert "ZQ4" in shipments and "ZQ1" not in shipments
    assert "looks through the newest 3 shipments only" in shipments
    assert old.reference in longer and newest.reference in longer and "looks through" not in longer


def test_an_uncounted_page_takes_its_rows_from_the_newest_when_they_fill_it_and_else_from_the_whole_list(app):
    """views.listing._uncounted_page with ``recent`` (Listing.recent_rows): the same rows among the
    newest only. Their matches come first in the list too, so a page they fill (and one row more)
    is theirs; a page they cannot fill is read from the whole list."""

    from fulfilment.models import Order
    from tests.conftest import count_queries

    client = factories.make_client()
    made = [factories.make_order(client, reference=f"R-{n}") for n in range(9)]
    newest_first = Order.select().where(Order.client == client).order_by(Order.id.desc())
    window = newest_first.where(Order.id >= made[4].id)  # the newest 5
    expected = [o.id for o in reversed(made)]
    app.config["PORTAL_PAGE_SIZE"] = 2
    try:
        for number in (1, 2, 3, 4, 5):
            with app.test_request_context(f"/?page={number}"), count_queries() as counter:
                page = listing.paginate(newest_first, counted=False, recent=window)
            assert [o.id for o in page.items] == expected[(number - 1) * 2:number * 2]
            # pages 1 and 2 need 3 and 5 of the window's rows: one query; later pages two
            assert counter.n == (1 if number <= 2 else 2), number
    finally:
        app.config["PORTAL_PAGE_SIZE"] = 25

def test_a_search_for_a_common_name_finds_the_same_orders_from_the_newest_window(
        app, portal_client, portal_user, monkeypatch):
    """PostgreSQL: a text the table's sample finds in many rows is looked for among the client's
    newest orders first (tested row by row, not through the trigram index); what the pages show is
    what the whole list holds, newest first, whether the window fills them or not."""
    import pytest

    from fulfilment import search
    from fulfilment.db import is_sqlite
    from fulfilment.services import listings
    from tests.conftest import count_queries

    if is_sqlite():
        pytest.skip("SQLite's search walks the trigram index's matches newest first already")
    monkeypatch.setattr(listings, "RECENT_SEARCH_WINDOW", 6)
    monkeypatch.setattr(listings, "RECENT_SEARCH_MATCHES", 3)
    monkeypatch.setattr(search, "share_containing", lambda model, text: 1.0 if text == "jansen" else 0.0)
    client = portal_user.client
    old_jansens = [factories.make_order(client, delivery_name=f"Old Jansen {n}") for n in range(3)]
    for n in range(4):
        factories.make_order(client, delivery_name=f"Pietersen {n}")
    new_jansens = [factories.make_order(client, delivery_name=f"New JANSEN {n}") for n in range(4)]
    factories.make_order(factories.make_client(name="Other"), delivery_name="Other Jansen")
    app.config["PORTAL_PAGE_SIZE"] = 2
    try:
        with count_queries() as counter:
            first = portal_client.get("/fulfilmentportal/orders?q=jansen").get_data(as_text=True)
        from_window = [sql for sql in counter.statements if "STRPOS" in sql.upper()]
        answered_by_index = [sql for sql in counter.statements if "ILIKE" in sql.upper()]
        pages = [portal_client.get(f"/fulfilmentportal/orders?q=jansen&page={n}").get_data(as_text=True)
                 for n in (2, 3, 4)]
    finally:
        app.config["PORTAL_PAGE_SIZE"] = 25

    names = [o.delivery_name for o in reversed(old_jansens + new_jansens)]
    assert from_window and not answered_by_index  # the newest 6 orders hold the first page and one more
    assert [n for n in names if n in first] == names[:2]
    assert [n for n in names if n in pages[0]] == names[2:4]
    assert [n for n in names if n in pages[1]] == names[4:6]  # beyond the window: the whole list
    assert [n for n in names if n in pages[2]] == names[6:]
    assert "Other Jansen" not in first + "".join(pages) and "Pietersen" not in first + "".join(pages)


def test_a_clients_whole_list_far_beyond_the_limit_is_not_counted(app, small_id_blocks, monkeypatch):
    """Its rows counted per block of ids say it is far longer than the limit: "more than", with no
    COUNT. Filtered, or within the margin, the list is counted as before."""
    from fulfilment import id_blocks
    from fulfilment.services.listings import ProductList
    from tests.conftest import count_queries

    monkeypatch.setattr(listing, "LIST_COUNT_LIMIT", 4)
    monkeypatch.setattr(id_blocks, "SEALED_MARGIN", 2)
    client, other = factories.make_client(), factories.make_client()
    factories.make_bare_products(client, 12)
    factories.make_bare_products(other, 5)
    app.config["PORTAL_PAGE_SIZE"] = 2

    def page_of(owner, **options):
        with app.test_request_context("/?page=2"), count_queries() as counter:
            page = listing.paginate_listing(ProductList(owner, **options))
        return page.total, page.more, sum("COUNT(" in sql for sql in counter.statements)

    try:
        unsealed = page_of(client)
        id_blocks.seal()  # all but the newest block counted: the client's 12, at most 4 of the other's 5
        sealed = page_of(client), page_of(other), page_of(client, stock_filter="out")
    finally:
        app.config["PORTAL_PAGE_SIZE"] = 25

    assert unsealed == (4, True, 1)
    assert sealed[0] == (4, True, 0)  # 12 sealed rows > 4 + 2: known without a count
    assert sealed[1] == (4, True, 1)  # at most 4 sealed rows: within the margin, counted
    assert sealed[2] == (4, True, 1)  # filtered: counted
