"""Webhooks (Picqer's "hooks"): list, create, get, delete (deactivates) and reactivate.

A client's key manages only its own hooks, which hear only its own events; a staff key manages
every hook and creates staff hooks (every client's events) or, with idfulfilment_customer (ours),
a client's hook.
"""

from flask import jsonify

from fulfilment.api.auth import current_client, current_key, get_owned_or_404, scoped
from fulfilment.api.blueprint import bp
from fulfilment.api.body import json_body, query_bool
from fulfilment.api.errors import MISSING_PARAMETERS, ApiError
from fulfilment.api.pagination import page_of
from fulfilment.api.serialisation import created, datetime_text, json_list, no_content
from fulfilment.models import Client, Hook
from fulfilment.services import webhooks


def hook_json(hook):
    return {
        "idhook": hook.id,
        "name": hook.name,
        "event": hook.event,
        "address": hook.address,
        "active": hook.active,
        # Picqer answers whether a secret is set, never the secret itself.
        "secret": bool(hook.secret_encrypted),
        "idfulfilment_customer": hook.client_id,  # ours: null for a staff hook
        "deactivated_reason": hook.deactivated_reason or None,  # ours: "deleted" or "failing"
        "created": datetime_text(hook.created_at),
    }


def _hook(idhook):
    return get_owned_or_404(Hook, idhook, "Hook")


@bp.get("/hooks")
def list_hooks():
    query = scoped(Hook).order_by(Hook.id)
    active = query_bool("active")
    if active is not None:
        query = query.where(Hook.active == active)
    return json_list(hook_json(hook) for hook in page_of(query))


@bp.get("/hooks/<int:idhook>")
def get_hook(idhook):
    return jsonify(hook_json(_hook(idhook)))


@bp.post("/hooks")
def create_hook():
    body = json_body()
    client = current_client()
    requested = body.integer("idfulfilment_customer", minimum=1)
    if client is None and requested is not None:
        client = Client.get_or_none(Client.id == requested)
        if client is None:
            raise ApiError(400, MISSING_PARAMETERS, f"Unknown fulfilment customer {requested}.")
    elif client is not None and requested not in (None, client.id):
        raise ApiError(400, MISSING_PARAMETERS, f"Unknown fulfilment customer {requested}.")
    hook = webhooks.create_hook(
        client=client, name=body.text("name", required=True), event=body.text("event", required=True),
        address=body.text("address", required=True, max_length=1000), secret=body.text("secret"),
        actor=current_key(),
    )
    return created(hook_json(hook))


@bp.delete("/hooks/<int:idhook>")
def delete_hook(idhook):
    webhooks.deactivate_hook(_hook(idhook), actor=current_key())
    return no_content()


@bp.post("/hooks/<int:idhook>/reactivate")
def reactivate_hook(idhook):
    return jsonify(hook_json(webhooks.reactivate_hook(_hook(idhook), actor=current_key())))
