"""The mail outbox: e-mails are written as rows in the transaction of their event and sent by the worker.

Nothing is lost when the SMTP server is down (the row waits and is tried again with back-off), and
nothing is sent for a change that was rolled back (the row went with it). An attempt first takes a
lease on the row (status ``sending``, next_attempt_at in the future), so two workers never send the
same message, and a worker that dies mid-attempt leaves a row that is tried again after the lease.
Each message keeps one Message-ID for all its attempts, so a mail program shows a repeat once.

SMTP comes from FULFILMENT_SMTP_URL: ``smtp://user:pass@host:587`` (STARTTLS, required),
``smtps://user:pass@host:465`` (TLS from the start); ``?starttls=no`` on smtp:// is for a relay on
this machine or in a test, without encryption. Without the setting messages stay in the outbox.
"""

import logging
import smtplib
import ssl
from dataclasses import dataclass
from datetime import timedelta
from email.message import EmailMessage
from email.utils import make_msgid, parseaddr
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from babel.numbers import format_decimal
from flask import current_app, has_app_context, has_request_context, request
from flask_babel import get_locale
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from fulfilment.db import write_transaction
from fulfilment.formatting import format_date, format_datetime, format_money, format_number
from fulfilment.i18n import DEFAULT_LANGUAGE, LANGUAGE_CODES, _, force_locale
from fulfilment.models import OutboxMail, utcnow
from fulfilment.services.errors import ValidationFailed, WrongStatus
from fulfilment.vocabulary import status_label

logger = logging.getLogger(__name__)

LEASE = timedelta(minutes=5)
FIRST_RETRY = timedelta(minutes=1)
LONGEST_WAIT = timedelta(hours=1)


@dataclass(frozen=True)
class SmtpServer:
    host: str
    port: int
    security: str  # "ssl", "starttls" or "none"
    username: str = ""
    password: str = ""


def parse_smtp_url(url):
    """The SMTP server an smtp:// or smtps:// URL names; ValidationFailed saying what is wrong."""
    parts = urlsplit(url or "")
    if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
        raise ValidationFailed(_("FULFILMENT_SMTP_URL must look like smtp://user:password@host:587 or "
                                 "smtps://user:password@host:465."))
    options = parse_qs(parts.query)
    if parts.scheme == "smtps":
        security, port = "ssl", parts.port or 465
    else:
        plain = options.get("starttls", ["yes"])[0].lower() in ("no", "false", "0", "off")
        security, port = ("none" if plain else "starttls"), parts.port or 587
    return SmtpServer(parts.hostname, port, security, unquote(parts.username or ""), unquote(parts.password or ""))


def retry_delay(attempts):
    """Wait 1, 2, 4 … minutes after each failed attempt, at most an hour."""
    return min(FIRST_RETRY * 2 ** max(attempts - 1, 0), LONGEST_WAIT)


_app = None
_templates = None


def init_app(app):
    """Remember the app: messages are written inside any service call, also where no app context is pushed."""
    global _app
    _app = app


def _the_app():
    return current_app._get_current_object() if has_app_context() else _app


def _template_environment():
    global _templates
    if _templates is None:
        _templates = Environment(
            loader=FileSystemLoader(str(Path(__file__).resolve().parent.parent / "templates")),
            autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=False),
            trim_blocks=True, lstrip_blocks=True, undefined=StrictUndefined,
        )
        # the portal's formats, in the mail's language (render_mail sets it)
        _templates.filters.update(date=format_date, datetime=format_datetime, money=format_money,
                                  number=format_number, one_decimal=format_one_decimal, status_label=status_label)
    return _templates


def format_one_decimal(value):
    """A number with one decimal in the mail's language ("3.5" / "3,5"), such as days of stock cover."""
    return format_decimal(value, format="#,##0.0", locale=get_locale() or DEFAULT_LANGUAGE)


