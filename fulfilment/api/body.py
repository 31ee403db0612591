"""Reading requests as Picqer's API does: a JSON object body (with or without a JSON content type)
and query-string filters. Wrong input answers 400 with error 22 (not JSON) or 5 (a bad parameter)."""

import json
import re
from datetime import date, datetime, time
from decimal import Decimal

from flask import request

from fulfilment.api.errors import INVALID_JSON, ApiError, invalid, missing

MAX_INT = 2_147_483_647
MAX_MONEY = Decimal("9999999999.99")
_WHOLE_NUMBER = re.compile(r"^-?\d{1,10}$")


def _refuse_constant(name):
    raise ValueError(f"{name} is not JSON")


def json_body():
    """The request body as a Body; an empty body is an empty object. Invalid JSON answers error 22."""
    raw = request.get_data(cache=True)
    if not raw.strip():
        return Body({})
    try:
        data = json.loads(raw, parse_constant=_refuse_constant)
    except (ValueError, RecursionError):
        raise ApiError(400, INVALID_JSON, "The request body is not valid JSON.") from None
    if not isinstance(data, dict):
        raise ApiError(400, INVALID_JSON, "The request body must be a JSON object.")
    return Body(data)


def _clean_text(name, value, max_length):
    if "\x00" in value:
        raise invalid(name, "text without NUL characters")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise invalid(name, "valid Unicode text") from None
    if len(value) > max_length:
        raise invalid(name, f"at most {max_length} characters")
    return value


class Body:
    """Typed access to the fields of a JSON object; absent and null fields read as None."""

    def __init__(self, data, prefix=""):
        self.data = data
        self.prefix = prefix

    def _name(self, name):
        return f"{self.prefix}{name}"

    def has(self, name):
        return self.data.get(name) is not None

    def text(self, name, required=False, max_length=255):
        value = self.data.get(name)
        if value is None or (required and isinstance(value, str) and not value.strip()):
            if required:
                raise missing(self._name(name))
            return None
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            raise invalid(self._name(name), "text")
        if not isinstance(value, str):
            value = str(value)
        return _clean_text(self._name(name), value, max_length)

    def integer(self, name, required=False, minimum=-MAX_INT, maximum=MAX_INT):
        value = self.data.get(name)
        if value is None:
            if required:
                raise missing(self._name(name))
            return None
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        elif isinstance(value, str) and _WHOLE_NUMBER.match(value.strip()):
            value = int(value.strip())
        if isinstance(value, bool) or not isinstance(value, int):
            raise invalid(self._name(name), "a whole number")
        if not minimum <= value <= maximum:
            raise invalid(self._name(name), f"between {minimum} and {maximum}")
        return value

    def boolean(self, name):
        value = self.data.get(name)
        if value is None:
            return None
        if isinstance(value, bool):
            return value
        if value in (0, 1, "0", "1", "true", "false"):
            return value in (1, "1", "true")
        raise invalid(self._name(name), "true or false")

    def money(self, name):
        value = self.data.get(name)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, (int, float, str)):
            raise invalid(self._name(name), "a number")
        try:
            amount = Decimal(str(value).strip())
        except ArithmeticError:
            raise invalid(self._name(name), "a number") from None
        if not amount.is_finite() or not 0 <= amount <= MAX_MONEY:
            raise invalid(self._name(name), f"a number from 0 to {MAX_MONEY}")
        return amount

    def date(self, name):
        value = self.data.get(name)
        if value is None or value == "":
            return None
        if isinstance(value, str) and len(value.strip()) == 10:
            try:
                return date.fromisoformat(value.strip())
            except ValueError:
                pass
        raise invalid(self._name(name), "a date such as 2026-12-31")

    def objects(self, name, required=False):
        """A list of JSON objects, each as a Body (for product lines)."""
        value = self.data.get(name)
        if value is None:
            if required:
                raise missing(self._name(name))
            return []
        if not isinstance(value, list):
            raise invalid(self._name(name), "a list")
        items = []
        for index, item in enumerate(value):
            if not isinstance(item, dict):
                raise invalid(f"{self._name(name)}[{index}]", "an object")
            items.append(Body(item, prefix=f"{self._name(name)}[{index}]."))
        return items


# --- query-string filters ------------------------------------------------------------------


def query_text(name, max_length=255):
    value = request.args.get(name)
    if value is None or value == "":
        return None
    return _clean_text(name, value, max_length)


def query_int(name, minimum=1, maximum=MAX_INT):
    value = request.args.get(name)
    if value is None or value == "":
        return None
    if not _WHOLE_NUMBER.match(value) or not minimum <= int(value) <= maximum:
        raise invalid(name, f"a whole number from {minimum} to {maximum}")
    return int(value)


def query_bool(name):
    value = request.args.get(name)
    if value is None or value == "":
        return None
    if value.lower() in ("true", "1", "yes"):
        return True
    if value.lower() in ("false", "0", "no"):
        return False
    raise invalid(name, "true or false")


def query_datetime(name, end_of_day=False):
    """A date filter: 'YYYY-MM-DD' (the whole day) or 'YYYY-MM-DD HH:MM:SS'."""
    value = request.args.get(name)
    if value is None or value == "":
        return None
    value = value.strip()
    try:
        if len(value) == 10:
            day = date.fromisoformat(value)
            return datetime.combine(day, time.max if end_of_day else time.min)
        if len(value) == 19:
            return datetime.strptime(value, "%Y-%m-%d %H:%M:%S")
    except ValueError:
        pass
    raise invalid(name, "a date (2026-12-31) or a date and time (2026-12-31 23:59:59)")


def query_choice(name, choices):
    value = request.args.get(name)
    if value is None or value == "":
        return None
    if value not in choices:
        raise invalid(name, "one of " + ", ".join(choices))
    return value
