"""Every /admin endpoint, classified by how staff reach it, and the URLs of the pages staff open."""

# Endpoint suffixes (after "<view>.") and how staff reach them. A new kind of admin endpoint
# that is missing here fails test_every_admin_endpoint_is_classified.
PAGES_WITH_RECORD = {"details_view", "edit_view"}
PAGES = {"index_view", "create_view", "index", "run_view", "two_factor_setup"}
RECORD_FORMS = {"correct_form", "pause_form", "close_form", "shipment_form", "receipt_form", "status_form", "image",
                "line_form", "pick_view"}
POST_ONLY = {"record_action", "serve_view", "action_view", "delete_view", "ajax_update", "take_snapshots", "password",
             "recovery_codes", "require_two_factor", "two_factor_off", "end_session", "end_all_sessions",
             "scan_view", "reset_view", "ship_view", "language"}
# A back-office export job's page, progress and file: the staff member's own (tests/admin/test_export_jobs.py).
DATA = {"ajax_lookup", "export", "details_export", "job_page", "job_progress", "job_download"}
PUBLIC = {"static", "staff_login", "staff_logout", "staff_two_factor", "staff_two_factor_setup"}
# Views only staff with the admin flag may use (every endpoint of them), and single admin-only endpoints.
ADMIN_ONLY_VIEWS = {"staffuser", "apikey", "loginsession"}
ADMIN_ONLY_ENDPOINTS = {"account.require_two_factor"}


def admin_rules(app):
    return [rule for rule in app.url_map.iter_rules() if rule.rule.startswith("/admin")]


def _views(app):
    admin = app.extensions["admin"][0]
    return [view for view in admin._views if hasattr(view, "model")]


def _record(view):
    return view.model.select().order_by(view.model.id).first()


def staff_urls(app):
    """(url, why) for every page staff must be able to open."""
    urls = [("/admin/", "dashboard")]
    for view in _views(app):
        base = f"/admin/{view.endpoint}"
        urls.append((f"{base}/", "list"))
        record = _record(view)
        assert record is not None, f"the fixture has no {view.model.__name__}"
        urls.append((f"{base}/details/?id={record.id}", "details"))
        if view.can_create:
            urls.append((f"{base}/new/", "create"))
        if view.can_edit:
            urls.append((f"{base}/edit/?id={record.id}", "edit"))
    return urls
