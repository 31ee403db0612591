"""The server-side stock chart: levels walked back from today's stock, drawn as an SVG step path."""

import re
from datetime import datetime, timedelta

from fulfilment.models import Warehouse
from fulfilment.services import stock_corrections
from fulfilment.views import stock_chart as chart_module
from fulfilment.views.stock_chart import stock_chart, stock_levels_over_time
from tests import factories


def levels(product, current):
    start, points, truncated = stock_levels_over_time(product.client, product, current)
    return start, [level for _, level in points], truncated


def test_levels_follow_the_ledger(app):
    product = factories.make_product(stock_amount=10)
    stock_corrections.change_stock(product, Warehouse.default(), -3, "Broken")
    stock_corrections.change_stock(product, Warehouse.default(), 5, "Found")
    assert levels(product, 12) == (0, [10, 7, 12], False)


def test_levels_stay_right_when_older_lines_are_left_out(app, monkeypatch):
    monkeypatch.setattr(chart_module, "CHART_MUTATIONS", 2)
    product = factories.make_product(stock_amount=10)
    stock_corrections.change_stock(product, Warehouse.default(), -3, "Broken")
    stock_corrections.change_stock(product, Warehouse.default(), 5, "Found")
    assert levels(product, 12) == (10, [7, 12], True)


def test_chart_path_steps_and_axis(app):
    product = factories.make_product(stock_amount=8)
    stock_corrections.change_stock(product, Warehouse.default(), -8, "Sold out")
    chart = stock_chart(product.client, product, 0, now=datetime.now() + timedelta(days=1))
    assert re.fullmatch(r"M[\d.]+ [\d.]+( H[\d.]+ V[\d.]+)+ H[\d.]+", chart.path)
    assert [value for _, value in chart.ticks] == [0, 5, 10]
    # The line ends at 0 (the bottom of the plot) at the right edge.
    assert chart.path.endswith(f"H{float(chart.right)}")


def test_no_chart_without_ledger(app):
    product = factories.make_product()
    assert stock_chart(product.client, product, 0) is None
