"""How numbers, money and dates read, everywhere: Jinja filters for the portal and the back office's
templates, and Flask-Admin's column formatters, all from the functions below.

Everything follows the language of the request (fulfilment/i18n.py) through Babel: money reads
"€ 1,234.50" in English and "€ 1.234,50" in Dutch (currency and two decimals), amounts are whole
numbers with thousands separators, dates read "30 Nov 2026" / "30 nov 2026" and times add the hour
and minute on a 24-hour clock (never seconds), in the configured time zone (TIMEZONE; stored in UTC).
Outside a request they read as in English.
"""

from datetime import date, datetime
from decimal import Decimal

import flask_babel
from babel import Locale, dates, numbers

from fulfilment.i18n import current_locale

CURRENCY_SIGN = "€\u00a0"
DATE_PATTERN = "d MMM y"
DATETIME_PATTERN = "d MMM y HH:mm"
_ENGLISH = Locale("en")


def _locale():
    return current_locale() or _ENGLISH


def _decimal(value, pattern):
    locale = _locale()
    formats = _FAST_FORMATS.get(str(locale))
    if formats is None:
        formats = _FAST_FORMATS[str(locale)] = _fast_formats(locale)
    fast = formats.get(pattern) if formats else None
    if fast is None:
        return numbers.format_decimal(value, format=pattern, locale=locale)
    return fast(value)


# Babel reads the pattern and the locale's symbols again for every number, about 25 µs each: a
# list of 25 products shows 75 numbers. Our patterns ("#,##0.00", "0.00" …) are what Python's own
# format() writes with a comma and a point, so per locale the symbols are swapped in instead,
# after checking on sample values that this gives exactly what Babel gives (else Babel it is).
_FAST_FORMATS = {}
_SAMPLES = (0, 7, -7, 1234, -1234567, 1234.5, -0.005, 0.125, 2.675, Decimal("1234567.891"),
            Decimal("-1234.565"), Decimal("0.00005"), Decimal("99999.9999"), Decimal("-0"))


class _FastPattern:
    def __init__(self, pattern, symbols):
        whole, _, fraction = pattern.partition(".")
        self.grouping = "," if "," in whole else ""
        self.places = len(fraction)
        self.symbols = symbols

    def __call__(self, value):
        if isinstance(value, int) and not isinstance(value, bool) and not self.places:
            text = format(value, self.grouping + "d")
        else:
            text = format(value if isinstance(value, Decimal) else Decimal(str(value)),
                          f"{self.grouping}.{self.places}f")
        return text.translate(self.symbols)


def _fast_formats(locale):
    symbols = str.maketrans({",": numbers.get_group_symbol(locale), ".": numbers.get_decimal_symbol(locale),
                             "-": numbers.get_minus_sign_symbol(locale)})
    formats = {}
    for pattern in ("#,##0", "#,##0.0", "#,##0.00", "#,##0.000", "#,##0.0000", "0.00"):
        fast = _FastPattern(pattern, symbols)
        try:
            if all(fast(value) == numbers.format_decimal(value, format=pattern, locale=locale) for value in _SAMPLES):
                formats[pattern] = fast
        except (ValueError, TypeError, ArithmeticError):
            pass
    return formats


def format_number(value):
    if value is None:
        return "–"
    return _decimal(value, "#,##0" if isinstance(value, int) else "#,##0.00")


def format_money(value):
    if value is None:
        return "–"
    return CURRENCY_SIGN + _decimal(Decimal(value), "#,##0.00")


def format_rate(value):
    """A price per unit with four decimals (storage per unit per day is often a fraction of a cent)."""
    if value is None:
        return "–"
    return CURRENCY_SIGN + _decimal(Decimal(value), "#,##0.0000")


def format_percent(value):
    if value is None:
        return "–"
    return _decimal(Decimal(value), "0.00") + "\u00a0%"


def format_datetime(value):
    if not value:
        return "–"
    if not isinstance(value, datetime):
        return format_date(value)
    locale = current_locale()
    if locale is None:
        return dates.format_datetime(value, DATETIME_PATTERN, locale=_ENGLISH)
    fast = _fast_dates(locale)
    if fast is None:
        return flask_babel.format_datetime(value, DATETIME_PATTERN)
    return fast.date_and_time(flask_babel.to_user_timezone(value))


def format_date(value):
    if not value:
        return "–"
    locale = current_locale()
    if isinstance(value, datetime) and locale is not None:
        fast = _fast_dates(locale)
        if fast is None:
            return flask_babel.format_date(value, DATE_PATTERN)  # the day in the shown time zone
        return fast.date(flask_babel.to_user_timezone(value))
    fast = _fast_dates(locale or _ENGLISH)
    return fast.date(value) if fast is not None else dates.format_date(value, DATE_PATTERN, locale=locale or _ENGLISH)


# Babel formats a date in about 100 µs (its pattern, the locale's calendar, the time zone); a list
# of 50 rows shows 50 to 100 of them. Our two patterns are the day, the month's abbreviation, the
# year and a 24-hour time: per locale they are written by Python with Babel's month names, after
# checking on sample dates that this gives exactly what Babel gives (else Babel it is).
_FAST_DATES = {}


class _DatePatterns:
    def __init__(self, locale):
        self.months = dates.get_month_names("abbreviated", "format", locale)

    def date(self, value):
        return f"{value.day} {self.months[value.month]} {value.year}"

    def date_and_time(self, value):
        return f"{value.day} {self.months[value.month]} {value.year} {value.hour:02d}:{value.minute:02d}"


def _fast_dates(locale):
    key = str(locale)
    if key not in _FAST_DATES:
        patterns = _DatePatterns(locale)
        samples = [datetime(year, month, day, hour, minute)
                   for year, day, hour, minute in ((2026, 1, 0, 0), (1999, 9, 9, 5), (2031, 28, 23, 59))
                   for month in range(1, 13)]
        same = all(patterns.date_and_time(sample) == dates.format_datetime(sample, DATETIME_PATTERN, locale=locale)
                   and patterns.date(sample.date()) == dates.format_date(sample.date(), DATE_PATTERN, locale=locale)
                   for sample in samples)
        _FAST_DATES[key] = patterns if same else None
    return _FAST_DATES[key]


def format_decimal_column(name, field, value):
    """A decimal model field as people read it: money, a rate per unit or a percentage."""
    if name.endswith("_rate") and "vat" in name or "percent" in name:  # vat_rate 21 %, vat_amount € 1.08
        return format_percent(value)
    places = getattr(field, "decimal_places", 2)
    if places == 4:
        return format_rate(value)
    if places == 2:
        return format_money(value)
    return _decimal(value, "#,##0." + "0" * places)


def _admin_datetime(view, value, name):
    return format_datetime(value)


def _admin_date(view, value, name):
    return format_date(value)


def _admin_decimal(view, value, name):
    field = view.model._meta.fields.get(name)
    return format_decimal_column(name, field, value)


def _admin_float(view, value, name):
    return _decimal(value, "#,##0.00")


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
