"""Creating and revoking API keys: the back office and the command line, each showing the key once."""

from fulfilment.models import ApiKey
from fulfilment.services import accounts
from tests import factories
from tests.conftest import csrf_token
from tests.factories import ApiClient, create_key_in_back_office


def test_staff_creates_a_scoped_key_in_the_back_office_and_sees_it_once(app, staff_client, shop):
    factories.make_product(shop)
    raw_key = create_key_in_back_office(staff_client, "Shop sync", shop)
    key = ApiKey.get(ApiKey.name == "Shop sync")
    assert (key.client_id, key.created_by, key.key_prefix) == (shop.id, "staff staff", raw_key[:8])
    assert key.key_hash == accounts.hash_api_key(raw_key)
    assert raw_key not in staff_client.get("/admin/apikey/").get_data(as_text=True)
    assert raw_key not in staff_client.get(f"/admin/apikey/details/?id={key.id}").get_data(as_text=True)
    api = ApiClient(app.test_client(), raw_key)
    assert [p["idfulfilment_customer"] for p in api.get("/products").get_json()] == [shop.id]


def test_staff_revokes_a_key_in_the_back_office(app, staff_client):
    key, raw_key = accounts.create_api_key("Old integration")
    page = f"/admin/apikey/details/?id={key.id}"
    response = staff_client.post(f"/admin/apikey/do/revoke/{key.id}",
                                 data={"csrf_token": csrf_token(staff_client, page)}, follow_redirects=True)
    assert "API key revoked" in response.get_data(as_text=True)
    assert ApiKey.get_by_id(key.id).active is False
    assert ApiClient(app.test_client(), raw_key).get("/products").status_code == 401


def test_bulk_revoke_action(app, staff_client):
    keys = [accounts.create_api_key(f"Key {n}")[0] for n in range(2)]
    data = {"action": "revoke", "rowid": [str(k.id) for k in keys],
            "csrf_token": csrf_token(staff_client, "/admin/apikey/")}
    staff_client.post("/admin/apikey/action/", data=data, follow_redirects=True)
    assert ApiKey.select().where(ApiKey.active == True).count() == 0  # noqa: E712


def test_cli_creates_a_staff_key_and_prints_it_once(app):
    result = app.test_cli_runner().invoke(args=["create-api-key", "Warehouse sync"])
    assert result.exit_code == 0, result.output
    raw_key = result.output.strip().splitlines()[-1]
    key = ApiKey.get(ApiKey.name == "Warehouse sync")
    assert key.client is None and key.created_by == "cli"
    assert key.key_hash == accounts.hash_api_key(raw_key)
    assert ApiClient(app.test_client(), raw_key).get("/fulfilment/customers").status_code == 200


def test_cli_creates_a_client_key(app):
    client = factories.make_client(name="Koffie BV")
    result = app.test_cli_runner().invoke(args=["create-api-key", "Koffie shop", "--client", "Koffie BV"])
    assert result.exit_code == 0, result.output
    assert "scoped to Koffie BV" in result.output
    api = ApiClient(app.test_client(), result.output.strip().splitlines()[-1])
    assert api.get("/fulfilment/customers").status_code == 403
    assert api.get("/products").status_code == 200
    assert ApiKey.get(ApiKey.name == "Koffie shop").client_id == client.id


def test_cli_refuses_an_unknown_or_ambiguous_client(app):
    factories.make_client(name="Twin")
    factories.make_client(name="Twin")
    runner = app.test_cli_runner()
    unknown = runner.invoke(args=["create-api-key", "K", "--client", "Nobody"])
    ambiguous = runner.invoke(args=["create-api-key", "K", "--client", "Twin"])
    assert unknown.exit_code != 0 and "No client" in unknown.output
    assert ambiguous.exit_code != 0 and "Several clients" in ambiguous.output
    assert ApiKey.select().count() == 0
