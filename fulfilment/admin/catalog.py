"""Products, their images, stock levels and the stock ledger."""

from flask import abort, flash, redirect, request, url_for
from flask_admin import expose
from flask_login import current_user
from markupsafe import Markup
from wtforms import FileField

from fulfilment.admin.base import (
    CLIENT_LOOKUP,
    PRODUCT_LOOKUP,
    ReadOnlyModelView,
    RecordAction,
    RelatedTable,
    StaffModelView,
)
from fulfilment.admin.forms import StockCorrectionForm
from fulfilment.admin.labels import yes_no
from fulfilment.admin.work import WorkPage, WorkPageMixin, active_formatter, number_formatter, record_link
from fulfilment.formatting import format_number
from fulfilment.i18n import _, _l
from fulfilment.images import image_response
from fulfilment.models import (
    Client,
    Product,
    ProductImage,
    Stock,
    StockMutation,
    Warehouse,
)
from fulfilment.services import catalog, locations, stock, stock_corrections
from fulfilment.vocabulary import change_type_label

PRODUCT_FIELDS = ("name", "barcode", "price", "fixed_stock_price", "active") + catalog.DETAIL_FIELDS

# The menu's heading for products, stock and locations (admin/locations.py too).
PRODUCTS_AND_STOCK = _l("Products & stock")

# The product page's ledger shows the latest changes; the full ledger is the stock ledger list.
LEDGER_ROWS = 50


class ProductView(WorkPageMixin, StaffModelView):
    details_template = "admin/work/product.html"
    column_list = ("id", "client", "product_code", "name", "barcode", "price", "fixed_stock_price", "stock_total",
                   "free_total", "active")
    # Sorting every client's products by a total would read them all: the totals are shown, not sorted.
    column_sortable_list = ("id", "product_code", "name", "barcode", "price", "fixed_stock_price", "active")
    column_searchable_list = ("product_code", "name", "barcode")
    column_filters = (Client.name, "active")
    column_default_sort = ("id", True)
    column_formatters = {"active": active_formatter, "stock_total": number_formatter, "free_total": number_formatter}
    column_formatters_detail = {"stock_total": number_formatter, "free_total": number_formatter}
    form_columns = ("client", "product_code") + PRODUCT_FIELDS
    form_ajax_refs = {"client": CLIENT_LOOKUP}

    def work_page(self, product):
        from fulfilment.views.stock_chart import stock_chart

        levels = stock.stock_levels(product)
        ledger = list(StockMutation.select(StockMutation, Warehouse).join(Warehouse)
                      .where(StockMutation.product == product)
                      .order_by(StockMutation.created_at.desc(), StockMutation.id.desc()).limit(LEDGER_ROWS))
        facts = [(_("Client"), record_link("client", product.client, product.client.name)),
                 (_("Barcode"), product.barcode), (_("Price"), product.price),
                 (_("Stock"), product.stock_total), (_("Free"), product.free_total),
                 (_("HS code"), product.hs_code), (_("Country of origin"), product.country_of_origin),
                 (_("Weight (grams)"), product.weight_grams)]
        return WorkPage(
            title=_("Product %(product_code)s %(name)s", product_code=product.product_code, name=product.name),
            status="active" if product.active else "inactive",
            facts=[(label, value) for label, value in facts if value not in (None, "")],
            tables=[
                RelatedTable(_("Stock per warehouse"), [(_("Warehouse"), lambda s: s.warehouse.name),
                                                        (_("Stock"), "stock"), (_("Allocated"), "allocated"),
                                                        (_("Free"), "free")], levels),
                RelatedTable(_("Locations"), [(_("Warehouse"), lambda link: link.location.warehouse.name),
                                              (_("Location"), lambda link: link.location.name),
                                              (_("Preferred"), lambda link: yes_no(link.preferred))],
                             locations.product_locations(product)),
                RelatedTable(_("Stock ledger (latest %(count)s)", count=format_number(LEDGER_ROWS)),
                             [(_("When"), "created_at"), (_("Warehouse"), lambda m: m.warehouse.name),
                              (_("Change"), "change"), (_("New stock"), "new_stock"),
                              (_("Type"), lambda m: change_type_label(m.change_type)),
                              (_("Reason"), "reason"), (_("Who"), "actor")], ledger),
            ],
            chart=stock_chart(product.client_id, product, product.stock_total),
        )

    def on_form_prefill(self, form, id):
        # The product code is fixed once the product exists.
        form.product_code.render_kw = {"readonly": True}

    def create_model(self, form):
        return self.call_service(
            catalog.create_product, form.client.data, form.product_code.data, form.name.data,
            **{name: getattr(form, name).data for name in PRODUCT_FIELDS if name != "name"},
        )

    def update_model(self, form, model):
        if form.client.data is not None and form.client.data.id != model.client_id:
            flash(_("A product cannot move to another client."), "error")
            return False
        return bool(self.call_service(
            catalog.update_product, model, product_code=form.product_code.data,
            **{name: getattr(form, name).data for name in PRODUCT_FIELDS},
        ))


