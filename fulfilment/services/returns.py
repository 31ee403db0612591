"""Returns: returned products back into stock, replacement products on a picklist, a status log.

The log's own texts ("Return registered") are written in the client's language: the client reads
them in the portal and in its e-mails.
"""

from fulfilment.db import locked, write_transaction
from fulfilment.i18n import _, _l, lazy_ngettext
from fulfilment.models import (
    Order,
    Product,
    ReplacementProduct,
    Return,
    ReturnedProduct,
    ReturnLog,
    ReturnStatus,
    Warehouse,
    utcnow,
)
from fulfilment.services import events, stock
from fulfilment.services.actors import describe_actor, written_for
from fulfilment.services.backorders import serve_backorders
from fulfilment.services.catalog import usable_product
from fulfilment.services.errors import ValidationFailed, WrongStatus
from fulfilment.services.numbering import assign_number
from fulfilment.services.picking import create_picklist
from fulfilment.services.quantities import clean_amount
from fulfilment.vocabulary import status_label

ADDRESS_FIELDS = ("name", "address", "zipcode", "city", "country", "email", "tracking_code", "remarks")
FIELD_LABELS = {"name": _l("name"), "address": _l("address"), "zipcode": _l("zip code"), "city": _l("city"),
                "country": _l("country"), "email": _l("e-mail"), "tracking_code": _l("tracking code")}


def default_status():
    return ReturnStatus.select().where(ReturnStatus.is_default == True).order_by(ReturnStatus.position).first()  # noqa: E712


def status_named(name):
    return ReturnStatus.get_or_none(ReturnStatus.name == name)


def _clean_amount(amount, product):
    return clean_amount(amount, product.product_code)


def _address_from(order, fields):
    address = {name: (fields.get(name) or "").strip() for name in ADDRESS_FIELDS if name in fields}
    if order is not None:
        defaults = {"name": order.delivery_name, "address": order.delivery_address, "zipcode": order.delivery_zipcode,
                    "city": order.delivery_city, "country": order.delivery_country, "email": order.email}
        for name, value in defaults.items():
            address.setdefault(name, value)
            if not address[name]:
                address[name] = value
    if "country" in address:
        address["country"] = (address["country"] or "NL").upper()[:2]
    return address


def create_return(client, returned, replacements=(), order=None, actor=None, **fields):
    """Register a return: returned products [(product, amount, reason)], replacements [(product, amount)].

    Replacement products are allocated and put on a picklist at once; without enough free stock
    the return is refused and nothing is created.
    """
    if order is not None and order.client_id != client.id:
        raise ValidationFailed(_("Unknown order."))
    if not returned and not replacements:
        raise ValidationFailed(_("A return needs at least one returned or replacement product."))
    unknown = set(fields) - set(ADDRESS_FIELDS)
    if unknown:
        raise ValidationFailed(_("Unknown return field(s): %(fields)s.", fields=", ".join(sorted(unknown))))
    status = default_status()
    with write_transaction():
        ret = Return.create(client=client, order=order, status=status, warehouse=Warehouse.default(),
                            **_address_from(order, fields))
        assign_number(ret)
        for product, amount, *reason in returned:
            add_returned_product(ret, product, amount, reason[0] if reason else "")
        if replacements:
            add_replacement_products(ret, replacements, actor)
        ReturnLog.create(client=client, return_=ret, status=status,
                         message=written_for(client, _l("Return registered")), actor=describe_actor(actor))
        events.emit("returns.created", ret)
        return ret


def add_returned_product(ret, product, amount, reason=""):
    """Add a product the customer sends back; refused once the return is completed."""
    with write_transaction():
        _check_open(ret)
        product = usable_product(ret.client, product, inactive_ok=True)
        return ReturnedProduct.create(client=ret.client_id, return_=ret, product=product,
                                      amount=_clean_amount(amount, product), reason=(reason or "").strip()[:255])


def add_replacement_products(ret, replacements, actor=None):
    """Allocate replacement products [(product, amount)] and put them on one picklist for the return."""
    with write_transaction():
        _check_open(ret)
        warehouse = ret.warehouse_id or Warehouse.default()
        lines = [(usable_product(ret.client, product), amount, None) for product, amount in replacements]
        stock.lock_stock_rows([product for product, _amount, _line in lines], warehouse)
        for product, amount, _line in lines:
            stock.allocate(product, warehouse, _clean_amount(amount, product))
        picklist = create_picklist(ret.client_id, warehouse, lines, return_=ret)
        for product, amount, _line in lines:
            ReplacementProduct.create(client=ret.client_id, return_=ret, product=product, amount=amount,
                                      picklist=picklist)
        return picklist


def lock_return(ret):
    return locked(Return.select().where(Return.id == ret.id)).get()


