"""Login sessions kept on the server, so every one of them can be ended.

A session is a LoginSession row; the browser's signed cookie holds only its random token (the
row stores the token's SHA-256). Logging out deletes the row, a password change deletes the
user's other rows, a staff reset or a deactivation deletes all of them: a copied cookie is
refused from then on.
"""

import hashlib
import re
import secrets
from datetime import timedelta

from peewee import JOIN

from fulfilment.db import PreparedSelect, write_transaction
from fulfilment.i18n import _
from fulfilment.models import Client, LoginSession, PortalUser, StaffUser, utcnow
from fulfilment.services.errors import NotFound

# last_seen_at is written at most this often, so a page view is not a write every time.
LAST_SEEN_RESOLUTION = timedelta(minutes=1)
DEFAULT_IDLE_LIFETIME = timedelta(days=14)


def hash_token(token):
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _owner_field(user):
    return LoginSession.staff_user if isinstance(user, StaffUser) else LoginSession.portal_user


def start_session(user, user_agent="", ip_address="", idle_lifetime=DEFAULT_IDLE_LIFETIME):
    """Record a new session of user and return its token (the only copy: it goes into the cookie).

    Sessions of anyone idle longer than idle_lifetime are swept away on the way.
    """
    token = secrets.token_urlsafe(32)
    now = utcnow()
    with write_transaction():
        LoginSession.delete().where(LoginSession.last_seen_at < now - idle_lifetime).execute()
        LoginSession.create(
            token_hash=hash_token(token),
            staff_user=user if isinstance(user, StaffUser) else None,
            portal_user=user if isinstance(user, PortalUser) else None,
            created_at=now, last_seen_at=now,
            user_agent=(user_agent or "")[:255], ip_address=(ip_address or "")[:64],
        )
    return token


# Every request asks this; its SQL (four tables, all their columns) is compiled once.
_SESSION_BY_TOKEN_HASH = PreparedSelect(lambda token_hash: (
    LoginSession.select(LoginSession, StaffUser, PortalUser, Client)
    .join(StaffUser, JOIN.LEFT_OUTER, on=(LoginSession.staff_user == StaffUser.id))
    .switch(LoginSession)
    .join(PortalUser, JOIN.LEFT_OUTER, on=(LoginSession.portal_user == PortalUser.id))
    .join(Client, JOIN.LEFT_OUTER, on=(PortalUser.client == Client.id))
    .where(LoginSession.token_hash == token_hash)
    .limit(1)))


def find_session(token, idle_lifetime=DEFAULT_IDLE_LIFETIME):
    """The live session for token with its user (and a portal user's client) in one query, or None."""
    if not token or not isinstance(token, str):
        return None
    session = _SESSION_BY_TOKEN_HASH.first(hash_token(token))
    if session is None or session.last_seen_at < utcnow() - idle_lifetime:
        return None
    return session


def touch(session):
    """Note that the session was used now (at most once a minute)."""
    now = utcnow()
    if session.last_seen_at <= now - LAST_SEEN_RESOLUTION:
        LoginSession.update(last_seen_at=now).where(LoginSession.id == session.id).execute()
        session.last_seen_at = now


def end_session(token):
    """End the session behind token (logging out)."""
    if token:
        with write_transaction():
            LoginSession.delete().where(LoginSession.token_hash == hash_token(token)).execute()


def end_own_session(user, session_id):
    """End one of user's own sessions; another user's session id is NotFound, like a missing one."""
    with write_transaction():
        deleted = (LoginSession.delete()
                   .where((LoginSession.id == session_id) & (_owner_field(user) == user.id))
                   .execute())
    if not deleted:
        raise NotFound(_("This session has already ended."))


def end_sessions(user, keep_token=None):
    """End every session of user, except the one behind keep_token when given. Returns how many."""
    query = LoginSession.delete().where(_owner_field(user) == user.id)
    if keep_token:
        query = query.where(LoginSession.token_hash != hash_token(keep_token))
    with write_transaction():
        return query.execute()


def end_client_sessions(client):
    """End every session of every portal user of client (portal access off, client inactive)."""
    users = PortalUser.select(PortalUser.id).where(PortalUser.client == client)
    with write_transaction():
        return LoginSession.delete().where(LoginSession.portal_user.in_(users)).execute()


def sessions_of(user):
    """User's sessions, the most recently used first (a person has a handful, never a page)."""
    return list(LoginSession.select().where(_owner_field(user) == user.id)
                .order_by(LoginSession.last_seen_at.desc(), LoginSession.id.desc()).limit(100))


_BROWSERS = (("Edg/", "Edge"), ("OPR/", "Opera"), ("Firefox/", "Firefox"), ("Chromium/", "Chromium"),
             ("Chrome/", "Chrome"), ("Safari/", "Safari"))
_SYSTEMS = (("Android", "Android"), (r"iPhone|iPad", "iOS"), ("Windows", "Windows"), ("Mac OS X|Macintosh", "macOS"),
            ("CrOS", "ChromeOS"), ("Linux", "Linux"))


def browser_label(user_agent):
    """A person-readable name for a User-Agent header: 'Firefox on Windows'."""
    user_agent = user_agent or ""
    browser = next((name for marker, name in _BROWSERS if marker in user_agent), None)
    system = next((name for pattern, name in _SYSTEMS if re.search(pattern, user_agent)), None)
    if browser and system:
        return _("%(browser)s on %(system)s", browser=browser, system=system)
    return browser or system or (user_agent[:60] if user_agent else _("Unknown browser"))


def end_session_record(login_session):
    """End a session an admin picked in the back office."""
    with write_transaction():
        LoginSession.delete().where(LoginSession.id == login_session.id).execute()


def end_session_records(session_ids):
    """End the sessions an admin selected; returns how many ended."""
    with write_transaction():
        return LoginSession.delete().where(LoginSession.id.in_(session_ids)).execute()
