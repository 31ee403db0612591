"""Random sequences of warehouse work across two clients keep the ledger, allocation and tenants consistent.

Hypothesis plays receipts, orders, processing, picking (full and short), cancelling, pausing,
returns and stock corrections in random order. After every step the invariants in
tests/services/invariants.py must hold. A step may be refused with a DomainError (cancelling a
picked order, receiving too much …); a refused step must leave every table unchanged. Any other
exception fails the test.
"""

from functools import cache

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from peewee import Select, fn

from fulfilment.db import database
from fulfilment.models import (
    Backorder,
    Order,
    OrderLine,
    Picklist,
    Product,
    PurchaseOrder,
    Return,
    ReturnStatus,
    Stock,
    Warehouse,
)
from fulfilment.services import backorders, orders, picking, purchasing, returns, stock_corrections
from fulfilment.services.errors import DomainError
from tests import factories
from tests.conftest import empty_all_tables
from tests.services.invariants import all_problems, ledger_problems, order_problems, table_contents, tenant_problems

index = st.integers(min_value=0, max_value=50)
amount = st.integers(min_value=1, max_value=4)
client_index = st.integers(min_value=0, max_value=1)
own_product = st.integers(min_value=0, max_value=1)
shortfall = st.sampled_from([0, 0, 0, 1, 2])  # mostly full picks

# What a rule needs to act on, as a query; a rule is only chosen while its query has rows.
ACTIONABLE = {
    "purchase orders": lambda: PurchaseOrder.select(),
    "receivable purchase orders": lambda: PurchaseOrder.select().where(
        PurchaseOrder.status.in_(("concept", "purchased"))),
    "orders not cancelled": lambda: Order.select().where(Order.status != "cancelled"),
    "unprocessed orders": lambda: Order.select().where(Order.status.in_(("concept", "expected"))),
    "running orders": lambda: Order.select().where(Order.status.in_(("processing", "paused"))),
    "backorders": lambda: Backorder.select(),
    "open picklists": lambda: Picklist.select().where(Picklist.status == "new"),
    "returns": lambda: Return.select(),
}


@cache
def actionable_sql(engine):
    return Select(columns=[fn.EXISTS(query()) for query in ACTIONABLE.values()]).bind(database.obj).sql()


def actionable():
    """{what: whether its query has rows}, asked in one statement (built once: building took longer)."""
    row = database.execute_sql(*actionable_sql(type(database.obj))).fetchone()
    return dict(zip(ACTIONABLE, map(bool, row), strict=True))


def needs(what):
    return precondition(lambda machine: machine.actionable[what])


def nth(what, i):
    """The i-th row of ACTIONABLE[what] (wrapping around), or None when there are none."""
    query = ACTIONABLE[what]()
    rows = list(query.order_by(query.model.id))
    return rows[i % len(rows)] if rows else None


