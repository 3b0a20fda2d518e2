"""Fetch a feed and the files it links, from the web or beside a local feed, with limits.

A feed from the web may only link web files (http, https): a `file:` link
in someone else's feed must never read this machine's files. A local feed
may also link files by relative path or `file:` URL, inside its own folder,
so a feed exported with its transcripts works offline.

Someone else's feed must not make the importer fetch this machine's or this
network's services (SSRF): every host is resolved and refused unless all its
addresses are public (not loopback, private, link-local, the cloud metadata
address, shared or reserved), before the request and on every redirect, and
the connection goes to the address that was checked (a second DNS answer
can't swap in another). `--allow-private` lifts this for a feed on the LAN.
"""

from __future__ import annotations

import functools
import http.client
import ipaddress
import logging
import socket
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

log = logging.getLogger(__name__)

USER_AGENT = "episode-bot-importer/0.1 (+https://github.com/; podcast feed importer)"
CHUNK = 64 * 1024


class FetchError(Exception):
    """A file could not be fetched; str() says why, for the admin."""


class PrivateAddress(FetchError):
    """A host resolved to an address a feed may not make the importer reach."""


_getaddrinfo = socket.getaddrinfo  # one name for the resolver, so tests can answer for a host


def address_problem(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str | None:
    """Say why an address is not a public one; None when it is."""
    mapped = getattr(ip, "ipv4_mapped", None)
    if mapped is not None:  # ::ffff:127.0.0.1 reaches 127.0.0.1
        ip = mapped
    if ip.is_loopback:
        return "a loopback address"
    if ip.is_link_local:  # 169.254.169.254, the cloud metadata service, is one
        return "a link-local (or cloud metadata) address"
    if ip.is_multicast:
        return "a multicast address"
    if ip.is_private:
        return "a private address"
    if not ip.is_global:  # shared (100.64/10), reserved, unspecified, documentation
        return "not a public address"
    return None


def public_addresses(host: str, port: int) -> list[str]:
    """Resolve host; return its addresses, or raise PrivateAddress when any is not public."""
    try:
        infos = _getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise FetchError(f"cannot resolve {host} ({exc.strerror or exc})") from None
    addresses = []
    for info in infos:
        ip = ipaddress.ip_address(info[4][0].split("%")[0])
        problem = address_problem(ip)
        if problem:
            raise PrivateAddress(f"{host} resolves to {ip}, {problem}; not fetched "
                                 "(use --allow-private for a feed on your own network)")
        addresses.append(str(ip))
    if not addresses:
        raise FetchError(f"cannot resolve {host}")
    return addresses


def check_url(url: str) -> None:
    """Raise PrivateAddress when a web URL's host is not public."""
    parts = urlsplit(url)
    if parts.hostname:
        public_addresses(parts.hostname, parts.port or (443 if parts.scheme == "https" else 80))


def _connect_public(address: tuple[str, int], timeout: float = socket._GLOBAL_DEFAULT_TIMEOUT,  # type: ignore[attr-defined]
                    source_address: tuple[str, int] | None = None) -> socket.socket:
    """Connect to a checked address of the host, never to whatever a second lookup says."""
    host, port = address
    last: OSError | None = None
    for ip in public_addresses(host, port):
        try:
            return socket.create_connection((ip, port), timeout, source_address)
        except OSError as exc:
            last = exc
    raise last or OSError(f"cannot connect to {host}")


class _PublicHTTPConnection(http.client.HTTPConnection):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._create_connection = _connect_public


class _PublicHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._create_connection = _connect_public  # TLS still checks the certificate against the host name


class _PublicHTTPHandler(urllib.request.HTTPHandler):
    def http_open(self, req):  # noqa: D102 (urllib's hook)
        # Through a proxy the connection is to the proxy: the URL's host was checked in get() and redirects.
        return self.do_open(http.client.HTTPConnection if req.has_proxy() else _PublicHTTPConnection, req)


class _PublicHTTPSHandler(urllib.request.HTTPSHandler):
    def https_open(self, req):  # noqa: D102 (urllib's hook)
        kind = http.client.HTTPSConnection if req.has_proxy() else _PublicHTTPSConnection
        return self.do_open(kind, req, context=self._context)


@dataclass
class Fetched:
    data: bytes
    url: str  # where it finally came from (after redirects), for resolving its links
    content_type: str | None = None


class _HttpOnlyRedirects(urllib.request.HTTPRedirectHandler):
    """Follow redirects to http(s) only (urllib would also follow one to ftp:), and to public hosts."""

    max_redirections = 5

    def __init__(self, allow_private: bool = False) -> None:
        super().__init__()
        self.allow_private = allow_private

    def redirect_request(self, req, fp, code, msg, headers, newurl):  # noqa: D102 (urllib's hook)
        if urlsplit(newurl).scheme not in ("http", "https"):
            raise urllib.error.HTTPError(newurl, code, "redirect to a non-web address refused", headers, fp)
        if not self.allow_private:
            check_url(newurl)  # PrivateAddress passes through urllib as it is
        return super().redirect_request(req, fp, code, msg, headers, newurl)


class Fetcher:
    """Fetch references relative to a feed, each with a timeout and a size cap."""

    def __init__(self, source: str, timeout: float = 20.0, max_bytes: int = 16_000_000,
                 total_timeout: float = 120.0, allow_private: bool = False) -> None:
        self.source = source
        self.allow_private = allow_private
        self.timeout = timeout
        self.total_timeout = total_timeout
        self.max_bytes = max_bytes
        self.local_root: Path | None = None
        scheme = urlsplit(source).scheme.lower()
        if scheme in ("http", "https"):
            self.base = source
        else:
            path = Path(unquote(urlsplit(source).path)) if scheme == "file" else Path(source)
            self.local_root = path.resolve().parent
            self.base = path.resolve().as_uri()
        self._opener = urllib.request.OpenerDirector()
        web = ((urllib.request.HTTPHandler(), urllib.request.HTTPSHandler()) if allow_private
               else (_PublicHTTPHandler(), _PublicHTTPSHandler()))
        for handler in (urllib.request.ProxyHandler(), *web, _HttpOnlyRedirects(allow_private),
                        urllib.request.HTTPErrorProcessor(), urllib.request.HTTPDefaultErrorHandler()):
            self._opener.add_handler(handler)

    @property
    def is_local(self) -> bool:
        return self.local_root is not None

    def resolve(self, ref: str) -> str:
        """Turn a link from the feed into an absolute URL."""
        return urljoin(self.base, ref.strip())

    def get(self, ref: str, base: str | None = None) -> Fetched:
        """Fetch one reference; raise FetchError with a reason an admin can act on."""
        # The source itself is already absolute in self.base (`./export/feed.xml` joined to itself
        # would be export/export/feed.xml).
        url = self.base if ref == self.source and base is None else urljoin(base or self.base, ref.strip())
        scheme = urlsplit(url).scheme.lower()
        if scheme == "file":
            return self._read_local(url)
        if scheme not in ("http", "https"):
            raise FetchError(f"{ref!r} is not a web address (http or https)")
        if not self.allow_private:
            check_url(url)
        return self._download(url)

    def _read_local(self, url: str) -> Fetched:
        if self.local_root is None:
            raise FetchError(f"a feed from the web may not link local files ({url})")
        path = Path(unquote(urlsplit(url).path)).resolve()
        if not path.is_relative_to(self.local_root):
            raise FetchError(f"{path} is outside the feed's folder {self.local_root}; not read")
        try:
            size = path.stat().st_size
            if size > self.max_bytes:
                raise FetchError(f"{path.name} is {_size(size)}, over the {_size(self.max_bytes)} cap")
            return Fetched(path.read_bytes(), url, None)
        except OSError as exc:
            raise FetchError(f"cannot read {path} ({exc.strerror or exc})") from None

    def _download(self, url: str) -> Fetched:
        request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, "Accept-Encoding": "identity"})
        deadline = time.monotonic() + self.total_timeout
        try:
            with self._opener.open(request, timeout=self.timeout) as response:
                length = response.headers.get("Content-Length")
                if length and length.isdecimal() and int(length) > self.max_bytes:
                    raise FetchError(f"{url} is {_size(int(length))}, over the {_size(self.max_bytes)} cap")
                parts, size = [], 0
                while True:
                    left = deadline - time.monotonic()
                    if left <= 0:
                        raise FetchError(f"{url} took over {self.total_timeout:.0f} s; stopped")
                    # Each read waits at most what is left of the total (a server trickling a
                    # byte at a time must not stretch it), and returns what one recv gave.
                    _set_read_timeout(response, min(self.timeout, left))
                    chunk = response.read1(CHUNK)
                    if not chunk:
                        break
                    size += len(chunk)
                    if size > self.max_bytes:
                        raise FetchError(f"{url} is over the {_size(self.max_bytes)} cap; stopped")
                    parts.append(chunk)
                return Fetched(b"".join(parts), response.geturl(),
                               response.headers.get_content_type())
        except urllib.error.HTTPError as exc:
            raise FetchError(f"{url} answered HTTP {exc.code} {exc.reason}") from None
        except urllib.error.URLError as exc:
            raise FetchError(f"cannot reach {url} ({exc.reason})") from None
        except TimeoutError:
            if time.monotonic() >= deadline:
                raise FetchError(f"{url} took over {self.total_timeout:.0f} s; stopped") from None
            raise FetchError(f"{url} did not answer within {self.timeout:.0f} s") from None
        except OSError as exc:
            raise FetchError(f"{url} failed ({exc})") from None


def _set_read_timeout(response, seconds: float) -> None:
    """Set the socket timeout of an open response (http.client keeps it at the connect timeout)."""
    sock = getattr(getattr(getattr(response, "fp", None), "raw", None), "_sock", None)
    if sock is not None:
        sock.settimeout(max(0.05, seconds))


def _size(n: int) -> str:
    return f"{n / 1e6:.1f} MB" if n >= 1e6 else f"{n / 1e3:.0f} kB"
