"""Reading areas the author named: ReadSpeaker's listen link, `data-reader-area`, `main`, `article`.

An area named for reading (ReadSpeaker `readid`/`readclass`, `data-reader-area` on an
element or on the Listen button's `<script>`) is where the reading starts and ends; what the
page marks not to be read and page furniture inside it (menus, share bars, comment sections,
related-links lists) stay out. `main` and `article` only say where the content is, and they
count only when they hold a fair share of the page's text (a `main` around a hero banner
does not).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

from lxml import etree

from reader.extract.measure import READER_AREA, Measures
from reader.extract.scoring import (
    BOILERPLATE_TAGS,
    OVERLAY_TAGS,
    furniture_name,
    hint_words,
)
from reader.extract.select import select_first

READSPEAKER_HOST = "readspeaker.com"
READSPEAKER_BUTTON_CLASS = "rsbtn_play"
# Inside an area the author chose for reading, only these are left out as navigation:
# menus, breadcrumbs, share bars and tables of contents repeat what the page links to.
NAVIGATION_ROLES = frozenset({"navigation", "search", "menu", "menubar", "toolbar"})
NAVIGATION_HINTS = frozenset({"breadcrumb", "breadcrumbs", "share", "sharing", "toc", "skiplink"})
# Inside an author's area a run of links is a related-links list from this many links on;
# one or two are links the author put in the text ("Apply online").
AREA_LINK_LIST = 3
# An article is the whole content when it holds most of the text of all articles; else the
# page is a listing of teasers and each is read in turn.
DOMINANT_ARTICLE_SHARE = 0.6
# `main` and `article` are taken as the content when they hold this share of the page's
# prose (text outside links and page furniture).
MIN_AREA_SHARE = 0.25


@dataclass(frozen=True, slots=True, kw_only=True)
class Area:
    """Elements to read, in document order, and whether the author chose them for reading."""

    elements: tuple[etree._Element, ...]
    authored: bool


def author_areas(root: etree._Element, body: etree._Element, measures: Measures) -> Iterator[Area]:
    """Candidate reading areas the page names, strongest first."""
    for found in (_readspeaker_area(root), measures.areas):
        found = _visible_outermost(found, measures)
        if found:
            yield Area(elements=tuple(found), authored=True)
    page_prose = measures.prose.get(body, 0)
    mains = _visible_outermost(_in_order(root, [*root.iter("main"), *measures.mains]), measures)
    if _holds_content(mains, page_prose, measures):
        yield Area(elements=tuple(mains), authored=False)
    articles = _visible_outermost(list(root.iter("article")), measures)
    if articles:
        articles = _main_articles(articles, measures)
        if _holds_content(articles, page_prose, measures):
            yield Area(elements=tuple(articles), authored=False)


def mark_script_area(root: etree._Element) -> None:
    """Mark the element a Listen button's `<script data-reader-area="selector">` names.

    Done before scripts are dropped: the page is then read as if the author had put
    `data-reader-area` on that element, which is what the button in the browser reads.
    """
    for script in root.iter("script"):
        selectors = (script.get(READER_AREA) or "").strip()
        if selectors:
            found = select_first(root, selectors)
            if found is not None and found.tag not in ("html", "head"):
                found.set(READER_AREA, "")
            return


def is_navigation(el: etree._Element) -> bool:
    """Whether an element inside an author's reading area is navigation."""
    if el.tag == "nav" or (el.get("role") or "").lower() in NAVIGATION_ROLES:
        return True
    return not NAVIGATION_HINTS.isdisjoint(hint_words(el))


def is_area_furniture(el: etree._Element, measures: Measures) -> bool:
    """Whether page furniture inside an author's reading area stays out of the reading."""
    if el not in measures.furniture:
        return False
    if measures.anchors.get(el, 0) >= AREA_LINK_LIST:
        return True
    # Furniture by its name or tag (a share bar, comments, a footer) always stays out; a
    # paragraph that is only a link or two is the author's.
    tag = el.tag
    if tag in BOILERPLATE_TAGS or tag in OVERLAY_TAGS or tag == "header":
        return True
    role = (el.get("role") or "").strip().lower()
    modal = el.get("aria-modal") == "true"
    return furniture_name(el.get("class"), el.get("id"), role, modal) != 0


def _readspeaker_area(root: etree._Element) -> list[etree._Element]:
    for link in root.iter("a"):
        href = link.get("href") or ""
        classes = (link.get("class") or "").split()
        if READSPEAKER_HOST not in href and READSPEAKER_BUTTON_CLASS not in classes:
            continue
        query = parse_qs(urlsplit(href).query)
        ids = [v for value in query.get("readid", []) for v in value.split(",") if v]
        names = [v for value in query.get("readclass", []) for v in value.split(",") if v]
        if ids or names:
            return _by_ids_or_classes(root, ids, names)
    return []


def _by_ids_or_classes(
    root: etree._Element, ids: list[str], names: list[str]
) -> list[etree._Element]:
    wanted, wanted_ids = set(names), set(ids)  # sets: a listen link may name thousands
    found = []
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        classes = (el.get("class") or "").split()
        if el.get("id") in wanted_ids or (wanted and not wanted.isdisjoint(classes)):
            found.append(el)
    return found


def _in_order(root: etree._Element, elements: list[etree._Element]) -> list[etree._Element]:
    if len(elements) < 2:
        return elements
    wanted = set(elements)
    return [el for el in root.iter() if el in wanted]


def _visible_outermost(elements: list[etree._Element], measures: Measures) -> list[etree._Element]:
    chosen = set(elements)
    kept = []
    for el in elements:
        if el in measures.skipped:
            continue
        ancestors = list(el.iterancestors())
        if any(a in measures.skipped for a in ancestors) or any(a in chosen for a in ancestors):
            continue
        kept.append(el)
    return kept


def _holds_content(elements: list[etree._Element], page_prose: int, measures: Measures) -> bool:
    # A `main` or `article` that only wraps a banner or a few teasers is not the content.
    found = sum(measures.prose.get(el, 0) for el in elements)
    return bool(elements) and found >= MIN_AREA_SHARE * page_prose


def _main_articles(articles: list[etree._Element], measures: Measures) -> list[etree._Element]:
    if len(articles) == 1:
        return articles
    sizes = [measures.text.get(a, 0) for a in articles]
    biggest = max(range(len(articles)), key=sizes.__getitem__)
    if sizes[biggest] >= DOMINANT_ARTICLE_SHARE * sum(sizes):
        return [articles[biggest]]
    return articles
