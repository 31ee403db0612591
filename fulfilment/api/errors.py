"""The API's error answers, in Picqer's shape: {"error": true, "error_code": N, "error_message": "…"}.

Domain errors carry their own HTTP status and Picqer code (services/errors.py); this module
turns them, HTTP errors and database refusals into that body, in one place.
"""

from flask import current_app, jsonify, request
from peewee import DataError, IntegrityError
from werkzeug.exceptions import HTTPException, InternalServerError, MethodNotAllowed, NotFound

from fulfilment.services.errors import DomainError

API_PREFIX = "/api/v1"

# Picqer's error codes, and ours where Picqer has none (see docs/api.md).
APPLICATION_ERROR = 1
NOT_ALLOWED = 1  # ours: 401 and 403
MISSING_PARAMETERS = 5
NOT_IMPLEMENTED = 8  # 405: no such action on this path
NOT_FOUND = 20
WRONG_STATUS = 21
INVALID_JSON = 22
INCOMPLETE_LINE = 23
UNKNOWN_PRODUCT = 24
RATE_LIMITED = 28

_HTTP_CODES = {400: MISSING_PARAMETERS, 404: NOT_FOUND, 405: NOT_IMPLEMENTED, 413: MISSING_PARAMETERS}
_HTTP_MESSAGES = {
    404: "Not found: there is no such endpoint or record.",
    405: "This endpoint does not support the {method} method.",
    413: "The request body is too large.",
}


class ApiError(Exception):
    """An answer the API gives instead of the resource: HTTP status, Picqer error code and a message."""

    def __init__(self, status, code, message, headers=None):
        super().__init__(message)
        self.status, self.code, self.message, self.headers = status, code, message, headers or {}


def error_response(status, code, message, headers=None):
    response = jsonify(error=True, error_code=code, error_message=message)
    response.status_code = status
    response.headers.update(headers or {})
    return response


def not_found(what):
    return ApiError(404, NOT_FOUND, f"{what} not found.")


def missing(name):
    return ApiError(400, MISSING_PARAMETERS, f"Missing parameter {name}.")


def invalid(name, expected):
    return ApiError(400, MISSING_PARAMETERS, f"Parameter {name} must be {expected}.")


def _api_error(error):
    return error_response(error.status, error.code, error.message, error.headers)


def _domain_error(error):
    return error_response(error.http_status, error.api_code, error.message)


def _http_error(error):
    if error.code in _HTTP_MESSAGES:
        message = _HTTP_MESSAGES[error.code].format(method=request.method)
    else:
        message = error.description or error.name
    headers = {}
    if isinstance(error, MethodNotAllowed) and error.valid_methods:
        headers["Allow"] = ", ".join(error.valid_methods)
    return error_response(error.code or 500, _HTTP_CODES.get(error.code, APPLICATION_ERROR), message, headers)


def _database_refused(error):
    # A value the services let through but the database cannot hold (e.g. a number out of range):
    # the caller's input, so a 4xx, never a 500. The transaction has been rolled back.
    current_app.logger.warning("API request refused by the database: %s", error)
    if isinstance(error, IntegrityError):
        return error_response(409, MISSING_PARAMETERS, "This conflicts with an existing record.")
    return error_response(400, MISSING_PARAMETERS, "A value is out of range or too long.")


def _server_error(error):
    return error_response(500, APPLICATION_ERROR, "Unknown application error.")


def is_api_path(path):
    return path == API_PREFIX or path.startswith(API_PREFIX + "/")


def init_blueprint(bp):
    """Answer every error raised inside the API's views in the JSON shape."""
    bp.register_error_handler(ApiError, _api_error)
    bp.register_error_handler(DomainError, _domain_error)
    bp.register_error_handler(HTTPException, _http_error)
    bp.register_error_handler(DataError, _database_refused)
    bp.register_error_handler(IntegrityError, _database_refused)
    bp.register_error_handler(InternalServerError, _server_error)


def init_app(app):
    """Unknown paths and wrong methods under /api/v1 answer in JSON too; other paths keep their pages.

    Routing fails before a blueprint is known, so these handlers sit on the app and wrap the
    page handlers registered before them (portal.py registers the HTML pages first).
    """
    for exception_class in (NotFound, MethodNotAllowed, InternalServerError):
        page = app.error_handler_spec[None][exception_class.code].get(exception_class)
        app.register_error_handler(exception_class, _json_under_api(page))


def _json_under_api(page):
    def handler(error):
        if is_api_path(request.path):
            return _server_error(error) if isinstance(error, InternalServerError) else _http_error(error)
        return page(error) if page is not None else error

    return handler
