"""What the browser tests share: where chromium is, logging in as a demo client, watching for failures."""

import os

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run"]

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