def public_url():
    """The portal's address for links in e-mails: FULFILMENT_PUBLIC_URL, else this request's, else SERVER_NAME's."""
    config = _the_app().config
    if config.get("PUBLIC_URL"):
        return config["PUBLIC_URL"].rstrip("/")
    if has_request_context():
        return request.host_url.rstrip("/")
    if config.get("SERVER_NAME"):
        return f"{config.get('PREFERRED_URL_SCHEME') or 'http'}://{config['SERVER_NAME']}"
    return "http://127.0.0.1:5000"


def portal_link(endpoint, **values):
    """An absolute link to a portal page, also from the worker (no request)."""
    path = _the_app().url_map.bind("localhost").build(endpoint, values)
    return public_url() + path


def _render_block(template, block, context):
    return "".join(template.blocks[block](template.new_context(context))).strip()


def render_mail(kind, language, context):
    """(subject, text, html) of a kind of e-mail in a language, from templates/mail/<language>/<kind>.*"""
    language = language if language in LANGUAGE_CODES else "en"
    env = _template_environment()
    base = f"mail/{language}/{kind}"
    context = {**context, "language": language}
    with force_locale(language):
        text_template = env.get_template(f"{base}.txt")
        subject = " ".join(_render_block(text_template, "subject", context).split())
        text = _render_block(text_template, "body", context) + "\n"
        html = env.get_template(f"{base}.html").render(context)
    return subject, text, html


def queue_mail(*, recipient, kind, language, context, client=None, portal_user=None, dedupe_key=None):
    """Write an e-mail to the outbox in the current transaction; the worker sends it. Returns the row.

    With a dedupe_key a message is written once: a second one with the same key is not written
    (returns None), e.g. one low-stock digest per user per day.
    """
    subject, text, html = render_mail(kind, language, context)
    with write_transaction():
        if dedupe_key and OutboxMail.select().where(OutboxMail.dedupe_key == dedupe_key).exists():
            return None
        domain = parseaddr(_the_app().config["MAIL_FROM"])[1].rpartition("@")[2] or "localhost"
        return OutboxMail.create(
            client=client, portal_user=portal_user, kind=kind, language=language, recipient=recipient,
            subject=subject[:255], text_body=text, html_body=html, message_id=make_msgid(domain=domain),
            dedupe_key=dedupe_key,
        )


def build_message(mail):
    """The EmailMessage of an outbox row: plain text with an HTML alternative."""
    message = EmailMessage()
    message["Subject"] = mail.subject
    message["From"] = current_app.config["MAIL_FROM"]
    message["To"] = mail.recipient
    message["Message-ID"] = mail.message_id
    message["Date"] = mail.created_at.strftime("%a, %d %b %Y %H:%M:%S +0000")
    message.set_content(mail.text_body)
    if mail.html_body:
        message.add_alternative(mail.html_body, subtype="html")
    # After the content: setting it moves Content-* headers into the parts.
    message["Content-Language"] = mail.language
    return message


def _due(now):
    waiting = OutboxMail.status.in_(("pending", "retrying")) & (
        OutboxMail.next_attempt_at.is_null() | (OutboxMail.next_attempt_at <= now))
    abandoned = (OutboxMail.status == "sending") & (OutboxMail.next_attempt_at <= now)
    return waiting | abandoned


def due_mail(now=None, limit=50):
    """Messages to send now, oldest first."""
    now = now or utcnow()
    return OutboxMail.select().where(_due(now)).order_by(OutboxMail.id).limit(limit)


def waiting_count():
    return OutboxMail.select().where(OutboxMail.status.in_(("pending", "retrying", "sending"))).count()


def _take_lease(mail, now):
    with write_transaction():
        taken = OutboxMail.update(status="sending", next_attempt_at=now + LEASE).where(
            (OutboxMail.id == mail.id) & _due(now)).execute()
    return taken == 1


def _open_connection(server, timeout):
    context = ssl.create_default_context(cafile=current_app.config.get("SMTP_CA_BUNDLE") or None)
    if server.security == "ssl":
        connection = smtplib.SMTP_SSL(server.host, server.port, timeout=timeout, context=context)
    else:
        connection = smtplib.SMTP(server.host, server.port, timeout=timeout)
        if server.security == "starttls":
            connection.starttls(context=context)
    if server.username:
        connection.login(server.username, server.password)
    return connection