def _thumbnail(view, context, image, name):
    src = url_for(".image", image_id=image.id)
    return Markup('<img src="{}" alt="" class="image-preview">').format(src)


class ProductImageView(StaffModelView):
    can_edit = False
    column_list = ("id", "client", "product", "filename", "content_type", "position", "preview")
    column_formatters = {"preview": _thumbnail}
    column_filters = (Client.name,)
    form_columns = ("product",)
    form_ajax_refs = {"product": PRODUCT_LOOKUP}
    form_extra_fields = {"image": FileField(_l("Image (PNG, JPEG, GIF or WebP, at most 5 MB)"))}

    @expose("/image/<int:image_id>")
    def image(self, image_id):
        image = ProductImage.get_or_none(ProductImage.id == image_id)
        if image is None:
            abort(404)
        return image_response(image)

    def create_model(self, form):
        upload = form.image.data
        if form.product.data is None or upload is None or not hasattr(upload, "read"):
            flash(_("Choose a product and an image file."), "error")
            return False
        return self.call_service(catalog.add_product_image, form.product.data, upload.read(),
                                 filename=upload.filename or "")


class StockView(ReadOnlyModelView):
    column_list = ("id", "client", "product", "warehouse", "stock", "allocated", "free", "updated_at")
    column_filters = (Client.name, Warehouse.name)
    column_sortable_list = ("id", "stock", "allocated", "updated_at")
    column_formatters = {"free": lambda v, c, m, n: m.free}
    record_actions = (RecordAction("correct", _l("Correct stock"), form_endpoint="stock.correct_form",
                                   style="primary"),)

    @expose("/correct/<int:record_id>", methods=["GET", "POST"])
    def correct_form(self, record_id):
        level = self.get_one(record_id) or abort(404)
        form = StockCorrectionForm(request.form if request.method == "POST" else None)
        if request.method == "POST" and form.validate():
            correct = stock_corrections.set_stock if form.mode.data == "set" else stock_corrections.change_stock
            actor = current_user._get_current_object()
            if self.call_service(correct, level.product, level.warehouse, form.amount.data, form.reason.data, actor):
                flash(_("Stock corrected and written to the stock history."), "success")
                return redirect(self.details_url(level))
        return self.render_form_page(
            _("Correct stock of %(product)s in %(warehouse)s", product=level.product, warehouse=level.warehouse.name),
            form, level,
            intro=_("Now %(stock)s in stock, %(allocated)s allocated. Stock cannot go below what is allocated.",
                    stock=format_number(level.stock), allocated=format_number(level.allocated)),
        )


class StockMutationView(ReadOnlyModelView):
    simple_list_pager = True
    column_list = ("id", "created_at", "client", "product", "warehouse", "old_stock", "change", "new_stock",
                   "change_type", "reason", "actor")
    column_filters = (Client.name, "change_type", "created_at")
    column_searchable_list = ("reason",)
    # Newest first by date; the id keeps mutations of the same moment in the order they were written.
    column_default_sort = [("created_at", True), ("id", True)]
    column_labels = {"created_at": _l("Date")}
    column_formatters = {"change_type": lambda view, context, mutation, name: change_type_label(mutation.change_type)}


def views():
    return [
        ProductView(Product, name=_l("Products"), category=PRODUCTS_AND_STOCK),
        ProductImageView(ProductImage, name=_l("Product images"), category=PRODUCTS_AND_STOCK),
        StockView(Stock, name=_l("Stock"), category=PRODUCTS_AND_STOCK),
        StockMutationView(StockMutation, name=_l("Stock history"), category=PRODUCTS_AND_STOCK),
    ]
