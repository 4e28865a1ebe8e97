"""Fetch one page or feed a user asked for, without letting the URL reach this machine's network.

The only network access storyline makes. Every hop (the URL and each redirect) is resolved first,
every address it resolves to is checked with `ipaddress` (loopback, private, link-local, multicast,
reserved and unspecified addresses are refused, IPv4-mapped IPv6 included), and the connection
goes to the address that was checked, so a name cannot resolve to a public address for the check
and to 127.0.0.1 for the connection. A whole fetch has one deadline and one size limit.
"""

from __future__ import annotations

import dataclasses
import http.client
import ipaddress
import socket
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePosixPath
from urllib.parse import urljoin, urlsplit

from storyline.ingest.paths import read_one
from storyline.records import IngestProblem, RawDocument
from storyline.settings import SETTINGS as S

FETCH_DEADLINE_S = S.fetch_deadline_s
FETCH_READ_TIMEOUT_S = S.fetch_read_timeout_s
MAX_REDIRECTS = S.max_redirects
_CHUNK = 64 * 1024


class FetchError(ValueError):
    """The URL was refused or could not be fetched; the message is the one-line reason."""


@dataclass(frozen=True)
class Fetched:
    url: str  # where the content came from, after redirects
    data: bytes
    content_type: str
    etag: str | None = None  # the answer's validators, to send back next time (storyline watch)
    last_modified: str | None = None
    not_modified: bool = False  # a 304 to a conditional request: `data` is empty, what was fetched before stands


def address_allowed(ip: str, allow_private: bool = False) -> bool:
    """A public unicast address, or any address when the user opted in to private ones."""
    addr = ipaddress.ip_address(ip.split("%", 1)[0])
    if isinstance(addr, ipaddress.IPv6Address) and addr.ipv4_mapped is not None:
        addr = addr.ipv4_mapped
    if allow_private:
        return not addr.is_multicast and not addr.is_unspecified
    return addr.is_global and not addr.is_multicast


