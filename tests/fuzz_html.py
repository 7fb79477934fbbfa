"""Hostile HTML for fuzzing the reader: hypothesis strategies and the named monsters.

Shared by `tests/test_fuzz.py` (a fixed, small budget in CI) and `bench/fuzz.py` (the long
run). Strategies build markup from tokens a real parser meets on bad pages: unclosed and
misnested tags, comments, CDATA and processing instructions where they do not belong,
entity soup, doctype junk, NUL and control characters; byte documents add invalid UTF-8,
mixed encodings and a charset declaration that lies.
"""

from __future__ import annotations

import codecs
import json
from collections.abc import Callable

from hypothesis import strategies as st

from reader.errors import NoContentError, SourceError, SpeechError
from reader.model import Page
from reader.options import ReadOptions, SpeechOptions
from reader.pipeline import plan_speech, read_page
from reader.speech import Engine

# Tags the extractor treats specially (blocks, skipped, furniture, raw-text, void, table
# parts), tags that change the parser's mode, and names no page should carry.
TAGS = (
    "html", "head", "body", "title", "meta", "link", "base", "script", "style", "noscript",
    "template", "svg", "math", "main", "article", "section", "nav", "aside", "header",
    "footer", "div", "p", "span", "a", "b", "i", "em", "strong", "sup", "br", "hr", "img",
    "ul", "ol", "li", "dl", "dt", "dd", "table", "caption", "thead", "tbody", "tr", "td",
    "th", "h1", "h2", "h3", "h6", "blockquote", "pre", "figure", "figcaption", "form",
    "input", "select", "option", "textarea", "button", "label", "iframe", "frameset",
    "frame", "object", "plaintext", "xmp", "listing", "font", "center", "details",
    "summary", "custom-element", "x", "DIV", "P", "foo:bar", "a1", "h7", "ruby", "rt",
)  # fmt: skip
ATTRIBUTE_NAMES = (
    "lang", "xml:lang", "class", "id", "role", "hidden", "aria-hidden", "aria-level",
    "aria-modal", "style", "data-reader-area", "data-reader-skip", "data-reader-node",
    "href", "alt", "title", "charset", "http-equiv", "content", "src", "inert", "onerror",
    "xmlns", "xmlns:foo", "a-b", "ÅÄÖ", "x\u00ff",
)  # fmt: skip
# Values the extractor reads for meaning, plus their broken forms.
ATTRIBUTE_VALUES = (
    "", "sv", "en-GB", "EN_us", "  ", "nb-NO-x-private", "und", "zz-ZZ-1234567890",
    "main", "navigation", "heading", "dialog", "true", "TRUE", "0", "-3", "99999999999999999",
    "display:none", "visibility: hidden", "rs_skip", "nav menu", "content article",
    "cookie-banner", "https://app-eu.readspeaker.com/cgi-bin/rsent?readid=main,x&readclass=y",
    "#", "javascript:alert(1)", "text/html; charset=utf-16", "text/html; charset=rot13",
    "content-language", "sv, en", "IMG_2034.jpg", "A photo of the harbour at dusk",
)  # fmt: skip
ENTITIES = (
    "&amp;", "&lt;", "&gt;", "&nbsp;", "&nbsp", "&#0;", "&#x0;", "&#1;", "&#x110000;",
    "&#xD800;", "&#99999999999;", "&#-1;", "&unknown;", "&", "&#", "&#x;", "&aring;",
    "&Ouml;", "&#8203;", "&shy;", "&#xFEFF;", "&ampamp;", "&&&;;", "&#x1F600;",
)  # fmt: skip
# Comment, CDATA, PI and doctype forms, including the broken ones parsers must recover from.
ODDITIES = (
    "<!-- a comment -->", "<!---->", "<!-->", "<!--->", "<!-- -- -->", "<!-- --!>",
    "<!-- unclosed", "<![CDATA[ cdata <p>not a tag</p> ]]>", "<![CDATA[", "]]>",
    "<?php echo '<p>'; ?>", "<?xml version='1.0' encoding='rot13'?>", "<?xml-stylesheet?>",
    "<!DOCTYPE html>", "<!doctype html public '-//W3C//DTD' 'x'>", "<!DOCTYPE>",
    "<!DOCTYPE html [ <!ENTITY x 'y'> ]>", "<!ENTITY lol '&lol;&lol;'>", "<!>", "</>",
    "< p>", "<>", "</ >", "<p/>", "<br/>", "</br>", "</p>", "<div<div>", "<a href='x>",
    "<script>", "</script>", "<script><!--", "<style>", "<title>", "<textarea>",
    "<plaintext>", "<noscript>", "<template>", "<svg><![CDATA[x]]></svg>", "<math><mi>x",
    "<table><td>", "<tr>", "<!--<script>-->", "<iframe srcdoc='<p>x</p>'>",
)  # fmt: skip
# Text a page may carry: words, Swedish letters, RTL and CJK scripts, invisible
# characters, NUL and control characters, lone surrogates, private use.
SPECIAL_TEXT = (
    "Östersund är en stad.", "Hello, world.", "t.ex. 063-14 30 00 den 1 maj 2024 kl. 8.30",
    "مرحبا بالعالم", "こんにちは世界", "\x00", "\x01\x02\x1f", "\x7f\x80\x9f", "\u200b",
    "\u00ad", "\ufeff", "\ud800", "\udfff", "\ue000", "\U0010ffff", "\r\n", "\t", "\f",
    "\u2028", "\u202e", "...", "!!!???", "e.g. U.S.A. Dr. No", "EU:s UNESCO",
    "http://example.org/a?b=c&d", "a@b.se", "1" * 40, "x" * 300,
)  # fmt: skip
ENCODINGS = (
    "utf-8", "cp1252", "latin-1", "utf-16-le", "utf-16-be", "shift_jis", "gb18030",
    "koi8-r", "iso8859-7", "cp1256", "euc-kr", "big5",
)  # fmt: skip
# Charset labels for a lying or broken declaration: wrong, unknown, non-text codecs,
# codecs no browser supports, and ones that need more than ASCII to read.
CHARSET_LABELS = (
    "utf-8", "UTF-8", "iso-8859-1", "windows-1252", "utf-16", "utf-16le", "utf-32",
    "utf-7", "rot13", "base64", "hex", "zlib", "undefined", "idna", "punycode",
    "unicode_escape", "raw_unicode_escape", "cp037", "x-user-defined", "replacement",
    "x-klingon", "", "shift_jis", "iso-2022-jp", "hz", "mac-roman", "gb18030", "\u00e5",
)  # fmt: skip
BOMS = (b"", b"", b"", codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
# Bytes that are never valid UTF-8 or cut a sequence short.
BAD_BYTES = (
    b"\xff", b"\xfe", b"\xc0\x80", b"\xc3", b"\xe2\x82", b"\xf0\x9f\x98", b"\xed\xa0\x80",
    b"\xf4\x90\x80\x80", b"\x80\x80\x80", b"\x00", b"\x00\x00\xfe\xff", b"\x1b$B",
)  # fmt: skip

names = st.sampled_from(TAGS)
attribute_names = st.sampled_from(ATTRIBUTE_NAMES) | st.text(min_size=1, max_size=6)
quotes = st.sampled_from(('"', "'", ""))


def _text_piece() -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(SPECIAL_TEXT),
        st.sampled_from(ENTITIES),
        st.text(max_size=20),
        st.text(st.characters(codec="ascii"), max_size=40),
    )


