"""Dutch and English (issue 16): the rules' refusals read in the reader's language.

A domain error reads its message when it is raised, in the language of the request: Dutch for a
Dutch reader of the portal or the back office, English outside a request and always English in
the REST API (integrators match on its messages). The words a client's records keep (order
history, ledger reasons, return log, invoice lines) are written in that client's language.
"""

from datetime import timedelta

import peewee
import pytest

from fulfilment import models
from fulfilment.i18n import force_locale
from fulfilment.models import Order, OrderEvent, Picklist, Product, PurchaseOrder, ReturnLog, StockMutation
from fulfilment.services import (
    accounts,
    billing,
    catalog,
    customer_report,
    orders,
    picking,
    purchasing,
    records,
    stock,
)
from fulfilment.services.errors import (
    HasHistory,
    InsufficientStock,
    OrderNotChangeable,
    PurchaseOrderLocked,
    UnknownProduct,
    ValidationFailed,
    WeakPassword,
    WrongStatus,
)
from fulfilment.throttling import Throttled
from tests import factories
from tests.conftest import portal_login
from tests.factories import api_client_for
from tests.views.portal_forms import submit, text_of


@pytest.fixture
def dutch(app):
    """A request of someone who reads Dutch."""
    with app.test_request_context("/"), force_locale("nl"):
        yield


@pytest.fixture
def koffie(app):
    return factories.make_client(name="Koffie BV", language="nl", product_management=True)


@pytest.fixture
def picked_order(koffie):
    mug = factories.make_product(koffie, product_code="MUG", stock_amount=2)
    order = factories.make_order(koffie, lines=[(mug, 5)], process=True)
    picking.close_picklist(factories.open_picklist(order))
    return Order.get_by_id(order.id)


@pytest.fixture
def received_purchase_order(koffie):
    purchase_order = factories.make_purchase_order(koffie, lines=[(factories.make_product(koffie), 4)])
    purchasing.register_receipt(purchase_order, {purchase_order.lines[0].id: 1})
    return PurchaseOrder.get_by_id(purchase_order.id)


def _refusal(error, action, *args):
    with pytest.raises(error) as refused:
        action(*args)
    return refused.value.message


# --- in Dutch ---------------------------------------------------------------------------------


def test_not_enough_free_stock_is_refused_in_dutch(dutch, koffie):
    mug = factories.make_product(koffie, product_code="MUG", stock_amount=3)
    message = _refusal(InsufficientStock, stock.allocate, mug, factories.warehouse(), 5)
    assert message == "Niet genoeg vrije voorraad van MUG voor 5 stuks."


def test_cancelling_a_picked_order_is_refused_in_dutch(dutch, picked_order):
    message = _refusal(OrderNotChangeable, orders.cancel_order, picked_order)
    assert message == f"Bestelling {picked_order.number} is gepickt en kan niet meer worden gewijzigd of geannuleerd."
    assert orders.why_not_cancel(picked_order) == message


def test_an_unknown_or_inactive_product_is_refused_in_dutch(dutch, koffie):
    assert _refusal(UnknownProduct, catalog.usable_product, koffie, None) == "Onbekend product."
    old = factories.make_product(koffie, product_code="OLD", active=False)
    assert _refusal(UnknownProduct, catalog.usable_product, koffie, old) == "Product OLD is niet actief."
    resolved = catalog.resolve_products(koffie, codes=["NOPE"])
    assert resolved.problems["NOPE"] == ("unknown", "Onbekende productcode NOPE.")


def test_a_weak_password_is_refused_in_dutch(dutch):
    assert _refusal(WeakPassword, accounts.check_password_strength, "kort") == \
        "Het wachtwoord moet minstens 12 tekens lang zijn."
    assert _refusal(WeakPassword, accounts.check_password_strength, "password1234") == \
        "Dit wachtwoord komt te vaak voor; kies een ander."
    assert WeakPassword().message == "Kies een sterker wachtwoord."  # a default message, read when raised


def test_a_purchase_order_with_a_receipt_is_refused_in_dutch(dutch, received_purchase_order):
    message = _refusal(PurchaseOrderLocked, purchasing.cancel_purchase_order, received_purchase_order)
    assert message == (f"Er is een ontvangst geregistreerd voor {received_purchase_order.number}; de inkooporder "
                       "kan niet meer worden gewijzigd of geannuleerd.")
    assert purchasing.why_not_cancel(received_purchase_order) == \
        "Er is een ontvangst geregistreerd op deze inkooporder; die kan niet meer worden geannuleerd."


def test_a_status_in_a_refusal_is_said_in_dutch(dutch, koffie):
    order = factories.make_order(koffie, lines=[(factories.make_product(koffie, stock_amount=1), 1)], process=True)
    message = _refusal(WrongStatus, orders.resume_order, order)
    assert message == (f"Bestelling {order.number} is in behandeling; alleen gepauzeerde bestellingen kunnen "
                       "worden hervat.")
    assert "processing" not in message


def test_an_amount_names_its_maximum_with_dutch_thousands(dutch, koffie):
    mug = factories.make_product(koffie, product_code="MUG")
    with pytest.raises(ValidationFailed) as refused:
        orders.create_order(koffie, [(mug, 0)], source="portal", fields={"delivery_name": "Jan"})
    assert refused.value.message == "Het aantal van MUG moet een geheel getal zijn van 1 tot en met 1.000.000."


