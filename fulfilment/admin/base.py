"""What every back-office view shares: staff-only access, CSRF, bounded list queries, safe deletes,
spreadsheet exports."""

from dataclasses import dataclass, field
from typing import Callable

from flask import abort, current_app, flash, redirect, request, url_for
from flask_admin import AdminIndexView, expose
from flask_admin.actions import action
from flask_admin.contrib.peewee import ModelView
from flask_admin.form import BaseForm
from flask_login import current_user
from flask_wtf.csrf import generate_csrf, validate_csrf
from peewee import JOIN, BlobField, DecimalField, ForeignKeyField
from wtforms.csrf.core import CSRF
from wtforms.validators import ValidationError

from fulfilment.auth import is_admin, is_staff, require_staff
from fulfilment.downloads import spreadsheet_response
from fulfilment.routing import record_id
from fulfilment.services import spreadsheets
from fulfilment.services.errors import DomainError
from fulfilment.services.records import delete_record
from fulfilment.services.spreadsheets import Column, path

# Ajax lookups for foreign keys in forms (never a select that loads a whole table).
CLIENT_LOOKUP = {"fields": ["name"], "placeholder": "Type to find a client"}
PRODUCT_LOOKUP = {"fields": ["product_code", "name"], "placeholder": "Type a product code or name"}


class FlaskWTFCSRF(CSRF):
    """WTForms CSRF backed by Flask-WTF's token, so CSRFProtect accepts admin forms too."""

    def generate_csrf_token(self, csrf_token_field):
        return generate_csrf()

    def validate_csrf_token(self, form, field):
        try:
            validate_csrf(field.data)
        except Exception as error:  # flask_wtf raises its own ValidationError subclass
            raise ValidationError(str(error)) from error


class StaffForm(BaseForm):
    class Meta:
        csrf = True
        csrf_class = FlaskWTFCSRF
        csrf_field_name = "csrf_token"


class StaffAccessMixin:
    """Anonymous visitors go to the staff login page; portal users are refused (403)."""

    def is_accessible(self):
        return is_staff()

    def inaccessible_callback(self, name, **kwargs):
        return require_staff()


class AdminOnlyAccessMixin(StaffAccessMixin):
    """Only staff with the admin flag (staff users, API keys, sessions, security); other staff get 403."""

    def is_accessible(self):
        return is_admin()

    def inaccessible_callback(self, name, **kwargs):
        return require_staff() or abort(403)


class StaffIndexView(StaffAccessMixin, AdminIndexView):
    @expose("/")
    def index(self):
        from fulfilment.admin.dashboard import dashboard_figures

        return self.render("admin/staff_index.html", figures=dashboard_figures())


@dataclass
class RecordAction:
    """A button on a record's details page that runs one service call (POST, CSRF-protected).

    ``run(record, actor)`` calls the service; ``shown(record)`` decides whether the button is
    offered; ``form_endpoint`` makes the button a link to a form page instead of a POST.
    ``reason(record)`` says why a button that is not offered cannot be used now: on a work page
    it is then shown disabled with that reason (an empty reason: not worth mentioning, hidden).
    """

    name: str
    label: str
    run: Callable = None
    success: str = "Done."
    confirm: str = ""
    style: str = "secondary"
    shown: Callable = field(default=lambda record: True)
    form_endpoint: str = ""
    reason: Callable = None


@dataclass
class RelatedTable:
    """Rows that belong to a record (an order's lines, a picklist's shipments …) on its details page.

    ``columns`` is [(header, attribute name or function of the row)].
    """

    title: str
    columns: list
    rows: list

    def cells(self, row):
        return [getter(row) if callable(getter) else getattr(row, getter) for _, getter in self.columns]


