"""Client e-mails: written in the event's transaction, sent by the worker to a real SMTP server on 127.0.0.1."""

from datetime import date, timedelta
from types import SimpleNamespace

import pytest

from fulfilment.i18n import force_locale
from fulfilment.models import OutboxMail, utcnow
from fulfilment.services import (
    accounts,
    notifications,
    orders,
    outbox,
    picking,
    purchasing,
    returns,
    webshop_health,
)
from fulfilment.services.connectors.base import ShopLine, ShopOrder
from fulfilment.services.errors import ValidationFailed
from fulfilment.services.webshop_import import import_shop_order
from fulfilment.vocabulary import status_label
from tests import factories
from tests.factories import ADDRESS

ALL_KINDS = {
    "order_backordered", "shipment_sent", "purchase_order_received", "backorder_served", "return_status_changed",
    "return_received", "webshop_import_error", "webshop_connection_failed", "webshop_connection_recovered",
    "low_stock_digest",
}

# Words each message must carry, per language: the warehouse's own terms.
EXPECTED = {
    "en": {
        "order_backordered": ("is waiting for stock", "backorder"),
        "shipment_sent": ("Shipment sent", "Tracking code: 3SNOTIFY1", "https://postnl.example/track/3SNOTIFY1"),
        "purchase_order_received": ("received (not complete)", "What arrived:", "Still missing:",
                                    "2 of 4 x BOX"),
        "backorder_served": ("Backorder served", "ready to be picked"),
        "return_status_changed": ("Return", "Refund approved, thank you"),
        "return_received": ("received", "back in stock"),
        "webshop_import_error": ("could not be imported", "Unknown SKU NOPE-1"),
        "webshop_connection_failed": ("fails", "The shop could not be reached"),
        "webshop_connection_recovered": ("works again",),
        "low_stock_digest": ("Low stock", "Days of cover", "BOX", "no outflow"),
    },
    "nl": {
        "order_backordered": ("wacht op voorraad", "nabestelling"),
        "shipment_sent": ("Zending verstuurd", "Trackingcode: 3SNOTIFY1", "pakbon"),
        "purchase_order_received": ("Inkooporder", "ontvangen (niet compleet)", "Binnengekomen:",
                                    "Nog niet binnen:", "2 van 4 x BOX"),
        "backorder_served": ("Nabestelling uitgeleverd", "gepickt"),
        "return_status_changed": ("Retour", "Bericht van het magazijn", "Refund approved, thank you"),
        "return_received": ("Retour", "ontvangen", "terug op voorraad"),
        "webshop_import_error": ("Webshopbestelling", "kon niet worden geïmporteerd", "Unknown SKU NOPE-1"),
        "webshop_connection_failed": ("koppeling", "werkt niet"),
        "webshop_connection_recovered": ("werkt weer",),
        "low_stock_digest": ("Lage voorraad", "vrije voorraad", "BOX", "geen uitlevering"),
    },
}


def use_smtp(app, server):
    app.config["SMTP_URL"] = server.url


def client_with_reader(language, email="planner@example.com"):
    client = factories.make_client(language=language)
    user = factories.make_portal_user(client, notification_email=email)
    return client, user


def cause_every_notification(client):
    """Walk one client through everything that mails it."""
    vase = factories.make_product(client, product_code="VASE", name="Vase", stock_amount=2)
    box = factories.make_product(client, product_code="BOX", name="Box")
    order = orders.place_order(client, [(vase, 5)], source="portal", fields=ADDRESS)  # 3 backordered
    picklist = factories.open_picklist(order)
    picking.close_picklist(picklist, shipments=[{"carrier": "PostNL", "tracking_code": "3SNOTIFY1",
                                                 "tracking_url": "https://postnl.example/track/3SNOTIFY1"}])
    purchase_order = factories.make_purchase_order(client, [(vase, 10), (box, 4)])
    lines = {line.product_id: line for line in purchase_order.lines}
    purchasing.register_receipt(purchase_order, {lines[vase.id].id: 10, lines[box.id].id: 2})  # serves backorder
    ret = factories.make_return(client, returned=[(vase, 1, "Broken")])
    returns.change_return_status(ret, factories.return_status("completed"), "Refund approved, thank you")
    ret2 = factories.make_return(client, returned=[(box, 1, "Too big")])
    returns.receive_return(ret2)
    webshop = factories.make_webshop(client, name="Bloemenwinkel")
    import_shop_order(webshop, ShopOrder(foreign_id="991", number="#991", fields=ADDRESS,
                                         lines=[ShopLine(sku="NOPE-1", quantity=1)]))
    webshop_health.record_connection(webshop, "The shop could not be reached.")
    webshop_health.record_connection(webshop, None)
    notifications.queue_low_stock_digests()


