"""Every portal route and the URL arguments that name client A's own rows, for the tests that walk them all."""

PREFIX = "/fulfilmentportal"


def other_browser_session(user):
    """The id of user's session in another browser (made by the world fixture)."""
    from fulfilment.models import LoginSession
    from tests.views.conftest import OTHER_BROWSER

    return LoginSession.get((LoginSession.portal_user == user.id) & (LoginSession.user_agent == OTHER_BROWSER)).id


# endpoint -> (kind, the URL arguments naming client A's own rows)
#   public: the login page; page: a page without ids; owned: a page of one of A's rows;
#   action: a POST without ids (with the CSRF token); owned action: a POST on one of A's rows;
#   download: a file without ids; logout: the POST that ends the session.
ROUTES = {
    "portal.login": ("public", None),
    "portal.logout": ("logout", None),
    "portal.dashboard": ("page", None),
    "portal.products": ("page", None),
    "portal.product_lookup": ("page", None),
    "portal.new_product": ("page", None),
    "portal.product": ("owned", lambda w: {"product_id": w.product.id}),
    "portal.edit_product": ("owned", lambda w: {"product_id": w.product.id}),
    "portal.product_image": ("owned", lambda w: {"product_id": w.product.id, "image_id": w.image.id}),
    "portal.orders": ("page", None),
    "portal.new_order": ("page", None),
    "portal.import_order": ("page", None),
    "portal.order_import_template": ("download", None),
    "portal.confirm_order_import": ("action", None),
    "portal.order": ("owned", lambda w: {"order_id": w.order.id}),
    "portal.change_order_address": ("owned", lambda w: {"order_id": w.order.id}),
    "portal.cancel_order": ("owned", lambda w: {"order_id": w.order.id}),
    "portal.duplicate_order": ("owned action", lambda w: {"order_id": w.order.id}),
    "portal.submit_order": ("owned action", lambda w: {"order_id": w.order.id}),
    "portal.add_order_line": ("owned action", lambda w: {"order_id": w.order.id}),
    "portal.update_order_line": ("owned action", lambda w: {"order_id": w.order.id, "line_id": w.order_line.id}),
    "portal.remove_order_line": ("owned action", lambda w: {"order_id": w.order.id, "line_id": w.order_line.id}),
    "portal.shipments": ("page", None),
    "portal.shipment": ("owned", lambda w: {"picklist_id": w.shipment.id}),
    "portal.backorders": ("page", None),
    "portal.purchase_orders": ("page", None),
    "portal.new_purchase_order": ("page", None),
    "portal.purchase_order": ("owned", lambda w: {"purchase_order_id": w.purchase_order.id}),
    "portal.edit_purchase_order": ("owned", lambda w: {"purchase_order_id": w.purchase_order.id}),
    "portal.cancel_purchase_order": ("owned", lambda w: {"purchase_order_id": w.purchase_order.id}),
    "portal.returns": ("page", None),
    "portal.return": ("owned", lambda w: {"return_id": w.ret.id}),
    "portal.webshops": ("page", None),
    "portal.webshop": ("owned", lambda w: {"webshop_id": w.webshop.id}),
    "portal.new_webshop": ("page", None),
    "portal.edit_webshop": ("owned", lambda w: {"webshop_id": w.webshop.id}),
    "portal.test_webshop_connection": ("owned action", lambda w: {"webshop_id": w.webshop.id}),
    "portal.addresses": ("page", None),
    "portal.new_address": ("page", None),
    "portal.edit_address": ("owned", lambda w: {"address_id": w.address.id}),
    "portal.delete_address": ("owned", lambda w: {"address_id": w.address.id}),
    "portal.settings": ("page", None),
    "portal.update_login_details": ("action", None),
    "portal.change_password": ("action", None),
    "portal.change_language": ("action", None),
    # The client's own API keys: created by a POST, revoked after a confirmation page (GET, then POST).
    "portal.create_api_key": ("action", None),
    "portal.revoke_api_key": ("owned", lambda w: {"api_key_id": w.api_key.id}),
    # The user's login sessions: end one (another browser of A's user), or log out everywhere.
    "portal.end_session": ("owned action", lambda w: {"session_id": other_browser_session(w.a_user)}),
    "portal.end_all_sessions": ("logout", None),
    # Excel downloads of the lists: each client gets its own rows (tests/views/test_exports.py).
    "portal.products_export": ("page", None),
    "portal.stock_history_export": ("page", None),
    # The ledger of all the client's products, filtered by product, type and dates.
    "portal.stock_history": ("page", None),
    "portal.orders_export": ("page", None),
    "portal.shipments_export": ("page", None),
    "portal.backorders_export": ("page", None),
    "portal.purchase_orders_export": ("page", None),
    "portal.returns_export": ("page", None),
    # A long export written by the worker: its page, its progress, its file (tests/views/test_export_jobs.py).
    "portal.export_job": ("owned", lambda w: {"job_id": w.export_job.id}),
    "portal.export_job_progress": ("owned", lambda w: {"job_id": w.export_job.id}),
    "portal.export_job_download": ("owned", lambda w: {"job_id": w.export_job.id}),
    # A long Excel import created by the worker: its page and its progress (tests/views/test_import_jobs.py).
    "portal.import_job": ("owned", lambda w: {"job_id": w.import_job.id}),
    "portal.import_job_progress": ("owned", lambda w: {"job_id": w.import_job.id}),
    # E-mail notifications and webhooks on the settings page (tests/views/test_notification_settings.py).
    "portal.save_notification_settings": ("action", None),
    "portal.create_webhook": ("page", None),
    "portal.webhook": ("owned", lambda w: {"hook_id": w.hook.id}),
    "portal.delete_webhook": ("owned", lambda w: {"hook_id": w.hook.id}),
    "portal.test_webhook": ("owned action", lambda w: {"hook_id": w.hook.id}),
    "portal.reactivate_webhook": ("owned action", lambda w: {"hook_id": w.hook.id}),
    # Issued invoices (drafts are never shown), each line's records, the invoice as Excel.
    "portal.invoices": ("page", None),
    "portal.invoice": ("owned", lambda w: {"invoice_id": w.invoice.id}),
    "portal.invoice_line": ("owned", lambda w: {"invoice_id": w.invoice.id, "line_id": w.invoice_line.id}),
    "portal.invoice_export": ("owned", lambda w: {"invoice_id": w.invoice.id}),
}


def portal_rules(app):
    return [rule for rule in app.url_map.iter_rules() if rule.rule.startswith(PREFIX)]


def build_path(app, rule, world):
    kind, arguments = ROUTES[rule.endpoint]
    values = arguments(world) if arguments else {}
    return app.url_map.bind("portal.test").build(rule.endpoint, values)
