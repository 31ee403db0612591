"""The portal's blueprint, on which every section module registers its routes."""

from flask import Blueprint

bp = Blueprint("portal", __name__, url_prefix="/fulfilmentportal")
