"""Extraction: the readable blocks of a page, in reading order.

Its place among the stages: docs/architecture.md, "Extract".

    Document ──parse──▶ tree ──measure──▶ reading area ──walk──▶ Page(blocks)

The reading area is the one the author named (ReadSpeaker `readid`/`readclass`,
`[data-reader-area]`, then `main`/`[role=main]`/`article`); without one, or when it holds
nothing readable, content scoring finds it (`reader.extract.scoring`). Outside areas named for
reading, page furniture is left out and the page's h1 above the text is read first.
Language tags are lowercase BCP 47 (`sv`, `en-gb`).

The tree is built by lxml's HTML parser, the parser BeautifulSoup uses as its `lxml`
tree builder, so the tree and the locators are the ones BeautifulSoup gives (the tests
resolve every locator with BeautifulSoup). The lxml tree is walked directly: building
BeautifulSoup's own tree on top of it runs at 12-20 pages per CPU-second on
`extraction-dev`, the whole extraction at 45-55.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import replace

from lxml import etree

from reader import langtag
from reader.errors import NoContentError
from reader.extract.area import (
    Area,
    author_areas,
    is_area_furniture,
    is_navigation,
    mark_script_area,
)
from reader.extract.formulas import spell_formulas
from reader.extract.locate import Locator
from reader.extract.measure import Measures, measure
from reader.extract.rules import SCRIPTED_TAGS, SKIP_TAGS, element_lang
from reader.extract.scoring import CONTENT_SHARE, content_elements
from reader.extract.sections import boilerplate_sections
from reader.extract.text import SPACE, BlockBuilder
from reader.extract.tidy import tidy
from reader.model import Block, Document, Page

# lxml refuses text that declares its own encoding or carries control characters; the
# text is already decoded, so both are dropped before parsing.
XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")
NO_CONTENT = "no readable text found on the page"
# Elements never read, even when hidden text is (the page's <title> and <meta> are kept).
UNREAD_TAGS = tuple(sorted(SKIP_TAGS - SCRIPTED_TAGS - {"title", "meta"}))
# Below this many characters a page may hold its text hidden until scripts run (a
# crawler view in <noscript>, streamed content in <div hidden>); that text is read
# instead when it is several times longer than what is visible.
SMALL_TEXT = 300
REVEALED_GAIN = 3
# `main` and `article` often wrap a sidebar or teasers beside the text; the deepest
# container inside them holding this share of their text (outside furniture) is read.
NARROW_SHARE = 0.8
REPEAT_WORDS = 8  # a block this long said again word for word is a copy
# Nesting depths to flatten a page to when the parser gives up on it, tried in turn: the
# flattening only counts tags, so the parser may see a few more levels than it does.
FLATTENED_DEPTHS = (200, 50)
# Tags, comments, and elements whose content is raw text (not tags), as flattening sees them.
# A tag ends before the next "<" and its parts never backtrack: markup soup without a single
# ">" costs one pass, not one pass per "<".
MARKUP = re.compile(
    r"<!--.*?(?:-->|\Z)|<(script|style|textarea|title|xmp|noembed|noframes)\b.*?(?:</\1\s*>|\Z)"
    r"|<(/?)([A-Za-z][^\s/<>]*+)[^<>]*+>",
    re.S | re.I,
)
# Empty elements of HTML5 that libxml2's parser takes for containers: it would read the
# `<img>` after a `<source>` in a `<picture>` as the source's content, never shown. Written
# self-closed they stay empty, as browsers (and the Listen button's copy of the page) have them.
EMPTY_UNKNOWN = re.compile(r"<(source|track|wbr)\b((?:[^<>/]|/(?!>))*+)>", re.I)
VOID_TAGS = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
     "source", "track", "wbr", "keygen"}
)  # fmt: skip
SIBLING_TAGS = frozenset({"p", "li", "dt", "dd", "td", "th", "tr", "option"})


def extract_blocks(doc: Document) -> Page:
    """The readable blocks of a document, with its title and declared language."""
    root = _parse(doc.html)
    body = root.find("body")
    if body is None:
        body = root
    declared = element_lang(root)
    lang = declared or _meta_language(root) or _first_tag(doc.content_language)
    locate = Locator(root)
    blocks = _read(root, body, measure(body), lang, locate)
    if _size(blocks) < SMALL_TEXT:
        revealed = _read(root, body, measure(body, hidden=False), lang, locate)
        if _size(revealed) > REVEALED_GAIN * _size(blocks):
            blocks = revealed
    blocks = tidy(_without_repeats(blocks))
    if not blocks:
        raise NoContentError(NO_CONTENT)
    return Page(
        url=doc.url,
        title=_title(root, blocks),
        lang=lang,
        blocks=tuple(blocks),
        declared_lang=declared,
    )


def _without_repeats(blocks: list[Block]) -> list[Block]:
    # Carousels clone their slides and responsive pages print a text twice (one copy for
    # small screens): a listener hears a sentence once.
    seen: set[str] = set()
    kept: list[Block] = []
    for block in blocks:
        if block.kind != "table_cell" and block.text.count(" ") >= REPEAT_WORDS - 1:
            if block.text in seen:
                continue
            seen.add(block.text)
        kept.append(replace(block, index=len(kept)) if block.index != len(kept) else block)
    return kept


def _size(blocks: list[Block]) -> int:
    return sum(len(block.text) for block in blocks)


def _read(
    root: etree._Element, body: etree._Element, measures: Measures, lang: str, locate: Locator
) -> list[Block]:
    for area in _areas(root, body, measures):
        builder = BlockBuilder(
            page_lang=lang,
            skip=measures.skipped.__contains__,
            furniture=_furniture(area, measures),
            locate=locate,
            measures=measures,
            drop_link_labels=not area.authored,
        )
        title = None if area.authored else _title_before(body, area.elements[0], measures)
        if title is not None:
            builder.add_area(title, _inherited_lang(title))
        for element in area.elements:
            builder.add_area(element, _inherited_lang(element))
        if len(builder.blocks) > (title is not None):
            return builder.blocks
    return []


def _title_before(
    body: etree._Element, area: etree._Element, measures: Measures
) -> etree._Element | None:
    # A page's h1 often sits in a header above the text it names; a listener needs it.
    if next(area.iter("h1"), None) is not None:
        return None
    for el in body.iter("h1", area.tag):
        if el is area:
            return None
        if el.tag == "h1" and not any(
            a in measures.skipped or a in measures.furniture for a in (el, *el.iterancestors())
        ):
            return el
    return None


def _parse(html: str) -> etree._Element:
    text = XML_DECLARATION.sub("", html, count=1)
    text = EMPTY_UNKNOWN.sub(r"<\1\2/>", text)
    root, halted = _parse_text(text, huge=False)
    for depth in FLATTENED_DEPTHS:
        if not halted:
            break
        # libxml2 stops at the first element nested deeper than 256 (2048 with huge_tree),
        # or a text longer than 10 MB, and drops the rest of the page: read it flattened
        # instead, as a browser does with nesting too deep for it.
        root, halted = _parse_text(_flattened(text, depth), huge=True)
    if root is None:
        raise NoContentError(NO_CONTENT)
    mark_script_area(root)
    # Removing every element of a tag leaves the `nth-of-type` positions of all other tags
    # as they were, so locators still resolve in the page; it spares measuring them.
    spell_formulas(root)  # before MathML goes: its alttext is read where it stood
    etree.strip_elements(root, *UNREAD_TAGS, with_tail=False)
    return root


def _parse_text(text: str, *, huge: bool) -> tuple[etree._Element | None, bool]:
    """The parsed tree (None when empty) and whether the parser stopped at one of its limits."""
    parser = etree.HTMLParser(
        remove_comments=True, remove_pis=True, no_network=True, huge_tree=huge
    )
    try:
        root = etree.fromstring(text, parser)
    except (ValueError, etree.XMLSyntaxError):
        try:
            root = etree.fromstring(CONTROL_CHARACTERS.sub("", text), parser)
        except (ValueError, etree.XMLSyntaxError) as exc:
            raise NoContentError(NO_CONTENT) from exc
    return root, bool(parser.error_log.filter_from_level(etree.ErrorLevels.FATAL))


def _flattened(html: str, limit: int) -> str:
    """The markup with start and end tags nested deeper than `limit` left out (roughly)."""
    open_tags: list[str] = []
    counts: Counter[str] = Counter()  # names in open_tags
    dropped: Counter[str] = Counter()  # start tags left out, whose end tags go too

    def keep(match: re.Match[str]) -> str:
        markup, closing, name = match.group(0), match.group(2), match.group(3)
        if name is None:
            return markup  # a comment or an element holding raw text
        name = name.lower()
        if closing:
            if dropped[name]:
                dropped[name] -= 1
                return ""
            while counts[name]:
                counts[open_tags.pop()] -= 1
            return markup
        if name in VOID_TAGS or markup.endswith("/>"):
            return markup
        if name in SIBLING_TAGS and open_tags and open_tags[-1] == name:
            counts[open_tags.pop()] -= 1  # a second <li> closes the first
        if len(open_tags) >= limit:
            dropped[name] += 1
            return ""
        open_tags.append(name)
        counts[name] += 1
        return markup

    return MARKUP.sub(keep, html)


def _areas(root: etree._Element, body: etree._Element, measures: Measures) -> Iterator[Area]:
    for area in author_areas(root, body, measures):
        if not area.authored and len(area.elements) == 1:
            narrowed = content_elements(area.elements[0], measures.content, NARROW_SHARE)
            area = Area(elements=tuple(narrowed), authored=False)
        yield area
    content = content_elements(body, measures.prose_of, CONTENT_SHARE)
    yield Area(elements=tuple(content), authored=False)
    if content != [body]:
        yield Area(elements=(body,), authored=False)


def _furniture(area: Area, measures: Measures) -> Callable[[etree._Element], bool]:
    # Inside an area the author chose for reading, only navigation is page furniture.
    if area.authored:
        return lambda el: is_navigation(el) or is_area_furniture(el, measures)
    return (measures.furniture | boilerplate_sections(area.elements, measures)).__contains__


def _inherited_lang(el: etree._Element) -> str:
    for node in (el, *el.iterancestors()):
        if node.getparent() is None:
            return ""  # the <html> element's own lang is the page's, not the block's
        lang = element_lang(node)
        if lang:
            return lang
    return ""


def _meta_language(root: etree._Element) -> str:
    for meta in root.iter("meta"):
        if (meta.get("http-equiv") or "").lower() == "content-language":
            return _first_tag(meta.get("content") or "")
    return ""


def _first_tag(value: str) -> str:
    return langtag.normalise(value.split(",")[0].split(";")[0])


def _title(root: etree._Element, blocks: list[Block]) -> str:
    title = root.find("head/title")
    text = SPACE.sub(" ", "".join(title.itertext())).strip() if title is not None else ""
    if text:
        return text
    heading = next((b for b in blocks if b.kind == "heading" and b.level == 1), None)
    return heading.text if heading else ""