class TwoClientsInOneWarehouse(RuleBasedStateMachine):
    """Two clients with two products each, sharing one warehouse."""

    @initialize(stock_levels=st.lists(st.integers(min_value=0, max_value=6), min_size=4, max_size=4))
    def start_from_empty_tables(self, stock_levels):
        """Empty tables, then four products with some stock each (booked through the ledger)."""
        empty_all_tables()
        self.clients = [factories.make_client(name="Client A"), factories.make_client(name="Client B")]
        levels = iter(stock_levels)
        self.products = [
            [factories.make_product(client, product_code=f"{client.name[-1]}{n}", stock_amount=next(levels))
             for n in (1, 2)]
            for client in self.clients
        ]
        self.warehouse = Warehouse.default()

    def attempt(self, action, *args, **kwargs):
        """Run a service call; a DomainError is an allowed outcome but must have changed nothing."""
        before = table_contents()
        try:
            return action(*args, **kwargs)
        except DomainError:
            assert table_contents() == before, f"{action.__name__} was refused but changed data"
            return None

    def refused(self, action, *args, **kwargs):
        """Run a service call that must be refused with a DomainError and change nothing."""
        before = table_contents()
        try:
            action(*args, **kwargs)
        except DomainError:
            assert table_contents() == before, f"{action.__name__} was refused but changed data"
        else:
            raise AssertionError(f"{action.__name__} accepted another client's row")

    def product(self, client, n):
        return self.products[client][n]

    def client_number(self, row):
        return [client.id for client in self.clients].index(row.client_id)

    # --- stock arrives or is corrected --------------------------------------------------------------

    @rule(client=client_index, product=own_product, amount=st.integers(min_value=1, max_value=6),
          part=st.integers(min_value=0, max_value=6), purchased=st.booleans())
    def create_purchase_order(self, client, product, amount, part, purchased):
        """A purchase order, marked purchased or not, of which `part` units are received at once."""
        purchase_order = purchasing.create_purchase_order(self.clients[client], [(self.product(client, product),
                                                                                    amount)])
        if purchased:
            purchasing.mark_purchased(purchase_order)
        if part:
            line = purchase_order.lines.get()
            self.attempt(purchasing.register_receipt, purchase_order, {line.id: min(part, amount)})

    @needs("receivable purchase orders")
    @rule(purchase_order=index, part=st.integers(min_value=0, max_value=5))
    def register_receipt(self, purchase_order, part):
        """Receive up to `part` units of every line; receiving nothing must be refused."""
        purchase_order = nth("receivable purchase orders", purchase_order)
        received = {line.id: min(part, line.amount - line.amount_received) for line in purchase_order.lines}
        self.attempt(purchasing.register_receipt, purchase_order, received)

    @needs("purchase orders")
    @rule(purchase_order=index, product=own_product, amount=amount, cancel=st.booleans())
    def change_or_cancel_purchase_order(self, purchase_order, product, amount, cancel):
        """Refused once a receipt exists."""
        purchase_order = nth("purchase orders", purchase_order)
        if cancel:
            self.attempt(purchasing.cancel_purchase_order, purchase_order)
        else:
            new_lines = [(self.product(self.client_number(purchase_order), product), amount)]
            self.attempt(purchasing.update_purchase_order, purchase_order, lines=new_lines)

    @rule(client=client_index, product=own_product, change=st.integers(min_value=-4, max_value=6),
          absolute=st.booleans())
    def correct_stock(self, client, product, change, absolute):
        """A relative correction, or a count (absolute, 0 or more); below allocated must be refused."""
        if absolute:
            self.attempt(stock_corrections.set_stock, self.product(client, product), self.warehouse, max(change, 0),
                         "Count")
        else:
            self.attempt(stock_corrections.change_stock, self.product(client, product), self.warehouse, change,
                         "Counted")

    # --- orders -------------------------------------------------------------------------------------

    @rule(client=client_index, lines=st.lists(st.tuples(own_product, amount), min_size=1, max_size=3),
          then=st.sampled_from(["stay a concept", "process", "process", "process and pick"]))
    def create_order(self, client, lines, then):
        lines = [(self.product(client, product), amount) for product, amount in lines]
        order = orders.create_order(self.clients[client], lines, source="staff", fields=factories.ADDRESS)
        if then != "stay a concept":
            orders.process_order(order)
        if then == "process and pick":
            for picklist in Picklist.select().where((Picklist.order == order) & (Picklist.status == "new")):
                picking.close_picklist(picklist, shipments=[{"carrier": "DHL"}])

    @needs("unprocessed orders")
    @rule(order=index)
    def process_order(self, order):
        orders.process_order(nth("unprocessed orders", order))

    @needs("running orders")
    @rule(order=index)
    def pause_or_resume(self, order):
        order = nth("running orders", order)
        if order.status == "processing":
            orders.pause_order(order, reason="Customer called")
        else:
            orders.resume_order(order)

    @needs("orders not cancelled")
    @rule(order=index, action=st.sampled_from(["cancel", "change address", "duplicate"]))
    def client_changes_an_order(self, order, action):
        """Cancelling or changing the address is refused once the order is picked; any order can be copied."""
        order = nth("orders not cancelled", order)
        if action == "cancel":
            self.attempt(orders.cancel_order, order)
        elif action == "change address":
            self.attempt(orders.change_delivery_address, order, {"delivery_city": "Utrecht"})
        else:
            orders.duplicate_order(order)

    @needs("backorders")
    @rule(backorder=index)
    def cancel_backorder(self, backorder):
        self.attempt(backorders.cancel_backorder, nth("backorders", backorder))

    # --- picking ------------------------------------------------------------------------------------

    @needs("open picklists")
    @rule(picklist=index, short=shortfall, cancel=st.sampled_from([False, False, False, True]))
    def pick_or_cancel_picklist(self, picklist, short, cancel):
        """Pick everything (short=0) or up to `short` units less per line; sometimes cancel the picklist."""
        picklist = nth("open picklists", picklist)
        if cancel:
            self.attempt(picking.cancel_picklist, picklist)
        else:
            picked = {line.id: max(0, line.amount - short) for line in picklist.lines}
            self.attempt(picking.close_picklist, picklist, picked=picked,
                         shipments=[{"carrier": "PostNL", "tracking_code": "3S"}])

    # --- returns ------------------------------------------------------------------------------------

    @rule(client=client_index, returned=own_product, amount=amount, replacement=st.none() | own_product,
          replacement_amount=st.integers(min_value=1, max_value=3), order=st.none() | index)
    def create_return(self, client, returned, amount, replacement, replacement_amount, order):
        """Replacements without enough free stock must be refused."""
        replacements = [] if replacement is None else [(self.product(client, replacement), replacement_amount)]
        if order is not None:
            rows = list(Order.for_client(self.clients[client]).order_by(Order.id))
            order = rows[order % len(rows)] if rows else None
        self.attempt(returns.create_return, self.clients[client], [(self.product(client, returned), amount, "")],
                     replacements, order=order, name="Jansen")

    @needs("returns")
    @rule(ret=index, status=st.sampled_from([None, None, "received", "completed", "cancelled"]))
    def handle_return(self, ret, status):
        """Receive a return's products back into stock (status None), or move it to another status."""
        ret = nth("returns", ret)
        if status is None:
            self.attempt(returns.receive_return, ret)
        else:
            returns.change_return_status(ret, ReturnStatus.get(ReturnStatus.name == status), "Step")

    # --- tenants ------------------------------------------------------------------------------------

    @rule(client=client_index, product=own_product, order=index)
    def use_another_clients_rows(self, client, product, order):
        """Another client's product or order is refused in orders, purchase orders and returns."""
        own, other = self.clients[client], self.clients[1 - client]
        foreign = self.product(1 - client, product)
        self.refused(orders.create_order, own, [(foreign, 1)], source="portal", fields=factories.ADDRESS)
        self.refused(purchasing.create_purchase_order, own, [(foreign, 1)])
        self.refused(returns.create_return, own, [(foreign, 1, "")])
        self.refused(returns.create_return, own, [(self.product(client, product), 1, "")], [(foreign, 1)])
        rows = list(Order.for_client(other).order_by(Order.id))
        if rows:
            self.refused(returns.create_return, own, [(self.product(client, product), 1, "")],
                         order=rows[order % len(rows)])

    # --- after every step ---------------------------------------------------------------------------

    @invariant()
    def stock_allocation_and_tenants_are_consistent(self):
        assert all_problems() == []
        self.actionable = actionable()


