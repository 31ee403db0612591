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
