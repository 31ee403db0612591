"""Back office: the mail outbox shows each message's state; staff resend failed mail and manage webhooks."""

from fulfilment.models import Hook, OutboxMail, WebhookDelivery
from tests import factories
from tests.factories import admin_action as _action


def _shipped_with_reader():
    client = factories.make_client(name="Bloem BV", language="nl")
    factories.make_portal_user(client, username="bloem", notification_email="bloem@example.com")
    factories.make_shipped_order(client, tracking_code="3SADMIN")
    return client


def test_outbox_lists_each_message_with_its_state_and_says_smtp_is_missing(app, staff_client):
    _shipped_with_reader()
    app.config["SMTP_URL"] = None
    page = staff_client.get("/admin/outboxmail/").get_data(as_text=True)
    assert "bloem@example.com" in page and "Zending verstuurd" in page and "pending" in page
    assert "No SMTP server is set" in page
    mail = OutboxMail.get()
    details = staff_client.get(f"/admin/outboxmail/details/?id={mail.id}").get_data(as_text=True)
    assert "3SADMIN" in details


def test_staff_sends_a_failed_message_again(app, staff_client):
    _shipped_with_reader()
    mail = OutboxMail.get()
    OutboxMail.update(status="failed", attempts=12, last_error="The mail server refused").execute()
    response = _action(staff_client, "outboxmail", "send_again", mail.id)
    assert response.status_code == 200
    mail = OutboxMail.get_by_id(mail.id)
    assert (mail.status, mail.attempts) == ("pending", 0)
    # A message that was sent is not sent again.
    OutboxMail.update(status="sent").execute()
    _action(staff_client, "outboxmail", "send_again", mail.id)
    assert OutboxMail.get_by_id(mail.id).status == "sent"


def test_staff_switches_a_hook_off_and_on_and_retries_a_failed_delivery(app, staff_client):
    client = factories.make_client()
    hook = Hook.create(client=client, name="ERP", event="orders.created", address="https://erp.example/h")
    delivery = WebhookDelivery.create(client=client, hook=hook, event="orders.created", body="{}", status="failed",
                                      attempts=16)
    _action(staff_client, "hook", "deactivate", hook.id)
    assert not Hook.get_by_id(hook.id).active
    _action(staff_client, "hook", "reactivate", hook.id)
    assert Hook.get_by_id(hook.id).active
    WebhookDelivery.update(status="failed", attempts=16).execute()
    _action(staff_client, "webhookdelivery", "retry", delivery.id)
    assert (WebhookDelivery.get_by_id(delivery.id).status, WebhookDelivery.get_by_id(delivery.id).attempts) == (
        "retrying", 0)
