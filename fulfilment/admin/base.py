"""What every back-office view shares: staff-only access, CSRF, bounded list queries, safe deletes,
spreadsheet exports."""

from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import chain
from urllib.parse import quote as url_quote

from flask import abort, current_app, flash, g, redirect, request, url_for
from flask_admin import AdminIndexView, expose
from flask_admin.actions import action
from flask_admin.contrib.peewee import ModelView
from flask_admin.form import BaseForm
from flask_admin.model import typefmt
from flask_admin.model.filters import BaseBooleanFilter
from flask_admin.model.template import DeleteRowAction, EditRowAction, ViewRowAction
from flask_login import current_user
from flask_wtf.csrf import generate_csrf, validate_csrf
from jinja2 import pass_context
from markupsafe import Markup, escape
from peewee import JOIN, SQL, BlobField, DecimalField, ForeignKeyField, Select, fn
from wtforms.csrf.core import CSRF
from wtforms.validators import ValidationError

from fulfilment import id_blocks
from fulfilment.admin.labels import LABELS, related_label, yes_no
from fulfilment.auth import is_admin, is_staff, require_staff
from fulfilment.db import database, is_sqlite
from fulfilment.downloads import spreadsheet_response
from fulfilment.formatting import admin_type_formatters, format_number
from fulfilment.i18n import _, _l, current_language, ngettext
from fulfilment.jobs import enqueue_export
from fulfilment.routing import record_id
from fulfilment.search import matches as search_matches
from fulfilment.services import export_jobs, spreadsheets
from fulfilment.services.errors import DomainError
from fulfilment.services.records import delete_record, ids_with_history
from fulfilment.services.spreadsheets import Column, path
from fulfilment.vocabulary import actor_label

# Rows a list counts exactly and pages through; beyond it a list says "more than 10,000".
LIST_COUNT_LIMIT = 10_000

# The page of a back-office export job (ExportJobView in admin/clients.py).
EXPORT_JOB_PAGE = "exportjob.job_page"
# Stands for a row's id in a row link built once per list page (StaffModelView.row_url).
ROW_ID_MARKER = "ROWID0"
# The row buttons a list draws as links (StaffModelView._row_button): the page each opens, its icon.
ROW_LINKS = {ViewRowAction: (".details_view", "fa fa-eye glyphicon glyphicon-eye-open"),
             EditRowAction: (".edit_view", "fa fa-pencil glyphicon glyphicon-pencil")}


class AtLeast(int):
    """A count that stopped at its limit: the pager computes with it, the page shows "more than"."""

    def __str__(self):
        return _("more than %(count)s", count=format_number(int(self) - 1))


def _few_matches_in_id_order(matching, ordered, size, offset):
    """(count, the page's ids) of a search on PostgreSQL listed in id order, from one query over at
    most LIST_COUNT_LIMIT + 1 of its matches: (AtLeast, None) when it has more, (None, None) when
    the list is ordered otherwise.

    PostgreSQL guesses an ILIKE search's matches at 1 % of the rows and walks the primary key for a
    page of them: for a foreign id that 209 of 500,000 webshop orders hold it read 248,000 rows
    (318 ms). Here the matches are found first, through the trigram indexes, counted (a window
    COUNT over them) and sorted; a search with more matches than that is dense, and its page is
    found by walking the primary key as before."""
    model = ordered.model
    clauses = ordered._order_by or []
    if not clauses or any(clause.node is not model.id for clause in clauses):
        return None, None
    matches = matching.limit(LIST_COUNT_LIMIT + 1).alias("matches")
    descending = clauses[0].direction == "DESC"
    page = (Select([matches], [matches.c.id, fn.COUNT(SQL("*")).over()])
            .order_by(matches.c.id.desc() if descending else matches.c.id.asc()).limit(size).offset(offset))
    rows = list(page.tuples().execute(database))
    count = rows[0][1] if rows else (bounded_count(matching, LIST_COUNT_LIMIT) if offset else 0)
    if count > LIST_COUNT_LIMIT:
        return AtLeast(LIST_COUNT_LIMIT + 1), None
    return count, [row_id for row_id, _total in rows]


def bounded_count(query, limit):
    """The number of rows of query, or AtLeast(limit + 1) when there are more than limit."""
    found = query.order_by().limit(limit + 1).count()
    return AtLeast(found) if found > limit else found


# A yes/no filter's choices.
YES_NO_OPTIONS = (("1", _l("Yes")), ("0", _l("No")))

