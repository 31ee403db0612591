"""Clients and their portal logins, as in Picqer: portal access, username, password, product management."""

import json

from flask import abort, current_app, url_for
from flask_admin import expose
from flask_admin.form import rules
from flask_login import current_user
from markupsafe import Markup
from wtforms import PasswordField, StringField
from wtforms.validators import Optional

from fulfilment.admin.base import CLIENT_LOOKUP, ReadOnlyModelView, RelatedTable, StaffModelView
from fulfilment.admin.labels import yes_no
from fulfilment.admin.work import Link, WorkPage, WorkPageMixin, active_formatter, list_url, status_formatter
from fulfilment.auth import is_admin
from fulfilment.downloads import export_job_file_response, export_job_progress_response
from fulfilment.i18n import _, _l, language_name
from fulfilment.jobs import export_folder
from fulfilment.models import (
    Backorder,
    Client,
    ExportJob,
    ImportJob,
    Order,
    PortalUser,
    Product,
    PurchaseOrder,
    Return,
)
from fulfilment.routing import record_id
from fulfilment.services import accounts, export_jobs

CLIENT_FIELDS = ("name", "email", "portal_access", "product_management", "language", "active")


class ClientView(WorkPageMixin, StaffModelView):
    column_list = ("id", "name", "email", "portal_access", "product_management", "language", "active", "created_at")
    column_searchable_list = ("name", "email")
    column_filters = ("portal_access", "product_management", "language", "active")
    column_default_sort = "name"
    column_formatters = {"active": active_formatter,
                         "language": lambda view, context, client, name: language_name(client.language)}
    form_columns = CLIENT_FIELDS
    form_extra_fields = {
        "login_username": StringField(_l("Username"), validators=[Optional()]),
        "login_password": PasswordField(
            _l("Password"), validators=[Optional()],
            description=_l("At least 12 characters. Leave empty to keep the current password."),
        ),
    }
    # The CSRF token is a hidden field, drawn without a label before the rules.
    form_rules = (
        rules.Header(_l("Client")),
        "name", "email", "language", "active",
        rules.Header(_l("Fulfilment portal")),
        "portal_access", "login_username", "login_password", "product_management",
    )

    def work_page(self, client):
        users = list(PortalUser.select().where(PortalUser.client == client).order_by(PortalUser.id))
        by_client = ("Client / Name", "equals", client.name)
        work = [
            (_("Orders"), Order, "order"), (_("Backorders"), Backorder, "backorder"),
            (_("Products"), Product, "product"), (_("Purchase orders"), PurchaseOrder, "purchaseorder"),
            (_("Returns"), Return, "return"),
        ]
        rows = [(Link(label, list_url(endpoint, by_client)), model.select().where(model.client == client).count())
                for label, model, endpoint in work]
        facts = [(_("E-mail"), client.email), (_("Language"), language_name(client.language)),
                 (_("Access to portal"), yes_no(client.portal_access)),
                 (_("Access to product management"), yes_no(client.product_management)),
                 (_("Client since"), client.created_at)]
        return WorkPage(
            title=_("Client %(name)s", name=client.name), status="active" if client.active else "inactive",
            facts=[(label, value) for label, value in facts if value],
            tables=[
                RelatedTable(_("Work"), [(_("List"), lambda r: r[0]), (_("Rows"), lambda r: r[1])], rows),
                RelatedTable(_("Portal logins"), [(_("Username"), "username"), (_("E-mail"), "notification_email"),
                                                  (_("Active"), lambda u: yes_no(u.active)),
                                                  (_("Last login"), "last_login_at")], users),
            ],
        )

    def on_form_prefill(self, form, id):
        user = PortalUser.select().where(PortalUser.client == id).order_by(PortalUser.id).first()
        if user is not None:
            form.login_username.data = user.username

    def create_model(self, form):
        return self._save(form, None)

    def update_model(self, form, model):
        return bool(self._save(form, model))

    def _save(self, form, client):
        return self.call_service(
            accounts.save_client,
            client,
            login_username=(form.login_username.data or "").strip() or None,
            login_password=form.login_password.data or None,
            **{name: getattr(form, name).data for name in CLIENT_FIELDS},
        )


class PortalUserView(StaffModelView):
    column_list = ("id", "client", "username", "notification_email", "active", "last_login_at")
    column_searchable_list = ("username", "notification_email")
    column_filters = ("active",)
    column_formatters = {"active": active_formatter}
    # A password's hash is nobody's business, not even staff's.
    column_details_exclude_list = ("password_hash",)
    form_columns = ("client", "username", "notification_email", "active")
    form_ajax_refs = {"client": CLIENT_LOOKUP}
    form_extra_fields = {
        "new_password": PasswordField(_l("New password"), validators=[Optional()],
                                      description=_l("At least 12 characters. Leave empty to keep it.")),
    }

    def create_model(self, form):
        return self.call_service(
            accounts.create_portal_user,
            form.client.data, form.username.data, form.new_password.data,
            notification_email=form.notification_email.data or "", active=form.active.data,
        )

    def update_model(self, form, model):
        return bool(self.call_service(
            accounts.update_portal_user,
            model, username=form.username.data, password=form.new_password.data or None,
            notification_email=form.notification_email.data or "", active=form.active.data,
        ))


