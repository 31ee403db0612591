"""Fulfilment Portal: back office and client portal for fulfilment warehouses."""

from fulfilment.portal import create_app
from fulfilment.version import __version__

__all__ = ["create_app", "__version__"]
