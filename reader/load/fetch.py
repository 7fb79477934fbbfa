"""Fetch an HTML page over HTTP(S) within limits: policy, redirects, one deadline, size.

Every hop is checked before it is made: the scheme, the allow-list and, unless private
addresses are allowed, every address the host resolves to. The connection then goes to
one of the addresses that were checked, so a second DNS answer cannot slip past the check.

The timeout is one deadline for the whole fetch (lookups, connections, redirects, body):
a server that trickles a byte at a time never lets a single read time out, so every wait
is cut to the time that is left.
"""

from __future__ import annotations

import http.client
import ipaddress
import ssl
import time
import zlib
from dataclasses import dataclass
from urllib.parse import quote, urljoin, urlsplit

from reader.errors import BlockedSourceError, SourceError
from reader.load.net import is_public, open_connection, resolve
from reader.load.sniff import looks_binary
from reader.options import ReadOptions

USER_AGENT = "reader/0.1 (offline text-to-speech page reader)"
# What a page reader can read; anything else (PDF, images, JSON) is refused by type.
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
CHUNK = 64 * 1024
# Host comes from the connection (the name, not the pinned address); asking for gzip
# and deflate only, because those are the encodings that can be undone here.
REQUEST_HEADERS = {
    "User-Agent": USER_AGENT,
    "Accept": "text/html,application/xhtml+xml;q=0.9",
    "Accept-Encoding": "gzip, deflate",
    "Connection": "close",
}
# Characters left as they are when a path or query is re-quoted for the request line.
SAFE_URL_CHARS = "/%:@!$&'()*+,;=-._~?"


@dataclass(frozen=True, slots=True, kw_only=True)
class Response:
    """The body of an HTML page and what its headers said about it."""

    url: str
    body: bytes
    charset: str = ""
    content_language: str = ""


def fetch(url: str, options: ReadOptions, *, media_types: frozenset[str] = HTML_TYPES) -> Response:
    """GET an HTML page (or a document of `media_types`, a sitemap), following redirects,
    refusing what the options forbid."""
    deadline = time.monotonic() + options.timeout
    try:
        for _hop in range(options.max_redirects + 1):
            target = _checked(url, options, deadline)
            location, response = _request(url, target, options, deadline, media_types)
            if response is not None:
                return response
            url = urljoin(url, location)
    except TimeoutError as exc:
        raise SourceError(f"timed out after {options.timeout:g} s: {url}") from exc
    raise SourceError(f"too many redirects (more than {options.max_redirects}): {url}")


@dataclass(frozen=True, slots=True, kw_only=True)
class _Target:
    scheme: str
    host: str
    port: int
    path: str
    addresses: tuple[str, ...]


def _checked(url: str, options: ReadOptions, deadline: float) -> _Target:
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise BlockedSourceError(f"only http and https URLs can be read: {url}")
    if "\\" in parts.netloc or (options.allowed_hosts is not None and "@" in parts.netloc):
        # A browser reads "http://a\@b/" as host a, Python as host b; and a user name
        # can hide the host ("http://allowed@elsewhere/"): the host must not be in doubt.
        raise BlockedSourceError(f"a user name or backslash before the host is refused: {url}")
    host = (parts.hostname or "").rstrip(".")
    if not host:
        raise SourceError(f"no host in URL: {url}")
    try:
        host = host.encode("idna").decode("ascii")
        port = parts.port or (443 if scheme == "https" else 80)
    except (UnicodeError, ValueError) as exc:
        if options.allowed_hosts is not None:  # no name that cannot be written is allowed
            raise BlockedSourceError(f"host not allowed: {host}") from exc
        raise SourceError(f"bad URL: {url}") from exc
    if options.allowed_hosts is not None and not _host_allowed(host, options.allowed_hosts):
        raise BlockedSourceError(f"host not allowed: {host}")
    addresses = resolve(host, port, deadline)
    if not options.allow_private:
        for address in addresses:
            if not is_public(address):
                raise BlockedSourceError(f"{host} resolves to a private address ({address})")
    path = quote(parts.path or "/", safe=SAFE_URL_CHARS)
    if parts.query:
        path += "?" + quote(parts.query, safe=SAFE_URL_CHARS)
    return _Target(scheme=scheme, host=host, port=port, path=path, addresses=addresses)