text = st.lists(_text_piece(), max_size=4).map("".join)
attribute_values = st.one_of(
    st.sampled_from(ATTRIBUTE_VALUES), text, st.sampled_from(ODDITIES), st.just("x" * 5000)
)


@st.composite
def attribute(draw: st.DrawFn) -> str:
    """One attribute, possibly unquoted, unterminated, or holding markup."""
    name = draw(attribute_names)
    if draw(st.booleans()):
        return f" {name}"
    quote = draw(quotes)
    value = draw(attribute_values)
    end = quote if draw(st.integers(0, 9)) else ""  # now and then the quote never closes
    return f" {name}={quote}{value}{end}"


@st.composite
def start_tag(draw: st.DrawFn) -> str:
    """An opening tag with attributes; sometimes self-closed or missing its `>`."""
    attrs = "".join(draw(st.lists(attribute(), max_size=3)))
    close = draw(st.sampled_from((">", ">", ">", "/>", "", " ")))
    return f"<{draw(names)}{attrs}{close}"


end_tag = names.map(lambda name: f"</{name}>")
token = st.one_of(
    start_tag(),
    end_tag,
    text,
    st.sampled_from(ODDITIES),
    st.sampled_from(ENTITIES),
    start_tag().map(lambda tag: tag * 40),  # a run of the same tag: nesting or siblings
)


