from fulfilment.models import Backorder, Picklist, Stock, StockMutation
from fulfilment.services import orders, picking
from tests import factories


def test_order_is_allocated_backordered_picked_and_completed(app):
    client = factories.make_client()
    product = factories.make_product(client, stock_amount=3)
    order = factories.make_order(client, lines=[(product, 5)], process=True)
    assert order.status == "processing"
    stock = Stock.get(Stock.product == product)
    assert (stock.stock, stock.allocated) == (3, 3)
    assert Backorder.get(Backorder.order == order).amount == 2

    po = factories.make_purchase_order(client, lines=[(product, 2)])
    factories.receive_everything(po)
    picklists = list(Picklist.select().where(Picklist.order == order).order_by(Picklist.id))
    assert len(picklists) == 2
    assert not Backorder.select().where(Backorder.order == order).exists()
    for picklist in picklists:
        picking.close_picklist(picklist, shipments=[{"carrier": "PostNL", "tracking_code": "3S1"}])
    order = orders.Order.get_by_id(order.id)
    assert order.status == "completed"
    stock = Stock.get(Stock.product == product)
    assert (stock.stock, stock.allocated) == (0, 0)
    assert sum(m.change for m in StockMutation.select().where(StockMutation.product == product)) == 0
