"""Webshop credentials at rest: encrypted with Fernet, shown again only as a masked hint.

The key comes from FULFILMENT_WEBSHOP_KEY (or a key kept in the instance folder). Several
comma-separated keys rotate: the first encrypts, every one of them decrypts.
"""

import json

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from fulfilment.i18n import _, _l
from fulfilment.services.errors import DomainError

_cipher = None


class InvalidWebshopKey(ValueError):
    """The configured key is not a Fernet key."""


class CredentialsUnavailable(DomainError):
    http_status = 409
    default_message = _l("No credentials are stored for this webshop; enter them in the webshop's settings.")


def configure(keys_text):
    """Bind the cipher to the configured key(s); raise InvalidWebshopKey for a malformed one."""
    global _cipher
    keys = [key.strip() for key in str(keys_text or "").split(",") if key.strip()]
    try:
        if not keys:
            raise ValueError("no key")
        _cipher = MultiFernet([Fernet(key.encode()) for key in keys])
    except (ValueError, TypeError):
        raise InvalidWebshopKey(
            "FULFILMENT_WEBSHOP_KEY must be a Fernet key (or several, comma-separated). Generate one with: "
            "python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'"
        ) from None


def _bound_cipher():
    if _cipher is None:
        raise RuntimeError("webshop credentials are used before create_app() configured their key")
    return _cipher


def encrypt_credentials(values):
    """Encrypt a dict of credential fields into the text stored in Webshop.credentials_encrypted."""
    return _bound_cipher().encrypt(json.dumps(values, sort_keys=True).encode()).decode()


def decrypt_credentials(token):
    """The credential fields stored in ``token``; CredentialsUnavailable when none or unreadable."""
    if not token:
        raise CredentialsUnavailable()
    try:
        values = json.loads(_bound_cipher().decrypt(token.encode()))
    except (InvalidToken, ValueError):
        raise CredentialsUnavailable(_(
            "The stored credentials of this webshop cannot be read with the current FULFILMENT_WEBSHOP_KEY "
            "(was the key changed?). Enter them again in the webshop's settings."
        )) from None
    if not isinstance(values, dict):
        raise CredentialsUnavailable()
    return values


def mask(value):
    """A hint that recognises a secret without revealing it: 'ck_…3f9a'."""
    value = value or ""
    if len(value) < 12:
        return "•" * 4
    prefix = value[: value.index("_") + 1] if "_" in value[:7] else ""
    return f"{prefix}…{value[-4:]}"