# Ajax lookups for foreign keys in forms (never a select that loads a whole table).
CLIENT_LOOKUP = {"fields": ["name"], "placeholder": _l("Type to find a client")}
PRODUCT_LOOKUP = {"fields": ["product_code", "name"], "placeholder": _l("Type a product code or name")}


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
    success: str = _l("Done.")
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
        return [getter(row) if callable(getter) else getattr(row, getter) for _header, getter in self.columns]


def _actor_column(view, context, model, name):
    return actor_label(model.actor)


def _yes_no_icon(view, value, name):
    """A yes/no field: Flask-Admin's icon, with the word in the reader's language for screen readers."""
    icon = "fa-check-circle" if value else "fa-minus-circle"
    return Markup('<span class="fa {}" title="{}" aria-hidden="true"></span><span class="sr-only">{}</span>').format(
        icon, yes_no(value), yes_no(value))


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
    # Dates to the minute, money with its currency: fulfilment/formatting.py, as in the portal.
    column_type_formatters = {**admin_type_formatters(typefmt.BASE_FORMATTERS), bool: _yes_no_icon}
    column_type_formatters_detail = {**admin_type_formatters(typefmt.DETAIL_FORMATTERS), bool: _yes_no_icon}
    # Fields a list row reads beyond its columns and keys: what a formatter or a row's buttons
    # (can_delete_row) look at (see _list_row_fields).
    list_row_reads = ()

    def __init__(self, model, *args, **kwargs):
        # Every field in the back office's words (admin/labels.py), the view's own labels first.
        self.column_labels = {**LABELS, **(self.column_labels or {})}
        if "actor" in model._meta.fields:  # who did it, in the reader's words (vocabulary.actor_label)
            self.column_formatters = {"actor": _actor_column, **(self.column_formatters or {})}
        super().__init__(model, *args, **kwargs)

    def _prettify_name(self, name):
        """A field labels.py has no words for: "portal_access" reads "Portal access" (English only)."""
        return plain_label(name)

    def scaffold_form(self):
        """The model's form, its fields labelled as the list labels them (a view's form_args win)."""
        field_args = {name: dict(args) for name, args in (self.form_args or {}).items()}
        for name in self.model._meta.fields:
            if name in self.column_labels:
                field_args.setdefault(name, {}).setdefault("label", self.column_labels[name])
        self.form_args = field_args
        return super().scaffold_form()

    def scaffold_filters(self, name):
        """Flask-Admin's filters, named in the reader's language; one on a related row's field reads
        "Client / Name" (the relation's and the field's own words, not this view's)."""
        filters = super().scaffold_filters(name)
        column = getattr(self.model, name, None) if isinstance(name, str) else name
        if filters and column is not None and column.model is not self.model:
            relation = next((f.name for f in self.model._meta.refs if f.rel_model is column.model),
                            column.model.__name__)
            for flt in filters:
                flt.name = related_label(relation, column.name)
        for flt in filters or ():
            if isinstance(flt, BaseBooleanFilter):
                # Flask-Admin's Dutch catalogue leaves its "No" in English.
                flt.options = YES_NO_OPTIONS
        return filters

    def search_placeholder(self):
        """'Search name, email': what the search box looks in, in the list's own column words."""
        if not self.column_searchable_list:
            return None
        names = []
        for column in self.column_searchable_list:
            name = column if isinstance(column, str) else getattr(column, "name", str(column))
            label = str(self.get_column_name(name))
            names.append(label.lower() if label[:1].isupper() and not label[1:2].isupper() else label)
        return _("Search %(columns)s", columns=", ".join(dict.fromkeys(names)))

    def get_one(self, id):
        """The record with this id, or None for an id no table can hold (the page then answers not found)."""
        if record_id(id) is None:
            return None
        return super().get_one(id)

    def get_query(self):
        """The rows with every column but blobs (image bytes: a preview column fetches them by URL)."""
        return self._rows_query([f for f in self.model._meta.sorted_fields if not isinstance(f, BlobField)])

    def _rows_query(self, fields):
        """The model's fields, and each shown related row by its label: only the columns that make
        the label are read (the order list's client, webshop and warehouse had added 25 columns a
        row, a seventh of the page's time)."""
        query = self.model.select(*fields)
        joined = {}
        for foreign_key in self._shown_foreign_keys():
            related = joined[foreign_key.name] = foreign_key.rel_model.alias(f"rel_{foreign_key.name}")
            labels = [getattr(related, field.name) for field in foreign_key.rel_model.label_columns()]
            query = query.select_extend(*labels).switch(self.model).join(
                related, JOIN.LEFT_OUTER, on=(foreign_key == related.id), attr=foreign_key.name
            )
        return self.join_label_rows(query, joined).switch(self.model)

    def join_label_rows(self, query, joined):
        """The query with the rows a column's label reads beyond the related row itself (a
        location's warehouse …), joined from joined[field name], that related row's alias; views
        whose formatters read further override this, so the page costs no query per row."""
        return query

    # --- list pages: rows chosen on bare ids, joins for the page's rows only ------------------

    def _list_on_bare_ids(self, page, sort_column, sort_desc, search, filters, execute=True,
                          page_size=None):
        """One page of the list: filter, search, sort and skip on the model's own table first (ids
        only, through its indexes), then read the page's rows with their related rows.

        The count stops at LIST_COUNT_LIMIT ("more than 10,000" on the page) and pages stop at that
        row too: beyond it, sort the other way round or filter. A first page that holds every
        matching row, or a whole table far longer than the limit (its rows counted per block of
        ids), needs no count. An export (execute=False) gets the whole query with its joins.
        """
        if not execute:
            return super().get_list(page, sort_column, sort_desc, search, filters, execute=False,
                                    page_size=page_size)
        page_size = self.page_size if page_size is None else page_size
        model = self.model
        ids, joins = model.select(model.id), set()
        ids = self._apply_search(ids, joins, search)
        ids = self._apply_filters(ids, joins, filters)
        matching = ids
        order = [(self._sortable_columns[sort_column], sort_desc)] if sort_column is not None \
            else (self._get_default_order() or [])
        ids, joins = self._order_by(ids, joins, list(order) + [(model.id, bool(order and order[-1][1]))])
        offset = min((page or 0) * page_size, max(0, LIST_COUNT_LIMIT - page_size)) if page_size else 0
        count = chosen = None
        if search and page_size and not is_sqlite():
            count, chosen = _few_matches_in_id_order(matching, ids, page_size, offset)
        if chosen is None:
            if page_size:
                # One id more than the page shows: a first page that holds them all is its own count.
                ids = ids.limit(page_size + 1).offset(offset)
            chosen = [row_id for (row_id,) in ids.tuples()]
            if count is None:
                count = self._count_unless_known(matching, chosen, page_size, offset)
            chosen = chosen[:page_size] if page_size else chosen
        if not chosen:
            return count, []
        rows = {row.id: row for row in self._page_rows_query().where(model.id.in_(chosen))}
        return count, [rows[row_id] for row_id in chosen if row_id in rows]

    @staticmethod
    def _count_unless_known(matching, chosen, page_size, offset):
        """The bounded count of matching, unless the first page's ids (one more than it shows)
        or the table's ids counted per block already tell it."""
        if page_size and not offset and len(chosen) <= page_size:
            return len(chosen)
        if id_blocks.holds_more_than(matching, LIST_COUNT_LIMIT):  # the whole table, far beyond the limit
            return AtLeast(LIST_COUNT_LIMIT + 1)
        return bounded_count(matching, LIST_COUNT_LIMIT)

    def _page_rows_query(self):
        """The list page's rows: get_query() with only the fields a row shows, built once per view
        (its aliased joins took 1.5 ms of every page); each page adds its ids with where(), which
        returns a new query and leaves this one as it was."""
        query = self.__dict__.get("_page_rows")
        if query is None:
            query = self._page_rows = self._rows_query(self._list_row_fields())
        return query

    def _list_row_fields(self):
        """The fields a list row reads: its columns, the keys (the row's links, a related row's
        label) and what a view's formatters or row buttons read besides (``list_row_reads``).
        Turning every column of a 36-column order into Python had been a fifth of the page; a test
        renders every list with these rows and with whole rows and compares the pages."""
        shown = {name for name, _label in self._list_columns} | set(self.list_row_reads)
        return [field for field in self.model._meta.sorted_fields
                if not isinstance(field, BlobField)
                and (field.primary_key or isinstance(field, ForeignKeyField) or field.name in shown)]

    def _apply_search(self, query, joins, text):
        if not (self._search_supported and text):
            return query
        for term in text.split(" "):
            if not term:
                continue
            own = [f for f in self._search_fields if getattr(f, "model", None) is self.model]
            condition = search_matches(term, *own) if own else None
            for searched in self._search_fields:
                if searched in own:
                    continue
                query = self._handle_join(query, searched, joins)
                clause = searched ** f"%{term}%"
                condition = clause if condition is None else condition | clause
            query = query.where(condition)
        return query

    def _apply_filters(self, query, joins, filters):
        """The list's filters. A filter on a related row (the client's name …) is resolved to that
        row's ids first, so the list filters on its own indexed column instead of joining."""
        for index, _name, value in filters or ():
            flt = self._filters[index]
            column = flt.column
            related = getattr(column, "model", self.model)
            foreign_key = next((f for f in self.model._meta.refs if f.rel_model is related), None) \
                if related is not self.model else None
            if foreign_key is not None:
                matching = [row_id for (row_id,) in flt.apply(related.select(related.id), flt.clean(value)).tuples()]
                query = query.where(foreign_key == matching[0] if len(matching) == 1 else foreign_key.in_(matching))
            else:
                query = self._handle_join(query, column, joins)
                query = flt.apply(query, flt.clean(value))
        return query

    def _shown_foreign_keys(self):
        shown = set(self.column_list or [n for n, _label in self._list_columns]) | set(self.column_export_extra)
        for name in shown:
            field = self.model._meta.fields.get(name if isinstance(name, str) else getattr(name, "name", ""))
            if isinstance(field, ForeignKeyField):
                yield field

    # --- list rows: links built once per page -----------------------------------------------

    def row_url(self, endpoint, row_id, return_url):
        """A row's page (details, edit) with the list to come back to. The URL is built once per
        page and endpoint with a marker for the id, then filled in per row: url_for for every row
        cost a fifth of a list page's time."""
        patterns = g.setdefault("row_url_patterns", {})
        key = (self.endpoint, endpoint, return_url)
        pattern = patterns.get(key)
        if pattern is None:
            # id comes first in the query string, so the first marker is always the id's.
            pattern = patterns[key] = self.get_url(endpoint, id=ROW_ID_MARKER, url=return_url)
        return pattern.replace(ROW_ID_MARKER, url_quote(str(row_id), safe=""), 1)

    @pass_context
    def list_row_cells(self, context, row, row_actions, with_checkbox):
        """One list row's cells (staff_list.html's list_row), drawn here rather than in Jinja:
        a call from a template costs more than the cell it draws, and a page of 50 rows made
        hundreds of them. Values are escaped as the template escaped them (Markup.format is
        slower than the template, so the cells are joined as strings)."""
        row_id = self.get_pk_value(row)
        cells = []
        if with_checkbox:
            title = escape(_("Select record"))
            cells.append(f'<td><input type="checkbox" name="rowid" class="action-checkbox" value="{escape(row_id)}" '
                         f'title="{title}" /></td>')
        if self.column_display_actions:
            buttons = "".join([self._row_button(context, action, row_id, row) for action in row_actions])
            cells.append(f'<td class="list-buttons-column">{buttons}</td>')
        value = self._list_cell_value
        for column, _name in self._list_columns:
            cells.append(f'<td class="col-{escape(column)}">{escape(value(context, row, column))}</td>')
        return Markup("\n  ".join(cells))

    def _list_cell_value(self, context, row, column):
        """What Flask-Admin's get_list_value shows in a list cell (the column's formatter, else the
        attribute along its dotted path; its choices; the formatter of the value's type), with what
        it looked up for every cell worked out once per view: a page of 50 rows asked 450 times."""
        plans = self.__dict__.setdefault("_list_cell_plans", {})
        plan = plans.get(column)
        if plan is None:
            plan = plans[column] = (self.column_formatters.get(column), column.split("."),
                                    self._column_choices_map.get(column))
        formatter, path, choices = plan
        if formatter is not None:
            value = formatter(self, context, row, column)
        else:
            try:
                value = row
                for name in path:
                    value = getattr(value, name)
            except AttributeError:  # as flask_admin.tools.rec_getattr
                value = None
        if choices:
            return choices.get(value) or value
        by_type = self.__dict__.setdefault("_list_type_formatters", {})
        kind = type(value)
        if kind not in by_type:  # the first formatter whose type the value is, in their order
            by_type[kind] = next((formatter for typeobj, formatter in self.column_type_formatters.items()
                                  if isinstance(value, typeobj)), None)
        type_formatter = by_type[kind]
        return value if type_formatter is None else type_formatter(self, value, column)

    def _row_button(self, context, action, row_id, row):
        """A row's button: the details and edit links drawn here (a macro call each cost more than
        the rest of the cell), the delete form only where the row can be deleted; any other action
        by its own template."""
        link = ROW_LINKS.get(type(action))
        if link is not None:
            endpoint, icon = link
            url = self.row_url(endpoint, row_id, context["return_url"])
            return (f'<a class="icon" href="{escape(url)}" title="{escape(action.title or "")}">'
                    f'<span class="{icon}"></span></a>')
        if isinstance(action, DeleteRowAction) and not self.can_delete_row(row):
            return ""
        return str(action.render_ctx(context, row_id, row))

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
        """The list as the staff member sees it (search, filters, sort), every page, as .xlsx.

        A list longer than EXPORT_IMMEDIATE_MAX_ROWS is not written during the request: it becomes
        an export job for the worker (services.export_jobs), and the staff member lands on its page.
        """
        if not self.can_export_spreadsheet or export_type != "xlsx":
            abort(404)
        query = self.export_query()
        immediate_max = current_app.config["EXPORT_IMMEDIATE_MAX_ROWS"]
        if bounded_count(query, immediate_max) > immediate_max:
            job, created = export_jobs.start_staff_export(current_user._get_current_object(), self.endpoint,
                                                          request.args.items(multi=True), language=current_language())
            if created:
                enqueue_export(job)
            return redirect(url_for(EXPORT_JOB_PAGE, job_id=job.id))
        try:
            spreadsheet = spreadsheets.export_rows(str(self.name), self.spreadsheet_columns(), query,
                                                   max_rows=current_app.config["EXPORT_MAX_ROWS"])
        except DomainError as error:
            flash(error.message, "error")
            return redirect(self.get_url(".index_view", **request.args.to_dict()))
        return spreadsheet_response(spreadsheet)

    def export_query(self):
        """The list's rows as the request's URL arguments show them (search, filters, sort), every
        page, with the related rows the columns read (the worker asks again with a job's arguments)."""
        args = self._get_list_extra_args()
        sort = self._get_column_by_idx(args.sort)
        sort_column = sort[0] if sort and sort[0] in self._sortable_columns else None
        _count, query = self.get_list(0, sort_column, args.sort_desc, args.search, args.filters,
                                      execute=False, page_size=0)
        return query

    def spreadsheet_columns(self):
        """The list's columns, then column_export_extra; a related row exports its name."""
        columns = []
        for name in chain((name for name, _label in self._list_columns), self.column_export_extra):
            columns.extend(self._spreadsheet_columns_of(name, str(self.get_column_name(name))))
        return columns

    def _spreadsheet_columns_of(self, name, label):
        field = self.model._meta.fields.get(name)
        if isinstance(field, ForeignKeyField):
            # get_query() joined the related row under the field's name, so no query per row.
            if "product_code" in field.rel_model._meta.fields:
                return [Column(str(LABELS["product_code"]), path(f"{name}.product_code")),
                        Column(_("Product name"), path(f"{name}.name"))]
            return [Column(label, _related_label(name))]
        if isinstance(field, BlobField):
            return []
        if field is not None:
            return [Column(label, path(name), money=isinstance(field, DecimalField))]
        if isinstance(getattr(self.model, name, None), property):
            return [Column(label, path(name))]
        return []  # shown only on the page (an image preview …)

    # --- deleting: never a record with history ---------------------------------------------

    def get_list(self, page, sort_column, sort_desc, search, filters, execute=True, page_size=None):
        count, rows = self._list_on_bare_ids(page, sort_column, sort_desc, search, filters, execute=execute,
                                             page_size=page_size)
        if execute and self.can_delete:
            # Which rows of this page have history: one query per kind of history, not per row.
            g.rows_with_history = ids_with_history(self.model, [row._pk for row in rows])
        return count, rows

    def can_delete_row(self, row):
        """Offer the delete button only on rows that have no history (the service would refuse)."""
        return self.can_delete and row._pk not in g.get("rows_with_history", set())

    def delete_model(self, model):
        try:
            delete_record(model)
        except DomainError as error:
            flash(error.message, "error")
            return False
        self.after_model_delete(model)
        return True

    @action("delete", _l("Delete"), _l("Delete the selected records? Records with history are kept."))
    def action_delete(self, ids):
        deleted = 0
        for record in self.model.select().where(self.model.id.in_([int(i) for i in ids])):
            if self.delete_model(record):
                deleted += 1
        if deleted:
            flash(ngettext("%(num)s record deleted.", "%(num)s records deleted.", deleted), "success")

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
            flash(str(action.success), "success")
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


ABBREVIATIONS = {"id": "ID", "url": "URL", "vat": "VAT", "api": "API", "sku": "SKU", "hs": "HS", "ean": "EAN",
                 "ip": "IP", "totp": "TOTP", "csv": "CSV", "pdf": "PDF"}


def plain_label(name):
    """A field name as a column label in sentence case: only the first word capitalised."""
    words = [ABBREVIATIONS.get(word, word) for word in name.strip("_").split("_") if word]
    if not words:
        return name
    first = words[0]
    return " ".join([first if first.isupper() else first.capitalize()] + words[1:])


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
