"""Every back-office list reached from the admin menu: the search box says what it searches, no
form shows a stray "CSRF Token" label, and no row offers a delete that would be refused."""

import re

from fulfilment.services.records import history_of
from tests.admin.menu import menu_urls


def list_views(app):
    admin = app.extensions["admin"][0]
    return [view for view in admin._views if hasattr(view, "model")]


def test_every_search_box_says_what_it_searches(app, staff_client, one_of_everything):
    checked = 0
    for url in menu_urls(staff_client):
        page = staff_client.get(url).get_data(as_text=True)
        for placeholder in re.findall(r'name="search"[^>]*placeholder="([^"]*)"', page):
            checked += 1
            assert placeholder.strip() and placeholder != "None", f"{url}: search placeholder {placeholder!r}"
            assert placeholder.startswith("Search "), f"{url}: {placeholder!r}"
    assert checked >= 10


def test_no_form_or_list_shows_a_csrf_label(app, staff_client, one_of_everything):
    pages = list(menu_urls(staff_client))
    pages += [f"/admin/{view.endpoint}/new/" for view in list_views(app) if view.can_create]
    for view in list_views(app):
        record = view.model.select().first()
        if view.can_edit and record is not None:
            pages.append(f"/admin/{view.endpoint}/edit/?id={record.id}")
    for url in pages:
        response = staff_client.get(url)
        assert response.status_code == 200, url
        page = response.get_data(as_text=True)
        assert "CSRF Token" not in page, url
        assert not re.search(r'<label[^>]*for="csrf_token"', page), url


def delete_forms(page):
    """The record ids whose list row offers a delete button."""
    return [int(i) for i in re.findall(r'<form class="icon" method="POST" action="[^"]*/delete/"[^>]*>\s*'
                                       r'<input[^>]*name="id"[^>]*value="(\d+)"', page)]


def test_no_row_offers_a_delete_that_would_be_refused(app, staff_client, one_of_everything):
    offered_somewhere = 0
    for view in list_views(app):
        page = staff_client.get(f"/admin/{view.endpoint}/?page_size=100").get_data(as_text=True)
        ids = delete_forms(page)
        for record in view.model.select().where(view.model.id.in_(ids)) if ids else []:
            assert history_of(record) == [], f"{view.endpoint} offers to delete {record} which has history"
        offered_somewhere += len(ids)
    # Records without history (an unused product, a spare address) can still be deleted from the list.
    assert offered_somewhere > 0


def test_stock_ledger_runs_newest_first(app, staff_client, one_of_everything):
    from fulfilment.models import StockMutation

    page = staff_client.get("/admin/stockmutation/").get_data(as_text=True)
    ids = [int(i) for i in re.findall(r'name="rowid" value="(\d+)"', page)] or \
        [int(i) for i in re.findall(r'/admin/stockmutation/details/\?id=(\d+)', page)]
    expected = [m.id for m in StockMutation.select().order_by(StockMutation.created_at.desc(),
                                                              StockMutation.id.desc())]
    seen = list(dict.fromkeys(ids))
    assert seen == expected[:len(seen)] and seen


def test_column_labels_are_plain_words(app, staff_client, one_of_everything):
    page = staff_client.get("/admin/client/").get_data(as_text=True)
    assert "Access to portal" in page and "Portal Access" not in page
    headers = []
    for url in menu_urls(staff_client):
        page = staff_client.get(url).get_data(as_text=True)
        headers += re.findall(r'title="Sort by ([^"]+)"', page)
    assert headers
    title_cased = [h for h in headers if re.search(r" [A-Z][a-z]", h)]
    assert title_cased == [], f"labels in Title Case: {sorted(set(title_cased))}"


def test_every_row_links_to_its_own_details_and_edit_pages_and_comes_back_to_the_list(
        app, staff_client, one_of_everything):
    from html import unescape
    from urllib.parse import parse_qs, urlsplit

    checked = 0
    for view in list_views(app):
        if not view.can_view_details:
            continue
        list_url = f"/admin/{view.endpoint}/?page_size=100"
        page = staff_client.get(list_url).get_data(as_text=True)
        links = {"details": [], "edit": []}
        for href in re.findall(r'<a class="icon" href="([^"]+)"', page):
            parts = urlsplit(unescape(href))
            query = parse_qs(parts.query)
            links[parts.path.rsplit("/", 2)[-2]].append(int(query["id"][0]))
            assert parts.path.startswith(f"/admin/{view.endpoint}/") and query["url"] == [list_url], href
        rows = view.model.select().count()
        assert len(links["details"]) == min(rows, 100), view.endpoint
        assert view.model.select().where(view.model.id.in_(links["details"])).count() == len(links["details"])
        assert links["edit"] == (links["details"] if view.can_edit else []), view.endpoint
        checked += bool(rows)
    assert checked >= 10


def test_list_cells_show_markup_in_a_name_as_text(app, staff_client):
    from tests import factories

    factories.make_product(name='<img src=x onerror="alert(1)"> & more')
    page = staff_client.get("/admin/product/").get_data(as_text=True)
    assert '&lt;img src=x onerror=&#34;alert(1)&#34;&gt; &amp; more' in page
    assert "<img src=x" not in page


def test_every_list_cell_shows_what_flask_admins_own_lookup_shows(app, staff_client, one_of_everything,
                                                                    monkeypatch):
    """StaffModelView._list_cell_value works out each column's formatter, path and choices and each
    type's formatter once per view; every list page must read as it does with Flask-Admin's own
    get_list_value for each cell."""
    from fulfilment.admin.base import StaffModelView

    def without_tokens(url):
        page = staff_client.get(url).get_data(as_text=True)
        return re.sub(r'name="csrf_token"[^>]*', "", page)

    urls = [f"/admin/{view.endpoint}/" for view in list_views(app) if view._list_columns]
    ours = {url: without_tokens(url) for url in urls}
    monkeypatch.setattr(StaffModelView, "_list_cell_value",
                        lambda view, context, row, column: view.get_list_value(context, row, column))
    differing = [url for url in urls if without_tokens(url) != ours[url]]
    assert differing == []
    assert len(urls) > 30 and sum(page.count("<td class=\"col-") for page in ours.values()) > 500


def test_every_list_page_reads_the_same_from_its_narrow_rows_as_from_whole_rows(app, staff_client,
                                                                                 one_of_everything, monkeypatch):
    """A list page reads of its rows only the fields its columns, keys and list_row_reads name; a
    formatter or row button that reads another field would show None here and differ."""
    from fulfilment.admin.base import StaffModelView
    from fulfilment.services.webshop_credentials import encrypt_credentials

    # A field only a formatter reads shows only when it holds something: the shop's credentials.
    webshop = one_of_everything["webshop"]
    webshop.credentials_encrypted = encrypt_credentials({"consumer_key": "ck_1234abcd", "consumer_secret": "cs_9876"})
    webshop.save()

    def without_tokens(url):
        page = staff_client.get(url).get_data(as_text=True)
        return re.sub(r'name="csrf_token"[^>]*', "", page)

    views = [view for view in list_views(app) if view._list_columns]
    urls = [f"/admin/{view.endpoint}/" for view in views]
    ours = {url: without_tokens(url) for url in urls}
    monkeypatch.setattr(StaffModelView, "_page_rows_query", lambda view: view.get_query())  # whole rows
    differing = [url for url in urls if without_tokens(url) != ours[url]]
    assert differing == []
    narrowed = [view for view in views if len(view._list_row_fields()) < len(view.model._meta.sorted_fields)]
    assert len(narrowed) > 20, [view.endpoint for view in views]  # most lists leave fields out
