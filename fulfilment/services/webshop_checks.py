"""The connection test: checks a shop owner can act on, stored on the webshop with the time it ran.

The checks run in order; when one fails, those that depend on it are reported as not checked
(with the reason) instead of failing with a confusing message of their own.

Titles are shown in the reader's language whenever the checks are shown (they are found by the
check's key); results and advice are written in the language of the person who ran the test.
"""

import json
from contextlib import closing
from dataclasses import asdict, dataclass, replace
from datetime import timedelta
from urllib.parse import urlsplit

from fulfilment.db import write_transaction
from fulfilment.i18n import _, _l, ngettext
from fulfilment.models import PortalUser, Product, Webshop, utcnow
from fulfilment.services import webshop_health, webshops
from fulfilment.services.connectors.base import ConnectorError
from fulfilment.services.connectors.http import probe_address, probe_tls
from fulfilment.services.errors import DomainError, NotFound
from fulfilment.services.webshops import connector_for

PASSED, FAILED, SKIPPED = "passed", "failed", "not checked"
RECENT_ORDERS = 20
PORTAL_TEST_INTERVAL = timedelta(seconds=30)

CHECKS = (
    ("reachable", _l("Address reachable")),
    ("secure", _l("Secure connection (TLS)")),
    ("credentials", _l("Credentials accepted")),
    ("read_orders", _l("Permission to read orders")),
    ("recent_orders", _l("Recent orders readable")),
    ("skus", _l("Products in recent orders known")),
    ("update_orders", _l("Permission to update orders (for tracking codes)")),
)
LABELS = dict(CHECKS)
# The checks without which orders cannot be imported at all (unknown SKUs affect single orders only).
CONNECTION_CHECKS = ("reachable", "secure", "credentials", "read_orders", "recent_orders")


@dataclass
class Check:
    key: str
    label: str
    status: str
    message: str

    @property
    def passed(self):
        return self.status == PASSED


class _Run:
    """Collects the checks of one test in their fixed order."""

    def __init__(self):
        self.results = {}

    def record(self, key, status, message):
        self.results[key] = Check(key, str(LABELS[key]), status, str(message))

    def attempt(self, key, function, success):
        """Run one check; True when it passed. ``success`` is a message or a function of the result."""
        try:
            result = function()
        except DomainError as error:
            self.record(key, FAILED, error.message)
            return False
        self.record(key, PASSED, success(result) if callable(success) else success)
        return True

    def skip_rest(self, reason):
        for key, _title in CHECKS:
            if key not in self.results:
                self.record(key, SKIPPED, reason)

    def checks(self):
        return [self.results[key] for key, _ in CHECKS if key in self.results]


class TestedTooRecently(DomainError):
    http_status = 429
    default_message = _l("The connection was tested a moment ago; wait half a minute before testing it again.")


def run_connection_test(webshop, actor=None):
    """Run every check against the shop, store the result on the webshop and return the checks.

    A portal user may test only its own client's webshops, and not more than once per
    PORTAL_TEST_INTERVAL (each test sends several requests to the shop).
    """
    if isinstance(actor, PortalUser):
        if actor.client_id != webshop.client_id:
            raise NotFound(_("This webshop does not exist or is not yours."))
        last = Webshop.select(Webshop.last_test_at).where(Webshop.id == webshop.id).scalar()
        if last is not None and utcnow() - last < PORTAL_TEST_INTERVAL:
            raise TestedTooRecently()
    run = _Run()
    _run_checks(webshop, run)
    checks = run.checks()
    with write_transaction():
        Webshop.update(
            last_test_at=utcnow(), last_test_passed=all(check.passed for check in checks),
            last_test_result=json.dumps([asdict(check) for check in checks]),
        ).where(Webshop.id == webshop.id).execute()
        webshop_health.record_connection(webshop, connection_problem(checks))
    return checks


def connection_problem(checks):
    """The message of the first failed check that means the shop cannot be worked with, or None."""
    failed = [check for check in checks if check.key in CONNECTION_CHECKS and check.status == FAILED]
    return failed[0].message if failed else None


