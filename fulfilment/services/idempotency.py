"""Creates that happen once: a key per import preview or form, claimed in the creating transaction.

A form or preview carries a random key. The service that creates the record claims the key for
the client in the same transaction; when the key was claimed before (a double click, a reload,
the same preview confirmed from another login) it refuses with AlreadyCreated naming what was
created, and creates nothing. A refused or failed create rolls its claim back with it, so the
same form can be corrected and sent again.
"""

import re
import secrets

from peewee import IntegrityError

from fulfilment.db import database
from fulfilment.i18n import _
from fulfilment.models import CreationKey
from fulfilment.services.errors import AlreadyCreated, ValidationFailed

KEY_PATTERN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
# Per kind of create, the refusal of a repeat naming what the first one created.
ALREADY = {
    "import": lambda label: _("This file has already been imported as order %(label)s; nothing new was created.",
                              label=label),
    "order": lambda label: _("This order has already been placed as order %(label)s; nothing new was created.",
                             label=label),
    "purchase order": lambda label: _("This purchase order has already been created as %(label)s; nothing new "
                                      "was created.", label=label),
    "address": lambda label: _("This address has already been saved as %(label)s; nothing new was created.",
                               label=label),
}


def new_key():
    """A fresh random key for a form or preview."""
    return secrets.token_urlsafe(18)


def claim(client, key, kind):
    """Claim key for client inside the caller's transaction; AlreadyCreated when it was claimed before.

    No key (None or "") claims nothing: callers that cannot repeat a create need none.
    """
    if not key:
        return None
    if kind not in ALREADY:
        raise ValueError(f"Unknown kind {kind!r}")
    if not KEY_PATTERN.match(key):
        raise ValidationFailed(_("This form has expired or was changed; reload the page and try again."))
    _refuse_when_claimed(client, key)
    try:
        with database.atomic():  # a savepoint: a concurrent claim of the same key loses here
            return CreationKey.create(client=client, key=key, kind=kind)
    except IntegrityError:
        _refuse_when_claimed(client, key)
        raise


def record(claimed, record, label):
    """Note what the claimed key created, so a repeat can name it."""
    if claimed is None:
        return
    CreationKey.update(record_id=record.id, label=label).where(CreationKey.id == claimed.id).execute()


def _refuse_when_claimed(client, key):
    existing = CreationKey.for_client(client).where(CreationKey.key == key).first()
    if existing is not None:
        # Without a label (not noted yet) the refusal says only that it exists.
        raise AlreadyCreated(ALREADY[existing.kind](existing.label) if existing.label else None,
                             record_id=existing.record_id)
