"""Fulfilment customers (our clients) with their portal login; staff keys only.

Creating a customer with can_login, username and password creates its portal login.
"""

from flask import jsonify

from fulfilment.api.auth import get_owned_or_404, staff_only
from fulfilment.api.blueprint import bp
from fulfilment.api.body import json_body, query_text
from fulfilment.api.errors import MISSING_PARAMETERS, ApiError
from fulfilment.api.pagination import page_of
from fulfilment.api.serialisation import created, datetime_text, json_list
from fulfilment.models import Client, PortalUser
from fulfilment.services import accounts

# API field -> Client field.
WRITABLE = {"name": "name", "emailaddress": "email", "language": "language", "can_login": "portal_access",
            "product_management": "product_management", "active": "active"}
BOOLEANS = {"can_login", "product_management", "active"}


def customers_json(clients):
    """Customers with their (first) portal login, in one extra query for the whole page."""
    logins = {}
    if clients:
        for user in (PortalUser.select().where(PortalUser.client.in_([c.id for c in clients]))
                     .order_by(PortalUser.id)):
            logins.setdefault(user.client_id, user)
    return [customer_json(client, logins.get(client.id)) for client in clients]


def customer_json(client, login):
    return {
        "idfulfilment_customer": client.id,
        "name": client.name,
        "can_login": client.portal_access,
        "username": login.username if login is not None else None,
        "emailaddress": client.email,
        "language": client.language,
        "last_login_at": datetime_text(login.last_login_at) if login is not None else None,
        "product_management": client.product_management,
        "active": client.active,
    }


def _fields(body, creating):
    fields = {}
    for api_name, field in WRITABLE.items():
        if body.has(api_name):
            fields[field] = body.boolean(api_name) if api_name in BOOLEANS else \
                body.text(api_name, required=api_name == "name")
    if creating:
        body.text("name", required=True)
    return fields


def _save(client, body):
    username, password = body.text("username"), body.text("password", max_length=1024)
    if password and not username:
        # A new password for the existing login: the login keeps its username.
        login = client.portal_users.order_by(PortalUser.id).first() if client is not None else None
        if login is None:
            raise ApiError(400, MISSING_PARAMETERS, "Missing parameter username: a portal login needs one.")
        username = login.username
    return accounts.save_client(client, login_username=username, login_password=password,
                                **_fields(body, creating=client is None))


@bp.get("/fulfilment/customers")
@staff_only
def list_customers():
    query = Client.select().order_by(Client.id)
    if (search := query_text("search")) is not None:
        query = query.where(Client.name.contains(search))
    return json_list(customers_json(page_of(query)))


@bp.get("/fulfilment/customers/<int:idfulfilment_customer>")
@staff_only
def get_customer(idfulfilment_customer):
    return jsonify(customers_json([get_owned_or_404(Client, idfulfilment_customer, "Fulfilment customer")])[0])


@bp.post("/fulfilment/customers")
@staff_only
def create_customer():
    client = _save(None, json_body())
    return created(customers_json([client])[0])


@bp.put("/fulfilment/customers/<int:idfulfilment_customer>")
@staff_only
def update_customer(idfulfilment_customer):
    client = get_owned_or_404(Client, idfulfilment_customer, "Fulfilment customer")
    client = _save(client, json_body())
    return jsonify(customers_json([client])[0])
