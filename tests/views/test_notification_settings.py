"""Portal settings: a user switches its e-mails; the client manages its webhooks (secret shown once,
deliveries, test event, delete after confirmation, reactivate), never another client's."""

import base64
import hashlib
import hmac
import re
from dataclasses import replace

import pytest

from fulfilment.models import Hook, NotificationSetting, WebhookDelivery
from fulfilment.services import notifications, webhooks, webshops
from tests import factories
from tests.conftest import portal_login
from tests.views.portal_forms import PREFIX, location_of, snapshot, submit, text_of


@pytest.fixture
def local_receiver(app):
    from tests.notifications.conftest import Receiver

    before = webshops.settings
    webshops.settings = replace(before, http=replace(before.http, allow_http=True, allow_private_network=True))
    server = Receiver()
    server.start()
    yield server
    server.stop()
    webshops.settings = before


def test_user_switches_off_one_email_and_keeps_the_others(app, portal_client, portal_user):
    page = text_of(portal_client.get(f"{PREFIX}/settings"))
    assert page.count('name="notify"') == len(notifications.NOTIFICATION_KINDS)
    assert page.count(" checked") >= len(notifications.NOTIFICATION_KINDS)
    kept = [kind for kind in notifications.NOTIFICATION_KINDS if kind != "low_stock_digest"]
    response = submit(portal_client, "/settings/notifications", {"notify": kept})
    assert location_of(response) == f"{PREFIX}/settings"
    assert notifications.settings_of(portal_user) == {kind: kind != "low_stock_digest"
                                                      for kind in notifications.NOTIFICATION_KINDS}
    page = text_of(portal_client.get(f"{PREFIX}/settings"))
    assert re.search(r'value="low_stock_digest" id="notify-low_stock_digest">', page)
    assert "Your e-mail notifications have been saved." in page


def test_unknown_notification_is_refused_and_nothing_saved(app, portal_client, portal_user):
    before = snapshot()
    response = submit(portal_client, "/settings/notifications", {"notify": ["shipment_sent", "everything"]})
    assert response.status_code == 400
    assert snapshot() == before
    assert NotificationSetting.select().count() == 0


def test_client_creates_a_webhook_sees_the_secret_once_and_sends_a_signed_test_event(
        app, portal_client, portal_user, local_receiver):
    factories.make_order(portal_user.client, reference="TEST-REF")
    response = submit(portal_client, "/settings/webhooks/new", {
        "hook_name": "My ERP", "event": "orders.created", "address": local_receiver.url("/erp")})
    page = text_of(response)
    assert response.headers["Cache-Control"] == "no-store"
    secret = re.search(r'<code class="d-block user-select-all text-break">([^<]+)</code>', page).group(1)
    hook = Hook.get()
    assert (hook.client_id, hook.name, hook.event) == (portal_user.client_id, "My ERP", "orders.created")
    assert webhooks.hook_secret(hook) == secret and secret not in hook.secret_encrypted
    assert secret not in text_of(portal_client.get(f"{PREFIX}/settings/webhooks/{hook.id}"))

    response = submit(portal_client, f"/settings/webhooks/{hook.id}/test")
    assert location_of(response) == f"{PREFIX}/settings/webhooks/{hook.id}"
    request = local_receiver.requests[0]
    expected = base64.b64encode(hmac.new(secret.encode(), request["body"], hashlib.sha256).digest()).decode()
    assert request["headers"]["X-Picqer-Signature"] == expected
    payload = local_receiver.payloads()[0]
    assert payload["test"] is True and payload["data"]["reference"] == "TEST-REF"
    page = text_of(portal_client.get(f"{PREFIX}/settings/webhooks/{hook.id}"))
    assert "delivered" in page and "HTTP 200" in page


def test_webhook_address_is_checked_and_nothing_is_created(app, portal_client, portal_user):
    before = snapshot()
    response = submit(portal_client, "/settings/webhooks/new", {
        "hook_name": "Local", "event": "orders.created", "address": "https://127.0.0.1/hook"})
    assert response.status_code == 400
    assert "private network" in response.get_data(as_text=True)
    assert snapshot() == before


def test_deleting_asks_first_then_switches_off_and_reactivate_switches_on(app, portal_client, portal_user):
    hook = Hook.create(client=portal_user.client, name="ERP", event="orders.created", address="https://erp.example/h")
    page = text_of(portal_client.get(f"{PREFIX}/settings/webhooks/{hook.id}/delete"))
    assert "Delete the webhook" in page and Hook.get_by_id(hook.id).active
    response = submit(portal_client, f"/settings/webhooks/{hook.id}/delete")
    assert location_of(response) == f"{PREFIX}/settings"
    assert (Hook.get_by_id(hook.id).active, Hook.get_by_id(hook.id).deactivated_reason) == (False, "deleted")
    submit(portal_client, f"/settings/webhooks/{hook.id}/reactivate")
    assert Hook.get_by_id(hook.id).active


def test_another_clients_webhook_is_404_and_untouched(app, portal_client, portal_user):
    other = factories.make_client()
    hook = Hook.create(client=other, name="Theirs", event="orders.created", address="https://erp.example/h")
    assert portal_client.get(f"{PREFIX}/settings/webhooks/{hook.id}").status_code == 404
    assert submit(portal_client, f"/settings/webhooks/{hook.id}/delete").status_code == 404
    assert submit(portal_client, f"/settings/webhooks/{hook.id}/test").status_code == 404
    assert Hook.get_by_id(hook.id).active
    assert WebhookDelivery.select().count() == 0
    assert "Theirs" not in text_of(portal_client.get(f"{PREFIX}/settings"))


def test_settings_page_lists_own_hooks_with_their_status(app, portal_user):
    Hook.create(client=portal_user.client, name="Failing one", event="orders.created",
                address="https://erp.example/h", active=False, deactivated_reason="failing")
    test_client = portal_login(app, portal_user)
    page = text_of(test_client.get(f"{PREFIX}/settings"))
    assert "Failing one" in page and "deliveries kept failing" in page
