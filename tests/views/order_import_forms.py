"""Going through the portal's Excel order import the way a browser does: upload, read the preview, confirm."""

import io
import re

from tests.views.portal_forms import submit

ADDRESS = {"delivery_name": "Jansen BV", "delivery_address": "Kerkstraat 1", "delivery_zipcode": "1011 AB",
           "delivery_city": "Amsterdam", "delivery_country": "NL"}


def upload(test_client, data, filename="order.xlsx", **fields):
    return submit(test_client, "/orders/import", {**ADDRESS, **fields, "file": (io.BytesIO(data), filename)},
                  content_type="multipart/form-data")


def preview_token(page):
    return re.search(r'name="token" type="hidden" value="([^"]+)"', page).group(1)


def confirm(test_client, token):
    return submit(test_client, "/orders/import/confirm", {"token": token})


def imported_lines(order):
    return [(line.product.product_code, line.amount) for line in order.lines.order_by(order.lines.model.id)]
