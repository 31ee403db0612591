"""Talking HTTP to webshops: one requests session per connector, time-outs, bounded retries.

Idempotent requests (GET, PUT, GraphQL queries) are retried on connection errors, time-outs,
429 and 5xx with exponential back-off, honouring Retry-After up to a cap. Other requests (a new
order note, a fulfilment) are retried only when the connection failed before the request left,
so a shop never gets the same note twice because an answer was slow. Every failure becomes a
ConnectorError whose message says what to check.
"""

import ipaddress
import socket
import ssl
from dataclasses import dataclass
from datetime import datetime, timezone
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3.exceptions import (
    ConnectTimeoutError,
    NameResolutionError,
    NewConnectionError,
    ReadTimeoutError,
)
from urllib3.exceptions import SSLError as Urllib3SSLError
from urllib3.util.retry import Retry

from fulfilment.services.connectors.base import (
    InsecureConnection,
    ShopFailed,
    ShopUnreachable,
    UnreadableAnswer,
)
from fulfilment.version import __version__

RETRY_STATUSES = (429, 500, 502, 503, 504)
MAX_BACKOFF_SECONDS = 30.0


@dataclass(frozen=True)
class HttpSettings:
    timeout: float = 20.0
    retries: int = 3
    backoff: float = 1.0
    ca_bundle: str | None = None
    allow_http: bool = False
    allow_private_network: bool = False

    @classmethod
    def from_config(cls, config):
        return cls(
            timeout=float(config["WEBSHOP_HTTP_TIMEOUT"]),
            retries=int(config["WEBSHOP_HTTP_RETRIES"]),
            backoff=float(config["WEBSHOP_HTTP_BACKOFF"]),
            ca_bundle=config.get("WEBSHOP_CA_BUNDLE") or None,
            allow_http=bool(config.get("WEBSHOP_ALLOW_HTTP")),
            allow_private_network=bool(config.get("WEBSHOP_ALLOW_PRIVATE_NETWORK")),
        )

    @property
    def verify(self):
        return self.ca_bundle or requests.certs.where()

    @property
    def timeouts(self):
        """(connect, read) seconds: connecting should never take as long as a slow answer may."""
        return (min(self.timeout, 10.0), self.timeout)


class BoundedRetry(Retry):
    """A Retry that waits at most backoff_max, also when the shop asks for more with Retry-After."""

    def get_retry_after(self, response):
        seconds = super().get_retry_after(response)
        return None if seconds is None else min(seconds, self.backoff_max)


def _session(settings, *, idempotent):
    if idempotent:
        retry = BoundedRetry(
            total=settings.retries, connect=settings.retries, read=settings.retries, status=settings.retries,
            other=0, backoff_factor=settings.backoff, backoff_max=MAX_BACKOFF_SECONDS,
            status_forcelist=RETRY_STATUSES, allowed_methods=None, raise_on_status=False,
            respect_retry_after_header=True,
        )
    else:
        retry = BoundedRetry(total=settings.retries, connect=settings.retries, read=0, status=0, other=0,
                             backoff_factor=settings.backoff, backoff_max=MAX_BACKOFF_SECONDS)
    session = requests.Session()
    adapter = HTTPAdapter(max_retries=retry)
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    session.headers["User-Agent"] = f"FulfilmentPortal/{__version__}"
    session.headers["Accept"] = "application/json"
    return session


