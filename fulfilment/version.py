"""The release of this package, in one place (setup.cfg, the API description and the shop client read it)."""

__version__ = "0.1.0"
