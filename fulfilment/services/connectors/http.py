"""Talking HTTP to webshops: one requests session per connector, time-outs, bounded retries.

Whoever may enter a shop address must not be able to make us reach inside our own network
(this server, the office LAN, a cloud metadata service). So a shop's host name is resolved
once, every address it resolves to is checked (private, loopback, link-local, and the IPv6
encodings of those: IPv4-mapped, NAT64, 6to4), and the connection is opened to the checked
address itself while the host name stays in the Host header, TLS server name and certificate
check: a name that answers a public address to the check and 127.0.0.1 to the request (DNS
rebinding) cannot turn a request inward. Redirects are never followed (a shop answering
``307 Location: http://127.0.0.1/`` is reported, not fetched), so credentials only ever go
to the address that was entered, and proxies from the environment are not used.

Idempotent requests (GET, PUT, GraphQL queries) are retried on connection errors, time-outs,
429 and 5xx with exponential back-off, honouring Retry-After up to a cap. Other requests (a new
order note, a fulfilment) are retried only when the connection failed before the request left,
so a shop never gets the same note twice because an answer was slow. Every failure becomes a
ConnectorError whose message says what to check.
"""

import ipaddress
import socket
import ssl
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import (
    ConnectTimeoutError,
    NameResolutionError,
    NewConnectionError,
    ReadTimeoutError,
)
from urllib3.exceptions import SSLError as Urllib3SSLError
from urllib3.util import connection as urllib3_connection
from urllib3.util.retry import Retry

from fulfilment.formatting import format_date
from fulfilment.i18n import _, ngettext
from fulfilment.services.connectors.base import (
    ConnectorError,
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


# --- which addresses may be contacted ---------------------------------------------------------

NAT64_PREFIXES = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("64:ff9b:1::/48"))
SIX_TO_FOUR = ipaddress.ip_network("2002::/16")


def address_problem(address):
    """Why an IP address is not on the public internet ("" when it is).

    IPv6 addresses that carry an IPv4 address (IPv4-mapped ::ffff:a.b.c.d, NAT64 64:ff9b::a.b.c.d,
    6to4 2002:aabb:ccdd::) are judged by the IPv4 address they reach.
    """
    ip = ipaddress.ip_address(str(address).split("%")[0])
    if ip.version == 6:
        if ip.ipv4_mapped is not None:
            return address_problem(ip.ipv4_mapped)
        if ip in NAT64_PREFIXES[1]:
            return _("a local NAT64 translator")
        if ip in NAT64_PREFIXES[0]:
            return address_problem(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
        if ip in SIX_TO_FOUR:
            return address_problem(ip.sixtofour)
    if ip.is_loopback:
        return _("it is this server itself")
    if ip.is_link_local:
        return _("a link-local address, such as a cloud metadata service")
    if ip.is_multicast:
        return _("a multicast address")
    if not ip.is_global:
        return _("a private or reserved range")
    return ""


def resolve_host(host, port):
    """The addresses a host name resolves to (a literal address is its own answer)."""
    return [info[4][0] for info in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)]


def checked_addresses(url, allow_private_network=False):
    """Resolve the shop's host once and return the addresses to connect to, after checking every answer.

    Raises ShopUnreachable when the name is unknown or any address it resolves to lies in a
    private network (unless the development flag allows private networks).
    """
    host, port = _host_and_port(url)
    try:
        addresses = list(dict.fromkeys(resolve_host(host, port)))
    except (socket.gaierror, UnicodeError):
        raise _not_found(host) from None
    if not addresses:
        raise _not_found(host)
    if not allow_private_network:
        for address in addresses:
            problem = address_problem(address)
            if problem:
                raise ShopUnreachable(_("The address %(host)s points into a private network, not to the internet "
                                        "(%(problem)s). Enter the shop's public address.", host=host, problem=problem))
    return tuple(addresses)


def _not_found(host):
    return ShopUnreachable(_("The address %(host)s could not be found. Check the shop's address for typing errors.",
                             host=host))


def checked_address(url, allow_private_network=False):
    """The first checked address of the shop's host (see checked_addresses)."""
    return checked_addresses(url, allow_private_network)[0]


def open_first(addresses, port, timeout, **options):
    """A socket to the first of the checked addresses that accepts the connection (like happy eyeballs, in turn)."""
    failure = None
    for address in addresses:
        try:
            return open_socket((address, port), timeout, **options)
        except OSError as error:  # TimeoutError too: try the next address, report the last failure
            failure = error
    raise failure


def open_socket(address, timeout, source_address=None, socket_options=None):
    """Open the TCP connection to an address that was checked (a seam for the tests)."""
    return urllib3_connection.create_connection(address, timeout, source_address=source_address,
                                                socket_options=socket_options)


