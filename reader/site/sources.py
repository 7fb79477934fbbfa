"""The pages of a site: from a sitemap (a URL or a file, a sitemap index too) or a list of URLs.

Sitemaps are fetched by the page loader (reader.load.fetch), so they obey the same limits
and URL rules as a page: the timeout, the size cap, the redirects, the allowed hosts and the
private-address check. They are parsed by expat with no DTD allowed: a sitemap never needs
one, and a document type is where entity expansion attacks live.
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit
from xml.parsers import expat

from reader.errors import BlockedSourceError, SourceError
from reader.options import ReadOptions

# What servers send sitemaps as: XML, a gzipped sitemap (sitemap.xml.gz), or a plain list.
SITEMAP_TYPES = frozenset(
    {"application/xml", "text/xml", "application/gzip", "application/x-gzip", "text/plain"}
)
# Root elements of the sitemap protocol (sitemaps.org 0.9) and what each one lists.
URLSET, INDEX = "urlset", "sitemapindex"
ENTRY = {URLSET: "url", INDEX: "sitemap"}
GZIP_MAGIC = b"\x1f\x8b"
# The protocol allows 50,000 URLs per sitemap and 50,000 sitemaps per index; an index of
# indexes is not in the protocol but is met in the wild, so one more level is followed.
MAX_URLS = 50_000
MAX_DEPTH = 2
_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
_LEADING = b" \t\r\n\f\xef\xbb\xbf"


@dataclass(frozen=True, slots=True, kw_only=True)
class SiteSource:
    """Page URLs in the order given (each once), and the entries that could not be read."""

    urls: tuple[str, ...]
    problems: tuple[tuple[str, str], ...] = ()  # (URL or line, why) of what was left out


def read_source(source: str, options: ReadOptions) -> SiteSource:
    """Read a sitemap, a sitemap index or a list of URLs; SourceError if it is none of those."""
    reader = _Reader(options)
    reader.read(source, depth=0)
    if not reader.urls:
        why = f" ({reader.problems[0][0]}: {reader.problems[0][1]})" if reader.problems else ""
        raise SourceError(f"{source}: no page URLs found{why}")
    return SiteSource(urls=tuple(reader.urls), problems=tuple(reader.problems))


class _Reader:
    """Gathers URLs from a source and the sitemaps it points to."""

    def __init__(self, options: ReadOptions) -> None:
        self.options = options
        self.urls: list[str] = []
        self.problems: list[tuple[str, str]] = []
        self._seen: set[str] = set()
        self._sitemaps: set[str] = set()

    def read(self, source: str, depth: int) -> None:
        data = _unpacked(_read_bytes(source, self.options), source, self.options.max_bytes)
        if data.lstrip(_LEADING).startswith(b"<"):
            kind, entries = parse_sitemap(data, source)
            if kind == INDEX:
                self._follow(entries, source, depth)
            else:
                for url in entries:
                    self._add(url)
            return
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise SourceError(f"{source}: not a sitemap or a list of URLs") from exc
        for line in text.lstrip("\ufeff").splitlines():
            line = line.strip()
            if line and not line.startswith("#"):
                self._add(line)

    def _follow(self, sitemaps: list[str], index: str, depth: int) -> None:
        if depth >= MAX_DEPTH:
            self.problems.append((index, "a sitemap index nested too deep"))
            return
        for sitemap in sitemaps:
            if sitemap in self._sitemaps:
                continue
            self._sitemaps.add(sitemap)
            if not _is_web_url(sitemap):
                self.problems.append((sitemap, "not an http(s) URL"))
                continue
            try:
                self.read(sitemap, depth + 1)
            except SourceError as exc:  # one broken sitemap of an index: the others still count
                self.problems.append((sitemap, _without_prefix(str(exc), sitemap)))

    def _add(self, url: str) -> None:
        if url in self._seen:
            return
        self._seen.add(url)
        if not _is_web_url(url):
            self.problems.append((url, "not an http(s) URL"))
        elif len(self.urls) >= MAX_URLS:
            self.problems.append((url, f"more than {MAX_URLS} pages"))
        else:
            self.urls.append(url)


def parse_sitemap(data: bytes, where: str) -> tuple[str, list[str]]:
    """The root kind (urlset or sitemapindex) and the <loc> of every entry, in order."""
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    root: list[str] = []
    path: list[str] = []
    locs: list[str] = []
    text: list[str] = []

    def refuse_dtd(*_: object) -> None:
        raise SourceError(f"{where}: a sitemap with a document type (DTD) is refused")

    def start(name: str, _attributes: object) -> None:
        local = name.rpartition(" ")[2]
        if not root:
            if local not in ENTRY:
                raise SourceError(f"{where}: not a sitemap (its root element is <{local}>)")
            root.append(local)
        path.append(local)
        text.clear()

    def end(name: str) -> None:
        if len(path) == 3 and path[2] == "loc" and path[1] == ENTRY[path[0]]:
            loc = "".join(text).strip()
            if loc:
                locs.append(loc)
        path.pop()

    parser.StartDoctypeDeclHandler = refuse_dtd
    parser.EntityDeclHandler = refuse_dtd
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = text.append
    try:
        parser.Parse(data, True)
    except expat.ExpatError as exc:
        reason = f"{expat.ErrorString(exc.code)}, line {exc.lineno}"
        raise SourceError(f"{where}: not XML ({reason})") from exc
    return root[0], locs


def _read_bytes(source: str, options: ReadOptions) -> bytes:
    if _URL.match(source):
        from reader.load.fetch import fetch  # http.client and ssl only when a URL is read

        return fetch(source, options, media_types=SITEMAP_TYPES).body
    if options.allowed_hosts is not None or not options.allow_private:
        raise BlockedSourceError(f"reading local files is not allowed here: {source}")
    path = Path(source)
    try:
        if path.stat().st_size > options.max_bytes:
            raise SourceError(f"{source}: larger than {options.max_bytes} bytes")
        return path.read_bytes()
    except FileNotFoundError as exc:
        raise SourceError(f"{source}: no such file") from exc
    except IsADirectoryError as exc:
        raise SourceError(f"{source}: is a directory, not a sitemap") from exc
    except PermissionError as exc:
        raise SourceError(f"{source}: permission denied") from exc
    except (OSError, ValueError) as exc:
        raise SourceError(f"{source}: cannot be read ({exc})") from exc


def _unpacked(data: bytes, where: str, limit: int) -> bytes:
    """A gzipped sitemap (sitemap.xml.gz) unpacked, within the same size cap."""
    if not data.startswith(GZIP_MAGIC):
        return data
    decoder = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        out = decoder.decompress(data, limit + 1)
    except zlib.error as exc:
        raise SourceError(f"{where}: a corrupt gzip file") from exc
    if len(out) > limit:
        raise SourceError(f"{where}: larger than {limit} bytes once unpacked")
    return out


def _is_web_url(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)


def _without_prefix(message: str, where: str) -> str:
    return message.removeprefix(f"{where}: ")
