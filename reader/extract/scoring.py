"""Content scoring: where the text of a page is when the author did not say.

The measures of `reader.extract.measure` (text, text in links, links, commas) tell page
furniture (menus, share bars, footers, link lists) from content; the content is then the
deepest container that holds most of the prose left, so that text spread over many
sections (landing pages) is kept whole and a sidebar or a footer beside an article is not.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

from lxml import etree

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
    {"nav", "navbar", "navigation", "menu", "footer", "breadcrumb", "breadcrumbs", "crumbs",
     "sidebar", "share", "sharing", "social", "related", "promo", "pagination", "pager",
     "skiplink", "toolbar", "rss", "recommended", "newsletter", "subscribe"}
)  # fmt: skip
# Readers' comments: furniture too, kept only when they hold the whole page's text.
DISCUSSION_HINTS = frozenset({"comment", "comments", "disqus"})
# Overlays and adverts: never the content, however long (a privacy policy in a modal).
OVERLAY_HINTS = frozenset(
    {"cookie", "cookies", "consent", "gdpr", "modal", "popup", "login", "signup", "ad", "ads",
     "advert", "advertisement", "sponsor", "sponsored", "outbrain", "taboola"}
)  # fmt: skip
# Short advert words also end generated or negated names ("hide-read-more-ad",
# "column356_b8ce28-ad"): they count only where they lead a name, or end a two-part one
# ("top-ad").
AD_WORDS = frozenset({"ad", "ads"})
WORD_SEPARATORS = str.maketrans("-_", "  ")
CACHED_CLASSES = 200

# Roles and tags that are navigation or page furniture wherever they appear; the overlay
# ones whatever their size.
BOILERPLATE_ROLES = frozenset(
    {"navigation", "search", "banner", "complementary", "menu", "menubar", "toolbar",
     "tablist", "alert"}
)  # fmt: skip
BOILERPLATE_TAGS = frozenset({"nav", "aside", "form", "menu"})
HEADING_TAGS = ("h1", "h2", "h3", "h4", "h5", "h6")
WRAPPER_TAGS = frozenset({"form"})
OVERLAY_ROLES = frozenset({"dialog", "alertdialog", "contentinfo"})
OVERLAY_TAGS = frozenset({"footer"})
# The page itself: its classes describe the whole page, never a part to leave out.
PAGE_TAGS = frozenset({"html", "body"})
# How furniture is named: NAMED is dropped unless it holds long prose, DISCUSSION unless it
# holds very long prose, OVERLAY always.
NAMED, OVERLAY, POSITIVE, DISCUSSION = 1, 2, 4, 8
HINT_FLAGS = (
    dict.fromkeys(REMOVE_HINTS, NAMED)
    | dict.fromkeys(DISCUSSION_HINTS, DISCUSSION)
    | dict.fromkeys(OVERLAY_HINTS, OVERLAY)
    | dict.fromkeys(POSITIVE_HINTS, POSITIVE)
)
HINT_WORDS = frozenset(HINT_FLAGS)
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
# A container named like furniture is kept when it holds a long text with few links: a
# product's description in a "sidebar", a restaurant's "menu"; some sites wrap the whole
# page in a "comments" or "nav" container, ASP.NET in a form.
LONG_TEXT = 1000
BIG_TEXT = 1500


def furniture_name(classes: str | None, ident: str | None, role: str, modal: bool) -> int:
    """How an element's class, id and role name it: OVERLAY, DISCUSSION, NAMED or 0."""
    if modal or role in OVERLAY_ROLES:
        return OVERLAY
    flags = 0
    if classes:  # cached, as pages repeat class lists; a long one is read once and let go
        flags = _hint_flags(classes) if len(classes) <= CACHED_CLASSES else _words_flags(classes)
    if ident:
        flags |= _words_flags(ident)
    if flags & POSITIVE:
        return 0  # "newsletter-post", "post-and-ads-container" hold the text
    if flags & OVERLAY:
        return OVERLAY
    if flags & DISCUSSION:
        return DISCUSSION
    return NAMED if flags & NAMED or role in BOILERPLATE_ROLES else 0


@lru_cache(maxsize=8192)
def _hint_flags(classes: str) -> int:
    return _words_flags(classes)  # cached: pages repeat class attributes


def _words_flags(value: str) -> int:
    flags = 0
    found = HINT_WORDS.intersection(value.lower().translate(WORD_SEPARATORS).split())
    if not AD_WORDS.isdisjoint(found) and not _names_advert(value):
        found -= AD_WORDS
    for word in found:
        flags |= HINT_FLAGS[word]
    return flags


def _names_advert(value: str) -> bool:
    for name in value.lower().split():
        parts = name.translate(WORD_SEPARATORS).split()
        if parts and (parts[0] in AD_WORDS or (len(parts) == 2 and parts[1] in AD_WORDS)):
            return True
    return False


def is_furniture(
    el: etree._Element, tag: str, named: int, size: int, links: int, anchors: int, commas: int
) -> bool:
    """Whether an element holding `size` characters is navigation, a footer or a link list."""
    if tag in PAGE_TAGS:
        return False  # `<body class="has-navigation">` names the page's state, not furniture
    if named == OVERLAY or tag in OVERLAY_TAGS:
        return True
    if tag in WRAPPER_TAGS and not named and size > BIG_TEXT:
        return False  # ASP.NET wraps the whole page in one form, listings included
    if named or tag in BOILERPLATE_TAGS:
        limit = LONG_TEXT if named == NAMED else BIG_TEXT
        return not (size > limit and links < 0.3 * size)
    if tag == "header" and next(el.iter(*HEADING_TAGS), None) is None:
        return True  # a site header; an article's or a section's header holds its heading
    if links <= LINK_LIST_DENSITY * size or tag not in LINK_LIST_TAGS:
        return False
    # Menus link short labels; listings link titles and product names, which are content.
    return commas < 3 and links < MENU_LINK_LENGTH * max(anchors, 1)


def _words(value: str) -> frozenset[str]:
    return frozenset(value.lower().translate(WORD_SEPARATORS).split())


def hint_words(el: etree._Element) -> frozenset[str]:
    """The words of an element's class and id, lowercased."""
    return _words(f"{el.get('class', '')} {el.get('id', '')}")


def content_elements(
    container: etree._Element,
    weigh: Callable[[etree._Element], int],
    share: float = CONTENT_SHARE,
) -> list[etree._Element]:
    """The deepest container under `container` holding most of its weight of text."""
    node = container
    while True:
        total = weigh(node)
        best = max(node, key=weigh, default=None)
        if best is None or best.tag not in CONTAINER_TAGS:
            return [node]
        if not total or weigh(best) < share * total:
            return [node]
        node = best
