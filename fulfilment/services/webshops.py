"""Webshop connections: saving them with their credentials encrypted, and reaching them.

Staff manage every client's webshops; a portal user may add and change its own client's
webshops only when the client has product management. Importing orders, the connection
test and tracking back live in webshop_import, webshop_checks and webshop_tracking.
"""

from dataclasses import dataclass, field
from urllib.parse import urlsplit, urlunsplit

from fulfilment.db import write_transaction
from fulfilment.i18n import _, _l
from fulfilment.models import PLATFORMS, PortalUser, Webshop
from fulfilment.services import webshop_credentials
from fulfilment.services.connectors import CONNECTORS
from fulfilment.services.connectors.http import HttpSettings, ShopHttp
from fulfilment.services.errors import DomainError, ValidationFailed

PLATFORM_NAMES = dict(PLATFORMS)
MAX_CREDENTIAL_LENGTH = 512


class WebshopNotAllowed(DomainError):
    http_status = 403
    default_message = _l("Adding or changing webshops needs access to product management; ask the warehouse.")


@dataclass
class WebshopSettings:
    http: HttpSettings = field(default_factory=HttpSettings)
    shopify_api_version: str = "2026-10"
    sync_minutes: int = 5
    push_max_attempts: int = 10


settings = WebshopSettings()


def init_app(app):
    """Bind the credentials key and the connector settings from app.config (like the database)."""
    global settings
    webshop_credentials.configure(app.config["WEBSHOP_KEY"])
    settings = WebshopSettings(
        http=HttpSettings.from_config(app.config),
        shopify_api_version=app.config["SHOPIFY_API_VERSION"],
        sync_minutes=int(app.config["WEBSHOP_SYNC_MINUTES"]),
        push_max_attempts=int(app.config["WEBSHOP_PUSH_MAX_ATTEMPTS"]),
    )


def credential_fields(platform):
    """{field: label} of the credentials a platform needs (labels in the reader's language)."""
    return {name: str(label) for name, label in CONNECTORS[platform].credential_fields.items()}


def clean_url(url):
    """The shop's address as https://host[/path], without a trailing slash; ValidationFailed if unusable."""
    text = (url or "").strip()
    if text and "://" not in text:
        text = "https://" + text
    parts = urlsplit(text)
    allowed = ("https", "http") if settings.http.allow_http else ("https",)
    if parts.scheme not in allowed:
        raise ValidationFailed(_("The shop's address must start with https:// (credentials are only sent "
                                 "encrypted)."))
    if not parts.hostname or parts.username or parts.password or " " in text:
        raise ValidationFailed(_("Enter the shop's address like https://www.example-shop.com."))
    cleaned = urlunsplit((parts.scheme, parts.netloc.lower(), parts.path.rstrip("/"), "", ""))
    if len(cleaned) > 255:
        raise ValidationFailed(_("The shop's address is too long."))
    return cleaned


def _clean_credentials(platform, credentials):
    """The platform's credential fields from ``credentials``: {} when none was entered, else all of them."""
    fields = credential_fields(platform)
    given = {name: (credentials or {}).get(name) or "" for name in fields}
    given = {name: value.strip() for name, value in given.items()}
    if not any(given.values()):
        return {}
    missing = [label.lower() for name, label in fields.items() if not given[name]]
    if len(missing) == 1:
        raise ValidationFailed(_("Enter the %(field)s as well.", field=missing[0]))
    if missing:
        raise ValidationFailed(_("Enter the %(first)s and the %(second)s as well.", first=", ".join(missing[:-1]),
                                 second=missing[-1]))
    for name, value in given.items():
        if len(value) > MAX_CREDENTIAL_LENGTH or any(ch.isspace() for ch in value):
            raise ValidationFailed(_("The %(field)s is not valid: copy it again without spaces.",
                                     field=fields[name].lower()))
    return given