@pytest.mark.parametrize("language", ["en", "nl"])
def test_every_notification_reaches_a_real_smtp_server_in_the_clients_language(in_app, smtp_server, language):
    client, user = client_with_reader(language)
    cause_every_notification(client)
    queued = {mail.kind for mail in OutboxMail.select()}
    assert queued == ALL_KINDS

    use_smtp(in_app, smtp_server)
    outcome = outbox.send_due_mail()

    assert outcome == {"sent": len(ALL_KINDS), "failed": 0}
    assert len(smtp_server.inbox.messages) == len(ALL_KINDS)
    by_kind = {mail.kind: mail for mail in OutboxMail.select()}
    received = {str(message["Message-ID"]): (recipients, message) for recipients, message in smtp_server.inbox.messages}
    for kind, mail in by_kind.items():
        recipients, message = received[mail.message_id]
        assert recipients == ["planner@example.com"]
        assert message["Content-Language"] == language
        text = message.get_body(("plain",)).get_content()
        html = message.get_body(("html",)).get_content()
        subject = str(message["Subject"])
        for words in EXPECTED[language][kind]:
            assert words in subject + "\n" + text, (kind, words, subject, text)
        assert "http://portal.test/fulfilmentportal/" in text
        assert 'href="http://portal.test/fulfilmentportal/' in html
        assert mail.status == "sent" and mail.attempts == 1
    assert outbox.send_due_mail() == {"sent": 0, "failed": 0}
    assert len(smtp_server.inbox.messages) == len(ALL_KINDS)


def test_mail_of_a_rolled_back_change_is_never_written(in_app):
    client, _ = client_with_reader("en")
    vase = factories.make_product(client, product_code="VASE", stock_amount=1)
    order = orders.place_order(client, [(vase, 1)], source="portal", fields=ADDRESS)
    picklist = factories.open_picklist(order)
    assert OutboxMail.select().count() == 0
    # The first shipment's mail is written, then the second shipment (no carrier) is refused: all rolls back.
    with pytest.raises(ValidationFailed):
        picking.close_picklist(picklist, shipments=[{"carrier": "PostNL"}, {"carrier": ""}])
    assert OutboxMail.select().count() == 0
    picking.close_picklist(picklist, shipments=[{"carrier": "PostNL"}])
    assert [mail.kind for mail in OutboxMail.select()] == ["shipment_sent"]


def test_smtp_down_then_up_loses_nothing_and_sends_nothing_twice(in_app, smtp_server):
    client, _ = client_with_reader("nl")
    use_smtp(in_app, smtp_server)
    smtp_server.stop()
    factories.make_shipped_order(client)
    webshop = factories.make_webshop(client)
    webshop_health.record_connection(webshop, "Down")
    assert OutboxMail.select().count() == 2

    now = utcnow()
    assert outbox.send_due_mail(now=now) == {"sent": 0, "failed": 1}
    first = OutboxMail.select().order_by(OutboxMail.id).first()
    assert first.status == "retrying" and first.attempts == 1 and "could not be reached" in first.last_error
    assert first.next_attempt_at == now + timedelta(minutes=1)
    assert OutboxMail.select().where(OutboxMail.status == "pending").count() == 1
    # The server is still down and the first message is not due again yet: the second one fails.
    assert outbox.send_due_mail(now=now + timedelta(seconds=30)) == {"sent": 0, "failed": 1}
    assert [mail.status for mail in OutboxMail.select()] == ["retrying", "retrying"]
    assert smtp_server.inbox.messages == []

    smtp_server.start()
    later = now + timedelta(minutes=2)
    outbox.send_due_mail(now=later)
    outbox.send_due_mail(now=later + timedelta(hours=2))
    assert [mail.status for mail in OutboxMail.select()] == ["sent", "sent"]
    ids = [str(message["Message-ID"]) for _, message in smtp_server.inbox.messages]
    assert sorted(ids) == sorted(mail.message_id for mail in OutboxMail.select())