def test_random_warehouse_work_keeps_ledger_allocation_and_tenants_consistent(app):
    run_state_machine_as_test(TwoClientsInOneWarehouse, settings=settings(
        max_examples=25, stateful_step_count=25, deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    ))


def test_the_checks_catch_broken_data(app):
    """The invariants would fail loudly: each kind of damage below is reported."""
    client, other = factories.make_client(), factories.make_client()
    product = factories.make_product(client, stock_amount=5)
    order = factories.make_order(client, lines=[(product, 7)], process=True)
    assert all_problems() == []

    Stock.update(stock=Stock.stock + 1).execute()
    assert any("ledger sum" in problem for problem in ledger_problems())
    Stock.update(stock=Stock.stock - 1, allocated=Stock.allocated - 1).execute()
    assert any("open picklist lines" in problem for problem in ledger_problems())
    Stock.update(allocated=Stock.allocated + 1).execute()
    Product.update(free_total=Product.free_total + 1).where(Product.id == product.id).execute()
    assert any("free_total differs" in problem for problem in ledger_problems())
    Product.update(free_total=Product.free_total - 1).where(Product.id == product.id).execute()

    Backorder.delete().execute()
    assert any("wants 7" in problem for problem in order_problems())

    OrderLine.update(product=factories.make_product(other)).where(OrderLine.order == order).execute()
    assert any("OrderLine.product belongs to another client" in problem for problem in tenant_problems())