class StaffModelView(StaffAccessMixin, ModelView):
    """Base for every back-office list/form.

    List pages select the rows of the foreign keys they show in the same query (one JOIN per
    relation), so a page of 100 rows costs the same number of queries as a page of 5.
    """

    form_base_class = StaffForm
    page_size = 50
    can_view_details = True
    can_set_page_size = True
    simple_list_pager = False
    column_display_pk = True
    details_modal = False
    # Foreign keys in forms are looked up by ajax instead of loading whole tables.
    form_ajax_refs = {}

    def get_one(self, id):
        """The record with this id, or None for an id no table can hold (the page then answers not found)."""
        if record_id(id) is None:
            return None
        return super().get_one(id)

    def get_query(self):
        # Lists never load blobs (image bytes); a preview column fetches them by URL.
        query = self.model.select(*[f for f in self.model._meta.sorted_fields if not isinstance(f, BlobField)])
        for field in self._shown_foreign_keys():
            related = field.rel_model.alias(f"rel_{field.name}")
            query = query.select_extend(related).switch(self.model).join(
                related, JOIN.LEFT_OUTER, on=(field == related.id), attr=field.name
            )
        return query.switch(self.model)

    def _shown_foreign_keys(self):
        shown = set(self.column_list or [n for n, _ in self._list_columns]) | set(self.column_export_extra)
        for name in shown:
            field = self.model._meta.fields.get(name if isinstance(name, str) else getattr(name, "name", ""))
            if isinstance(field, ForeignKeyField):
                yield field

    # --- spreadsheet export: every list, with its search, filters and sort -------------------

    list_template = "admin/staff_list.html"
    # Flask-Admin's tabs without javascript: links (our Content-Security-Policy refuses them).
    create_template = "admin/staff_create.html"
    edit_template = "admin/staff_edit.html"
    # Flask-Admin's own CSV/tablib export stays off; export() below answers with our .xlsx.
    can_export = False
    can_export_spreadsheet = True
    # Fields the export adds after the list's columns (say, an order's address).
    column_export_extra = ()

    @expose("/export/<export_type>/")
    def export(self, export_type):
        """The list as the staff member sees it (search, filters, sort), every page, as .xlsx."""
        if not self.can_export_spreadsheet or export_type != "xlsx":
            abort(404)
        args = self._get_list_extra_args()
        sort = self._get_column_by_idx(args.sort)
        sort_column = sort[0] if sort and sort[0] in self._sortable_columns else None
        _, query = self.get_list(0, sort_column, args.sort_desc, args.search, args.filters,
                                 execute=False, page_size=0)
        try:
            spreadsheet = spreadsheets.export_rows(self.name, self.spreadsheet_columns(), query,
                                                   max_rows=current_app.config["EXPORT_MAX_ROWS"])
        except DomainError as error:
            flash(error.message, "error")
            return redirect(self.get_url(".index_view", **request.args.to_dict()))
        return spreadsheet_response(spreadsheet)

    def spreadsheet_columns(self):
        """The list's columns, then column_export_extra; a related row exports its name."""
        columns = []
        for name, label in self._list_columns:
            columns.extend(self._spreadsheet_columns_of(name, label))
        for name in self.column_export_extra:
            columns.extend(self._spreadsheet_columns_of(name, self.get_column_name(name)))
        return columns

    def _spreadsheet_columns_of(self, name, label):
        field = self.model._meta.fields.get(name)
        if isinstance(field, ForeignKeyField):
            # get_query() joined the related row under the field's name, so no query per row.
            if "product_code" in field.rel_model._meta.fields:
                return [Column(f"{label} code", path(f"{name}.product_code")),
                        Column(f"{label} name", path(f"{name}.name"))]
            return [Column(label, _related_label(name))]
        if isinstance(field, BlobField):
            return []
        if field is not None:
            return [Column(label, path(name), money=isinstance(field, DecimalField))]
        if isinstance(getattr(self.model, name, None), property):
            return [Column(label, path(name))]
        return []  # shown only on the page (an image preview …)

    # --- deleting: never a record with history ---------------------------------------------

    def delete_model(self, model):
        try:
            delete_record(model)
        except DomainError as error:
            flash(error.message, "error")
            return False
        self.after_model_delete(model)
        return True

    @action("delete", "Delete", "Delete the selected records? Records with history are kept.")
    def action_delete(self, ids):
        deleted = 0
        for record in self.model.select().where(self.model.id.in_([int(i) for i in ids])):
            if self.delete_model(record):
                deleted += 1
        if deleted:
            flash(f"{deleted} record(s) deleted.", "success")

    # --- record actions: buttons on the details page that call a service --------------------

    details_template = "admin/details_with_actions.html"
    record_actions = ()

    def related_tables(self, record):
        """Tables shown under the record's details; views override this."""
        return []

    def actions_for(self, record):
        return [action for action in self.record_actions if action.shown(record)]

    def work_actions(self, record):
        """[(action, reason it is refused or "")]: allowed actions, and refused ones that say why."""
        offered = []
        for button in self.record_actions:
            if button.shown(record):
                offered.append((button, ""))
            elif button.reason is not None:
                why = button.reason(record)
                if why:
                    offered.append((button, why))
        return offered

    @expose("/do/<action_name>/<int:record_id>", methods=["POST"])
    def record_action(self, action_name, record_id):
        record = self.get_one(record_id)
        action = next((a for a in self.record_actions if a.name == action_name and a.run), None)
        if record is None or action is None:
            abort(404)
        if self.call_service(action.run, record, current_user._get_current_object()) is not False:
            flash(action.success, "success")
        return redirect(self.details_url(record))

    def details_url(self, record):
        return url_for(".details_view", id=record.id)

    def render_form_page(self, title, form, record=None, intro=""):
        """A page with one form that feeds a service (correct stock, register a receipt …)."""
        back = self.details_url(record) if record is not None else url_for(".index_view")
        return self.render("admin/service_form.html", title=title, form=form, record=record, intro=intro,
                           back_url=back)

    # --- calling services: domain errors become a flash message -----------------------------

    def call_service(self, service, *args, **kwargs):
        """Run a service; on a DomainError flash its message and return False."""
        try:
            return service(*args, **kwargs)
        except DomainError as error:
            flash(error.message, "error")
            return False

    def handle_view_exception(self, exc):
        if isinstance(exc, DomainError):
            flash(exc.message, "error")
            return True
        return super().handle_view_exception(exc)


def _related_label(name):
    def label(row):
        related = getattr(row, name)
        return None if related is None else str(related)

    return label


class ReadOnlyModelView(StaffModelView):
    """A list and details of rows that only services write (ledger, shipments …)."""

    can_create = False
    can_edit = False
    can_delete = False
