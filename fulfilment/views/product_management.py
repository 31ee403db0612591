"""Product management: a client with "Access to product management" adds products and edits them.

Without the flag every route here answers 403, whatever the UI shows. The product code is
chosen once: it is not in the edit form, and a posted change is refused by the catalog service.
"""

from flask import abort, flash, make_response, redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from wtforms import DecimalField, StringField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from fulfilment.models import Product
from fulfilment.services import catalog
from fulfilment.views.blueprint import bp
from fulfilment.views.forms import text
from fulfilment.views.refusals import form_page, refusal_shown_on
from fulfilment.views.scope import current_client, get_owned_or_404, portal_actor

NOT_MANAGED = ("The warehouse manages your products, so they cannot be added or changed here. "
               "Ask the warehouse to add or change a product, or to give you access to product management.")


class ProductForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired(), Length(max=255)])
    barcode = text("Barcode", description="EAN or UPC, as printed on the product (optional).")
    price = DecimalField("Price", places=2, validators=[Optional(), NumberRange(min=0)],
                         description="Sales price in euros, e.g. 12.50.")


class NewProductForm(ProductForm):
    product_code = StringField("Product code", validators=[DataRequired(), Length(max=255)],
                               description="Your SKU. It cannot be changed once the product exists.")


def client_managing_products():
    """The logged-in client, when it may manage its products; otherwise a 403 that says why."""
    client = current_client()
    if not catalog.may_manage_products(client, portal_actor()):
        abort(make_response(render_template("portal/refused.html", title="Not allowed", message=NOT_MANAGED), 403))
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
                                             barcode=form.barcode.data, price=form.price.data)
        flash(f"Product {product.product_code} has been added.", "success")
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
                                   name=form.name.data, barcode=form.barcode.data, price=form.price.data)
        flash(f"Product {product.product_code} has been saved.", "success")
        return redirect(url_for("portal.product", product_id=product.id))
    return form_page(page, form)
