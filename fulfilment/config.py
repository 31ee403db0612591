"""Configuration: defaults, overridden by FULFILMENT_* environment variables, then by the caller."""

import os
import secrets
from pathlib import Path

ENV_PREFIX = "FULFILMENT_"

DEFAULTS = {
    # None means "a SQLite file in the instance folder".
    "DATABASE_URL": None,
    "SECRET_KEY": None,
    "SQLITE_BUSY_TIMEOUT_MS": 10_000,
    # Keep database connections open between requests (fulfilment/db.py); off opens one per request.
    "DATABASE_POOL": True,
    # PostgreSQL: plan the queries every request runs once per connection (db.PreparedSelect);
    # off behind a pooler that moves transactions between server connections (PgBouncer's
    # transaction mode).
    "DATABASE_PREPARE": True,
    "MAX_CONTENT_LENGTH": 8 * 1024 * 1024,
    "ADMIN_PAGE_SIZE": 50,
    "PORTAL_PAGE_SIZE": 25,
    "LOW_STOCK_THRESHOLD": 5,
    # Rendered portal product lists each web process keeps, per login session, under the client's
    # catalogue version (fulfilment/page_cache.py); 0 renders every view.
    "PORTAL_PAGE_CACHE_ENTRIES": 256,
    # Most rows one spreadsheet export may hold; a longer list is refused with a message.
    "EXPORT_MAX_ROWS": 100_000,
    # Portal exports longer than this run in the worker (a page shows progress, then the download);
    # such an export job holds at most EXPORT_JOB_MAX_ROWS rows (one sheet holds 1,048,575) and its
    # file is kept EXPORT_KEEP_HOURS hours in EXPORT_FOLDER (default: <instance>/exports).
    "EXPORT_IMMEDIATE_MAX_ROWS": 5_000,
    "EXPORT_JOB_MAX_ROWS": 1_000_000,
    "EXPORT_KEEP_HOURS": 24,
    "EXPORT_FOLDER": None,
    # A confirmed Excel order import of more lines than this is created by the worker (a page shows
    # its progress, then the order); the preview's lines wait in IMPORT_FOLDER (default:
    # <instance>/imports) until the worker has read them, and the job is kept IMPORT_KEEP_HOURS hours.
    "IMPORT_IMMEDIATE_MAX_LINES": 2_000,
    "IMPORT_KEEP_HOURS": 24,
    "IMPORT_FOLDER": None,
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "WTF_CSRF_TIME_LIMIT": None,
    "API_RATE_LIMIT_PER_MINUTE": 500,
    # Webshop connections (see services/webshops.py and jobs.py).
    # Fernet key(s) for stored shop credentials, comma-separated: the first encrypts, all decrypt
    # (rotation). None means "a key kept in the instance folder".
    "WEBSHOP_KEY": None,
    "WEBSHOP_SYNC_MINUTES": 5,
    "WEBSHOP_HTTP_TIMEOUT": 20.0,
    "WEBSHOP_HTTP_RETRIES": 3,
    "WEBSHOP_HTTP_BACKOFF": 1.0,
    # A PEM file of extra trusted certificate authorities (None: the public ones certifi ships).
    "WEBSHOP_CA_BUNDLE": None,
    # Only for development and tests: send shop credentials over plain http://, and reach shops
    # on private network addresses (127.0.0.1, 10.x …), which are refused by default.
    "WEBSHOP_ALLOW_HTTP": False,
    "WEBSHOP_ALLOW_PRIVATE_NETWORK": False,
    "WEBSHOP_PUSH_MAX_ATTEMPTS": 10,
    "SHOPIFY_API_VERSION": "2026-10",
    # Background jobs: huey on SQLite in the instance folder, or on Redis when this is set.
    "REDIS_URL": None,
    "WORKER_THREADS": 2,
    # Run jobs at once in the calling thread (tests).
    "HUEY_IMMEDIATE": False,
    # Behind a proxy that terminates TLS (see security_headers.py and README "Deploying behind
    # https"): how many proxies to trust for X-Forwarded-For/-Proto/-Host (0: none), and whether
    # the site is served over https (secure cookies, HSTS for HSTS_SECONDS; 0 sends no HSTS).
    "BEHIND_PROXY": 0,
    "HTTPS": False,
    "HSTS_SECONDS": 31_536_000,
    # Logins (see throttling.py and services/login_sessions.py): failed attempts allowed per
    # username and per address before 429, in `limits` notation; the same for API keys.
    "LOGIN_FAILURES_PER_USERNAME": "10 per 15 minutes",
    "LOGIN_FAILURES_PER_ADDRESS": "50 per 15 minutes",
    "API_KEY_FAILURES_PER_ADDRESS": "30 per 15 minutes",
    "USERNAME_REFUSALS_PER_USER": "10 per hour",
    # A login session unused this long ends.
    "SESSION_IDLE_DAYS": 14,
    # Client e-mails (services/outbox.py): smtp://user:pass@host:587 (STARTTLS) or smtps://user:pass@host:465.
    # Unset: messages wait in the outbox (the back office shows them).
    "SMTP_URL": None,
    "MAIL_FROM": "Fulfilment <noreply@localhost>",
    "SMTP_TIMEOUT": 30.0,
    # A PEM file of certificate authorities to trust for the SMTP server (None: the system's).
    "SMTP_CA_BUNDLE": None,
    "MAIL_MAX_ATTEMPTS": 12,
    # The portal's address as clients reach it, for links in e-mails (https://portal.example.com).
    "PUBLIC_URL": None,
    # Hour (UTC) of the daily low-stock e-mail.
    "LOW_STOCK_DIGEST_HOUR": 7,
    # Webhooks (services/webhooks.py): attempts per delivery (Picqer: the first and 15 retries), the
    # answer time, and how many deliveries that failed for good within 24 hours switch a hook off.
    "WEBHOOK_MAX_ATTEMPTS": 16,
    "WEBHOOK_TIMEOUT": 10.0,
    "WEBHOOK_DEACTIVATE_AFTER": 5,
    # The time zone dates and times are shown in (they are stored in UTC), e.g. Europe/Amsterdam.
    "TIMEZONE": "UTC",
}



