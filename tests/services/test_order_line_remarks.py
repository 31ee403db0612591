"""Order lines keep the remarks given when the order is created (the API sends them per line)."""

from fulfilment.models import OrderLine
from fulfilment.services import orders
from tests import factories


def test_create_order_keeps_line_remarks(app):
    client = factories.make_client()
    mug, cap = factories.make_product(client), factories.make_product(client)
    order = orders.create_order(client, [(mug, 1, None, "Gift wrap"), (cap, 2)], source="api",
                                fields=factories.ADDRESS)
    lines = OrderLine.select().where(OrderLine.order == order).order_by(OrderLine.id)
    assert [(line.remarks, line.price) for line in lines] == [("Gift wrap", mug.price), ("", cap.price)]
