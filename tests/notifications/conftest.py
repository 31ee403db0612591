"""Fixtures for notifications: a real SMTP server and a webhook receiver, both on 127.0.0.1."""

import json
import socket
import threading
from email import message_from_bytes, policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from aiosmtpd.controller import Controller


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Inbox:
    """Collects what the SMTP server receives: parsed messages with their envelope recipients."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
        message = message_from_bytes(envelope.content, policy=policy.default)
        self.messages.append((envelope.rcpt_tos, message))
        return "250 Message accepted for delivery"

    def by_subject(self):
        return {str(message["Subject"]): message for _, message in self.messages}


class SmtpServer:
    def __init__(self, port):
        self.port = port
        self.inbox = Inbox()
        self.controller = None

    @property
    def url(self):
        return f"smtp://127.0.0.1:{self.port}?starttls=no"

    def start(self):
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self):
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


@pytest.fixture
def smtp_server():
    server = SmtpServer(free_port())
    server.start()
    yield server
    server.stop()


@pytest.fixture
def in_app(app):
    """Run the test inside the app (what the worker and every request do)."""
    with app.app_context():
        yield app


class Receiver:
    """A webhook receiver: records each request's raw body and headers, answers with the next queued status."""

    def __init__(self):
        self.requests = []
        self.statuses = []
        self.default_status = 200
        self.server = None
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                receiver.requests.append({"path": self.path, "headers": dict(self.headers), "body": body})
                status = receiver.statuses.pop(0) if receiver.statuses else receiver.default_status
                self.send_response(status)
                if 300 <= status < 400:
                    self.send_header("Location", "https://example.com/elsewhere")
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args):
                pass

        self.handler = Handler

    def start(self):
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self.handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def url(self, path="/hooks"):
        return f"http://127.0.0.1:{self.server.server_address[1]}{path}"

    def payloads(self, path=None):
        return [json.loads(item["body"]) for item in self.requests if path is None or item["path"] == path]

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    server = Receiver()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def local_addresses(app):
    """Allow http:// and 127.0.0.1 addresses, as the development settings do (the receiver is local)."""
    from dataclasses import replace

    from fulfilment.services import webshops

    before = webshops.settings
    webshops.settings = replace(before, http=replace(before.http, allow_http=True, allow_private_network=True))
    yield
    webshops.settings = before