def send_due_mail(now=None, limit=50):
    """Send every due message over one SMTP connection; return {'sent': n, 'failed': n}.

    Without FULFILMENT_SMTP_URL nothing is sent and the messages wait. When the server cannot be
    reached, the first message's attempt is counted as failed and the rest wait for the next run.
    """
    outcomes = {"sent": 0, "failed": 0}
    url = current_app.config.get("SMTP_URL")
    if not url:
        return outcomes
    server = parse_smtp_url(url)
    now = now or utcnow()
    connection = None
    try:
        for mail in list(due_mail(now, limit)):
            if not _take_lease(mail, now):
                continue
            try:
                if connection is None:
                    connection = _open_connection(server, float(current_app.config["SMTP_TIMEOUT"]))
                connection.send_message(build_message(mail))
            except (smtplib.SMTPException, OSError) as error:
                _record_failure(mail, error, now)
                outcomes["failed"] += 1
                if not isinstance(error, smtplib.SMTPRecipientsRefused):
                    break  # the server is the problem: the others wait for the next run
                continue
            _record_sent(mail, now)
            outcomes["sent"] += 1
    finally:
        if connection is not None:
            try:
                connection.quit()
            except (smtplib.SMTPException, OSError):
                connection.close()
    return outcomes


def _describe(error):
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return _("The mail server refused the recipient: %(answers)s", answers="; ".join(
            f"{address}: {code} {message.decode(errors='replace') if isinstance(message, bytes) else message}"
            for address, (code, message) in error.recipients.items()))
    if isinstance(error, smtplib.SMTPAuthenticationError):
        return _("The mail server refused the user name or password in FULFILMENT_SMTP_URL.")
    if isinstance(error, smtplib.SMTPResponseException):
        text = error.smtp_error.decode(errors="replace") if isinstance(error.smtp_error, bytes) else error.smtp_error
        return _("The mail server answered %(code)s: %(text)s", code=error.smtp_code, text=text)
    if isinstance(error, (ConnectionRefusedError, TimeoutError, OSError)):
        return _("The mail server could not be reached (%(error)s).", error=_error_text(error))
    return _error_text(error)


def _error_text(error):
    return f"{type(error).__name__}: {error}"


def _record_failure(mail, error, now):
    attempts = mail.attempts + 1
    permanent = isinstance(error, smtplib.SMTPRecipientsRefused) or (
        isinstance(error, smtplib.SMTPResponseException) and error.smtp_code >= 500
        and not isinstance(error, smtplib.SMTPAuthenticationError))
    give_up = permanent or attempts >= int(current_app.config["MAIL_MAX_ATTEMPTS"])
    message = _describe(error)
    with write_transaction():
        OutboxMail.update(
            status="failed" if give_up else "retrying", attempts=attempts, last_error=message[:2000],
            next_attempt_at=None if give_up else now + retry_delay(attempts),
        ).where(OutboxMail.id == mail.id).execute()
    logger.warning("Mail #%s to %s not sent (attempt %s): %s", mail.id, mail.recipient, attempts, message)


def _record_sent(mail, now):
    with write_transaction():
        OutboxMail.update(status="sent", attempts=OutboxMail.attempts + 1, sent_at=now, next_attempt_at=None,
                          last_error="").where(OutboxMail.id == mail.id).execute()


def send_again(mail, actor=None):
    """Put a message that failed for good back in the queue (staff, after fixing the cause)."""
    with write_transaction():
        updated = OutboxMail.update(status="pending", attempts=0, next_attempt_at=None).where(
            (OutboxMail.id == mail.id) & (OutboxMail.status == "failed")).execute()
    if not updated:
        raise WrongStatus(_("Only a message that could not be sent can be sent again."))
    return OutboxMail.get_by_id(mail.id)
