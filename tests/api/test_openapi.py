"""The OpenAPI description matches the routes: every /api/v1 route is described and nothing else."""

import re

from fulfilment.api import openapi

IGNORED_METHODS = {"HEAD", "OPTIONS"}


def _routes(app):
    routes = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1/"):
            path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule[len("/api/v1"):])
            routes |= {(path, method.lower(), rule.endpoint) for method in rule.methods - IGNORED_METHODS}
    return routes


def test_every_route_is_described_and_every_description_is_a_route(app, client):
    described = {(path, method) for path, methods in client.get("/api/v1/openapi.json").get_json()["paths"].items()
                 for method in methods}
    routes = {(path, method) for path, method, _ in _routes(app)}
    assert sorted(routes - described) == []
    assert sorted(described - routes) == []


def test_staff_only_routes_are_described_as_staff_only(app):
    flags = {(path, method): spec.get("x-staff-keys-only", False) for path, method, spec in openapi.OPERATIONS}
    for path, method, endpoint in _routes(app):
        view = app.view_functions[endpoint]
        assert flags[(path, method)] == getattr(view, "staff_only", False), (method, path)


def test_description_is_public_json_and_names_the_basic_auth(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = response.get_json()
    assert document["openapi"].startswith("3.")
    assert document["components"]["securitySchemes"]["apiKey"] == {
        "type": "http", "scheme": "basic", "description": "The API key as username; any password."}
    assert document["servers"] == [{"url": "/api/v1"}]


def test_every_reference_resolves(client):
    document = client.get("/api/v1/openapi.json").get_json()
    references = set(re.findall(r"#/components/(\w+)/([\w-]+)", str(document)))
    assert references
    for kind, name in references:
        assert name in document["components"][kind], (kind, name)


def test_docs_page_names_every_operation():
    from pathlib import Path

    page = (Path(__file__).parents[2] / "docs" / "api.md").read_text()
    missing = [f"{method.upper()} {path}" for path, method, _ in openapi.OPERATIONS
               if f"`{method.upper()} {path}`" not in page]
    assert missing == []
