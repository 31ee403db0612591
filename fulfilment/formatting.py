"""Template filters that format numbers, money and dates for people."""

from decimal import Decimal


def format_number(value):
    if value is None:
        return "–"
    return f"{value:,}".replace(",", "\u202f") if isinstance(value, int) else f"{value:,.2f}"


def format_money(value):
    if value is None:
        return "–"
    return "€\u00a0" + f"{Decimal(value):,.2f}"


def format_datetime(value):
    return value.strftime("%Y-%m-%d %H:%M") if value else "–"


def format_date(value):
    return value.strftime("%Y-%m-%d") if value else "–"


def init_app(app):
    app.add_template_filter(format_number, "number")
    app.add_template_filter(format_money, "money")
    app.add_template_filter(format_datetime, "datetime")
    app.add_template_filter(format_date, "date")
