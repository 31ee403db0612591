"""Fulfilment Portal: back office and client portal for fulfilment warehouses."""

__version__ = "0.1.0"

from fulfilment.portal import create_app  # noqa: E402

__all__ = ["create_app", "__version__"]
