"""Product management: a client with "Access to product management" adds products and edits them.

Without the flag every route here answers 403, whatever the UI shows. The product code is
chosen once: it is not in the edit form, and a posted change is refused by the catalog service.
"""

from babel import numbers
from flask import abort, flash, make_response, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_wtf import FlaskForm
from wtforms import DecimalField, IntegerField, StringField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from fulfilment.i18n import _, _l
from fulfilment.models import Product
from fulfilment.services import catalog
from fulfilment.views.blueprint import bp
from fulfilment.views.forms import text
from fulfilment.views.refusals import form_page, refusal_shown_on
from fulfilment.views.scope import current_client, get_owned_or_404, portal_actor

NOT_MANAGED = _l("The warehouse manages your products, so they cannot be added or changed here. "
                 "Ask the warehouse to add or change a product, or to give you access to product management.")


class PriceField(DecimalField):
    """A price in euros as either language writes it: "12,50" and "1.234,50" as well as "12.50" and "1,234.50"
    (the separator that comes last is the decimal one), shown with the reader's decimal sign."""

    def process_formdata(self, valuelist):
        if valuelist:
            valuelist = [_decimal_with_point(valuelist[0])]
        super().process_formdata(valuelist)

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        if self.data is None:
            return ""
        return numbers.format_decimal(self.data, format="0.00", locale=get_locale())


def _decimal_with_point(text):
    text = text.strip().replace(" ", "")
    decimal_sign = max(text.rfind(","), text.rfind("."))
    if decimal_sign < 0:
        return text
    whole = text[:decimal_sign].replace(",", "").replace(".", "")
    return f"{whole}.{text[decimal_sign + 1:]}"


class ProductForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=255)])
    barcode = text(_l("Barcode"), description=_l("EAN or UPC, as printed on the product (optional)."))
    price = PriceField(_l("Price"), places=2, validators=[Optional(), NumberRange(min=0)],
                         description=_l("Sales price in euros, e.g. 12.50."))
    hs_code = text(_l("HS code"), max_length=16,
                   description=_l("The customs tariff number, 6 to 10 digits (optional)."))
    country_of_origin = text(_l("Country of origin"), max_length=2,
                             description=_l("Where the product was made: two letters, e.g. NL or CN (optional)."))
    customs_description = text(_l("Customs description"), description=_l(
        "What the goods are, in words customs understand, e.g. Cotton T-shirts (optional)."))
    weight_grams = IntegerField(_l("Weight (grams)"), validators=[Optional(), NumberRange(min=0, max=10_000_000)])
    length_mm = IntegerField(_l("Length (mm)"), validators=[Optional(), NumberRange(min=0, max=10_000_000)])
    width_mm = IntegerField(_l("Width (mm)"), validators=[Optional(), NumberRange(min=0, max=10_000_000)])
    height_mm = IntegerField(_l("Height (mm)"), validators=[Optional(), NumberRange(min=0, max=10_000_000)])


def detail_fields(form):
    """The customs, weight and dimension fields of a product form, as the catalog service takes them."""
    return {name: form[name].data for name in catalog.DETAIL_FIELDS}


class NewProductForm(ProductForm):
    product_code = StringField(_l("Product code"), validators=[DataRequired(), Length(max=255)],
                               description=_l("Your SKU. It cannot be changed once the product exists."))


def client_managing_products():
    """The logged-in client, when it may manage its products; otherwise a 403 that says why."""
    client = current_client()
    if not catalog.may_manage_products(client, portal_actor()):
        abort(make_response(render_template("portal/refused.html", title=_("Not allowed"), message=NOT_MANAGED), 403))
    return client


@bp.route("/products/new", methods=["GET", "POST"])
def new_product():
    client = client_managing_products()
    form = NewProductForm()

    def page():
        return render_template("portal/product_form.html", form=form, product=None)

    if form.validate_on_submit():
        with refusal_shown_on(page):
            product = catalog.create_product(client, form.product_code.data, form.name.data, actor=portal_actor(),
                                             barcode=form.barcode.data, price=form.price.data,
                                             **detail_fields(form))
        flash(_("Product %(code)s has been added.", code=product.product_code), "success")
        return redirect(url_for("portal.product", product_id=product.id))
    return form_page(page, form)


@bp.route("/products/<int:product_id>/edit", methods=["GET", "POST"])
def edit_product(product_id):
    client = client_managing_products()
    product = get_owned_or_404(Product.for_client(client), product_id)
    form = ProductForm(obj=product)

    def page():
        return render_template("portal/product_form.html", form=form, product=product)

    if form.validate_on_submit():
        with refusal_shown_on(page):
            # A posted product code goes to the service, which refuses any change to it.
            catalog.update_product(product, product_code=request.form.get("product_code"), actor=portal_actor(),
                                   name=form.name.data, barcode=form.barcode.data, price=form.price.data,
                                   **detail_fields(form))
        flash(_("Product %(code)s has been saved.", code=product.product_code), "success")
        return redirect(url_for("portal.product", product_id=product.id))
    return form_page(page, form)
