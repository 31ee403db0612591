"""Staff users, clients, their portal logins and API keys: creation, passwords and authentication."""

import hashlib
import secrets
from datetime import datetime

from peewee import JOIN, fn
from werkzeug.security import check_password_hash, generate_password_hash

from fulfilment.db import PreparedSelect, write_transaction
from fulfilment.i18n import _, _l
from fulfilment.models import (
    LANGUAGES,
    ApiKey,
    Client,
    Order,
    PortalUser,
    Product,
    PurchaseOrder,
    StaffUser,
    StockMutation,
    utcnow,
)
from fulfilment.services import login_sessions
from fulfilment.services.actors import describe_actor
from fulfilment.services.errors import DomainError, UsernameTaken, ValidationFailed, WeakPassword

MIN_PASSWORD_LENGTH = 12
# A short list of the passwords people pick most often; the length rule catches the rest.
COMMON_PASSWORDS = frozenset(
    ["123456789012", "1234567890123", "password1234", "password12345", "passwordpassword", "qwertyuiopas",
     "qwerty123456", "111111111111", "000000000000", "letmein12345", "welcome12345", "iloveyou1234",
     "administrator", "adminadmin123", "changeme1234", "fulfilment123", "monkey123456", "dragon123456",
     "abc123456789", "abcdefghijkl", "1q2w3e4r5t6y", "qwertyqwerty", "aaaaaaaaaaaa"]
)

# Hash used to spend the same time on unknown usernames as on known ones.
_DUMMY_HASH = generate_password_hash("not-a-real-password")


def hash_password(password):
    """Hash a password with Werkzeug's default (scrypt)."""
    return generate_password_hash(password)


def check_password_strength(password):
    """Refuse passwords that are short or among the most common ones."""
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise WeakPassword(_("The password must be at least %(minimum)s characters long.", minimum=MIN_PASSWORD_LENGTH))
    if password.lower() in COMMON_PASSWORDS:
        raise WeakPassword(_("This password is too common; choose another."))


def _check_username_free(username, model, exclude_id=None):
    """The stripped username when nobody else uses it. The refusal is the same whoever holds the
    name (another client, the same client, a deactivated login): it never says whose it is."""
    username = (username or "").strip()
    if not username:
        raise ValidationFailed(_("A username is required."))
    query = model.select().where(model.username == username)
    if exclude_id is not None:
        query = query.where(model.id != exclude_id)
    if query.exists():
        raise UsernameTaken()
    return username


class AdminsOnly(DomainError):
    http_status = 403
    default_message = _l("Only an admin may manage staff users and staff API keys.")


def _check_admin(actor):
    """Refuse a staff user without the admin flag, and a portal user (the CLI and the system may)."""
    if isinstance(actor, PortalUser) or (isinstance(actor, StaffUser) and not (actor.is_admin and actor.active)):
        raise AdminsOnly()


def create_staff_user(username, password, is_admin=False, actor=None):
    """Create a staff user with a hashed password (same password rules as portal logins)."""
    _check_admin(actor)
    with write_transaction():
        username = _check_username_free(username, StaffUser)
        check_password_strength(password)
        return StaffUser.create(username=username, password_hash=hash_password(password), is_admin=is_admin)


def _active_admins_besides(user):
    return (StaffUser.select().where((StaffUser.is_admin == True) & (StaffUser.active == True)  # noqa: E712
                                     & (StaffUser.id != user.id)).exists())


def update_staff_user(user, username=None, password=None, is_admin=None, active=None, actor=None):
    """Change a staff user; only the values given change.

    A new password (a reset) or deactivation ends all of the user's sessions. The last active
    admin cannot lose the admin flag or be deactivated, so nobody is locked out of staff management.
    """
    _check_admin(actor)
    with write_transaction():
        stays_admin = (user.is_admin if is_admin is None else is_admin) and (user.active if active is None else active)
        was_active_admin = StaffUser.select().where((StaffUser.id == user.id) & (StaffUser.is_admin == True)  # noqa: E712
                                                    & (StaffUser.active == True)).exists()  # noqa: E712
        if was_active_admin and not stays_admin and not _active_admins_besides(user):
            raise ValidationFailed(_("This is the last active admin: make another staff user an admin first."))
        if username is not None:
            username = _check_username_free(username, StaffUser, exclude_id=user.id)
        if password:
            check_password_strength(password)
        ends_sessions = bool(password) or (active is not None and user.active and not active)
        if username is not None:
            user.username = username
        if password:
            user.password_hash = hash_password(password)
        if is_admin is not None:
            user.is_admin = is_admin
        if active is not None:
            user.active = active
        user.save()
        if ends_sessions:
            login_sessions.end_sessions(user)
        return user