def _run_checks(webshop, run):
    http = webshops.settings.http
    reach = lambda: probe_address(webshop.url, http.timeouts[0], http.allow_private_network)  # noqa: E731
    if not run.attempt("reachable", reach, lambda text: text):
        run.skip_rest(_("Not checked: the shop could not be reached."))
        return
    secure = run.attempt("secure", lambda: probe_tls(webshop.url, http.timeouts[0], http.ca_bundle,
                                                     http.allow_private_network),
                         lambda text: text)
    if not secure and not (http.allow_http and urlsplit(webshop.url).scheme == "http"):
        run.skip_rest(_("Not checked: without a secure connection the shop's keys are not sent."))
        return
    try:
        # Someone waits for the answer: one retry and ten seconds per request are enough to judge a shop.
        shop = connector_for(webshop, http=replace(http, retries=min(http.retries, 1), timeout=min(http.timeout, 10)))
    except DomainError as error:
        run.record("credentials", FAILED, error.message)
        run.skip_rest(_("Not checked: no usable credentials are stored."))
        return
    with closing(shop):
        if not run.attempt("credentials", shop.verify_credentials, _("The shop accepts the credentials.")):
            run.skip_rest(_("Not checked: the shop does not accept the credentials."))
            return
        if run.attempt("read_orders", shop.verify_read_orders, _("The credentials may read orders.")):
            recent = []

            def read_recent():
                recent.extend(shop.recent_orders(RECENT_ORDERS))
                return _describe_recent(recent)

            if run.attempt("recent_orders", read_recent, lambda text: text):
                run.attempt("skus", lambda: _check_skus(webshop.client, recent), lambda text: text)
            else:
                run.record("skus", SKIPPED, _("Not checked: no recent orders could be read."))
        else:
            run.record("recent_orders", SKIPPED, _("Not checked: the credentials may not read orders."))
            run.record("skus", SKIPPED, _("Not checked: the credentials may not read orders."))
        run.attempt("update_orders", shop.verify_update_orders,
                    _("The credentials may update orders, so tracking codes can go back to the shop."))


def _describe_recent(recent):
    unreadable = [order for order in recent if order.problem]
    if unreadable:
        raise ConnectorError(ngettext("%(num)s of the %(total)s most recent orders could not be read. %(problem)s",
                                      "%(num)s of the %(total)s most recent orders could not be read. %(problem)s",
                                      len(unreadable), total=len(recent), problem=unreadable[0].problem))
    if not recent:
        return _("The shop has no orders yet; there is nothing to read.")
    return ngettext("The most recent order was read.", "The %(num)s most recent orders were read.", len(recent))


def _check_skus(client, recent):
    skus = sorted({line.sku for order in recent for line in order.lines if line.sku})
    without_sku = sorted({line.name or _("(no name)") for order in recent for line in order.lines if not line.sku})
    codes = Product.for_client(client).select(Product.product_code).where(Product.product_code.in_(skus))
    known = {code for (code,) in codes.tuples()} if skus else set()
    unknown = [sku for sku in skus if sku not in known]
    problems = []
    if unknown:
        shown = ", ".join(unknown[:20])
        if len(unknown) > 20:
            shown = ngettext("%(skus)s and %(num)s more", "%(skus)s and %(num)s more", len(unknown) - 20, skus=shown)
        problems.append(_("These SKUs from recent orders are not known as products: %(skus)s. Add products with "
                          "these product codes, or orders with them cannot be imported.", skus=shown))
    if without_sku:
        problems.append(_("These products in recent orders have no SKU in the shop: %(names)s. Give them the "
                          "product code as SKU.", names=", ".join(without_sku[:10])))
    if problems:
        raise ConnectorError(" ".join(problems))
    if not skus:
        return _("The recent orders hold no products to compare.")
    return ngettext("The SKU in recent orders is a known product.",
                    "All %(num)s SKUs in recent orders are known products.", len(skus))


def last_test_checks(webshop):
    """The checks of the webshop's last connection test ([] when it was never tested)."""
    try:
        stored = json.loads(webshop.last_test_result or "[]")
        checks = [Check(**item) for item in stored]
    except (TypeError, ValueError):
        return []
    # The title in the reader's language; the result stays as written when the test ran.
    return [replace(check, label=str(LABELS.get(check.key, check.label))) for check in checks]



def connection_test_summary(checks):
    """The outcome of a connection test in one sentence, each count with its own words.

    'All 7 checks passed.' or '1 check failed, 5 could not be run after it; 1 of 7 passed.'
    """
    total = len(checks)
    failed = sum(1 for check in checks if check.status == FAILED)
    skipped = sum(1 for check in checks if check.status == SKIPPED)
    passed = total - failed - skipped
    if failed == 0 and skipped == 0:
        return ngettext("The check passed.", "All %(num)s checks passed.", total)
    parts = [ngettext("%(num)s check failed", "%(num)s checks failed", failed)] if failed else []
    if skipped:
        parts.append(ngettext("%(num)s could not be run after it", "%(num)s could not be run after it", skipped)
                     if failed == 1 else ngettext("%(num)s check not run", "%(num)s checks not run", skipped))
    return _("%(failures)s; %(passed)s of %(total)s passed.", failures=", ".join(parts), passed=passed, total=total)
