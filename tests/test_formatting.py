"""One way to write dates, money and counts per language: the portal's filters and the back office's
columns agree, in English and in Dutch."""

from datetime import date, datetime
from decimal import Decimal

from fulfilment.formatting import (
    format_date,
    format_datetime,
    format_decimal_column,
    format_money,
    format_number,
)
from fulfilment.i18n import force_locale
from fulfilment.models import Product, RateCard


def test_dates_and_times_read_to_the_minute():
    assert format_datetime(datetime(2026, 3, 4, 9, 7, 59, 123456)) == "4 Mar 2026 09:07"
    assert format_datetime(date(2026, 3, 4)) == "4 Mar 2026"
    assert format_date(datetime(2026, 3, 4, 9, 7)) == "4 Mar 2026"
    assert format_datetime(None) == "–"


def test_dates_read_in_the_language_of_the_request(app):
    with app.test_request_context(), force_locale("nl"):
        assert format_datetime(datetime(2026, 3, 4, 9, 7, 59)) == "4 mrt 2026 09:07"
        assert format_date(date(2026, 10, 1)) == "1 okt 2026"
    with app.test_request_context(), force_locale("en"):
        assert format_date(date(2026, 10, 1)) == "1 Oct 2026"


def test_times_are_shown_in_the_configured_time_zone(app, monkeypatch):
    # what init_app made of FULFILMENT_TIMEZONE=Europe/Amsterdam
    monkeypatch.setattr(app.extensions["babel"], "default_timezone", "Europe/Amsterdam")
    with app.test_request_context():
        # stored in UTC: 23:30 UTC on 31 March is 01:30 on 1 April in Amsterdam (summer time)
        assert format_datetime(datetime(2026, 3, 31, 23, 30)) == "1 Apr 2026 01:30"


def test_money_has_its_currency_and_two_decimals_and_amounts_are_whole():
    assert format_money(Decimal("49")) == "€\u00a049.00"
    assert format_money(Decimal("1234.5")) == "€\u00a01,234.50"
    assert format_number(1200) == "1,200"


def test_dutch_numbers_swap_the_separators(app):
    with app.test_request_context(), force_locale("nl"):
        assert format_money(Decimal("1234.5")) == "€\u00a01.234,50"
        assert format_number(1200) == "1.200"
        assert format_decimal_column("vat_rate", None, Decimal("21")) == "21,00\u00a0%"


def test_decimal_columns_know_money_from_rates_and_percentages():
    assert format_decimal_column("price", Product.price, Decimal("49")) == "€\u00a049.00"
    assert format_decimal_column("vat_rate", None, Decimal("21")) == "21.00\u00a0%"
    assert format_decimal_column("vat_amount", None, Decimal("1.08")) == "€\u00a01.08"  # an amount, not a rate
    assert format_decimal_column("per_order", RateCard.per_order, Decimal("0.015")) == "€\u00a00.0150"


def test_back_office_lists_show_minutes_and_euros(app, staff_client):
    from fulfilment.models import Product as ProductModel
    from tests import factories

    product = factories.make_product(price="49")
    ProductModel.update(created_at=datetime(2026, 3, 4, 9, 7, 59, 123456)).where(
        ProductModel.id == product.id).execute()
    page = staff_client.get(f"/admin/product/details/?id={product.id}").get_data(as_text=True)
    assert "€\u00a049.00" in page or "€&nbsp;49.00" in page
    listing = staff_client.get("/admin/product/").get_data(as_text=True)
    assert "€\u00a049.00" in listing
    assert "4 Mar 2026 09:07" in page and "09:07:59" not in page


def test_numbers_are_written_exactly_as_babel_writes_them_in_every_language():
    """The fast path of formatting._decimal swaps the locale's symbols into Python's format(); it
    must agree with Babel to the last character, rounding and signs included."""
    import random

    from babel import Locale, numbers

    from fulfilment import formatting

    generator = random.Random(14)
    values = [0, -1, 999, 1000, -1234567, 0.5, 2.675, -0.005, Decimal("-0"), Decimal("1234.565"),
              Decimal("0.00005"), Decimal("99999.99995")]
    values += [generator.randint(-10**9, 10**9) for _ in range(300)]
    values += [Decimal(generator.randint(-10**10, 10**10)).scaleb(-generator.randint(0, 6)) for _ in range(300)]
    values += [generator.uniform(-1e6, 1e6) for _ in range(300)]
    for code in ("en", "nl"):
        locale = Locale.parse(code)
        fast_formats = formatting._fast_formats(locale)
        assert set(fast_formats) >= {"#,##0", "#,##0.00", "#,##0.0000", "0.00"}  # the fast path is taken
        for pattern, fast in fast_formats.items():
            for value in values:
                expected = numbers.format_decimal(value, format=pattern, locale=locale)
                assert fast(value) == expected, (code, pattern, value)


def test_a_language_whose_numbers_python_cannot_write_falls_back_to_babel(app):
    from babel import Locale, numbers

    from fulfilment import formatting

    # Babel writes Swiss German millions without a group separator ("1234567.89") but thousands
    # with one ("1'234.50"): the sample check notices, and Babel writes them.
    swiss = formatting._fast_formats(Locale.parse("de_CH"))
    assert "#,##0.00" not in swiss
    with app.test_request_context(), force_locale("de_CH"):
        assert format_number(Decimal("1234567.891")) == numbers.format_decimal(
            Decimal("1234567.891"), format="#,##0.00", locale="de_CH")


def test_dates_are_written_exactly_as_babel_writes_them_in_every_language_and_time_zone(app, monkeypatch):
    """formatting._DatePatterns writes our two patterns in Python; over random moments (summer-time
    changes included) in the shown time zone it agrees with Flask-Babel to the last character."""
    import random
    from datetime import timedelta

    import flask_babel

    from fulfilment import formatting

    generator = random.Random(14)
    moments = [datetime(2026, 3, 29, 0, 59), datetime(2026, 3, 29, 1, 0), datetime(2026, 10, 25, 0, 30),
               datetime(2026, 10, 25, 1, 30), datetime(2026, 12, 31, 23, 59)]
    moments += [datetime(2000, 1, 1) + timedelta(minutes=generator.randint(0, 40 * 525_600)) for _ in range(400)]
    for zone in ("UTC", "Europe/Amsterdam", "America/New_York"):
        monkeypatch.setattr(app.extensions["babel"], "default_timezone", zone)
        for code in ("en", "nl"):
            with app.test_request_context(), force_locale(code):
                assert formatting._fast_dates(flask_babel.get_locale()) is not None  # the fast path is taken
                for moment in moments:
                    assert format_datetime(moment) == flask_babel.format_datetime(moment, formatting.DATETIME_PATTERN)
                    assert format_date(moment) == flask_babel.format_date(moment, formatting.DATE_PATTERN)
                    assert format_date(moment.date()) == flask_babel.format_date(moment.date(),
                                                                                  formatting.DATE_PATTERN)