def _pin_key(host, port):
    return (host or "").strip("[]").rstrip(".").lower(), int(port)


def _pinned_connection(base, pins):
    """A urllib3 connection class that connects only to the address checked for its host."""

    class PinnedConnection(base):
        def _new_conn(self):
            addresses = pins.get(_pin_key(self.host, self.port))
            if not addresses:
                raise NewConnectionError(self, f"{self.host} was not checked, so it is not contacted")
            try:
                return open_first(addresses, self.port, self.timeout, source_address=self.source_address,
                                  socket_options=self.socket_options)
            except TimeoutError as error:
                raise ConnectTimeoutError(self, f"Connection to {self.host} timed out.") from error
            except OSError as error:
                raise NewConnectionError(self, f"Failed to establish a new connection: {error}") from error

    return PinnedConnection


class PinnedAdapter(HTTPAdapter):
    """Opens connections only to the addresses in ``pins`` ({(host, port): checked address})."""

    def __init__(self, pins, **kwargs):
        self.pins = pins
        super().__init__(**kwargs)

    def init_poolmanager(self, *args, **kwargs):
        super().init_poolmanager(*args, **kwargs)
        http_connection = _pinned_connection(HTTPConnection, self.pins)
        https_connection = _pinned_connection(HTTPSConnection, self.pins)

        class PinnedHTTPPool(HTTPConnectionPool):
            ConnectionCls = http_connection

        class PinnedHTTPSPool(HTTPSConnectionPool):
            ConnectionCls = https_connection

        self.poolmanager.pool_classes_by_scheme = {"http": PinnedHTTPPool, "https": PinnedHTTPSPool}


def _session(settings, pins, *, idempotent):
    if idempotent:
        retry = BoundedRetry(
            total=settings.retries, connect=settings.retries, read=settings.retries, status=settings.retries,
            other=0, backoff_factor=settings.backoff, backoff_max=MAX_BACKOFF_SECONDS,
            status_forcelist=RETRY_STATUSES, allowed_methods=None, raise_on_status=False,
            respect_retry_after_header=True,
        )
    else:
        # Answers (a 429 with Retry-After too) come back as they are; only a failed connection is retried.
        retry = BoundedRetry(total=settings.retries, connect=settings.retries, read=0, status=0, other=0,
                             backoff_factor=settings.backoff, backoff_max=MAX_BACKOFF_SECONDS,
                             raise_on_status=False, respect_retry_after_header=False)
    session = requests.Session()
    # No proxies, .netrc or CA bundle from the environment: a proxy would resolve the name itself.
    session.trust_env = False
    adapter = PinnedAdapter(pins, max_retries=retry)
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    session.headers["User-Agent"] = f"FulfilmentPortal/{__version__}"
    session.headers["Accept"] = "application/json"
    return session


def pinned_session(settings, url):
    """A session that reaches only the checked addresses of url's host (resolved once, here), trusts no
    proxy and retries only a failed connection: for one-off calls such as a webhook delivery."""
    host, port = _host_and_port(url)
    pins = {_pin_key(host, port): checked_addresses(url, settings.allow_private_network)}
    return _session(settings, pins, idempotent=False)


