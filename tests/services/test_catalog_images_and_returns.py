"""Product images sent as base64, product management, and changing returns."""

import base64

import pytest

from fulfilment.models import ProductImage, Return
from fulfilment.services import catalog, returns
from fulfilment.services.errors import ProductManagementDisabled, ValidationFailed, WrongStatus
from tests import factories


def test_base64_image_is_decoded_and_stored(app):
    product = factories.make_product()
    encoded = base64.b64encode(factories.tiny_png()).decode()
    wrapped = "\n".join(encoded[i:i + 20] for i in range(0, len(encoded), 20))
    image = catalog.add_product_image_from_base64(product, wrapped)
    assert bytes(ProductImage.get_by_id(image.id).data) == factories.tiny_png()
    image = catalog.add_product_image_from_base64(product, "data:image/png;base64," + encoded)
    assert image.content_type == "image/png"


@pytest.mark.parametrize("encoded", ["", "not base64!", base64.b64encode(b"plain text").decode(), None, 12])
def test_bad_base64_images_are_refused(app, encoded):
    product = factories.make_product()
    with pytest.raises(ValidationFailed):
        catalog.add_product_image_from_base64(product, encoded)
    assert not ProductImage.select().exists()


def test_remove_product_image(app):
    image = factories.make_product_image()
    catalog.remove_product_image(image)
    assert not ProductImage.select().exists()


def test_product_management_must_be_on_for_the_client_but_not_for_the_warehouse(app):
    managing = factories.make_client(product_management=True)
    catalog.check_product_management(managing, factories.make_portal_user(managing))
    managed = factories.make_client(product_management=False)
    with pytest.raises(ProductManagementDisabled):
        catalog.check_product_management(managed, factories.make_portal_user(managed))
    with pytest.raises(ProductManagementDisabled):
        catalog.check_product_management(managed, factories.make_api_key(managed))
    catalog.check_product_management(managed, factories.make_staff_user())
    catalog.check_product_management(managed, factories.make_api_key())  # a staff-wide key
    catalog.check_product_management(managed)  # the system


def test_update_return_changes_the_address(app):
    ret = factories.make_return()
    returns.update_return(ret, {"name": " Piet ", "country": "be", "tracking_code": "3S1"})
    ret = Return.get_by_id(ret.id)
    assert (ret.name, ret.country, ret.tracking_code) == ("Piet", "BE", "3S1")
    with pytest.raises(ValidationFailed):
        returns.update_return(ret, {"status": "completed"})


def test_a_completed_return_takes_no_more_products(app):
    ret = factories.make_return()
    returns.change_return_status(ret, factories.return_status("completed"))
    product = factories.make_product(ret.client)
    with pytest.raises(WrongStatus):
        returns.add_returned_product(Return.get_by_id(ret.id), product, 1)
