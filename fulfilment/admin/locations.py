"""Warehouse locations, which products lie where, and the carriers shipments go with."""

from flask import flash
from flask_admin.model.fields import AjaxSelectField
from peewee import JOIN
from wtforms import BooleanField
from wtforms.validators import DataRequired

from fulfilment.admin.base import PRODUCT_LOOKUP, RecordAction, RelatedTable, StaffModelView
from fulfilment.admin.catalog import PRODUCTS_AND_STOCK
from fulfilment.admin.labels import yes_no
from fulfilment.admin.operations import ORDERS_AND_SHIPPING
from fulfilment.i18n import _, _l
from fulfilment.models import LOCATION_TYPES, Carrier, Client, Location, Product, ProductLocation, Warehouse
from fulfilment.services import carriers, locations

LOCATION_LOOKUP = {"fields": ["name"], "placeholder": _l("Type a location code, e.g. A.1.4")}
# The kinds of location (models.LOCATION_TYPES) in the reader's language.
LOCATION_KINDS = {"shelf": _l("Shelf"), "pallet": _l("Pallet place"), "bulk": _l("Bulk"), "floor": _l("Floor")}


def _location_label(view, context, link, name):
    location = link.location
    return f"{location.name} ({location.warehouse.name})" if location else ""


class LocationView(StaffModelView):
    column_list = ("id", "warehouse", "name", "kind", "remarks", "unlink_on_empty", "active")
    column_searchable_list = ("name", "remarks")
    column_filters = (Warehouse.name, "kind", "active")
    column_default_sort = ("name", False)
    column_labels = {"name": _l("Code"), "kind": _l("Type")}
    column_formatters = {"kind": lambda view, context, location, name: LOCATION_KINDS.get(location.kind,
                                                                                         location.kind)}
    form_columns = ("warehouse", "name", "kind", "remarks", "unlink_on_empty", "active")
    form_args = {"name": {"label": _l("Code"), "description": _l("Letters and digits separated by dots, e.g. A.1.4.3 "
                                                                 "(hall A, aisle 1, rack 4, shelf 3).")},
                 "kind": {"choices": [(code, LOCATION_KINDS.get(code, label)) for code, label in LOCATION_TYPES]},
                 "warehouse": {"validators": [DataRequired()]},
                 "unlink_on_empty": {"label": _l("Unlink products when their stock runs out")}}

    def related_tables(self, location):
        links = list(ProductLocation.select(ProductLocation, Product, Client).join(Product)
                     .switch(ProductLocation).join(Client)
                     .where(ProductLocation.location == location).order_by(Product.product_code).limit(200))
        return [RelatedTable(_("Products here"), [(_("Client"), lambda link: link.client.name),
                                                  (_("Product"), "product"),
                                                  (_("Preferred"), lambda link: yes_no(link.preferred))],
                             links)]

    def create_model(self, form):
        return self.call_service(locations.create_location, form.warehouse.data, form.name.data,
                                 kind=form.kind.data, remarks=form.remarks.data,
                                 unlink_on_empty=form.unlink_on_empty.data, active=form.active.data)

    def update_model(self, form, model):
        if form.warehouse.data is not None and form.warehouse.data.id != model.warehouse_id:
            flash(_("A location cannot move to another warehouse; add a new location there."), "error")
            return False
        return bool(self.call_service(locations.update_location, model, name=form.name.data, kind=form.kind.data,
                                      remarks=form.remarks.data, unlink_on_empty=form.unlink_on_empty.data,
                                      active=form.active.data))

    def delete_model(self, model):
        return self.call_service(locations.delete_location, model) is not False


class ProductLocationView(StaffModelView):
    """Links between products and locations: add one, make one preferred, remove one."""

    can_edit = False
    column_list = ("id", "client", "product", "location", "preferred", "created_at")
    column_formatters = {"location": _location_label}
    column_filters = (Client.name, "preferred")
    column_default_sort = ("id", True)
    form_columns = ("product",)
    form_ajax_refs = {"product": PRODUCT_LOOKUP, "location": LOCATION_LOOKUP}
    form_extra_fields = {"preferred": BooleanField(_l("Preferred location (pick here first)"))}
    record_actions = (
        RecordAction("prefer", _l("Make preferred"), lambda link, actor: locations.set_preferred(link),
                     style="primary", success=_l("This is now the product's preferred location in its warehouse."),
                     shown=lambda link: not link.preferred),
    )

    def join_label_rows(self, query, joined):
        # The location column names the location's warehouse too (_location_label).
        location = joined.get("location")
        if location is None:
            return query
        warehouse = Warehouse.alias("rel_location_warehouse")
        return query.select_extend(warehouse.id, warehouse.name).switch(location).join(
            warehouse, JOIN.LEFT_OUTER, on=(location.warehouse == warehouse.id), attr="warehouse")

    def scaffold_form(self):
        form_class = super().scaffold_form()
        form_class.location = AjaxSelectField(self._form_ajax_refs["location"], _l("Location"),
                                              validators=[DataRequired()])
        return form_class

    def create_model(self, form):
        if form.product.data is None or form.location.data is None:
            flash(_("Choose a product and a location."), "error")
            return False
        return self.call_service(locations.link_product, form.product.data, form.location.data,
                                 preferred=True if form.preferred.data else None)

    def delete_model(self, model):
        return self.call_service(locations.unlink_product, model) is not False


class CarrierView(StaffModelView):
    """Carriers staff ship with; the template turns a tracking code into the link customers follow."""

    can_delete = False  # shipments keep the carrier's name; deactivate a carrier instead
    column_list = ("id", "name", "tracking_url_template", "active")
    column_searchable_list = ("name",)
    column_default_sort = ("name", False)
    form_columns = ("name", "tracking_url_template", "active")
    form_args = {"tracking_url_template": {
        "description": _l("The carrier's tracking page, starting with https://, with {code} where the tracking code "
                          "goes; {country} and {zipcode} (the recipient's) are filled in too."),
    }}

    def create_model(self, form):
        return self.call_service(carriers.create_carrier, form.name.data, form.tracking_url_template.data,
                                 active=form.active.data)

    def update_model(self, form, model):
        return bool(self.call_service(carriers.update_carrier, model, name=form.name.data,
                                      tracking_url_template=form.tracking_url_template.data,
                                      active=form.active.data))


def views():
    return [
        LocationView(Location, name=_l("Locations"), category=PRODUCTS_AND_STOCK),
        ProductLocationView(ProductLocation, name=_l("Product locations"), category=PRODUCTS_AND_STOCK),
        CarrierView(Carrier, name=_l("Carriers"), category=ORDERS_AND_SHIPPING),
    ]