class ShopHttp:
    """The HTTP client of one connector."""

    def __init__(self, settings):
        self.settings = settings
        # {(host, port): address}: each host is resolved and checked once, then always reached there.
        self.pins = {}
        self._retrying = _session(settings, self.pins, idempotent=True)
        self._careful = _session(settings, self.pins, idempotent=False)

    def close(self):
        self._retrying.close()
        self._careful.close()

    def request(self, method, url, *, idempotent=True, signed_per_try=False, **kwargs):
        """Send a request; return the response unless it failed for good (then a ConnectorError).

        ``idempotent=False`` for requests that must not run twice (they are retried only when the
        connection failed). ``signed_per_try`` for an idempotent request whose ``auth`` signs each
        try afresh (an OAuth nonce is accepted once): its tries are made here, each one signed
        again, instead of by urllib3, which would resend the same signature. Answers 4xx are
        returned: what they mean depends on the platform. A redirect is never followed: it becomes
        ShopRedirected.
        """
        refuse_plain_http(url, self.settings)
        self.pin(url)
        tries = self.settings.retries + 1 if idempotent and signed_per_try else 1
        session = self._retrying if idempotent and not signed_per_try else self._careful
        for attempt in range(1, tries + 1):
            try:
                response = session.request(method, url, timeout=self.settings.timeouts,
                                           verify=self.settings.verify, allow_redirects=False, **kwargs)
            except requests.exceptions.RequestException as error:
                failure = describe_failure(error, url, self.settings)
                if attempt < tries and isinstance(failure, ShopFailed):  # a read time-out
                    self._wait_before_retry(attempt, None)
                    continue
                raise failure from error
            if response.status_code in RETRY_STATUSES and attempt < tries:
                response.close()
                self._wait_before_retry(attempt, response)
                continue
            break
        if 300 <= response.status_code < 400:
            response.close()
            raise redirect_refused(response, url)
        if response.status_code in RETRY_STATUSES:
            times = self.settings.retries + 1 if idempotent else 1
            raise ShopFailed(ngettext(
                "The shop answered with an error (HTTP %(status)s). It may be busy or having problems; we will try "
                "again later.",
                "The shop answered with an error (HTTP %(status)s) %(num)s times. It may be busy or having problems; "
                "we will try again later.", times, status=response.status_code))
        return response

    def _wait_before_retry(self, attempt, response):
        """Exponential back-off, or the shop's Retry-After (both at most MAX_BACKOFF_SECONDS)."""
        wait = self.settings.backoff * 2 ** (attempt - 1)
        if response is not None:
            retry_after = BoundedRetry(backoff_max=MAX_BACKOFF_SECONDS).get_retry_after(response.raw)
            if retry_after is not None:
                wait = retry_after
        time.sleep(min(wait, MAX_BACKOFF_SECONDS))

    def pin(self, url):
        """Resolve and check the url's host the first time it is asked for; later requests reuse those addresses."""
        host, port = _host_and_port(url)
        key = _pin_key(host, port)
        if key not in self.pins:
            self.pins[key] = checked_addresses(url, self.settings.allow_private_network)
        return self.pins[key]


class ShopRedirected(ConnectorError):
    """The shop answered with a redirect, which is never followed."""


def redirect_refused(response, url):
    location = response.headers.get("Location", "")
    target = urlsplit(requests.compat.urljoin(url, location)) if location else None
    host = urlsplit(url).hostname
    same_host = target is not None and target.hostname == host
    advice = (_("Enter the shop's address exactly as the shop itself uses it (for example with or without www., "
                "https://).") if same_host else
              _("If that is the shop's real address, enter it as the shop's address; otherwise ask whoever runs "
                "the shop why it sends its visitors elsewhere."))
    if target and target.netloc:
        return ShopRedirected(_("The shop at %(host)s answered with a redirect (HTTP %(status)s) to %(target)s. "
                                "Redirects are not followed, so the shop's keys only ever go to the address entered. "
                                "%(advice)s", host=host, status=response.status_code,
                                target=target.scheme + "://" + target.netloc, advice=advice))
    return ShopRedirected(_("The shop at %(host)s answered with a redirect (HTTP %(status)s). Redirects are not "
                            "followed, so the shop's keys only ever go to the address entered. %(advice)s",
                            host=host, status=response.status_code, advice=advice))


def refuse_plain_http(url, settings):
    if urlsplit(url).scheme != "https" and not settings.allow_http:
        raise InsecureConnection(_(
            "The shop's address starts with http://, and its keys are only ever sent over an encrypted "
            "https:// connection. Change the address to https://."
        ))


def refuse_private_network(url, allowed=False):
    """Refuse a shop address that resolves into a private network; return the checked address."""
    return checked_address(url, allowed)


def json_of(response, what=None):
    """The response's JSON body, or UnreadableAnswer saying what came instead."""
    try:
        return response.json()
    except ValueError:
        start = " ".join(response.text[:40].split())
        raise UnreadableAnswer(_(
            "The shop answered %(what)s with something that is not the data its API sends (it starts with "
            "%(start)s). Check that the address is the shop's own address and that its API is switched on.",
            what=what or _("the request"), start=repr(start),
        )) from None


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
        return _tls_failed(host)
    if caused_by(NameResolutionError, socket.gaierror):
        return _not_found(host)
    if caused_by(ConnectTimeoutError, requests.exceptions.ConnectTimeout):
        return _no_answer(host, settings.timeouts[0])
    if caused_by(ReadTimeoutError, requests.exceptions.ReadTimeout):
        return ShopFailed(_("%(host)s did not answer within %(seconds)s seconds. The shop may be overloaded; we will "
                            "try again later.", host=host, seconds=format(settings.timeout, "g")))
    if caused_by(NewConnectionError, ConnectionRefusedError, requests.exceptions.ConnectionError):
        return ShopUnreachable(_("%(host)s could not be reached (the connection was refused or broken). Check the "
                                 "address, and that the shop is online.", host=host))
    return ShopUnreachable(_("%(host)s could not be reached (%(error)s).", host=host, error=type(error).__name__))