def _boolean(text):
    return text.strip().lower() in ("1", "true", "yes", "on")


# Settings read from the environment and how to convert their text.
_ENV_TYPES = {
    "DATABASE_URL": str,
    "SECRET_KEY": str,
    "SQLITE_BUSY_TIMEOUT_MS": int,
    "DATABASE_POOL": _boolean,
    "DATABASE_PREPARE": _boolean,
    "MAX_CONTENT_LENGTH": int,
    "ADMIN_PAGE_SIZE": int,
    "PORTAL_PAGE_SIZE": int,
    "LOW_STOCK_THRESHOLD": int,
    "PORTAL_PAGE_CACHE_ENTRIES": int,
    "EXPORT_MAX_ROWS": int,
    "EXPORT_IMMEDIATE_MAX_ROWS": int,
    "EXPORT_JOB_MAX_ROWS": int,
    "EXPORT_KEEP_HOURS": int,
    "EXPORT_FOLDER": str,
    "IMPORT_IMMEDIATE_MAX_LINES": int,
    "IMPORT_KEEP_HOURS": int,
    "IMPORT_FOLDER": str,
    "API_RATE_LIMIT_PER_MINUTE": int,
    "WEBSHOP_KEY": str,
    "WEBSHOP_SYNC_MINUTES": int,
    "WEBSHOP_HTTP_TIMEOUT": float,
    "WEBSHOP_HTTP_RETRIES": int,
    "WEBSHOP_HTTP_BACKOFF": float,
    "WEBSHOP_CA_BUNDLE": str,
    "WEBSHOP_ALLOW_HTTP": _boolean,
    "WEBSHOP_ALLOW_PRIVATE_NETWORK": _boolean,
    "WEBSHOP_PUSH_MAX_ATTEMPTS": int,
    "SHOPIFY_API_VERSION": str,
    "REDIS_URL": str,
    "WORKER_THREADS": int,
    "BEHIND_PROXY": int,
    "HTTPS": _boolean,
    "HSTS_SECONDS": int,
    "LOGIN_FAILURES_PER_USERNAME": str,
    "LOGIN_FAILURES_PER_ADDRESS": str,
    "API_KEY_FAILURES_PER_ADDRESS": str,
    "USERNAME_REFUSALS_PER_USER": str,
    "SESSION_IDLE_DAYS": int,
    "SMTP_URL": str,
    "MAIL_FROM": str,
    "SMTP_TIMEOUT": float,
    "SMTP_CA_BUNDLE": str,
    "MAIL_MAX_ATTEMPTS": int,
    "PUBLIC_URL": str,
    "LOW_STOCK_DIGEST_HOUR": int,
    "WEBHOOK_MAX_ATTEMPTS": int,
    "WEBHOOK_TIMEOUT": float,
    "WEBHOOK_DEACTIVATE_AFTER": int,
    "TIMEZONE": str,
}

SECRET_KEY_FILE = "secret_key"
WEBSHOP_KEY_FILE = "webshop_key"


def settings_from_environment(environ=os.environ):
    """Return the FULFILMENT_* settings found in the environment, converted to their types."""
    found = {}
    for name, convert in _ENV_TYPES.items():
        value = environ.get(ENV_PREFIX + name)
        if value not in (None, ""):
            found[name] = convert(value)
    return found


def load_config(app, overrides=None):
    """Fill app.config from defaults, the environment and overrides (in that order)."""
    app.config.update(DEFAULTS)
    app.config.update(settings_from_environment())
    if overrides:
        app.config.update(overrides)

    instance = Path(app.instance_path)
    instance.mkdir(parents=True, exist_ok=True)
    if not app.config["DATABASE_URL"]:
        app.config["DATABASE_URL"] = f"sqlite:///{instance / 'fulfilment.sqlite3'}"
    if not app.config["SECRET_KEY"]:
        app.config["SECRET_KEY"] = persistent_secret_key(instance / SECRET_KEY_FILE)
    if not app.config["WEBSHOP_KEY"]:
        app.config["WEBSHOP_KEY"] = persistent_secret_key(instance / WEBSHOP_KEY_FILE, new_fernet_key)


def new_fernet_key():
    from cryptography.fernet import Fernet

    return Fernet.generate_key().decode()


def persistent_secret_key(path, generate=lambda: secrets.token_hex(32)):
    """Read a key kept in the instance folder, creating it once so restarts keep using it."""
    path = Path(path)
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        pass
    key = generate()
    # O_EXCL: when two workers start at once, one writes and the other reads the winner's key.
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key