def test_deleting_a_record_with_history_counts_it_in_dutch(dutch, koffie):
    mug = factories.make_product(koffie, product_code="MUG", stock_amount=5)
    factories.make_order(koffie, lines=[(mug, 1)])
    with pytest.raises(HasHistory) as refused:
        records.delete_record(mug)
    message = refused.value.message
    assert message.startswith("Product ") and "kan niet worden verwijderd" in message
    assert "1 bestelregel" in message and "voorraadmutatie" in message and " en " in message
    assert Product.get_or_none(Product.id == mug.id) is not None


def test_a_throttled_login_waits_in_dutch(dutch):
    assert Throttled(900).message == "Te veel mislukte pogingen. Probeer het over 15 minuten opnieuw."
    assert Throttled(1).message == "Te veel mislukte pogingen. Probeer het over 1 seconde opnieuw."


# --- English where no one reads Dutch -----------------------------------------------------------


def test_outside_a_request_refusals_stay_english(app, picked_order):
    message = _refusal(OrderNotChangeable, orders.cancel_order, picked_order)
    assert message == f"Order {picked_order.number} has been picked and can no longer be changed or cancelled."
    assert _refusal(WeakPassword, accounts.check_password_strength, "kort") == \
        "The password must be at least 12 characters long."


def test_the_api_refuses_in_english_even_when_asked_for_dutch(app, koffie, picked_order, received_purchase_order):
    api = api_client_for(app, client=koffie)
    dutch = {"Accept-Language": "nl"}
    cancelled = api.delete(f"/orders/{picked_order.id}", headers=dutch)
    assert cancelled.status_code == 409
    assert cancelled.get_json()["error_message"] == \
        f"Order {picked_order.number} has been picked and can no longer be changed or cancelled."
    locked = api.post(f"/purchaseorders/{received_purchase_order.id}/cancel", headers=dutch)
    assert locked.status_code == 409
    assert locked.get_json()["error_message"].startswith(
        f"A receipt has been registered for {received_purchase_order.number}")
    unknown = api.post("/orders", json={"deliveryname": "Jan", "products": [{"productcode": "NOPE", "amount": 1}]},
                       headers=dutch)
    assert unknown.status_code >= 400 and "NOPE" in unknown.get_json()["error_message"]
    assert "Onbekend" not in unknown.get_json()["error_message"]


def test_the_portal_of_a_dutch_client_refuses_in_dutch(app, koffie, picked_order):
    portal = portal_login(app, factories.make_portal_user(koffie))
    response = submit(portal, f"/orders/{picked_order.id}/cancel")
    page = text_of(response, 409)
    assert f"Bestelling {picked_order.number} is gepickt" in page and "has been picked" not in page


# --- documents in the client's language ---------------------------------------------------------


def test_a_dutch_clients_invoice_lines_and_return_log_are_dutch_whoever_runs_them(app, koffie):
    billing.save_rate_card(name="Standaard", is_default=True, per_order="1.00")
    factories.make_shipped_order(koffie, lines=[(factories.make_product(koffie, stock_amount=1), 1)])
    period = customer_report.month_period(billing.today_utc())
    with app.test_request_context("/admin/", headers={"Accept-Language": "en"}):  # an English reader runs it
        draft = billing.run_billing(koffie, period)
        ret = factories.make_return(koffie)
    assert [line.description for line in billing.invoice_lines(draft)] == ["Verwerkte bestellingen"]
    assert [log.message for log in ReturnLog.select().where(ReturnLog.return_ == ret)] == ["Retour aangemeld"]


def test_an_orders_history_is_written_in_its_clients_language(app, koffie):
    english = factories.make_client(name="Mug Company")
    for client, expected in ((koffie, ["Aangemaakt (magazijn)", "Verwerkt", "Picklijst {number} gepickt",
                                       "Afgerond: alles verzonden"]),
                             (english, ["Created (staff)", "Processed", "Picklist {number} picked",
                                        "Completed: everything shipped"])):
        with app.app_context():  # as in the CLI and the worker's jobs: no request, no reader
            order = factories.make_shipped_order(client, lines=[(factories.make_product(client, stock_amount=1), 1)])
        number = Picklist.get(Picklist.order == order).number
        history = [event.message for event in OrderEvent.select().where(OrderEvent.order == order)
                   .order_by(OrderEvent.id)]
        assert history == [line.format(number=number) for line in expected]
    picked = StockMutation.select().where(StockMutation.change_type == "picklist").order_by(StockMutation.id)
    assert [mutation.reason.split()[0] for mutation in picked] == ["Picklijst", "Picklist"]  # the ledger too


def test_the_customer_reports_figures_are_named_in_dutch(dutch, koffie):
    period = customer_report.make_period(billing.today_utc().replace(day=1), billing.today_utc())
    rows = customer_report.summary_rows(customer_report.build_report(koffie, period))
    assert ("Uitgaand", "Gepickte stuks", 0) in rows and ("Klant", "Naam", "Koffie BV") in rows
    assert [column.title for column in customer_report.detail_columns("receipts")][:2] == ["Ontvangst", "Afgerond"]
    with pytest.raises(ValidationFailed) as refused:
        customer_report.make_period(period.end, period.start - timedelta(days=1))
    assert refused.value.message == "De einddatum ligt voor de begindatum."


def test_every_kind_of_history_has_a_counted_name():
    """A table that blocks deleting must be counted in words both languages have (services.records)."""
    tables = {referring._meta.table_name
              for model in vars(models).values()
              if isinstance(model, type) and issubclass(model, peewee.Model) and hasattr(model, "_meta")
              for _field, referring in records._history_references(model)}
    assert tables and tables <= set(records.COUNTED), sorted(tables - set(records.COUNTED))