def _own_staff_jobs():
    """The back-office export jobs the staff member may open: their own; an admin's, every staff member's."""
    user = current_user._get_current_object()
    return export_jobs.staff_jobs(user, every_staff_member=is_admin(user))


def _kind_link(view, context, job, name):
    """A back-office job's list links to the job's page (for whoever may open it); a portal job's is text."""
    user = current_user._get_current_object()
    if export_jobs.staff_may_open(job, user, every_staff_member=is_admin(user)):
        return Markup('<a href="{}">{}</a>').format(url_for(".job_page", job_id=job.id), job.kind)
    return job.kind


class ExportJobView(ReadOnlyModelView):
    """Long exports the worker writes (services/export_jobs.py): who asked for which list, how far the
    worker is, and why one failed. A portal job's file is the client's to download; a back-office
    job has a page here (progress, then the download) for the staff member who asked, and for admins."""

    simple_list_pager = True
    column_list = ("id", "created_at", "client", "requested_by", "requested_by_staff", "kind", "language", "status",
                   "rows_written", "rows_total", "finished_at", "failure")
    column_details_list = column_list + ("filters", "started_at", "download_name", "error")
    column_filters = (Client.name, "status", "kind")
    column_default_sort = ("id", True)
    column_labels = {"kind": _l("List"), "requested_by": _l("Asked by"), "requested_by_staff": _l("Asked by staff"),
                     "rows_written": _l("Rows written"), "rows_total": _l("Rows in all"),
                     "failure": _l("Why it failed")}
    column_formatters = {"status": status_formatter, "kind": _kind_link,
                         "language": lambda view, context, job, name: language_name(job.language)}

    def _staff_job_or_404(self, job_id):
        """A back-office job the staff member may open (another staff member's is 404 unless an admin asks)."""
        job = _own_staff_jobs().where(ExportJob.id == record_id(job_id)).first() if record_id(job_id) else None
        if job is None:
            abort(404)
        return job

    @expose("/job/<int:job_id>")
    def job_page(self, job_id):
        """A back-office export job's page: its progress while the worker writes it, then the download
        (or why it failed), as the portal's export page shows it."""
        job = self._staff_job_or_404(job_id)
        endpoint = job.kind.removeprefix(export_jobs.STAFF_KIND_PREFIX)
        try:
            list_name = export_jobs.staff_list_view(endpoint).name
            list_url = url_for(f"{endpoint}.index_view", **dict(json.loads(job.filters)))
        except LookupError:  # a list the back office no longer has
            list_name, list_url = job.kind, url_for(".index_view")
        config = current_app.config
        return self.render(
            "admin/export_job.html", job=job, list_name=list_name, list_url=list_url,
            progress=export_jobs.describe(job),
            downloadable=export_jobs.job_file(job, export_folder()) is not None,
            most_rows=export_jobs.most_rows(config["EXPORT_JOB_MAX_ROWS"]), keep_hours=config["EXPORT_KEEP_HOURS"],
        )

    @expose("/job/<int:job_id>/progress")
    def job_progress(self, job_id):
        """The job's progress as JSON, for the page's progress bar (static/export-progress.js)."""
        return export_job_progress_response(self._staff_job_or_404(job_id))

    @expose("/job/<int:job_id>/download")
    def job_download(self, job_id):
        """The job's finished file, while it is kept."""
        return export_job_file_response(self._staff_job_or_404(job_id), export_folder())


class ImportJobView(ReadOnlyModelView):
    """Long Excel order imports the worker turns into orders (services/import_jobs.py): which client
    confirmed which file, the step the worker is at, the order it made, or why it refused."""

    simple_list_pager = True
    column_list = ("id", "created_at", "client", "requested_by", "reference", "lines_total", "status", "step", "order",
                   "finished_at", "failure")
    column_details_list = column_list + ("language", "started_at", "message", "error")
    column_filters = (Client.name, "status")
    column_default_sort = ("id", True)
    column_labels = {"requested_by": _l("Asked by"), "lines_total": _l("Lines"), "step": _l("Step"),
                     "failure": _l("Why it failed"), "message": _l("Message")}
    column_formatters = {"status": status_formatter,
                         "language": lambda view, context, job, name: language_name(job.language)}


def views():
    return [
        ClientView(Client, name=_l("Clients"), category=_l("Clients")),
        PortalUserView(PortalUser, name=_l("Portal users"), category=_l("Clients")),
        ExportJobView(ExportJob, name=_l("Export jobs"), category=_l("Clients")),
        ImportJobView(ImportJob, name=_l("Import jobs"), category=_l("Clients")),
    ]
