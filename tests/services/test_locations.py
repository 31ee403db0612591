"""Locations: codes, one preferred link per product and warehouse, the picking route."""

import pytest

from fulfilment.models import Location, ProductLocation, Warehouse
from fulfilment.services import locations, picking
from fulfilment.services.errors import ValidationFailed
from fulfilment.services.locations import LocationInUse, natural_key
from tests import factories


def test_codes_sort_naturally_numbers_as_numbers():
    codes = ["A.1.10.1", "B.1.1.1", "A.1.4.3", "A.1.4.10", "A.2.1.1", "a.1.4.4"]
    assert sorted(codes, key=natural_key) == ["A.1.4.3", "a.1.4.4", "A.1.4.10", "A.1.10.1", "A.2.1.1", "B.1.1.1"]


def test_location_code_is_unique_per_warehouse_whatever_the_case(app):
    factories.make_location("A.1.4.3")
    with pytest.raises(ValidationFailed, match="already exists"):
        factories.make_location("a.1.4.3")
    other = Warehouse.create(name="Second warehouse")
    assert factories.make_location("A.1.4.3", warehouse_=other).warehouse_id == other.id
    assert Location.select().count() == 2


@pytest.mark.parametrize("code", ["", "A..1", "A 1", ".A1", "A.1;DROP", "x" * 65])
def test_bad_codes_are_refused_and_create_nothing(app, code):
    with pytest.raises(ValidationFailed):
        locations.create_location(Warehouse.default(), code)
    assert Location.select().count() == 0


def test_unknown_type_is_refused(app):
    with pytest.raises(ValidationFailed, match="type"):
        factories.make_location("A.1", kind="attic")


def test_first_link_in_a_warehouse_is_preferred_and_one_preferred_stays(app):
    product = factories.make_product()
    first, second, third = (factories.make_location(code) for code in ("A.1.2", "A.1.3", "B.2.1"))
    assert locations.link_product(product, first).preferred is True
    assert locations.link_product(product, second).preferred is False
    locations.link_product(product, third, preferred=True)
    links = locations.product_locations(product)
    assert [(link.location.name, link.preferred) for link in links] == [("B.2.1", True), ("A.1.2", False),
                                                                         ("A.1.3", False)]
    assert ProductLocation.select().where(ProductLocation.preferred == True).count() == 1  # noqa: E712


def test_linking_twice_keeps_one_link(app):
    product = factories.make_product()
    shelf = factories.make_location("A.1")
    locations.link_product(product, shelf)
    locations.link_product(product, shelf)
    assert ProductLocation.select().count() == 1


def test_each_warehouse_has_its_own_preferred_location(app):
    product = factories.make_product()
    here = factories.make_location("A.1")
    there = factories.make_location("A.1", warehouse_=Warehouse.create(name="Second warehouse"))
    assert locations.link_product(product, here).preferred
    assert locations.link_product(product, there).preferred


def test_unlinking_the_preferred_location_prefers_the_next_by_code(app):
    product = factories.make_product()
    preferred = factories.make_location("A.1.4.3")
    for code in ("A.1.10.1", "A.1.9.1"):
        locations.link_product(product, factories.make_location(code))
    locations.link_product(product, preferred, preferred=True)
    locations.unlink_product(ProductLocation.get(ProductLocation.location == preferred))
    assert [(link.location.name, link.preferred) for link in locations.product_locations(product)] == [
        ("A.1.9.1", True), ("A.1.10.1", False)]


def test_a_location_with_products_cannot_be_deleted(app):
    product = factories.make_product()
    shelf = factories.make_location("A.1")
    locations.link_product(product, shelf)
    with pytest.raises(LocationInUse):
        locations.delete_location(shelf)
    assert Location.select().count() == 1 and ProductLocation.select().count() == 1
    locations.unlink_product(ProductLocation.get())
    locations.delete_location(shelf)
    assert Location.select().count() == 0


def test_an_inactive_location_links_nothing(app):
    shelf = factories.make_location("A.1", active=False)
    with pytest.raises(ValidationFailed, match="inactive"):
        locations.link_product(factories.make_product(), shelf)
    assert ProductLocation.select().count() == 0


def test_picking_route_walks_preferred_locations_in_natural_order(app):
    client = factories.make_client()
    far, near, nowhere, middle = (factories.make_product(client, stock_amount=5) for _ in range(4))
    locations.link_product(far, factories.make_location("A.1.10.1"))
    locations.link_product(near, factories.make_location("A.1.4.3"))
    locations.link_product(middle, factories.make_location("A.1.9.9"))
    locations.link_product(middle, factories.make_location("A.1.2.1"), preferred=False)
    order = factories.make_order(client, lines=[(far, 1), (nowhere, 1), (near, 1), (middle, 1)], process=True)
    picklist = factories.open_picklist(order)
    route = locations.picking_route(picking.picklist_lines(picklist), picklist.warehouse_id)
    assert [(line.product_id, preferred.name if preferred else None, others) for line, preferred, others in route] == [
        (near.id, "A.1.4.3", []), (middle.id, "A.1.9.9", ["A.1.2.1"]), (far.id, "A.1.10.1", []),
        (nowhere.id, None, [])]


def test_product_locations_pass_the_tenant_gate(app):
    mine, theirs = factories.make_client(), factories.make_client()
    shelf = factories.make_location("A.1")
    own_product, their_product = factories.make_product(mine), factories.make_product(theirs)
    locations.link_product(own_product, shelf)
    locations.link_product(their_product, shelf)
    assert locations.product_locations(their_product, mine) == []
    assert [link.product_id for link in locations.product_locations(own_product, mine)] == [own_product.id]


def _linked_codes(product):
    return sorted(link.location.name for link in ProductLocation.select().where(ProductLocation.product == product))


def test_a_product_whose_stock_runs_out_leaves_the_locations_that_ask_for_it(app):
    from fulfilment.services import stock

    product = factories.make_product(stock_amount=3)
    warehouse = factories.warehouse()
    emptied = factories.make_location("A.1", unlink_on_empty=True)
    kept = factories.make_location("B.1")
    elsewhere = factories.make_location("A.1", warehouse_=Warehouse.create(name="Second warehouse"),
                                        unlink_on_empty=True)
    for location in (emptied, kept, elsewhere):
        locations.link_product(product, location)

    stock.record_mutation(product, warehouse, -2, "correction")  # 1 left: nothing changes
    assert _linked_codes(product) == ["A.1", "A.1", "B.1"]
    stock.record_mutation(product, warehouse, -1, "correction")  # empty here
    assert _linked_codes(product) == ["A.1", "B.1"]  # the other warehouse's A.1 and B.1 stay
    assert ProductLocation.get(ProductLocation.product == product, ProductLocation.location == elsewhere.id)


def test_a_bulk_stock_change_that_empties_a_product_unlinks_it_too(app):
    from fulfilment.services import stock

    emptied_product, other = factories.make_product(stock_amount=2), factories.make_product(stock_amount=2)
    shelf = factories.make_location("C.1", unlink_on_empty=True)
    for product in (emptied_product, other):
        locations.link_product(product, shelf)
    stock.record_mutations([(emptied_product, -2), (other, -1)], factories.warehouse(), "correction")
    assert _linked_codes(emptied_product) == [] and _linked_codes(other) == ["C.1"]
