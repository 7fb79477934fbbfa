"""What the Listen button posts, and the page the server rebuilds from it.

The widget sends the page's `<body>` as the browser holds it, without what is never read and
only adds bytes (scripts, styles, SVG, media, form lists; `src`/`srcset`, `on*` and
`data-*` attributes other than `data-reader-*`), plus the `<html lang>`, the title, the
`Content-Language` meta and the selector its `<script data-reader-area>` names:

    {"html": "<body …>…</body>", "lang": "sv", "title": "…", "content_language": "",
     "area": "#content", "url": "https://…"}

The server rebuilds that into a document and reads it as `reader blocks` reads the saved
page: one extraction for every path. A posted fragment (`<div>…</div>`) is read as a page
whose body is that fragment.

`widget_payload` is the same payload made in Python from a page's markup (tests, benchmarks,
clients without a browser): lxml's tree stands in for the browser's DOM.
"""

from __future__ import annotations

import html
import json
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from lxml import etree

from reader import langtag
from reader.errors import UsageError
from reader.extract.blocks import EMPTY_UNKNOWN
from reader_web.security import TooMuchText

# Elements the widget leaves out of what it posts (player.js UNSENT_SELECTOR): each one is
# dropped whole by extraction too (reader.extract.blocks.UNREAD_TAGS), so leaving it out
# changes nothing that is read, and `nth-of-type` positions of other tags stay as they were.
UNSENT_TAGS = (
    "script", "style", "link", "svg", "template", "iframe", "canvas", "video",
    "audio", "object", "embed", "select", "textarea", "source", "track",
)  # fmt: skip
# Attributes the widget leaves out: extraction never reads them, and image sources and
# framework data are a fifth of a page's markup.
UNSENT_ATTRIBUTES = frozenset({"src", "srcset", "sizes"})
KEPT_DATA_PREFIX = "data-reader-"
AREA = "data-reader-area"
GZIP_WBITS = 16 + zlib.MAX_WBITS
# Elements whose text a browser serialises as it stands (the HTML serialisation algorithm).
RAW_TEXT_TAGS = ("xmp", "noembed", "noframes", "plaintext")
MAX_LANG = 100
# The keys of the JSON body: any other is a mistake the client should hear about.
POSTED_KEYS = ("html", "url", "lang", "title", "content_language", "area")
# Short fields: a title or a selector longer than this is not one.
MAX_FIELD = 2000


class TooMuchMarkup(TooMuchText):
    """A posted page larger than the server unpacks (READER_MAX_MARKUP)."""


def request_json(data: bytes, encoding: str, limit: int) -> Any:
    """The JSON of a request body, gunzipped first when sent with `Content-Encoding: gzip`.

    At most `limit` bytes are unpacked: a small body that unpacks to gigabytes is refused
    (413) before it is held in memory.
    """
    return parse_json(unpacked_body(data, encoding, limit))


def unpacked_body(data: bytes, encoding: str, limit: int) -> bytes:
    """A request body as sent before compression (at most `limit` bytes, as request_json)."""
    encoding = encoding.strip().lower()
    if encoding in ("gzip", "x-gzip"):
        return _gunzip(data, limit)
    if encoding not in ("", "identity"):
        raise UsageError(f"unsupported Content-Encoding {encoding[:40]!r}: send gzip or none")
    if len(data) > limit:
        raise TooMuchMarkup(f"the posted page is larger than {limit} bytes")
    return data


def parse_json(data: bytes) -> Any:
    """A request body's JSON (UsageError when it is not JSON)."""
    try:
        return json.loads(data)
    except (ValueError, UnicodeDecodeError) as exc:
        raise UsageError("the request body is not valid JSON") from exc


def _gunzip(data: bytes, limit: int) -> bytes:
    unpacker = zlib.decompressobj(GZIP_WBITS)
    try:
        out = unpacker.decompress(data, limit + 1)
    except zlib.error as exc:
        raise UsageError("the request body is not valid gzip") from exc
    if len(out) > limit or unpacker.unconsumed_tail:
        raise TooMuchMarkup(f"the posted page unpacks to more than {limit} bytes")
    if not unpacker.eof:
        raise UsageError("the request body is not valid gzip: it ends too early")
    return out


@dataclass(frozen=True, slots=True, kw_only=True)
class PostedPage:
    """A posted page: the body's markup and what the widget read from around it."""

    html: str
    url: str
    lang: str  # the page's `<html lang>`, as declared (a wrong one is corrected later)
    title: str
    content_language: str
    area: str  # the selector list of `<script data-reader-area>`, "" when none


