"""The throttle's counters are shared by every web worker: in the database, or in Redis."""

import uuid

import pytest
from limits import parse
from limits.storage import RedisStorage, storage_from_string
from limits.strategies import FixedWindowRateLimiter

from fulfilment import create_app, throttling
from fulfilment.models import RateLimitCounter

REDIS_URL = "redis://127.0.0.1:6379/15"


def redis_available():
    try:
        return storage_from_string(REDIS_URL).check()
    except Exception:  # the library raises the driver's own errors
        return False


def two_workers(kind):
    """Two separate storage objects on the same shared store, as two web workers would hold."""
    if kind == "database":
        return throttling.DatabaseStorage(), throttling.DatabaseStorage()
    if not redis_available():
        pytest.skip("no Redis at 127.0.0.1:6379")
    return storage_from_string(REDIS_URL), storage_from_string(REDIS_URL)


@pytest.mark.parametrize("kind", ["database", "redis"])
def test_two_workers_share_one_count(app, kind):
    first, second = (FixedWindowRateLimiter(storage) for storage in two_workers(kind))
    limit = parse("3 per 15 minutes")
    who = f"test-{uuid.uuid4().hex}"
    assert first.hit(limit, "login", who)
    assert second.hit(limit, "login", who)
    assert first.hit(limit, "login", who)
    assert not second.test(limit, "login", who)
    assert not first.hit(limit, "login", who)
    reset_at, remaining = second.get_window_stats(limit, "login", who)
    assert remaining == 0 and reset_at > 0
    first.clear(limit, "login", who)
    assert second.test(limit, "login", who)


def test_a_database_counter_starts_again_when_its_window_has_passed(app):
    storage = throttling.DatabaseStorage()
    assert storage.incr("k", 60) == 1
    assert storage.incr("k", 60) == 2
    RateLimitCounter.update(expires_at=0).where(RateLimitCounter.name == "k").execute()
    assert storage.get("k") == 0
    assert storage.incr("k", 60) == 1
    assert RateLimitCounter.select().count() == 1


def test_the_app_counts_in_redis_when_fulfilment_redis_url_is_set(app, database_url, tmp_path):
    if not redis_available():
        pytest.skip("no Redis at 127.0.0.1:6379")
    redis_app = create_app({"TESTING": True, "DATABASE_URL": database_url, "SECRET_KEY": "x", "REDIS_URL": REDIS_URL,
                            "WEBSHOP_KEY": app.config["WEBSHOP_KEY"], "HUEY_IMMEDIATE": True})
    assert isinstance(redis_app.extensions[throttling.EXTENSION].limiter.storage, RedisStorage)
    assert isinstance(app.extensions[throttling.EXTENSION].limiter.storage, throttling.DatabaseStorage)


def test_a_malformed_limit_fails_at_start_up(app, database_url):
    with pytest.raises(ValueError):
        create_app({"TESTING": True, "DATABASE_URL": database_url, "SECRET_KEY": "x",
                    "WEBSHOP_KEY": app.config["WEBSHOP_KEY"], "LOGIN_FAILURES_PER_USERNAME": "lots"})