class ShopHttp:
    """The HTTP client of one connector."""

    def __init__(self, settings):
        self.settings = settings
        self._retrying = _session(settings, idempotent=True)
        self._careful = _session(settings, idempotent=False)

    def close(self):
        self._retrying.close()
        self._careful.close()

    def request(self, method, url, *, idempotent=True, **kwargs):
        """Send a request; return the response unless it failed for good (then a ConnectorError).

        ``idempotent=False`` for requests that must not run twice (they are retried only when the
        connection failed). Answers 4xx are returned: what they mean depends on the platform.
        """
        refuse_plain_http(url, self.settings)
        refuse_private_network(url, self.settings.allow_private_network)
        session = self._retrying if idempotent else self._careful
        try:
            # verify is passed explicitly: a REQUESTS_CA_BUNDLE in the environment must not replace it.
            response = session.request(method, url, timeout=self.settings.timeouts, verify=self.settings.verify,
                                       **kwargs)
        except requests.exceptions.RequestException as error:
            raise describe_failure(error, url, self.settings) from error
        if response.status_code in RETRY_STATUSES:
            tries = f" {self.settings.retries + 1} times" if idempotent and self.settings.retries else ""
            raise ShopFailed(
                f"The shop answered with an error (HTTP {response.status_code}){tries}. "
                "It may be busy or having problems; we will try again later."
            )
        return response


def refuse_plain_http(url, settings):
    if urlsplit(url).scheme != "https" and not settings.allow_http:
        raise InsecureConnection(
            "The shop's address starts with http://, and its keys are only ever sent over an encrypted "
            "https:// connection. Change the address to https://."
        )


def refuse_private_network(url, allowed=False):
    """Refuse a shop address that resolves into a private network (this server, the office LAN,
    a cloud metadata service): whoever may enter an address must not make us probe those."""
    if allowed:
        return
    host, port = _host_and_port(url)
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)}
    except socket.gaierror:
        return  # the request itself reports the unknown name
    for address in addresses:
        if not ipaddress.ip_address(address.split("%")[0]).is_global:
            raise ShopUnreachable(f"The address {host} points into a private network, not to the internet. Enter "
                                  "the shop's public address.")


def json_of(response, what="the request"):
    """The response's JSON body, or UnreadableAnswer saying what came instead."""
    try:
        return response.json()
    except ValueError:
        start = " ".join(response.text[:40].split())
        raise UnreadableAnswer(
            f"The shop answered {what} with something that is not the data its API sends "
            f"(it starts with {start!r}). Check that the address is the shop's own address and that its "
            "API is switched on."
        ) from None


def _causes(error):
    """The exception and everything it wraps (MaxRetryError.reason, __cause__, __context__)."""
    seen, todo = [], [error]
    while todo:
        current = todo.pop()
        if not isinstance(current, BaseException) or any(current is s for s in seen):
            continue
        seen.append(current)
        todo.extend([getattr(current, "reason", None), current.__cause__, current.__context__, *current.args])
    return seen


def describe_failure(error, url, settings):
    """Turn a requests exception into a ConnectorError a shop owner understands."""
    host = urlsplit(url).hostname or url
    causes = _causes(error)

    def caused_by(*kinds):
        return next((c for c in causes if isinstance(c, kinds)), None)

    certificate = caused_by(ssl.SSLCertVerificationError)
    if certificate is not None:
        return InsecureConnection(explain_certificate_error(certificate, host))
    if caused_by(requests.exceptions.SSLError, Urllib3SSLError, ssl.SSLError):
        return InsecureConnection(
            f"The secure connection (TLS) to {host} failed. The shop's https:// setup is broken; ask its "
            "hosting provider to check the certificate."
        )
    if caused_by(NameResolutionError, socket.gaierror):
        return ShopUnreachable(f"The address {host} could not be found. Check the shop's address for typing errors.")
    if caused_by(ConnectTimeoutError, requests.exceptions.ConnectTimeout):
        return ShopUnreachable(f"{host} did not answer within {settings.timeouts[0]:g} seconds. "
                               "Check that the shop is online.")
    if caused_by(ReadTimeoutError, requests.exceptions.ReadTimeout):
        return ShopFailed(f"{host} did not answer within {settings.timeout:g} seconds. The shop may be "
                          "overloaded; we will try again later.")
    if caused_by(NewConnectionError, ConnectionRefusedError, requests.exceptions.ConnectionError):
        return ShopUnreachable(f"{host} could not be reached (the connection was refused or broken). "
                               "Check the address, and that the shop is online.")
    return ShopUnreachable(f"{host} could not be reached ({type(error).__name__}).")


