"""Brute-force throttling of logins and API keys, with the `limits` library.

Failed attempts are counted in fixed windows per username and per address (and per API
client address); once a limit is reached the next attempt is answered 429 with Retry-After,
before the password is even looked at, so the answer is the same whether the username
exists or not. The counters live where every web worker sees them: in Redis when
FULFILMENT_REDIS_URL is set, otherwise in the database (DatabaseStorage below, a `limits`
storage backend over the RateLimitCounter table).
"""

import functools
import hashlib
import math
import time
from dataclasses import dataclass

from flask import current_app, request
from limits import parse
from limits.storage import Storage, storage_from_string
from limits.strategies import FixedWindowRateLimiter
from peewee import Case, DatabaseError

from fulfilment.db import write_transaction
from fulfilment.i18n import ngettext
from fulfilment.models import RateLimitCounter

EXTENSION = "fulfilment_throttle"


class DatabaseStorage(Storage):
    """A `limits` storage for fixed windows in our database: one row per counter, an atomic upsert per hit."""

    STORAGE_SCHEME = ["fulfilment-database"]

    def __init__(self, uri=None, wrap_exceptions=False, **options):
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)

    @property
    def base_exceptions(self):
        return DatabaseError

    def incr(self, key, expiry, amount=1):
        """Add amount to the counter; a counter whose window ended starts again from amount."""
        now = time.time()
        expired = RateLimitCounter.expires_at <= now
        with write_transaction():
            (RateLimitCounter.insert(name=key, hits=amount, expires_at=now + expiry)
             .on_conflict(conflict_target=[RateLimitCounter.name], update={
                 RateLimitCounter.hits: Case(None, [(expired, amount)], RateLimitCounter.hits + amount),
                 RateLimitCounter.expires_at: Case(None, [(expired, now + expiry)], RateLimitCounter.expires_at),
             }).execute())
            hits = RateLimitCounter.select(RateLimitCounter.hits).where(RateLimitCounter.name == key).scalar()
            if hits == amount:  # a new window: sweep counters whose window ended long ago
                RateLimitCounter.delete().where(RateLimitCounter.expires_at < now - 3600).execute()
        return hits

    def get(self, key):
        return (RateLimitCounter.select(RateLimitCounter.hits)
                .where((RateLimitCounter.name == key) & (RateLimitCounter.expires_at > time.time())).scalar() or 0)

    def get_expiry(self, key):
        expires_at = (RateLimitCounter.select(RateLimitCounter.expires_at)
                      .where(RateLimitCounter.name == key).scalar())
        return expires_at if expires_at is not None else time.time()

    def check(self):
        return True

    def reset(self):
        with write_transaction():
            return RateLimitCounter.delete().execute()

    def clear(self, key):
        with write_transaction():
            RateLimitCounter.delete().where(RateLimitCounter.name == key).execute()


class Throttled(Exception):
    """Too many failed attempts: try again after retry_after seconds."""

    def __init__(self, retry_after):
        self.retry_after = retry_after
        super().__init__(f"Too many failed attempts; try again in {retry_after} seconds.")

    @property
    def message(self):
        """What the person who is kept waiting reads, in the request's language."""
        if self.retry_after > 60:
            return ngettext("Too many failed attempts. Try again in %(num)s minute.",
                            "Too many failed attempts. Try again in %(num)s minutes.", math.ceil(self.retry_after / 60))
        return ngettext("Too many failed attempts. Try again in %(num)s second.",
                        "Too many failed attempts. Try again in %(num)s seconds.", self.retry_after)


@dataclass
class Throttle:
    limiter: FixedWindowRateLimiter


# Each throttle: its name and the config setting holding its limit ("10 per 15 minutes").
SETTINGS = {
    "login-username": "LOGIN_FAILURES_PER_USERNAME",
    "login-address": "LOGIN_FAILURES_PER_ADDRESS",
    "api-key-address": "API_KEY_FAILURES_PER_ADDRESS",
    "username-refusals": "USERNAME_REFUSALS_PER_USER",
}


def init_app(app):
    """Choose the shared storage (Redis or the database) and parse the configured limits."""
    redis_url = app.config.get("REDIS_URL")
    storage = storage_from_string(redis_url) if redis_url else DatabaseStorage()
    for setting in SETTINGS.values():
        _parsed(str(app.config[setting]))  # a malformed limit fails at start-up, not at a login
    app.extensions[EXTENSION] = Throttle(limiter=FixedWindowRateLimiter(storage))


@functools.lru_cache(maxsize=32)
def _parsed(text):
    return parse(text)


def _limit(name):
    return _parsed(str(current_app.config[SETTINGS[name]]))


def _throttle():
    return current_app.extensions[EXTENSION]


def _identifier(value):
    """Usernames are counted by a hash: what someone typed (maybe a password) is never stored."""
    return hashlib.sha256((value or "").strip().lower().encode("utf-8")).hexdigest()[:32]


def client_address():
    return request.remote_addr or "unknown"


def login_keys(realm, username):
    """The counters a login attempt of realm ('staff', 'portal') with username is checked against."""
    return [("login-username", realm, _identifier(username)), ("login-address", realm, client_address())]


def check(keys):
    """Raise Throttled when any of the counters is full (nothing is counted here)."""
    throttle = _throttle()
    waits = []
    for name, *identifiers in keys:
        item = _limit(name)
        if not throttle.limiter.test(item, *identifiers):
            reset_at = throttle.limiter.get_window_stats(item, *identifiers).reset_time
            waits.append(max(1, math.ceil(reset_at - time.time())))
    if waits:
        raise Throttled(max(waits))


def record_failure(keys):
    """Count one failed attempt on every counter."""
    throttle = _throttle()
    for name, *identifiers in keys:
        throttle.limiter.hit(_limit(name), *identifiers)


def forget(keys):
    """Start the counters again (a successful login clears its username's failures)."""
    throttle = _throttle()
    for name, *identifiers in keys:
        throttle.limiter.clear(_limit(name), *identifiers)


def retry_after_headers(error):
    return {"Retry-After": str(error.retry_after)}
