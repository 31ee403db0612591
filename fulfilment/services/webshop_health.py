"""Whether a webshop's connection works, so its client hears once that it fails and once that it recovers.

The import (each run) and the connection test report their outcome here; only a change between
working and failing writes the e-mail (event ``webshops.connection_failed`` or ``…_recovered``).
"""

from contextlib import contextmanager

from fulfilment.db import locked, write_transaction
from fulfilment.models import WebshopConnectionState, utcnow
from fulfilment.services import events
from fulfilment.services.connectors.base import ConnectorError


def record_connection(webshop, problem=None):
    """Remember whether the connection works (problem None) or fails (problem says why); mail on a change."""
    with write_transaction():
        WebshopConnectionState.insert(client=webshop.client_id, webshop=webshop.id).on_conflict_ignore().execute()
        state = locked(WebshopConnectionState.select().where(WebshopConnectionState.webshop == webshop.id)).get()
        failing = problem is not None
        if state.failing == failing:
            return False
        state.failing, state.message, state.changed_at = failing, (problem or "")[:2000], utcnow()
        state.save()
        events.emit("webshops.connection_failed" if failing else "webshops.connection_recovered", webshop,
                    message=problem or "")
        return True


@contextmanager
def watching(webshop):
    """Record the outcome of talking to the shop inside the block: a ConnectorError means it fails."""
    try:
        yield
    except ConnectorError as error:
        record_connection(webshop, error.message)
        raise
    record_connection(webshop, None)


def is_failing(webshop):
    state = WebshopConnectionState.get_or_none(WebshopConnectionState.webshop == webshop.id)
    return bool(state and state.failing)
