"""SMTP with STARTTLS and a login, as FULFILMENT_SMTP_URL=smtp://user:pass@host:587 asks, against aiosmtpd
on 127.0.0.1 with a certificate made for the test; and the worker's jobs send mail and webhooks."""

import datetime
import ipaddress
import ssl

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from fulfilment.models import OutboxMail, WebhookDelivery
from fulfilment.services import outbox
from tests import factories
from tests.notifications.conftest import Inbox, free_port


def certificate_for_localhost(directory):
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = directory / "smtp.pem", directory / "smtp.key"
    cert_file.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_file, key_file


def only_anna(server, session, envelope, mechanism, auth_data):
    return AuthResult(success=auth_data.login == b"anna" and auth_data.password == b"geheim wachtwoord")


@pytest.fixture
def tls_smtp(tmp_path):
    cert_file, key_file = certificate_for_localhost(tmp_path)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert_file, key_file)
    inbox, port = Inbox(), free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port, tls_context=context, require_starttls=True,
                            auth_required=True, auth_require_tls=True, authenticator=only_anna)
    controller.start()
    yield inbox, port, cert_file
    controller.stop()


def test_mail_goes_over_starttls_with_the_login_from_the_url(in_app, tls_smtp):
    inbox, port, cert_file = tls_smtp
    client = factories.make_client(language="nl")
    factories.make_portal_user(client, notification_email="anna@example.com")
    factories.make_shipped_order(client)
    in_app.config.update(SMTP_URL=f"smtp://anna:geheim%20wachtwoord@127.0.0.1:{port}", SMTP_CA_BUNDLE=str(cert_file))
    assert outbox.send_due_mail() == {"sent": 1, "failed": 0}
    assert [recipients for recipients, _ in inbox.messages] == [["anna@example.com"]]


def test_a_refused_login_sends_nothing_and_is_retried_later(in_app, tls_smtp):
    inbox, port, cert_file = tls_smtp
    client = factories.make_client()
    factories.make_portal_user(client, notification_email="anna@example.com")
    factories.make_shipped_order(client)
    # aiosmtpd answers a wrong PLAIN login with 535, then lets smtplib's LOGIN attempt wait: a short time-out.
    in_app.config.update(SMTP_URL=f"smtp://anna:wrong@127.0.0.1:{port}", SMTP_CA_BUNDLE=str(cert_file),
                         SMTP_TIMEOUT=2.0)
    assert outbox.send_due_mail() == {"sent": 0, "failed": 1}
    mail = OutboxMail.get()
    assert mail.status == "retrying" and mail.attempts == 1 and mail.last_error
    assert inbox.messages == []


def test_an_untrusted_certificate_is_refused(in_app, tls_smtp):
    inbox, port, _ = tls_smtp
    client = factories.make_client()
    factories.make_portal_user(client, notification_email="anna@example.com")
    factories.make_shipped_order(client)
    in_app.config.update(SMTP_URL=f"smtp://anna:geheim%20wachtwoord@127.0.0.1:{port}", SMTP_CA_BUNDLE=None)
    assert outbox.send_due_mail() == {"sent": 0, "failed": 1}
    assert OutboxMail.get().status == "retrying" and inbox.messages == []


def test_the_workers_jobs_send_the_outbox_and_the_webhooks(app, smtp_server, receiver, local_addresses):
    from fulfilment.models import Hook

    client = factories.make_client()
    factories.make_portal_user(client, notification_email="anna@example.com")
    Hook.create(client=client, name="ERP", event="picklists.shipments.created", address=receiver.url())
    with app.app_context():
        factories.make_shipped_order(client)
    app.config["SMTP_URL"] = smtp_server.url
    jobs = app.extensions["jobs"]
    jobs.send_mail()
    jobs.deliver_webhooks()
    assert len(smtp_server.inbox.messages) == 1
    assert len(receiver.requests) == 1
    assert OutboxMail.get().status == "sent" and WebhookDelivery.get().status == "delivered"
