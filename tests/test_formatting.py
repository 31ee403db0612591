"""One way to write dates, money and counts: the portal's filters and the back office's columns agree."""

from datetime import date, datetime
from decimal import Decimal

from fulfilment.formatting import (
    count_of,
    format_date,
    format_datetime,
    format_decimal_column,
    format_money,
    format_number,
)
from fulfilment.models import Product, RateCard


def test_dates_and_times_read_to_the_minute():
    assert format_datetime(datetime(2026, 3, 4, 9, 7, 59, 123456)) == "2026-03-04 09:07"
    assert format_datetime(date(2026, 3, 4)) == "2026-03-04"
    assert format_date(datetime(2026, 3, 4, 9, 7)) == "2026-03-04"
    assert format_datetime(None) == "–"


def test_money_has_its_currency_and_two_decimals_and_amounts_are_whole():
    assert format_money(Decimal("49")) == "€\u00a049.00"
    assert format_money(Decimal("1234.5")) == "€\u00a01,234.50"
    assert format_number(1200) == "1\u202f200"


def test_counts_in_sentences_agree_with_the_number():
    assert count_of(1, "product") == "1 product"
    assert count_of(2, "product") == "2 products"
    assert count_of(0, "check") == "0 checks"
    assert count_of(3, "box", "boxes") == "3 boxes"


def test_decimal_columns_know_money_from_rates_and_percentages():
    assert format_decimal_column("price", Product.price, Decimal("49")) == "€\u00a049.00"
    assert format_decimal_column("vat_rate", None, Decimal("21")) == "21.00\u00a0%"
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
    assert "2026-03-04 09:07" in page and "09:07:59" not in page