@st.composite
def nested(draw: st.DrawFn) -> str:
    """Tags opened deep and closed in another order (or not at all)."""
    tags = draw(st.lists(names, min_size=1, max_size=8))
    depth = draw(st.integers(1, 600) | st.sampled_from((2_000, 10_000)))  # past libxml2's 256
    inner = draw(text)
    opened = "".join(f"<{t}>" for t in tags) * depth
    order = draw(st.sampled_from(("same", "reversed", "none", "shuffled")))
    closing = {
        "same": "".join(f"</{t}>" for t in tags) * depth,
        "reversed": "".join(f"</{t}>" for t in reversed(tags)) * depth,
        "none": "",
        "shuffled": "".join(f"</{t}>" for t in draw(st.permutations(tags))) * depth,
    }[order]
    return opened + inner + closing


@st.composite
def table(draw: st.DrawFn) -> str:
    """A table with rows and cells, some of them unclosed or with a lang."""
    rows = draw(st.integers(0, 60))
    cols = draw(st.integers(0, 12))
    cell = draw(st.sampled_from(("<td>{}</td>", "<td>{}", "<th lang=sv>{}</th>", "<td><p>{}")))
    word = draw(st.sampled_from(("Östersund", "42", "", "a b c d e f g h i", "&nbsp;")))
    row = "<tr>" + "".join(cell.format(f"{word} {c}") for c in range(cols))
    return "<table>" + "".join(row for _ in range(rows)) + "</table>" * draw(st.integers(0, 2))


html_text = st.lists(st.one_of(token, nested(), table()), max_size=25).map("".join)


@st.composite
def html_document(draw: st.DrawFn) -> str:
    """A page as text: markup soup, sometimes in a document shell with a declared language."""
    body = draw(html_text)
    if draw(st.booleans()):
        lang = draw(st.sampled_from(ATTRIBUTE_VALUES[:8]))
        head = draw(st.sampled_from(("", "<title>T</title>", "<meta charset=utf-8>")))
        body = f"<!DOCTYPE html><html lang='{lang}'><head>{head}</head><body>{body}</body></html>"
    # Text input is HTML only when it starts with markup (anything else names a file).
    return draw(st.sampled_from(("", " ", "\ufeff", "\n\t"))) + "<" + body


def _encode(value: str, encoding: str) -> bytes:
    return value.encode(encoding, errors="replace")


@st.composite
def html_bytes(draw: st.DrawFn) -> bytes:
    """A page as bytes: parts in different encodings, invalid bytes, a charset that lies."""
    parts = draw(st.lists(st.tuples(html_text, st.sampled_from(ENCODINGS)), max_size=4))
    data = b"".join(_encode(part, encoding) for part, encoding in parts)
    for _ in range(draw(st.integers(0, 4))):
        at = draw(st.integers(0, len(data)))
        data = data[:at] + draw(st.sampled_from(BAD_BYTES)) + data[at:]
    label = draw(st.sampled_from(CHARSET_LABELS))
    declaration = draw(
        st.sampled_from(
            (
                b"",
                b'<meta charset="%s">',
                b"<meta http-equiv=Content-Type content='text/html; charset=%s'>",
                b"<?xml version='1.0' encoding='%s'?>",
                b"<!-- <meta charset=%s> -->",
            )
        )
    )
    if b"%s" in declaration:
        declaration = declaration.replace(b"%s", label.encode("utf-8"))
    return draw(st.sampled_from(BOMS)) + declaration + data


def _paragraphs(size: int, start: int = 0) -> str:
    # Distinct sentences, so that no paragraph is dropped as a repeat of another.
    out: list[str] = []
    total, n = 0, start
    while total < size:
        p = (
            f"<p>Paragraf {n}: Östersunds kommun samarbetar med {n % 97} städer i Europa. "
            f"The council met on day {n} to discuss item {n * 7} of the agenda.</p>\n"
        )
        out.append(p)
        total += len(p.encode("utf-8"))
        n += 1
    return "".join(out)


def deep_nesting(levels: int = 100_000) -> str:
    """Text inside `levels` nested divs, then an ordinary paragraph after them."""
    return (
        "<html><body>"
        + "<div>" * levels
        + "<p>Djupt inne i sidan står en mening.</p>"
        + "</div>" * levels
        + "<p>Efter de djupa lagren kommer en vanlig mening om Östersund.</p></body></html>"
    )


def big_page(megabytes: float = 10) -> bytes:
    """A page of `megabytes` MB of distinct paragraphs, as UTF-8 bytes."""
    size = int(megabytes * 1_000_000)
    return f"<html lang=sv><body><main>{_paragraphs(size)}</main></body></html>".encode()


