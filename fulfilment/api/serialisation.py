"""How values look in the API's JSON: Picqer's date formats, numbers for money, bare arrays."""

from flask import jsonify


def datetime_text(value):
    """'YYYY-MM-DD HH:MM:SS' (UTC), or None."""
    return value.strftime("%Y-%m-%d %H:%M:%S") if value else None


def date_text(value):
    return value.strftime("%Y-%m-%d") if value else None


def money_value(value):
    return float(value) if value is not None else None


def json_list(items):
    """A bare JSON array (never wrapped in an object)."""
    return jsonify(list(items))


def created(item):
    """201 Created with the new object."""
    return jsonify(item), 201


def no_content():
    return "", 204
