"""How numbers, money and dates read, everywhere: Jinja filters for the portal and the back office's
templates, and Flask-Admin's column formatters, all from the functions below.

Dates read YYYY-MM-DD and times YYYY-MM-DD HH:MM (to the minute, never seconds or microseconds);
money reads "€ 1,234.50" (currency and two decimals); amounts are whole numbers.
"""

from datetime import date, datetime
from decimal import Decimal

CURRENCY_SIGN = "€\u00a0"


def format_number(value):
    if value is None:
        return "–"
    return f"{value:,}".replace(",", "\u202f") if isinstance(value, int) else f"{value:,.2f}"


def format_money(value):
    if value is None:
        return "–"
    return CURRENCY_SIGN + f"{Decimal(value):,.2f}"


def format_rate(value):
    """A price per unit with four decimals (storage per unit per day is often a fraction of a cent)."""
    if value is None:
        return "–"
    return CURRENCY_SIGN + f"{Decimal(value):,.4f}"


def format_percent(value):
    if value is None:
        return "–"
    return f"{Decimal(value):.2f}\u00a0%"


def format_datetime(value):
    if not value:
        return "–"
    if not isinstance(value, datetime):
        return format_date(value)
    return value.strftime("%Y-%m-%d %H:%M")


def format_date(value):
    return value.strftime("%Y-%m-%d") if value else "–"


def count_of(number, singular, plural=None):
    """'1 product', '2 products', '0 products': a count in a sentence."""
    if number == 1:
        return f"1 {singular}"
    return f"{format_number(number)} {plural or singular + 's'}"


def format_decimal_column(name, field, value):
    """A decimal model field as people read it: money, a rate per unit or a percentage."""
    if "vat" in name or "percent" in name:
        return format_percent(value)
    places = getattr(field, "decimal_places", 2)
    if places == 4:
        return format_rate(value)
    if places == 2:
        return format_money(value)
    return f"{value:,.{places}f}"


def _admin_datetime(view, value, name):
    return format_datetime(value)


def _admin_date(view, value, name):
    return format_date(value)


def _admin_decimal(view, value, name):
    field = view.model._meta.fields.get(name)
    return format_decimal_column(name, field, value)


def _admin_float(view, value, name):
    return f"{value:,.2f}"


def admin_type_formatters(base):
    """Flask-Admin's type formatters with ours first (datetime is a date, so it comes before date)."""
    ours = {datetime: _admin_datetime, date: _admin_date, Decimal: _admin_decimal, float: _admin_float}
    return {**ours, **{kind: formatter for kind, formatter in base.items() if kind not in ours}}


def init_app(app):
    app.add_template_filter(format_number, "number")
    app.add_template_filter(format_money, "money")
    app.add_template_filter(format_rate, "rate")
    app.add_template_filter(format_percent, "percent")
    app.add_template_filter(format_datetime, "datetime")
    app.add_template_filter(format_date, "date")
    app.add_template_filter(count_of, "count_of")