def _resolve(host: str, port: int, allowed: Callable[[str], bool]) -> list[tuple[int, str]]:
    """(family, address) for each address of `host`, refusing the lot if any one is not allowed."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as e:
        raise FetchError(f"cannot resolve {host!r} ({e})") from None
    found = [(int(family), str(sockaddr[0])) for family, _t, _p, _c, sockaddr in infos]
    refused = sorted({ip for _f, ip in found if not allowed(ip)})
    if refused:
        raise FetchError(
            f"{host!r} resolves to {', '.join(refused)}: a loopback, private or reserved address "
            "(--allow-private-urls allows fetching from this machine's network)"
        )
    return found


class _PinnedHTTPS(http.client.HTTPSConnection):
    """HTTPS to an address that was checked, with the certificate checked against the URL's name."""

    def __init__(self, ip: str, port: int, server_name: str, timeout: float) -> None:
        super().__init__(ip, port, timeout=timeout, context=ssl.create_default_context())
        self._server_name = server_name

    def connect(self) -> None:
        sock = socket.create_connection((self.host, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self._server_name)  # type: ignore[attr-defined]


def fetch(
    url: str,
    *,
    max_bytes: int,
    allow_private: bool = False,
    deadline_s: float = FETCH_DEADLINE_S,
    allowed: Callable[[str], bool] | None = None,
    etag: str | None = None,
    last_modified: str | None = None,
) -> Fetched:
    """GET `url` under the address rules, following up to MAX_REDIRECTS redirects, each checked.

    `allowed` replaces the address rule (tests use it to treat one loopback address as public).
    `etag` and `last_modified`, the validators of an earlier answer, make it a conditional request
    (If-None-Match, If-Modified-Since): a server whose content has not changed answers 304, and the
    result says `not_modified` instead of carrying the same bytes again.
    """
    deadline = time.monotonic() + deadline_s
    allowed = allowed or (lambda ip: address_allowed(ip, allow_private))
    for _hop in range(MAX_REDIRECTS + 1):
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise FetchError(f"{url}: only http(s) URLs can be fetched")
        try:
            port = parts.port or (443 if parts.scheme == "https" else 80)
        except ValueError:
            raise FetchError(f"{url}: bad port") from None
        family, ip = _resolve(parts.hostname, port, allowed)[0]
        target = f"[{ip}]" if family == socket.AF_INET6 else ip
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise FetchError(f"{url}: took longer than {deadline_s:.0f} s")
        timeout = min(FETCH_READ_TIMEOUT_S, remaining)
        conn: http.client.HTTPConnection
        if parts.scheme == "https":
            conn = _PinnedHTTPS(target, port, parts.hostname, timeout)
        else:
            conn = http.client.HTTPConnection(target, port, timeout=timeout)
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        host_header = parts.hostname if parts.port is None else f"{parts.hostname}:{parts.port}"
        if ":" in parts.hostname and not host_header.startswith("["):
            host_header = f"[{parts.hostname}]" + (f":{parts.port}" if parts.port else "")
        headers = {"Host": host_header, "User-Agent": "storyline (+local)"}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        try:
            conn.request("GET", path, headers=headers)
            resp = conn.getresponse()
            if resp.status in (301, 302, 303, 307, 308) and resp.getheader("Location"):
                url = urljoin(url, resp.getheader("Location") or "")
                continue
            if resp.status >= 400:
                raise FetchError(f"{url}: the server answered {resp.status} {resp.reason}")
            got_etag, got_modified = resp.getheader("ETag"), resp.getheader("Last-Modified")
            if resp.status == 304:  # a 304 may leave out validators that did not change
                return Fetched(url, b"", "", got_etag or etag, got_modified or last_modified, not_modified=True)
            data = _read(resp, conn, url, max_bytes, deadline, deadline_s)
            ctype = resp.getheader("Content-Type") or ""
            return Fetched(url=url, data=data, content_type=ctype, etag=got_etag, last_modified=got_modified)
        except (OSError, http.client.HTTPException) as e:
            if isinstance(e, TimeoutError) and time.monotonic() >= deadline:
                raise FetchError(f"{url}: took longer than {deadline_s:.0f} s") from None
            raise FetchError(f"{url}: {e.__class__.__name__}: {e}") from None
        finally:
            conn.close()
    raise FetchError(f"{url}: more than {MAX_REDIRECTS} redirects")


def _read(
    resp: http.client.HTTPResponse, conn: http.client.HTTPConnection, url: str, max_bytes: int, deadline: float,
    deadline_s: float,
) -> bytes:  # fmt: skip
    chunks: list[bytes] = []
    size = 0
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise FetchError(f"{url}: took longer than {deadline_s:.0f} s")
        if conn.sock is not None:
            conn.sock.settimeout(min(FETCH_READ_TIMEOUT_S, remaining))
        chunk = resp.read1(_CHUNK)
        if not chunk:
            return b"".join(chunks)
        size += len(chunk)
        if size > max_bytes:
            raise FetchError(f"{url}: larger than {max_bytes / 1e6:.0f} MB")
        chunks.append(chunk)


def fetch_documents(url: str, max_bytes: int, allow_private: bool = False) -> list[RawDocument | IngestProblem]:
    """A page or feed fetched under the address rules, read into documents that keep its URL."""
    return documents_of(fetch(url, max_bytes=max_bytes, allow_private=allow_private))


def documents_of(got: Fetched) -> list[RawDocument | IngestProblem]:
    """What a fetch brought, read by its Content-Type or name (feed, page, ...) into documents that
    keep its URL as their source."""
    ctype = got.content_type.lower()
    ext = ".html" if "html" in ctype else ".xml" if ("xml" in ctype or "rss" in ctype or "atom" in ctype) else ""
    path = urlsplit(got.url).path
    name = got.url if PurePosixPath(path).suffix or not ext else got.url.rstrip("/") + "#" + ext  # typed by name
    out: list[RawDocument | IngestProblem] = []
    for item in read_one(name, got.data, S.max_bytes):
        if isinstance(item, RawDocument) and item.source == name:
            item = dataclasses.replace(item, source=got.url, url=item.url or got.url)
        elif isinstance(item, IngestProblem) and item.source == name:
            item = dataclasses.replace(item, source=got.url)
        out.append(item)
    return out