def authenticate(model, username, password):
    """Return the active user with these credentials, or None. Takes equal time either way."""
    user = model.get_or_none(model.username == (username or "").strip())
    if user is None:
        check_password_hash(_DUMMY_HASH, password or "")
        return None
    if not check_password_hash(user.password_hash, password or ""):
        return None
    return user


def authenticate_staff(username, password):
    user = authenticate(StaffUser, username, password)
    if user is None or not user.active:
        return None
    StaffUser.update(last_login_at=utcnow()).where(StaffUser.id == user.id).execute()
    return user


def authenticate_portal_user(username, password):
    """Return the portal user when the login is valid and the client may use the portal."""
    user = authenticate(PortalUser, username, password)
    if user is None or not portal_login_allowed(user):
        return None
    PortalUser.update(last_login_at=utcnow()).where(PortalUser.id == user.id).execute()
    return user


def portal_login_allowed(user):
    """A portal user may be logged in while the user, its client and the client's portal access are on."""
    client = user.client
    return bool(user.active and client.active and client.portal_access)


def save_client(client=None, *, login_username=None, login_password=None, **fields):
    """Create or update a client, and create or update its portal login when a username is given.

    A new login needs a password; an existing login keeps its password when none is given.
    """
    with write_transaction():
        client = client or Client()
        for name, value in fields.items():
            setattr(client, name, value)
        if not (client.name or "").strip():
            raise ValidationFailed(_("A client needs a name."))
        if client.language not in dict(LANGUAGES):
            raise ValidationFailed(_("Unknown language %(code)s: choose one of %(choices)s.",
                                     code=repr(client.language), choices=", ".join(dict(LANGUAGES))))
        client.updated_at = utcnow()
        client.save()
        if login_username:
            set_portal_login(client, login_username, login_password)
        if not (client.active and client.portal_access):
            login_sessions.end_client_sessions(client)
        return client


def create_portal_user(client, username, password, notification_email="", active=True):
    """Create a portal login for client; the password must pass the strength rules."""
    with write_transaction():
        username = _check_username_free(username, PortalUser)
        check_password_strength(password)
        return PortalUser.create(
            client=client, username=username, password_hash=hash_password(password),
            notification_email=(notification_email or "").strip(), active=active,
        )


def update_portal_user(user, username=None, password=None, notification_email=None, active=None):
    """Change a portal login; only the values given change.

    A new password set here (a staff reset) or deactivation ends all of the user's sessions.
    """
    with write_transaction():
        ends_sessions = False
        if username is not None:
            user.username = _check_username_free(username, PortalUser, exclude_id=user.id)
        if password:
            check_password_strength(password)
            user.password_hash = hash_password(password)
            ends_sessions = True
        if notification_email is not None:
            user.notification_email = notification_email.strip()
        if active is not None:
            ends_sessions = ends_sessions or (user.active and not active)
            user.active = active
        user.save()
        if ends_sessions:
            login_sessions.end_sessions(user)
        return user


def change_own_password(user, current_password, new_password, keep_token=None):
    """A user changes their own password: the current one must be right, the new one strong.

    Every other session of the user ends; the one behind keep_token (the browser making the
    change) stays logged in.
    """
    if not check_password_hash(user.password_hash, current_password or ""):
        raise ValidationFailed(_("The current password is not right."))
    if new_password == current_password:
        raise WeakPassword(_("The new password must differ from the current one."))
    check_password_strength(new_password)
    with write_transaction():
        user.password_hash = hash_password(new_password)
        user.save()
        login_sessions.end_sessions(user, keep_token=keep_token)
        return user


