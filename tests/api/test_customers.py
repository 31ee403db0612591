"""Fulfilment customers with their portal login."""

from fulfilment.models import Client, PortalUser
from fulfilment.services.accounts import authenticate_portal_user
from tests import factories
from tests.api.shapes import CUSTOMER, assert_list_of, assert_shape

NEW_CUSTOMER = {"name": "Bakker Webshop", "emailaddress": "info@bakker.example", "language": "nl",
                "can_login": True, "username": "bakker", "password": "a-long-portal-password",
                "product_management": True}


def test_create_customer_with_login(app, staff_api):
    response = staff_api.post("/fulfilment/customers", json=NEW_CUSTOMER)
    assert response.status_code == 201
    customer = response.get_json()
    assert_shape(customer, CUSTOMER)
    assert {k: customer[k] for k in ("name", "emailaddress", "language", "can_login", "username",
                                     "product_management", "active")} == {
        "name": "Bakker Webshop", "emailaddress": "info@bakker.example", "language": "nl", "can_login": True,
        "username": "bakker", "product_management": True, "active": True}
    assert customer["last_login_at"] is None
    user = authenticate_portal_user("bakker", "a-long-portal-password")
    assert user is not None and user.client_id == customer["idfulfilment_customer"]
    assert staff_api.get(f"/fulfilment/customers/{user.client_id}").get_json()["last_login_at"] is not None


def test_get_and_list_customers(app, staff_api):
    client = factories.make_client(name="Listed BV")
    factories.make_portal_user(client, username="listed")
    factories.make_client(name="No login BV")
    customers = staff_api.get("/fulfilment/customers").get_json()
    assert_list_of(customers, CUSTOMER)
    assert [(c["name"], c["username"]) for c in customers] == [("Listed BV", "listed"), ("No login BV", None)]
    assert staff_api.get("/fulfilment/customers?search=login").get_json()[0]["name"] == "No login BV"
    assert staff_api.get(f"/fulfilment/customers/{client.id}").get_json()["username"] == "listed"


def test_update_customer_and_its_password(app, staff_api):
    created = staff_api.post("/fulfilment/customers", json=NEW_CUSTOMER).get_json()
    response = staff_api.put(f"/fulfilment/customers/{created['idfulfilment_customer']}", json={
        "name": "Bakker & Zn", "can_login": False, "password": "another-long-password", "product_management": False})
    assert response.status_code == 200
    assert (response.get_json()["name"], response.get_json()["can_login"]) == ("Bakker & Zn", False)
    client = Client.get_by_id(created["idfulfilment_customer"])
    assert (client.portal_access, client.product_management, client.email) == (False, False, "info@bakker.example")
    assert authenticate_portal_user("bakker", "another-long-password") is None  # portal access is off
    staff_api.put(f"/fulfilment/customers/{client.id}", json={"can_login": True})
    assert authenticate_portal_user("bakker", "another-long-password") is not None


def test_password_is_never_returned(app, staff_api):
    response = staff_api.post("/fulfilment/customers", json=NEW_CUSTOMER)
    assert "a-long-portal-password" not in response.get_data(as_text=True)
    assert "password" not in response.get_json()


def test_refusals_create_nothing(app, staff_api):
    factories.make_portal_user(username="taken")
    taken = staff_api.post("/fulfilment/customers", json={**NEW_CUSTOMER, "username": "taken"})
    assert taken.status_code == 409 and taken.get_json()["error_code"] == 5
    weak = staff_api.post("/fulfilment/customers", json={**NEW_CUSTOMER, "password": "short"})
    assert weak.status_code == 400 and weak.get_json()["error_code"] == 5
    no_name = staff_api.post("/fulfilment/customers", json={"emailaddress": "x@example.com"})
    assert no_name.status_code == 400 and "name" in no_name.get_json()["error_message"]
    language = staff_api.post("/fulfilment/customers", json={"name": "X", "language": "fr"})
    assert language.status_code == 400
    assert Client.select().count() == 1  # only make_portal_user's client
    assert PortalUser.select().count() == 1


def test_customer_without_password_gets_no_login(app, staff_api):
    response = staff_api.post("/fulfilment/customers", json={"name": "Just a name", "username": "nopass"})
    assert response.status_code == 400
    assert not Client.select().where(Client.name == "Just a name").exists()