def test_without_smtp_settings_messages_wait_in_the_outbox(in_app):
    client, _ = client_with_reader("en")
    factories.make_shipped_order(client)
    in_app.config["SMTP_URL"] = None
    assert outbox.send_due_mail() == {"sent": 0, "failed": 0}
    assert [mail.status for mail in OutboxMail.select()] == ["pending"]


def test_a_message_is_given_up_after_the_last_attempt_and_can_be_sent_again(in_app, smtp_server):
    client, _ = client_with_reader("en")
    factories.make_shipped_order(client)
    use_smtp(in_app, smtp_server)
    in_app.config["MAIL_MAX_ATTEMPTS"] = 2
    smtp_server.stop()
    now = utcnow()
    outbox.send_due_mail(now=now)
    outbox.send_due_mail(now=now + timedelta(hours=1))
    mail = OutboxMail.get()
    assert (mail.status, mail.attempts, mail.next_attempt_at) == ("failed", 2, None)
    smtp_server.start()
    assert outbox.send_due_mail(now=now + timedelta(days=1)) == {"sent": 0, "failed": 0}
    outbox.send_again(mail)
    assert outbox.send_due_mail(now=now + timedelta(days=1)) == {"sent": 1, "failed": 0}
    assert len(smtp_server.inbox.messages) == 1


def test_switched_off_notification_is_not_written_and_others_still_are(in_app):
    client, user = client_with_reader("en")
    notifications.save_settings(user, set(notifications.NOTIFICATION_KINDS) - {"shipment_sent"})
    factories.make_shipped_order(client)
    webshop_health.record_connection(factories.make_webshop(client), "Down")
    assert [mail.kind for mail in OutboxMail.select()] == ["webshop_connection_failed"]


def test_user_without_notification_email_and_other_clients_get_nothing(in_app):
    client, _ = client_with_reader("en", email="")
    other, _ = client_with_reader("en", email="other@example.com")
    factories.make_shipped_order(client)
    assert OutboxMail.select().count() == 0
    factories.make_shipped_order(other)
    assert [mail.recipient for mail in OutboxMail.select()] == ["other@example.com"]


def test_failing_connection_mails_once_and_again_when_it_recovers(in_app):
    client, _ = client_with_reader("en")
    webshop = factories.make_webshop(client)
    for _ in range(3):
        webshop_health.record_connection(webshop, "The shop could not be reached.")
    webshop_health.record_connection(webshop, None)
    webshop_health.record_connection(webshop, None)
    assert [mail.kind for mail in OutboxMail.select().order_by(OutboxMail.id)] == [
        "webshop_connection_failed", "webshop_connection_recovered"]


def test_the_same_import_error_is_mailed_once(in_app):
    client, _ = client_with_reader("en")
    webshop = factories.make_webshop(client)
    shop_order = ShopOrder(foreign_id="5", number="#5", fields=ADDRESS, lines=[ShopLine(sku="NOPE", quantity=1)])
    for _ in range(3):
        import_shop_order(webshop, shop_order)
    assert OutboxMail.select().where(OutboxMail.kind == "webshop_import_error").count() == 1


def test_low_stock_digest_shows_days_of_cover_and_is_written_once_a_day(in_app):
    client, _ = client_with_reader("en")
    fast = factories.make_product(client, product_code="FAST", stock_amount=33)
    factories.make_product(client, product_code="PLENTY", stock_amount=100)
    order = orders.place_order(client, [(fast, 30)], source="portal", fields=ADDRESS)
    picking.close_picklist(factories.open_picklist(order), shipments=[{"carrier": "DHL"}])
    rows = notifications.low_stock_rows(client, 5)
    assert [(product.product_code, free, shipped, cover) for product, free, shipped, cover in rows] == [
        ("FAST", 3, 30, 3.0)]
    assert notifications.queue_low_stock_digests() == 1
    assert notifications.queue_low_stock_digests() == 0
    mail = OutboxMail.get(OutboxMail.kind == "low_stock_digest")
    assert "FAST" in mail.text_body and "3.0 day(s) of cover" in mail.text_body and "PLENTY" not in mail.text_body


