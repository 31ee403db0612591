"""Who did something: the text written into audit columns (ledger, order history, return log)."""

from fulfilment.models import ApiKey, PortalUser, StaffUser

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


def client_of(actor):
    """The client an actor acts for (a portal user's, a client-scoped API key's), or None for the warehouse."""
    if isinstance(actor, (PortalUser, ApiKey)):
        return actor.client if actor.client_id is not None else None
    return None


def staff_user_of(actor):
    return actor if isinstance(actor, StaffUser) else None
