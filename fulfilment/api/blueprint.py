"""The API's blueprint: every request authenticated by its key and counted, except the public endpoints.

The resource modules register their routes on ``bp``; the package (fulfilment.api) imports them
and registers the blueprint with the app.
"""

from flask import Blueprint, request

from fulfilment.api import errors, ratelimit
from fulfilment.api.auth import authenticate_request

bp = Blueprint("api", __name__, url_prefix=errors.API_PREFIX)

# Endpoints anyone may call: the description, and product images (their URLs carry a signature).
PUBLIC_ENDPOINTS = {"api.openapi_description", "api.product_image_file"}


@bp.before_request
def _authenticate_and_count():
    if request.endpoint in PUBLIC_ENDPOINTS:
        return
    key = authenticate_request()
    ratelimit.count_request(key)


bp.after_request(ratelimit.add_headers)
errors.init_blueprint(bp)
