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