def _host_allowed(host: str, allowed: tuple[str, ...]) -> bool:
    host = host.lower()
    literal = _is_ip(host)
    for entry in allowed:
        entry = entry.lower().rstrip(".")
        if host == entry or (not literal and host.endswith("." + entry)):
            return True
    return False


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def _request(
    url: str, target: _Target, options: ReadOptions, deadline: float, media_types: frozenset[str]
) -> tuple[str, Response | None]:
    """One hop: ("", response) for a page, (location, None) for a redirect."""
    conn = open_connection(target.scheme, target.host, target.port, target.addresses, deadline)
    headers = REQUEST_HEADERS
    if media_types != HTML_TYPES:
        headers = {**headers, "Accept": ", ".join(sorted(media_types))}
    try:
        conn.request("GET", target.path, headers=headers)
        reply = conn.getresponse()
        if reply.status in REDIRECT_STATUSES and reply.getheader("Location"):
            return _utf8(reply.getheader("Location", "")), None
        if not 200 <= reply.status < 300:
            raise SourceError(f"HTTP {reply.status} {reply.reason}: {url}")
        return "", _page(url, reply, options, media_types)
    except TimeoutError:
        raise  # one message for every wait that ran out, made by fetch()
    except ssl.SSLError as exc:
        raise SourceError(f"TLS error from {target.host}: {exc.reason or exc}") from exc
    except http.client.HTTPException as exc:
        raise SourceError(f"bad HTTP response from {target.host}: {exc!r}") from exc
    except OSError as exc:
        if time.monotonic() >= deadline:
            raise TimeoutError(str(exc)) from exc
        raise SourceError(f"cannot connect to {target.host}: {exc.strerror or exc}") from exc
    finally:
        conn.close()


def _utf8(value: str) -> str:
    """A header value as sent: http.client decodes Latin-1, servers write UTF-8 (IDN hosts)."""
    try:
        return value.encode("latin-1").decode("utf-8")
    except UnicodeError:
        return value


def _page(
    url: str, reply: http.client.HTTPResponse, options: ReadOptions, media_types: frozenset[str]
) -> Response:
    content_type = reply.getheader("Content-Type")
    if content_type is not None:
        media_type = content_type.split(";", 1)[0].strip().lower()
        if media_type not in media_types:
            what = "an HTML page" if media_types == HTML_TYPES else "a sitemap"
            raise SourceError(f"not {what} ({media_type or 'no type'}): {url}")
    length = reply.getheader("Content-Length", "")
    if length.isdigit() and int(length) > options.max_bytes:
        raise SourceError(f"page larger than {options.max_bytes} bytes: {url}")
    raw = _read_capped(reply, options.max_bytes, url)
    body = _decompress(raw, reply.getheader("Content-Encoding", ""), options.max_bytes, url)
    if content_type is None and media_types == HTML_TYPES and looks_binary(body):
        raise SourceError(f"not an HTML page (binary data without a Content-Type): {url}")
    return Response(
        url=url,
        body=body,
        charset=reply.headers.get_content_charset("") if content_type else "",
        content_language=reply.getheader("Content-Language", "").split(",")[0].strip(),
    )


def _read_capped(reply: http.client.HTTPResponse, limit: int, url: str) -> bytes:
    body = bytearray()
    while chunk := reply.read(CHUNK):
        body += chunk
        if len(body) > limit:
            raise SourceError(f"page larger than {limit} bytes: {url}")
    # http.client ends a short body quietly; what the length promised and never came is left.
    if reply.length:
        expected = len(body) + reply.length
        raise SourceError(f"connection closed after {len(body)} of {expected} bytes: {url}")
    return bytes(body)


def _decompress(raw: bytes, encoding: str, limit: int, url: str) -> bytes:
    """Undo gzip/deflate, stopping as soon as the output passes the size cap."""
    encoding = encoding.strip().lower()
    if encoding in ("", "identity"):
        return raw
    if encoding in ("gzip", "x-gzip"):
        attempts: tuple[int, ...] = (16 + zlib.MAX_WBITS,)
    elif encoding == "deflate":
        # "deflate" should be zlib-wrapped, but some servers send a raw deflate stream.
        attempts = (zlib.MAX_WBITS, -zlib.MAX_WBITS)
    else:
        raise SourceError(f"unsupported content encoding {encoding!r}: {url}")
    error: zlib.error | None = None
    for wbits in attempts:
        try:
            return _inflate(raw, wbits, limit, url)
        except zlib.error as exc:
            error = exc
    raise SourceError(f"corrupt {encoding} body: {url}") from error


def _inflate(raw: bytes, wbits: int, limit: int, url: str) -> bytes:
    decoder = zlib.decompressobj(wbits)
    out = bytearray()
    data = raw
    while data:
        out += decoder.decompress(data, limit + 1 - len(out))
        if len(out) > limit:
            raise SourceError(f"page larger than {limit} bytes once decompressed: {url}")
        data = decoder.unconsumed_tail
    out += decoder.flush()
    if len(out) > limit:
        raise SourceError(f"page larger than {limit} bytes once decompressed: {url}")
    return bytes(out)
