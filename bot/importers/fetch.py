"""Fetch a feed and the files it links, from the web or beside a local feed, with limits.

A feed from the web may only link web files (http, https): a `file:` link
in someone else's feed must never read this machine's files. A local feed
may also link files by relative path or `file:` URL, inside its own folder,
so a feed exported with its transcripts works offline.
"""

from __future__ import annotations

import logging
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


@dataclass
class Fetched:
    data: bytes
    url: str  # where it finally came from (after redirects), for resolving its links
    content_type: str | None = None


class _HttpOnlyRedirects(urllib.request.HTTPRedirectHandler):
    """Follow redirects to http(s) only (urllib would also follow one to ftp:)."""

    max_redirections = 5

    def redirect_request(self, req, fp, code, msg, headers, newurl):  # noqa: D102 (urllib's hook)
        if urlsplit(newurl).scheme not in ("http", "https"):
            raise urllib.error.HTTPError(newurl, code, "redirect to a non-web address refused", headers, fp)
        return super().redirect_request(req, fp, code, msg, headers, newurl)


class Fetcher:
    """Fetch references relative to a feed, each with a timeout and a size cap."""

    def __init__(self, source: str, timeout: float = 20.0, max_bytes: int = 16_000_000,
                 total_timeout: float = 120.0) -> None:
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
        for handler in (urllib.request.ProxyHandler(), urllib.request.HTTPHandler(),
                        urllib.request.HTTPSHandler(), _HttpOnlyRedirects(),
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
        url = urljoin(base or self.base, ref.strip())
        scheme = urlsplit(url).scheme.lower()
        if scheme == "file":
            return self._read_local(url)
        if scheme not in ("http", "https"):
            raise FetchError(f"{ref!r} is not a web address (http or https)")
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
                while chunk := response.read(CHUNK):
                    size += len(chunk)
                    if size > self.max_bytes:
                        raise FetchError(f"{url} is over the {_size(self.max_bytes)} cap; stopped")
                    if time.monotonic() > deadline:
                        raise FetchError(f"{url} took over {self.total_timeout:.0f} s; stopped")
                    parts.append(chunk)
                return Fetched(b"".join(parts), response.geturl(),
                               response.headers.get_content_type())
        except urllib.error.HTTPError as exc:
            raise FetchError(f"{url} answered HTTP {exc.code} {exc.reason}") from None
        except urllib.error.URLError as exc:
            raise FetchError(f"cannot reach {url} ({exc.reason})") from None
        except TimeoutError:
            raise FetchError(f"{url} did not answer within {self.timeout:.0f} s") from None
        except OSError as exc:
            raise FetchError(f"{url} failed ({exc})") from None


def _size(n: int) -> str:
    return f"{n / 1e6:.1f} MB" if n >= 1e6 else f"{n / 1e3:.0f} kB"
