"""Reading areas the author named: ReadSpeaker's listen link, `data-reader-area`, `main`, `article`.

An area named for reading (ReadSpeaker, `data-reader-area`) is read as the author marked
it; only what is clearly navigation inside it is left out. `main` and `article` only say
where the content is: page furniture inside them is still left out, and they count only
when they hold a fair share of the page's text (a `main` around a hero banner does not).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

from lxml import etree

from reader.extract.measure import Measures
from reader.extract.scoring import hint_words

READSPEAKER_HOST = "readspeaker.com"
READSPEAKER_BUTTON_CLASS = "rsbtn_play"
# Inside an area the author chose for reading, only these are left out as navigation:
# menus, breadcrumbs, share bars and tables of contents repeat what the page links to.
NAVIGATION_ROLES = frozenset({"navigation", "search", "menu", "menubar", "toolbar"})
NAVIGATION_HINTS = frozenset({"breadcrumb", "breadcrumbs", "share", "sharing", "toc", "skiplink"})
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


def is_navigation(el: etree._Element) -> bool:
    """Whether an element inside an author's reading area is navigation."""
    if el.tag == "nav" or (el.get("role") or "").lower() in NAVIGATION_ROLES:
        return True
    return not NAVIGATION_HINTS.isdisjoint(hint_words(el))


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
