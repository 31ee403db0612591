"""Helpers of the browser tests: Debian's chromium, logging in, watching a page, files to upload."""

import os
import threading
from contextlib import contextmanager
from pathlib import Path

import pytest

from fulfilment.db import database
from fulfilment.security_headers import CONTENT_SECURITY_POLICY

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run"]
SCREENSHOTS = Path(__file__).resolve().parents[1] / "screenshots"
def require_chromium():
    if os.path.exists(CHROMIUM):
        return
    message = f"{CHROMIUM} is missing; install Debian's chromium (apt-get install chromium) to run browser tests"
    if os.environ.get("FULFILMENT_REQUIRE_BROWSER"):
        pytest.fail(message)
    pytest.skip(message)


def demo_client_login(logins):
    return next((username, password) for role, username, password in logins if role.startswith("Client portal"))


def log_in(page, base_url, username, password):
    page.goto(f"{base_url}/fulfilmentportal/login")
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base_url}/fulfilmentportal/")


def watch_for_failures(page):
    """Collect every response of 400 or more and every script error while the page is used."""
    failures = []
    page.on("response", lambda response: failures.append(f"{response.status} {response.url}")
            if response.status >= 400 else None)
    page.on("pageerror", lambda error: failures.append(f"script error: {error}"))
    return failures


def nav_link(page, name):
    return page.locator("#portal-nav").get_by_role("link", name=name, exact=True)


def slug(text):
    return text.lower().replace(" ", "-")


def order_file(path, rows):
    from openpyxl import Workbook

    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    workbook.save(path)
    return str(path)


def check_order_file(page, path, rows):
    """On the Excel import page: the demo coffee bar's delivery address, a file of rows, then
    "Check the file" (the preview, or the file's mistakes)."""
    page.fill("#delivery_name", "Koffiebar De Haven")
    page.fill("#delivery_address", "Havenstraat 12")
    page.fill("#delivery_zipcode", "1019 AB")
    page.fill("#delivery_city", "Amsterdam")
    page.set_input_files("#file", order_file(path, rows))
    page.get_by_role("button", name="Check the file").click()
    page.wait_for_load_state()


@contextmanager
def served(app):
    """Serve app on 127.0.0.1 on a free port in a background thread; yield its base URL."""
    from werkzeug.serving import make_server

    if not database.is_closed():
        database.close()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)
        # The next test's app fixture binds the shared database proxy back to the test database.
        if not database.is_closed():
            database.close()


REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", function (event) {
  window.reportPolicyViolation({
    page: document.location.href, directive: event.violatedDirective, blocked: event.blockedURI,
    where: event.sourceFile + ":" + event.lineNumber, sample: event.sample,
  });
});
"""


class PolicyWatch:
    """Records policy violations, script errors and documents served without the policy in one context."""

    def __init__(self, context):
        self.violations = []
        self.script_errors = []
        self.documents = []
        self.unprotected = []
        context.expose_binding("reportPolicyViolation", lambda source, report: self.violations.append(report))
        context.add_init_script(REPORT_VIOLATIONS)
        context.on("page", self.watch)

    def watch(self, page):
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.script_errors.append(str(error)))
        page.on("response", self._response)

    def _console(self, message):
        if "Content Security Policy" in message.text or "Refused to" in message.text:
            self.violations.append({"console": message.text})

    def _response(self, response):
        if response.request.resource_type == "document":
            self.documents.append(response.url)
            if response.headers.get("content-security-policy") != CONTENT_SECURITY_POLICY:
                self.unprotected.append(response.url)

    def assert_clean(self):
        assert self.documents, "no page was loaded"
        assert self.unprotected == []
        assert self.violations == []
        assert self.script_errors == []


def staff_log_in(page, base_url, logins):
    _, username, password = next(login for login in logins if login[0].startswith("Staff"))
    page.goto(f"{base_url}/admin/login")
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base_url}/admin/")
