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
