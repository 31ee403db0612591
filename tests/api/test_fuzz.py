"""Property-based run of the whole API against its own OpenAPI description (schemathesis, in-process).

Every operation gets generated requests, valid and invalid, with a staff key over a small
warehouse. No answer may be a 500, and every answer must match the description: documented
status code, content type, headers and body schema. Auth must be enforced where declared.
"""

import base64

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    ignored_auth,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from fulfilment.services import accounts, picking, returns
from tests import factories

EXAMPLES = {GenerationMode.POSITIVE: 5, GenerationMode.NEGATIVE: 3}
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_headers_conformance,
          response_schema_conformance, ignored_auth]

@pytest.fixture
def small_warehouse(app):
    """A few rows of everything, so generated ids sometimes hit real records."""
    client = factories.make_client(name="Fuzz BV")
    factories.make_portal_user(client, username="fuzz")
    product = factories.make_product(client, product_code="F-1", stock_amount=20)
    spare = factories.make_product(client, product_code="F-2", stock_amount=5)
    factories.make_product_image(product)
    shipped = factories.make_shipped_order(client, lines=[(product, 1)])
    factories.make_order(client, lines=[(product, 2)])
    factories.make_order(client, lines=[(product, 30), (spare, 1)], process=True)
    factories.make_purchase_order(client, lines=[(product, 5), (spare, 2)])
    factories.receive_everything(factories.make_purchase_order(client, lines=[(spare, 1)]))
    ret = factories.make_return(client, returned=[(product, 1, "Broken")], order=shipped)
    returns.change_return_status(ret, factories.return_status("received"), "Thanks")
    factories.make_webshop_order(factories.make_webshop(client), order=shipped)
    open_list = factories.open_picklist(factories.make_order(client, lines=[(spare, 1)], process=True))
    picking.close_picklist(open_list)
    return client


@pytest.fixture
def staff_auth(app):
    _, raw = accounts.create_api_key("Fuzzer")
    return {"Authorization": "Basic " + base64.b64encode(f"{raw}:".encode()).decode()}


def _fuzz(operation, mode, app, auth):
    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(max_examples=EXAMPLES[mode], deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck), phases=[Phase.generate])
    def run(case):
        case.call_and_validate(headers=auth, checks=CHECKS, app=app)

    run()


def test_api_answers_match_the_description(app, small_warehouse, staff_auth):
    app.config["API_RATE_LIMIT_PER_MINUTE"] = 1_000_000
    description = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    failures = []
    for result in description.get_all_operations():
        operation = result.ok()
        for mode in EXAMPLES:
            try:
                _fuzz(operation, mode, app, staff_auth)
            except Exception as error:  # noqa: BLE001 -- collect every operation's failure, then report them all
                failures.append(f"{operation.label} ({mode}): {error}")
    assert not failures, "\n\n".join(failures)