def posted_page(body: Any) -> PostedPage:
    """The posted page from a JSON body, checked (UsageError with a one-line reason)."""
    if not isinstance(body, Mapping):
        raise UsageError("the request body must be a JSON object")
    unknown = [str(key)[:40] for key in body if key not in POSTED_KEYS]
    if unknown:
        raise UsageError(
            f"unknown key {', '.join(map(repr, unknown[:3]))} in the JSON body;"
            f" it takes {', '.join(POSTED_KEYS)}"
        )
    markup = body.get("html")
    if not isinstance(markup, str) or not markup.strip():
        raise UsageError("the JSON body needs 'html': the page's body as HTML")
    fields = {}
    for name in ("url", "title", "content_language", "area"):
        value = body.get(name, "")
        if not isinstance(value, str):
            raise UsageError("'url', 'title', 'content_language' and 'area' must be strings")
        fields[name] = value[:MAX_FIELD] if name == "url" else value.strip()[:MAX_FIELD]
    # The `lang` as the page wrote it: extraction reads it as it reads `<html lang>` on the
    # saved page (a malformed one declares nothing); it is escaped into the markup.
    lang = body.get("lang")
    if lang is not None and not (isinstance(lang, str) and not lang.strip()):
        if not isinstance(lang, str) or not langtag.normalise(lang):
            shown = lang if isinstance(lang, str) else json.dumps(lang)
            raise UsageError(
                f"'lang' must be a language code such as sv or en-GB, not {shown[:40]!r}"
            )
    return PostedPage(
        html=markup, lang=lang.strip()[:MAX_LANG] if isinstance(lang, str) else "", **fields
    )


def document_bytes(page: PostedPage) -> bytes:
    """The posted page as a whole document, in bytes with a declared charset.

    Bytes, never a bare string, so the loader can only take it for markup (a string may be
    taken for a file path or a URL).
    """
    lang = f' lang="{html.escape(page.lang)}"' if page.lang else ""
    head = [f"<title>{html.escape(page.title)}</title>"]
    if page.content_language:
        value = html.escape(page.content_language)
        head.append(f'<meta http-equiv="content-language" content="{value}">')
    if page.area:
        head.append(f'<script data-reader-area="{html.escape(page.area)}"></script>')
    document = (
        f'<!DOCTYPE html><html{lang}><head><meta charset="utf-8">{"".join(head)}</head>'
        f"{page.html}</html>"
    )
    return document.encode("utf-8")


def widget_payload(markup: str, url: str = "") -> dict[str, str]:
    """What the widget posts for a page, made from its markup as lxml parses it."""
    parser = etree.HTMLParser(remove_comments=True, remove_pis=True, no_network=True)
    # Empty elements stay empty, as in the browser's DOM (and in extraction's own parse).
    root = etree.fromstring(EMPTY_UNKNOWN.sub(r"<\1\2/>", markup), parser)
    if root is None:
        raise UsageError("the page has no markup")
    body = root.find("body")
    if body is None:
        body = etree.SubElement(root, "body")
    areas = (script.get(AREA, "").strip() for script in root.iter("script"))
    area = next((selectors for selectors in areas if selectors), "")
    content_language = next(
        (
            meta.get("content", "")
            for meta in root.iter("meta")
            if (meta.get("http-equiv") or "").lower() == "content-language"
        ),
        "",
    )
    title = root.find("head/title")
    etree.strip_elements(body, *UNSENT_TAGS, with_tail=False)
    for el in body.iter():
        for name in [n for n in el.keys() if is_unsent_attribute(n)]:
            del el.attrib[name]
    return {
        "html": _serialised(body),
        "url": url,
        "lang": declared_lang(root.get("lang") or ""),
        "title": " ".join("".join(title.itertext()).split()) if title is not None else "",
        "content_language": content_language.strip(),
        "area": area,
    }


def declared_lang(value: str) -> str:
    """A page's `<html lang>` as the widget posts it: as written when it is shaped like a
    tag (`sv_SE` too), else "" (a malformed one declares nothing either way)."""
    return value.strip() if langtag.normalise(value) else ""


def _serialised(body: etree._Element) -> str:
    """The body's markup as a browser serialises it: raw-text elements' text unescaped.

    lxml escapes `<`, `>` and `&` inside `<xmp>`, which both browsers and lxml's parser
    read back as they stand ("&gt;"); a browser writes such text out literally.
    """
    raw: dict[str, str] = {}
    for number, el in enumerate(body.iter(*RAW_TEXT_TAGS)):
        marker = f"reader-raw-text-{number}-{id(body)}"
        raw[marker], el.text = el.text or "", marker
    markup = etree.tostring(body, method="html", encoding="unicode", with_tail=False)
    for marker, text in raw.items():
        markup = markup.replace(marker, text, 1)
    return markup


def is_unsent_attribute(name: str) -> bool:
    """Whether the widget leaves an attribute out of what it posts."""
    name = name.lower()
    if name.startswith("data-"):
        return not name.startswith(KEPT_DATA_PREFIX)
    return name in UNSENT_ATTRIBUTES or name.startswith("on")