def _check_actor_may_manage(client, actor):
    if isinstance(actor, PortalUser):
        if actor.client_id != client.id:
            raise WebshopNotAllowed(_("This webshop belongs to another client."))
        if not client.product_management:
            raise WebshopNotAllowed()


def save_webshop(webshop, *, client, platform, name, url, active=True, credentials=None, actor=None):
    """Create (webshop=None) or change a webshop connection.

    ``credentials`` holds the platform's fields (consumer key and secret, or access token); they
    are stored encrypted. Left empty when changing a webshop, the stored ones are kept.
    """
    if platform not in PLATFORM_NAMES:
        raise ValidationFailed(_("Choose the shop's platform: WooCommerce or Shopify."))
    _check_actor_may_manage(client, actor)
    if webshop is not None:
        _check_actor_may_manage(webshop.client, actor)
    name = (name or "").strip()
    if not name or len(name) > 255:
        raise ValidationFailed(_("Give the webshop a name (at most 255 characters)."))
    url = clean_url(url)
    cleaned = _clean_credentials(platform, credentials)
    platform_changed = webshop is not None and webshop.platform != platform
    if not cleaned and (webshop is None or platform_changed or not webshop.credentials_encrypted):
        labels = [label.lower() for label in credential_fields(platform).values()]
        if len(labels) == 1:
            raise ValidationFailed(_("Enter the %(field)s of the %(platform)s shop.", field=labels[0],
                                     platform=PLATFORM_NAMES[platform]))
        raise ValidationFailed(_("Enter the %(first)s and %(second)s of the %(platform)s shop.",
                                 first=", ".join(labels[:-1]), second=labels[-1], platform=PLATFORM_NAMES[platform]))
    with write_transaction():
        if webshop is None:
            webshop = Webshop(client=client)
        connection_changed = cleaned or platform_changed or url != webshop.url
        webshop.client = client
        webshop.platform, webshop.name, webshop.url, webshop.active = platform, name, url, bool(active)
        if cleaned:
            webshop.credentials_encrypted = webshop_credentials.encrypt_credentials(cleaned)
        if connection_changed:
            # An earlier test said something about another connection.
            webshop.last_test_at, webshop.last_test_passed, webshop.last_test_result = None, None, ""
        webshop.save()
        return webshop


def credential_hint(webshop):
    """'consumer key ck_…3f9a, consumer secret cs_…0b1c' — enough to recognise, never the secret itself."""
    if not webshop.credentials_encrypted:
        return _("none stored")
    try:
        values = webshop_credentials.decrypt_credentials(webshop.credentials_encrypted)
    except webshop_credentials.CredentialsUnavailable:
        return _("unreadable: enter them again")
    fields = credential_fields(webshop.platform)
    return ", ".join(f"{label.lower()} {webshop_credentials.mask(values.get(name))}" for name, label in fields.items())


def connector_for(webshop, http=None, **options):
    """A connector for the webshop, with its decrypted credentials; use it in ``with closing(…)``."""
    credentials = webshop_credentials.decrypt_credentials(webshop.credentials_encrypted)
    connector_class = CONNECTORS[webshop.platform]
    return connector_class(webshop.url, credentials, ShopHttp(http or settings.http),
                           api_version=settings.shopify_api_version, **options)


def importable_webshops():
    """Active webshops with credentials: the ones the periodic import visits."""
    return (Webshop.select().where((Webshop.active == True) & (Webshop.credentials_encrypted != ""))  # noqa: E712
            .order_by(Webshop.id))


def mark_imported(webshop, started_at):
    """Remember when an import that started at ``started_at`` completed (never moving back in time)."""
    with write_transaction():
        Webshop.update(last_import_at=started_at).where(
            (Webshop.id == webshop.id) & ((Webshop.last_import_at.is_null()) | (Webshop.last_import_at < started_at))
        ).execute()
    webshop.last_import_at = max(filter(None, [webshop.last_import_at, started_at]))