def set_portal_login(client, username, password=None):
    """Give the client a portal login (its first user), or change that login's username/password."""
    user = client.portal_users.order_by(PortalUser.id).first()
    if user is None:
        if not password:
            raise ValidationFailed(_("A new portal login needs a password."))
        return create_portal_user(client, username, password, notification_email=client.email)
    return update_portal_user(user, username=username, password=password)


# --- API keys -------------------------------------------------------------------------------

API_KEY_PREFIX_LENGTH = 8


def hash_api_key(raw_key):
    """The SHA-256 hex digest stored for an API key (the key itself is never stored)."""
    return hashlib.sha256(raw_key.encode("utf-8")).hexdigest()


def create_api_key(name, client=None, actor=None):
    """Create an API key, staff-wide or scoped to client; return (ApiKey, raw key). Show the raw key once.

    A staff-wide key reaches every client, so among staff only admins create one.
    """
    if client is None or isinstance(actor, StaffUser):
        _check_admin(actor)
    name = (name or "").strip()
    if not name:
        raise ValidationFailed(_("Give the API key a name, e.g. the shop or tool that will use it."))
    if len(name) > 255:
        raise ValidationFailed(_("The name of the API key is too long."))
    raw_key = secrets.token_urlsafe(32)
    with write_transaction():
        key = ApiKey.create(client=client, name=name, key_hash=hash_api_key(raw_key),
                            key_prefix=raw_key[:API_KEY_PREFIX_LENGTH], created_by=describe_actor(actor))
    return key, raw_key


def revoke_api_key(key, actor=None):
    """Deactivate an API key: requests made with it are refused from now on. It stays listed."""
    if key.client_id is None or isinstance(actor, StaffUser):
        _check_admin(actor)
    with write_transaction():
        ApiKey.update(active=False).where(ApiKey.id == key.id).execute()
    key.active = False
    return key


# Asked on every API request, so compiled once (and planned once per PostgreSQL connection).
_ACTIVE_KEY_BY_HASH = PreparedSelect(lambda key_hash: (
    ApiKey.select(ApiKey, Client).join(Client, JOIN.LEFT_OUTER)
    .where((ApiKey.key_hash == key_hash) & (ApiKey.active == True))  # noqa: E712
    .limit(1)))


def authenticate_api_key(raw_key):
    """Return the active API key for raw_key, or None; a scoped key of an inactive client is refused too."""
    if not raw_key:
        return None
    key = _ACTIVE_KEY_BY_HASH.first(hash_api_key(raw_key))
    if key is None or (key.client_id is not None and not key.client.active):
        return None
    return key


# The records that show a client's history with the warehouse began: its first product, order,
# purchase order or stock change (imported or back-dated ones included).
FIRST_RECORD_MODELS = (Product, Order, PurchaseOrder, StockMutation)


def client_since(client):
    """The day the client's history begins: its earliest record, or when the client was created."""
    parts = [model.select(fn.MIN(model.created_at).alias("first")).where(model.client == client.id)
             for model in FIRST_RECORD_MODELS]
    union = parts[0]
    for part in parts[1:]:
        union = union + part  # UNION ALL: one query for all of them
    moments = [client.created_at]
    for (moment,) in union.tuples():
        if isinstance(moment, str):  # SQLite answers a MIN() across a UNION as text
            moment = datetime.fromisoformat(moment)
        if moment is not None:
            moments.append(moment)
    return min(moments)


def set_language(user, language):
    """Choose the language user (a portal user or staff) reads; empty goes back to the default
    (a portal user's client's language, staff's browser's). Returns the language stored."""
    language = (language or "").strip() or None
    if language is not None and language not in dict(LANGUAGES):
        raise ValidationFailed(_("Unknown language %(code)s: choose one of %(choices)s.", code=language,
                                 choices=", ".join(dict(LANGUAGES))))
    with write_transaction():
        type(user).update(language=language).where(type(user).id == user.id).execute()
    user.language = language
    return language
