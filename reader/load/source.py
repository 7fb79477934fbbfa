"""Load a source (URL, file, stdin, or HTML itself) into a decoded Document."""

from __future__ import annotations

import re
import sys
from pathlib import Path

from reader.errors import BlockedSourceError, SourceError
from reader.load.charset import decode_html
from reader.load.sniff import looks_binary
from reader.model import Document
from reader.options import ReadOptions

# "scheme://" marks a URL; only http(s) are fetched, other schemes are refused by name.
_URL = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*)://")
# Whitespace and a byte order mark may precede markup handed over as text.
_LEADING = " \t\r\n\f\ufeff"
NOT_HTML = "not an HTML page (binary data)"


def load(source: str | bytes | Path, options: ReadOptions) -> Document:
    """Read a URL, a file path, `-` (stdin), or HTML bytes/text into a Document."""
    if isinstance(source, bytes | bytearray):
        return _from_bytes(bytes(source), options, url="")
    if isinstance(source, Path):
        return _from_file(source, options)
    if source == "-":
        _refuse_local("standard input", options)
        return _from_bytes(_read_stdin(options.max_bytes), options, url="")
    if _URL.match(source):
        # Imported here: http.client and ssl take tens of milliseconds that a file never needs.
        from reader.load.fetch import fetch

        response = fetch(source, options)
        html, charset = decode_html(response.body, response.charset)
        return Document(
            html=html,
            url=response.url,
            charset=charset,
            content_language=response.content_language,
        )
    if source.lstrip(_LEADING).startswith("<"):
        _check_size(source, options.max_bytes)
        return Document(html=source.lstrip("\ufeff"), url="", charset="utf-8")
    return _from_file(Path(source), options)


def _from_bytes(data: bytes, options: ReadOptions, *, url: str, name: str = "") -> Document:
    if len(data) > options.max_bytes:
        raise SourceError(f"page larger than {options.max_bytes} bytes")
    if looks_binary(data):  # an image or an archive named .html, or noise
        raise SourceError(f"{name}: not an HTML page (binary data)" if name else NOT_HTML)
    html, charset = decode_html(data)
    return Document(html=html, url=url, charset=charset)


def _check_size(html: str, limit: int) -> None:
    # HTML handed over as text obeys the same cap as bytes, counted as UTF-8 (encoded only
    # when it could be over: a character is at most four bytes).
    if len(html) * 4 > limit and len(html.encode("utf-8", errors="surrogatepass")) > limit:
        raise SourceError(f"page larger than {limit} bytes")


def _from_file(path: Path, options: ReadOptions) -> Document:
    _refuse_local(str(path), options)
    try:
        if path.stat().st_size > options.max_bytes:
            raise SourceError(f"{path}: larger than {options.max_bytes} bytes")
        data = path.read_bytes()
    except FileNotFoundError as exc:
        raise SourceError(f"{path}: no such file") from exc
    except IsADirectoryError as exc:
        raise SourceError(f"{path}: is a directory, not a page") from exc
    except PermissionError as exc:
        raise SourceError(f"{path}: permission denied") from exc
    except (OSError, ValueError) as exc:
        raise SourceError(f"{path}: cannot be read ({exc})") from exc
    return _from_bytes(data, options, url=path.resolve().as_uri(), name=str(path))


def _read_stdin(limit: int) -> bytes:
    try:
        data = sys.stdin.buffer.read(limit + 1)
    except (OSError, ValueError, AttributeError) as exc:
        raise SourceError("standard input cannot be read") from exc
    if len(data) > limit:
        raise SourceError(f"standard input larger than {limit} bytes")
    return data


def _refuse_local(what: str, options: ReadOptions) -> None:
    # Options that restrict hosts are those of a server reading on behalf of others:
    # there, a "source" must never reach the server's own files.
    if options.allowed_hosts is not None or not options.allow_private:
        raise BlockedSourceError(f"reading local files is not allowed here: {what}")
