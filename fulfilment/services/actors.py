"""Who did something, and in what words: the texts written into audit columns (ledger, order history,
return log, invoice lines).

A record's own words ("Picklist P000012 picked") are kept in the language of the client whose
record it is, whoever acted: the client reads them in its portal, its e-mails and its invoices.
"""

from fulfilment.i18n import DEFAULT_LANGUAGE, force_locale
from fulfilment.models import ApiKey, Client, PortalUser, StaffUser

SYSTEM = "system"


def describe_actor(actor):
    """Return a readable label such as 'staff alice', 'portal jan' or 'api key Shop sync'."""
    if actor is None or actor == SYSTEM:
        return SYSTEM
    if isinstance(actor, StaffUser):
        return f"staff {actor.username}"
    if isinstance(actor, PortalUser):
        return f"portal {actor.username}"
    if isinstance(actor, ApiKey):
        return f"api key {actor.name}"
    return str(actor)


def client_language(client):
    """The language a client (or the client with this id) reads."""
    language = getattr(client, "language", None)
    if language is None:
        language = Client.select(Client.language).where(Client.id == getattr(client, "id", client)).scalar()
    return language or DEFAULT_LANGUAGE


def written_for(client, text):
    """text (marked with _l, with its values) read in client's language, to be stored in its records.

    Text that is already a str (a person's own words) is kept as it is."""
    if isinstance(text, str):
        return text
    with force_locale(client_language(client)):
        return str(text)


def client_of(actor):
    """The client an actor acts for (a portal user's, a client-scoped API key's), or None for the warehouse."""
    if isinstance(actor, (PortalUser, ApiKey)):
        return actor.client if actor.client_id is not None else None
    return None


def staff_user_of(actor):
    return actor if isinstance(actor, StaffUser) else None
