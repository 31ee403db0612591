"""Ids no table can hold (beyond 64-bit integers, beyond PostgreSQL's integer) answer 404, never 500:
on every portal, back-office and API page that takes a record id, in its path or its query string."""

import re

import pytest

from tests.api.conftest import api_client_for

HUGE_IDS = ["99999999999999999999999", str(2**63), str(2**31)]


def id_routes(app, prefix):
    """(rule, path with {id} for every <int:…> part) of the GET routes under prefix."""
    found = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith(prefix) or "GET" not in rule.methods or "<int:" not in rule.rule:
            continue
        found.append((rule.endpoint, re.sub(r"<int:[^>]+>", "{id}", rule.rule)))
    return sorted(found)


@pytest.mark.parametrize("huge", HUGE_IDS)
def test_portal_pages_answer_404_for_ids_no_table_holds(app, portal_client, huge):
    routes = id_routes(app, "/fulfilmentportal")
    assert len(routes) > 10
    answers = {endpoint: portal_client.get(path.format(id=huge)).status_code for endpoint, path in routes}
    assert set(answers.values()) == {404}, answers


@pytest.mark.parametrize("huge", HUGE_IDS)
def test_back_office_pages_answer_404_for_ids_no_table_holds(app, staff_client, huge):
    routes = id_routes(app, "/admin")
    answers = {endpoint: staff_client.get(path.format(id=huge)).status_code for endpoint, path in routes}
    # Flask-Admin's own details and edit pages take the id from the query string.
    for rule in app.url_map.iter_rules():
        if rule.endpoint.endswith((".details_view", ".edit_view")):
            response = staff_client.get(f"{rule.rule}?id={huge}")
            # Flask-Admin answers an unknown record by going back to the list with a message.
            answers[rule.endpoint] = 404 if response.status_code in (302, 404) else response.status_code
    assert len(answers) > 10
    assert set(answers.values()) == {404}, answers


@pytest.mark.parametrize("huge", HUGE_IDS)
def test_api_answers_404_in_json_for_ids_no_table_holds(app, huge):
    api = api_client_for(app, name="Integration")
    routes = [(endpoint, path) for endpoint, path in id_routes(app, "/api/v1") if "image" not in endpoint]
    assert len(routes) > 10
    answers = {}
    for endpoint, path in routes:
        response = api.get(path.format(id=huge).removeprefix("/api/v1"))
        answers[endpoint] = (response.status_code, (response.get_json() or {}).get("error_code"))
    assert set(answers.values()) == {(404, 20)}, answers
    # Other methods on the same paths too (refusing the match would answer 405 there).
    for method, path in (("delete", "/backorders/{id}"), ("post", "/orders/{id}/process"),
                         ("put", "/products/{id}")):
        response = getattr(api, method)(path.format(id=huge))
        assert (response.status_code, response.get_json()["error_code"]) == (404, 20), (method, path)