def heavy_page(megabytes: float = 10) -> bytes:
    """A page as big pages are: mostly scripts, styles, inline SVG and images, a tenth text.

    Per MB: 350 kB of JSON in a script, 150 kB of CSS, 150 kB of inline SVG, 200 kB of
    images as data URIs, a menu of 200 links, and 100 kB of distinct paragraphs.
    """
    parts = []
    for n in range(max(1, round(megabytes))):
        state = json.dumps({"items": [{"id": i, "name": f"item {n}-{i}"} for i in range(12_000)]})
        style = "".join(
            f".c{n}-{i} {{ color: #{i % 4096:03x}; margin: {i}px }}\n" for i in range(4_500)
        )
        svg = (
            "<svg>"
            + "".join(f'<path d="M{i} {i}L{i + 5} {i + 9}Z"/>' for i in range(5_500))
            + "</svg>"
        )
        image = '<img alt="" src="data:image/png;base64,' + "iVBORw0KGgo" * 1_800 + '">'
        menu = "<nav><ul>" + "".join(f'<li><a href="/p{i}">Sida {i}</a></li>' for i in range(200))
        parts.append(
            f"<script>window.__STATE_{n}__ = {state};</script><style>{style}</style>"
            f"{menu}</ul></nav>{svg}{image * 10}<main>{_paragraphs(100_000, start=n * 1000)}</main>"
        )
    return f"<html lang=sv><body>{''.join(parts)}</body></html>".encode()


def huge_attribute(megabytes: float = 1) -> str:
    """An element whose attribute is `megabytes` MB long, beside readable text."""
    value = "x" * int(megabytes * 1_000_000)
    return f'<html><body><p title="{value}" class="{value}">Här är en mening.</p></body></html>'


def huge_text(megabytes: float = 1) -> str:
    """One text node of `megabytes` MB: words without a sentence end."""
    words = "ord " * int(megabytes * 1_000_000 / 4)
    return f"<html><body><p>{words}</p></body></html>"


def huge_table(rows: int = 5000, cols: int = 20) -> str:
    """A data table of rows x cols cells, each with a distinct value."""
    body = "".join(
        "<tr>" + "".join(f"<td>{r}:{c} kronor</td>" for c in range(cols)) + "</tr>"
        for r in range(rows)
    )
    return f"<html><body><table>{body}</table></body></html>"


# The named monsters, by name: each makes a page of about the size given, in MB.
MONSTERS: dict[str, Callable[[float], str | bytes]] = {
    "deep nesting": lambda mb: deep_nesting(int(mb * 1_000_000 / 11)),  # "<div></div>"
    "big page": big_page,
    "heavy page": heavy_page,
    "huge attribute": lambda mb: huge_attribute(mb / 2),  # two attributes
    "huge text node": huge_text,
    "huge table": lambda mb: huge_table(int(mb * 1_000_000 / 454), 20),  # bytes per row
}


# The outcomes a reader may give for any input; anything else raised is a crash.
EXPECTED_ERRORS = (NoContentError, SourceError)
# Fuzzed pages are read with the default options, bar the size cap the monsters need.
FUZZ_OPTIONS = ReadOptions(max_bytes=64 * 1024 * 1024)


def read_and_plan(source: str | bytes, engine: Engine, options: ReadOptions = FUZZ_OPTIONS) -> str:
    """Read a page and plan its speech; return the outcome (a Page summary or the error).

    `read_page` may only refuse with `NoContentError` or `SourceError`; planning may only
    refuse a page whose language, and the page's own, have no voice (`SpeechError`, the
    documented missing-voice policy). Any other exception propagates: it is a crash.
    """
    try:
        page = read_page(source, options)
    except EXPECTED_ERRORS as exc:
        _one_line(exc)
        return f"{type(exc).__name__}: {exc}"
    assert isinstance(page, Page)
    try:
        utterances = plan_speech(page, engine, SpeechOptions())
    except SpeechError as exc:
        _one_line(exc)
        assert str(exc).startswith("no installed voice for "), exc
        return f"Page with {len(page.blocks)} blocks; SpeechError: {exc}"
    for utterance in utterances:
        block = page.blocks[utterance.block]
        assert 0 <= utterance.start <= utterance.end <= len(block.text)
        assert utterance.text.strip()
    return f"Page with {len(page.blocks)} blocks, {len(utterances)} utterances"


def _one_line(exc: Exception) -> None:
    message = str(exc)
    assert message and "\n" not in message, f"not a one-line message: {message!r}"
