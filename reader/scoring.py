"""Content scoring: where the text of a page is when the author did not say.

One bottom-up pass measures every element (text length, text inside links, commas,
paragraphs); a readability-style score then picks the container of the main text, and the
same measures tell navigation, share bars and link lists from content.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from lxml import etree

from reader.extract_rules import skipped_by

# Class/id words of containers that hold the text, and of those that never do. They are
# matched as whole words of a class or id (split on -, _ and spaces), so "ad" does not
# match "header" and "post" does not match "poster".
POSITIVE_HINTS = frozenset(
    {"article", "content", "main", "post", "entry", "text", "body", "story", "blog", "prose",
     "richtext", "hentry", "maincontent", "bodytext", "articlebody", "postbody"}
)  # fmt: skip
# Page furniture: a container named so is dropped from the content (unless it holds a long
# text with few links: some sites wrap the whole page in a "comments" or "nav" container).
REMOVE_HINTS = frozenset(
    {"nav", "navbar", "navigation", "menu", "footer", "cookie", "cookies", "consent", "gdpr",
     "breadcrumb", "breadcrumbs", "crumbs", "sidebar", "share", "sharing", "social",
     "comment", "comments", "related", "ad", "ads", "advert", "advertisement", "promo",
     "newsletter", "pagination", "pager", "sponsor", "sponsored", "skiplink", "toolbar",
     "popup", "modal", "subscribe", "rss", "disqus", "recommended", "outbrain", "taboola",
     "login", "signup"}
)  # fmt: skip
# Words that only make a container less likely to be the content: widgets and meta boxes
# hold content as often as not in page builders (Elementor wraps every text in a widget).
NEGATIVE_HINTS = REMOVE_HINTS | {
    "widget", "banner", "masthead", "topbar", "print", "tags", "byline", "author", "meta",
    "search", "aside", "header", "hidden",
}
WORD_SEPARATORS = str.maketrans("-_", "  ")
# Roles and tags that are navigation or page furniture wherever they appear.
BOILERPLATE_ROLES = frozenset(
    {"navigation", "search", "banner", "contentinfo", "complementary", "menu", "menubar",
     "toolbar", "tablist", "dialog", "alertdialog", "alert"}
)  # fmt: skip
BOILERPLATE_TAGS = frozenset({"nav", "aside", "footer", "form", "menu"})
# Containers that are navigation when most of their text is links (menus, tag clouds,
# "related" lists); prose with a few links stays.
LINK_LIST_TAGS = frozenset({"ul", "ol", "div", "section", "table", "header", "dl", "p", "span"})
LINK_LIST_DENSITY = 0.6
MENU_LINK_LENGTH = 25  # characters per link, on average, in a menu
# Containers the search for the content descends through; it stops above leaf blocks.
CONTAINER_TAGS = frozenset(
    {"body", "div", "main", "article", "section", "form", "td", "center", "span", "font",
     "table", "tbody", "tr", "figure", "header"}
)  # fmt: skip
# The content is the deepest container holding this share of the page's prose.
CONTENT_SHARE = 0.7
# A container named like furniture is kept when it holds a long text with few links:
# some sites wrap the whole page in a "comments" or "nav" container, ASP.NET in a form.
BIG_TEXT = 1500


@dataclass(slots=True)
class Measures:
    """Per-element text measures for one page, from one bottom-up pass.

    `text` counts visible characters, `links` those inside links, `prose` those outside
    links and outside page furniture; `furniture` holds the navigation, share bars,
    footers and link lists found on the way.
    """

    text: dict[etree._Element, int] = field(default_factory=dict)
    links: dict[etree._Element, int] = field(default_factory=dict)
    anchors: dict[etree._Element, int] = field(default_factory=dict)
    commas: dict[etree._Element, int] = field(default_factory=dict)
    prose: dict[etree._Element, int] = field(default_factory=dict)
    skipped: set[etree._Element] = field(default_factory=set)
    furniture: set[etree._Element] = field(default_factory=set)

    def link_density(self, el: etree._Element) -> float:
        total = self.text.get(el, 0)
        return self.links.get(el, 0) / total if total else 0.0


def measure(root: etree._Element, *, hidden: bool = True) -> Measures:
    """Measure every element under root, leaving skipped subtrees out of the totals.

    `hidden=False` measures hidden text too (see `is_skipped`).
    """
    found = Measures()
    text, links, commas, prose = found.text, found.links, found.commas, found.prose
    anchors = found.anchors
    skipped, furniture = found.skipped, found.furniture
    for el in reversed(list(root.iter())):
        tag, names = el.tag, el.keys()
        # A tail is text of the parent, even after a skipped element.
        tail = el.tail
        up = up_commas = up_links = up_prose = 0
        if tail and not tail.isspace():
            up = up_prose = len(tail.strip())
            up_commas = tail.count(",")
        if skipped_by(el, tag, names, hidden):  # type: ignore[arg-type]
            skipped.add(el)
        else:
            size = text.get(el, 0)
            own = el.text
            if own and not own.isspace():
                length = len(own.strip())
                size += length
                prose[el] = prose.get(el, 0) + length
                if "," in own:
                    commas[el] = commas.get(el, 0) + own.count(",")
            if size:
                text[el] = size
                if tag == "a":
                    links[el] = size
                    anchors[el] = anchors.get(el, 0) + 1
                    prose[el] = 0
                elif _is_furniture(el, tag, names, size, found):  # type: ignore[arg-type]
                    furniture.add(el)
                    prose[el] = 0
                up += size
                up_commas += commas.get(el, 0)
                up_links = links.get(el, 0)
                up_prose += prose.get(el, 0)
        if up:
            parent = el.getparent()
            if parent is not None:
                text[parent] = text.get(parent, 0) + up
                if up_links:
                    links[parent] = links.get(parent, 0) + up_links
                    anchors[parent] = anchors.get(parent, 0) + anchors.get(el, 0)
                if up_commas:
                    commas[parent] = commas.get(parent, 0) + up_commas
                if up_prose:
                    prose[parent] = prose.get(parent, 0) + up_prose
    return found


def _is_furniture(el: etree._Element, tag: str, names: list[str], size: int, found: Measures) -> bool:
    links = found.links.get(el, 0)
    named = tag in BOILERPLATE_TAGS
    if not named and names:
        role = el.get("role") if "role" in names else None
        named = (role is not None and role.lower() in BOILERPLATE_ROLES) or _named_furniture(
            el.get("class"), el.get("id")
        )
    if named:
        return not (size > BIG_TEXT and links < 0.3 * size)
    if tag == "header" and next(el.iter("h1"), None) is None:
        return True  # a site header; an article's header holds its h1
    if links <= LINK_LIST_DENSITY * size or tag not in LINK_LIST_TAGS:
        return False
    # Menus link short labels; listings link titles and product names, which are content.
    return found.commas.get(el, 0) < 3 and links < MENU_LINK_LENGTH * found.anchors.get(el, 1)


@lru_cache(maxsize=4096)
def _named_furniture(classes: str | None, ident: str | None) -> bool:
    words = _words(f"{classes or ''} {ident or ''}")
    return not REMOVE_HINTS.isdisjoint(words) and POSITIVE_HINTS.isdisjoint(words)


def _words(value: str) -> frozenset[str]:
    return frozenset(value.lower().translate(WORD_SEPARATORS).split())


def hint_words(el: etree._Element) -> frozenset[str]:
    """The words of an element's class and id, lowercased."""
    return _words(f"{el.get('class', '')} {el.get('id', '')}")


def content_elements(body: etree._Element, measures: Measures) -> list[etree._Element]:
    """The deepest container that holds most of the page's prose (outside links and furniture)."""
    node = body
    prose = measures.prose
    while True:
        total = prose.get(node, 0)
        best = max(node, key=lambda c: prose.get(c, 0), default=None)
        if best is None or best.tag not in CONTAINER_TAGS:
            return [node]
        if not total or prose.get(best, 0) < CONTENT_SHARE * total:
            return [node]
        node = best
