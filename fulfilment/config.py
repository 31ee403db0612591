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
    "MAX_CONTENT_LENGTH": 8 * 1024 * 1024,
    "ADMIN_PAGE_SIZE": 50,
    "PORTAL_PAGE_SIZE": 25,
    "LOW_STOCK_THRESHOLD": 5,
    # Most rows one spreadsheet export may hold; a longer list is refused with a message.
    "EXPORT_MAX_ROWS": 100_000,
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "WTF_CSRF_TIME_LIMIT": None,
    "API_RATE_LIMIT_PER_MINUTE": 500,
}

# Settings read from the environment and how to convert their text.
_ENV_TYPES = {
    "DATABASE_URL": str,
    "SECRET_KEY": str,
    "SQLITE_BUSY_TIMEOUT_MS": int,
    "MAX_CONTENT_LENGTH": int,
    "ADMIN_PAGE_SIZE": int,
    "PORTAL_PAGE_SIZE": int,
    "LOW_STOCK_THRESHOLD": int,
    "EXPORT_MAX_ROWS": int,
    "API_RATE_LIMIT_PER_MINUTE": int,
}

SECRET_KEY_FILE = "secret_key"


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


def persistent_secret_key(path):
    """Read the secret key kept in the instance folder, creating it once so restarts keep sessions."""
    path = Path(path)
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        pass
    key = secrets.token_hex(32)
    # O_EXCL: when two workers start at once, one writes and the other reads the winner's key.
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key