def _tls_failed(host):
    return InsecureConnection(_("The secure connection (TLS) to %(host)s failed. The shop's https:// setup is broken; "
                                "ask its hosting provider to check the certificate.", host=host))


def _no_answer(host, seconds):
    return ShopUnreachable(_("%(host)s did not answer within %(seconds)s seconds. Check that the shop is online.",
                             host=host, seconds=format(seconds, "g")))


# --- the connection test's network checks ------------------------------------------------


def _host_and_port(url):
    parts = urlsplit(url)
    if not parts.hostname:
        raise ShopUnreachable(_("The shop's address is incomplete. Enter it as https://www.example-shop.com."))
    return parts.hostname, parts.port or (443 if parts.scheme == "https" else 80)


def probe_address(url, timeout, allow_private_network=False):
    """Look the shop's host up and open a connection to it; raise ShopUnreachable saying why not."""
    host, port = _host_and_port(url)
    addresses = checked_addresses(url, allow_private_network)
    try:
        with open_first(addresses, port, timeout):
            pass
    except TimeoutError:
        raise _no_answer(host, timeout) from None
    except OSError:
        raise ShopUnreachable(_("%(host)s refused the connection on port %(port)s. Check the address, and that the "
                                "shop is online.", host=host, port=port)) from None
    return _("%(host)s answers.", host=host)


def probe_tls(url, timeout, ca_bundle=None, allow_private_network=False):
    """Check the shop's certificate (trusted, current, for this name); return a sentence saying so."""
    host, port = _host_and_port(url)
    if urlsplit(url).scheme != "https":
        raise InsecureConnection(_(
            "The address starts with http://, so nothing sent to the shop is encrypted. Use the shop's https:// "
            "address; if the shop has no certificate yet, ask its hosting provider for one (Let's Encrypt is free)."
        ))
    addresses = checked_addresses(url, allow_private_network)
    context = ssl.create_default_context(cafile=ca_bundle or requests.certs.where())
    try:
        with open_first(addresses, port, timeout) as raw, context.wrap_socket(raw, server_hostname=host) as secure:
            certificate = secure.getpeercert()
    except ssl.SSLCertVerificationError as error:
        raise InsecureConnection(explain_certificate_error(error, host)) from None
    except ssl.SSLError:
        raise _tls_failed(host) from None
    except OSError:
        raise ShopUnreachable(_("%(host)s did not complete a secure connection within %(seconds)s seconds.",
                                host=host, seconds=format(timeout, "g"))) from None
    expires = datetime.fromtimestamp(ssl.cert_time_to_seconds(certificate["notAfter"]), UTC)
    return _("The certificate of %(host)s is valid until %(date)s.", host=host, date=format_date(expires.date()))


# OpenSSL's verification codes we can explain in plain words.
def _not_valid_yet(host):
    return _("The security certificate of %(host)s is not valid yet. The shop's hosting provider must check it (or "
             "the server's clock).", host=host)


def _expired(host):
    return _("The security certificate of %(host)s has expired. The shop's hosting provider must renew it.", host=host)


def _self_signed(host):
    return _("The security certificate of %(host)s is self-signed, so nobody can check that it really belongs to "
             "the shop. Ask the hosting provider for a certificate from a trusted authority (Let's Encrypt is free).",
             host=host)


def _untrusted_chain(host):
    return _("The security certificate of %(host)s is signed by an authority nobody trusts (a self-signed chain). "
             "Ask the hosting provider for a certificate from a trusted authority (Let's Encrypt is free).", host=host)


def _incomplete_chain(host):
    return _("The security certificate of %(host)s was issued by an authority we do not trust, or the server does "
             "not send the full certificate chain. Ask the hosting provider to install the complete chain.", host=host)


def _other_address(host):
    return _("The security certificate of %(host)s belongs to another address. Check the shop's address, or ask the "
             "hosting provider for a certificate for this address.", host=host)


_CERTIFICATE_PROBLEMS = {9: _not_valid_yet, 10: _expired, 18: _self_signed, 19: _untrusted_chain,
                         20: _incomplete_chain, 21: _incomplete_chain, 62: _other_address, 64: _other_address}


def explain_certificate_error(error, host):
    problem = _CERTIFICATE_PROBLEMS.get(getattr(error, "verify_code", None))
    if problem:
        return problem(host)
    detail = getattr(error, "verify_message", "") or _("it could not be verified")
    return _("The security certificate of %(host)s is not accepted (%(detail)s). Ask the shop's hosting provider to "
             "fix it.", host=host, detail=detail)