def test_smtp_url_forms():
    assert outbox.parse_smtp_url("smtp://anna:geheim%21@mail.example:587") == outbox.SmtpServer(
        "mail.example", 587, "starttls", "anna", "geheim!")
    assert outbox.parse_smtp_url("smtps://anna:pw@mail.example") == outbox.SmtpServer(
        "mail.example", 465, "ssl", "anna", "pw")
    assert outbox.parse_smtp_url("smtp://127.0.0.1:2525?starttls=no").security == "none"
    with pytest.raises(ValidationFailed):
        outbox.parse_smtp_url("http://mail.example")


def test_demo_warehouse_shows_client_mail_waiting_in_the_outbox(in_app):
    from fulfilment.demo import build_demo_warehouse

    in_app.config["SMTP_URL"] = None
    build_demo_warehouse()
    mails = list(OutboxMail.select())
    assert {mail.language for mail in mails} == {"en", "nl"}
    assert {mail.status for mail in mails} == {"pending"}
    assert {"shipment_sent", "purchase_order_received"} <= {mail.kind for mail in mails}
    # Trailhead has no portal access: its login gets no mail.
    assert "ops@trailhead.example" not in {mail.recipient for mail in mails}


@pytest.mark.parametrize("language, subject_words, text_words, html_words, english_only", [
    ("nl", ("Lage voorraad: 1 product op 4 mrt 2026",),
     ("Beste ann,", "vrije voorraad 1.500 stuks of minder", "MUG Mok: 1.200 vrij, 2.345 verstuurd in 30 dagen, "
      "voorraad voor 12,5 dagen", "Je ontvangt deze e-mail"),
     ('<td style="padding: 4px; text-align: right;">1.200</td>', "12,5", "welke berichten je wilt ontvangen"),
     ("1,200", "12.5", "Dear", " u ")),
    ("en", ("Low stock: 1 product(s) on 4 Mar 2026",),
     ("Dear ann,", "1,500 or fewer", "MUG Mok: 1,200 free, 2,345 shipped in 30 days, 12.5 day(s) of cover"),
     ('<td style="padding: 4px; text-align: right;">1,200</td>', "12.5"),
     ("1.200", "12,5", "Beste")),
])
def test_a_mail_shows_numbers_and_dates_the_readers_way(in_app, language, subject_words, text_words, html_words,
                                                      english_only):
    product = SimpleNamespace(product_code="MUG", name="Mok")
    context = {"rows": [(product, 1200, 2345, 12.5)], "threshold": 1500, "days": 30, "today": date(2026, 3, 4),
               "link": "http://portal.test/p", "settings_link": "http://portal.test/s",
               "user": SimpleNamespace(username="ann"), "client": SimpleNamespace(name="Koffie")}

    subject, text, html = outbox.render_mail("low_stock_digest", language, context)

    for words in subject_words:
        assert words in subject
    for words in text_words:
        assert words in " ".join(text.split())
    for words in html_words:
        assert words in html
    for words in english_only:
        assert words not in text + html


def test_a_dutch_return_mail_names_the_status_as_the_portal_does(in_app):
    context = {"ret": SimpleNamespace(number="RT0001", name=""), "log": None, "status": "completed",
               "link": "http://portal.test/r", "settings_link": "http://portal.test/s",
               "user": SimpleNamespace(username="ann"), "client": SimpleNamespace(name="Koffie")}
    with force_locale("nl"):
        label = status_label("completed")
    subject, text, html = outbox.render_mail("return_status_changed", "nl", context)
    assert label != "completed"
    assert subject == f"Retour RT0001: {label}"
    assert f"is nu: {label}." in text and f"<strong>{label}</strong>" in html


def test_a_user_who_chose_another_language_gets_its_mail_in_that_language(in_app):
    """Mail follows the reader: a Dutch client's planner who reads English gets English mail, a colleague Dutch."""
    client = factories.make_client(language="nl")
    english_reader = factories.make_portal_user(client, notification_email="planner@example.com")
    accounts.set_language(english_reader, "en")
    factories.make_portal_user(client, notification_email="inkoop@example.com")
    cause_every_notification(client)
    languages = {(mail.recipient, mail.language) for mail in OutboxMail.select()}
    assert languages == {("planner@example.com", "en"), ("inkoop@example.com", "nl")}