# --- the connection test's network checks ------------------------------------------------


def _host_and_port(url):
    parts = urlsplit(url)
    if not parts.hostname:
        raise ShopUnreachable("The shop's address is incomplete. Enter it as https://www.example-shop.com.")
    return parts.hostname, parts.port or (443 if parts.scheme == "https" else 80)


def probe_address(url, timeout, allow_private_network=False):
    """Look the shop's host up and open a connection to it; raise ShopUnreachable saying why not."""
    host, port = _host_and_port(url)
    try:
        socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror:
        raise ShopUnreachable(
            f"The address {host} could not be found. Check the shop's address for typing errors."
        ) from None
    refuse_private_network(url, allow_private_network)
    try:
        with socket.create_connection((host, port), timeout=timeout):
            pass
    except TimeoutError:
        raise ShopUnreachable(f"{host} did not answer within {timeout:g} seconds. Check that the shop is online.") \
            from None
    except OSError:
        raise ShopUnreachable(
            f"{host} refused the connection on port {port}. Check the address, and that the shop is online."
        ) from None
    return f"{host} answers."


def probe_tls(url, timeout, ca_bundle=None):
    """Check the shop's certificate (trusted, current, for this name); return a sentence saying so."""
    host, port = _host_and_port(url)
    if urlsplit(url).scheme != "https":
        raise InsecureConnection(
            "The address starts with http://, so nothing sent to the shop is encrypted. Use the shop's https:// "
            "address; if the shop has no certificate yet, ask its hosting provider for one (Let's Encrypt is free)."
        )
    context = ssl.create_default_context(cafile=ca_bundle or requests.certs.where())
    try:
        with socket.create_connection((host, port), timeout=timeout) as raw:
            with context.wrap_socket(raw, server_hostname=host) as secure:
                certificate = secure.getpeercert()
    except ssl.SSLCertVerificationError as error:
        raise InsecureConnection(explain_certificate_error(error, host)) from None
    except ssl.SSLError:
        raise InsecureConnection(
            f"The secure connection (TLS) to {host} failed. The shop's https:// setup is broken; ask its hosting "
            "provider to check the certificate."
        ) from None
    except OSError:
        raise ShopUnreachable(f"{host} did not complete a secure connection within {timeout:g} seconds.") from None
    expires = datetime.fromtimestamp(ssl.cert_time_to_seconds(certificate["notAfter"]), timezone.utc)
    return f"The certificate of {host} is valid until {expires:%d %B %Y}."


# OpenSSL's verification codes we can explain in plain words.
_CERTIFICATE_PROBLEMS = {
    9: "is not valid yet. The shop's hosting provider must check it (or the server's clock)",
    10: "has expired. The shop's hosting provider must renew it",
    18: "is self-signed, so nobody can check that it really belongs to the shop. Ask the hosting provider for a "
        "certificate from a trusted authority (Let's Encrypt is free)",
    19: "is signed by an authority nobody trusts (a self-signed chain). Ask the hosting provider for a "
        "certificate from a trusted authority (Let's Encrypt is free)",
    20: "was issued by an authority we do not trust, or the server does not send the full certificate chain. "
        "Ask the hosting provider to install the complete chain",
    21: "was issued by an authority we do not trust, or the server does not send the full certificate chain. "
        "Ask the hosting provider to install the complete chain",
    62: "belongs to another address. Check the shop's address, or ask the hosting provider for a certificate "
        "for this address",
    64: "belongs to another address. Check the shop's address, or ask the hosting provider for a certificate "
        "for this address",
}


def explain_certificate_error(error, host):
    problem = _CERTIFICATE_PROBLEMS.get(getattr(error, "verify_code", None))
    if problem:
        return f"The security certificate of {host} {problem}."
    detail = getattr(error, "verify_message", "") or "it could not be verified"
    return f"The security certificate of {host} is not accepted ({detail}). Ask the shop's hosting provider to fix it."