def _check_open(ret):
    status = ReturnStatus.get_by_id(ret.status_id)
    if status.is_completed:
        raise WrongStatus(_("Return %(number)s is %(status)s; its products can no longer change.",
                            number=ret.number, status=status_label(status.name)))


def why_not_receive(ret):
    """Why the return's products cannot be received now ("" when they can)."""
    status = ret.status
    if not status.is_completed:
        return ""
    return _("Return %(number)s is %(status)s; its products can no longer change.", number=ret.number,
             status=status_label(status.name))


def update_return(ret, fields, actor=None):
    """Change a return's name, address, e-mail, tracking code or remarks."""
    unknown = set(fields) - set(ADDRESS_FIELDS)
    if unknown:
        raise ValidationFailed(_("Unknown return field(s): %(fields)s.", fields=", ".join(sorted(unknown))))
    address = _address_from(None, fields)
    too_long = [name for name, value in address.items() if name != "remarks" and len(value) > 255]
    if too_long:
        raise ValidationFailed(_("Too long: %(fields)s.",
                                 fields=", ".join(str(FIELD_LABELS.get(name, name)) for name in too_long)))
    with write_transaction():
        ret = lock_return(ret)
        for name, value in address.items():
            setattr(ret, name, value)
        ret.updated_at = utcnow()
        ret.save()
        events.emit("returns.changed", ret)
        return ret


def change_return_status(ret, status, message="", actor=None, notify_client=True):
    """Move a return to another status and log it with the message, the actor and the time.

    The client is mailed about it unless ``notify_client`` is off (a receipt mails what arrived instead).
    """
    if not isinstance(status, ReturnStatus):
        raise ValidationFailed(_("Unknown return status."))
    with write_transaction():
        ret = lock_return(ret)
        ret.status = status
        ret.updated_at = utcnow()
        if status.is_completed and ret.completed_at is None:
            ret.completed_at = ret.updated_at
        ret.save()
        log = ReturnLog.create(client=ret.client_id, return_=ret, status=status,
                               message=(message or "").strip(), actor=describe_actor(actor))
        events.emit("returns.status_changed", ret, mail=notify_client, log=log)
        return log


def returned_products(ret):
    return list(ReturnedProduct.select(ReturnedProduct, Product).join(Product)
                .where(ReturnedProduct.return_ == ret).order_by(ReturnedProduct.id))


def receive_return(ret, received=None, actor=None):
    """Book returned products back into stock: {returned product id: amount}, default all outstanding.

    Each amount is a ledger mutation (change_type return); waiting backorders are then served.
    """
    with write_transaction():
        ret = lock_return(ret)
        if ret.status.is_completed:
            raise WrongStatus(_("Return %(number)s is %(status)s; nothing can be received on it.",
                                number=ret.number, status=status_label(ret.status.name)))
        lines = {line.id: line for line in returned_products(ret)}
        if received is None:
            received = {line.id: line.amount - line.amount_received for line in lines.values()}
        amounts = {}
        for line_id, amount in received.items():
            line = lines.get(int(line_id))
            if line is None:
                raise ValidationFailed(_("Line %(line)s is not on this return.", line=line_id))
            outstanding = line.amount - line.amount_received
            if isinstance(amount, bool) or not isinstance(amount, int) or not 0 <= amount <= outstanding:
                raise ValidationFailed(_("Received amount of %(code)s must be between 0 and %(outstanding)s.",
                                         code=line.product.product_code, outstanding=outstanding))
            if amount:
                amounts[line.id] = amount
        if not amounts:
            raise ValidationFailed(_("Nothing left to receive on this return."))
        warehouse = ret.warehouse_id or Warehouse.default()
        reason = written_for(ret.client_id, _l("Return %(number)s", number=ret.number))
        stock.lock_stock_rows([lines[line_id].product for line_id in amounts], warehouse)
        for line_id, amount in amounts.items():
            line = lines[line_id]
            ReturnedProduct.update(amount_received=ReturnedProduct.amount_received + amount).where(
                ReturnedProduct.id == line_id
            ).execute()
            stock.record_mutation(line.product, warehouse, amount, "return", reason=reason, actor=actor, return_=ret)
        ret.received_at = ret.updated_at = utcnow()
        ret.save()
        received_status = status_named("received")
        if received_status is not None and not ret.status.is_completed:
            message = lazy_ngettext("%(num)s product received back into stock",
                                    "%(num)s products received back into stock", sum(amounts.values()))
            change_return_status(ret, received_status, written_for(ret.client_id, message), actor,
                                 notify_client=False)
        events.emit("returns.products_received", ret, received=amounts)
        serve_backorders(products=[lines[line_id].product for line_id in amounts], actor=actor)
        return ret


def order_for_return(client, order_id):
    """The client's order with this id, for linking a return; None when it is not theirs."""
    return Order.for_client(client).where(Order.id == order_id).first()
