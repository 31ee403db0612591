"""Rendered pages kept per login session under a version of what they show (issue 14).

``cached_page(read_version, render)`` answers a GET with the page rendered before for the same
login session, address and language while the version is unchanged, and renders (and keeps) it
otherwise. The version is the caller's: a number the database moves with every write to the rows
the page shows (fulfilment/catalog_versions.py for the product list), read before the rows are.
So a kept page is never older than the data: the first view after a change renders anew.

- Per login session, not per client: the page holds the session's CSRF token and the user's name.
  The key also holds what else the page shows of the user and client (``extra``).
- A page with a message to show (a flash) is rendered and not kept, and so is one whose session
  has no CSRF token yet (rendering it makes one, which the session must store).
- Each web process keeps its own, the least recently used PORTAL_PAGE_CACHE_ENTRIES pages at
  most, each for KEEP_SECONDS. Nothing is shared between processes, so nothing needs clearing:
  a process that never saw a version renders it.
"""

import threading
import time
from collections import OrderedDict

from flask import current_app, request, session
from flask_login import current_user

from fulfilment.i18n import current_language

KEEP_SECONDS = 600


class PageCache:
    """The least recently used pages, each under a key with the version it was rendered at."""

    def __init__(self):
        self._pages = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key, version, now):
        with self._lock:
            kept = self._pages.get(key)
            if kept is None:
                return None
            kept_version, kept_at, body = kept
            if kept_version != version or now - kept_at > KEEP_SECONDS:
                del self._pages[key]
                return None
            self._pages.move_to_end(key)
            return body

    def put(self, key, version, now, body, limit):
        with self._lock:
            self._pages[key] = (version, now, body)
            self._pages.move_to_end(key)
            while len(self._pages) > limit:
                self._pages.popitem(last=False)

    def clear(self):
        with self._lock:
            self._pages.clear()


_pages = PageCache()


def cached_page(read_version, render, extra=()):
    """The page render() makes (a str), or the one it made for this session at the version
    read_version() reads now (not read when no page may be kept).

    A kept page is kept as the UTF-8 bytes the response sends: encoding the product list's 18 kB
    anew took a sixth of a kept view's time in the app."""
    limit = current_app.config["PORTAL_PAGE_CACHE_ENTRIES"]
    if limit <= 0 or request.method != "GET" or "_flashes" in session or "csrf_token" not in session:
        return render()
    user = current_user._get_current_object()
    key = (user.session_token, user.id, user.username, request.full_path, current_language(), *extra)
    version, now = read_version(), time.monotonic()
    body = _pages.get(key, version, now)
    if body is None:
        body = render().encode()
        _pages.put(key, version, now, body, limit)
    return body


def forget_all():
    """Drop every kept page (tests, whose databases start again from the same versions)."""
    _pages.clear()
