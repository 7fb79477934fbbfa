"""What extraction treats as a block, as inline text, as hidden, and as boilerplate.

Declarative sets first, then the small predicates built on them. Tag names are the
lowercase names lxml's HTML parser gives.
"""

from __future__ import annotations

import re
from functools import lru_cache

from lxml import etree

from reader import langtag

# Never read: code, styling, non-text media, widgets and form controls (a listener cannot
# use them, and their labels read out of context: "Sök", "Godkänn alla kakor").
SKIP_TAGS = frozenset(
    {
        "script", "style", "noscript", "template", "svg", "math", "title", "meta",
        "link", "base", "input", "select", "option", "optgroup", "textarea", "button",
        "label", "iframe", "frame", "frameset", "canvas", "audio", "video", "source",
        "track", "object", "embed", "param", "map", "area", "datalist", "progress",
        "meter", "dialog",
    }
)  # fmt: skip
# Pages that render with scripts often ship their text inside these, hidden until the
# scripts run (Discourse's <noscript> crawler view, streamed React in <div hidden>).
SCRIPTED_TAGS = frozenset({"noscript"})
# Author markup meaning "do not read this": ReadSpeaker's rs_skip and its own button
# (rsbtn, "Lyssna"), and the class names other reading tools and CMSs use.
SKIP_CLASSES = frozenset(
    {"rs_skip", "rsbtn", "no-read-aloud", "skip-speech", "noread", "no-read", "sr-skip"}
)
# Posts embedded from social networks, as their embed codes and CMS blocks mark them: what
# they hold before their script runs is the network's furniture ("View this post on
# Instagram", "A post shared by …", a tweet's handle and date), not the page's text.
EMBED_CLASSES = frozenset(
    {"instagram-media", "twitter-tweet", "twitter-timeline", "twitter-video", "tiktok-embed",
     "fb-post", "fb-video", "fb-comments", "reddit-embed", "reddit-card", "bluesky-embed",
     "mastodon-embed", "threads-embed", "text-post-media", "embedly-card",
     "wp-block-embed-instagram", "wp-block-embed-twitter", "wp-block-embed-x",
     "wp-block-embed-facebook", "wp-block-embed-tiktok", "wp-block-embed-reddit",
     "embed-instagram", "embed-twitter", "embed-tiktok", "embed-facebook"}
)  # fmt: skip
UNREAD_CLASSES = SKIP_CLASSES | EMBED_CLASSES
SKIP_ATTRIBUTES = frozenset({"hidden", "inert", "data-reader-skip"})
HIDING_ATTRIBUTES = SKIP_ATTRIBUTES | {"aria-hidden", "style"}
HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)

HEADING_TAGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
# Elements whose own text is a block of that kind; paragraphs nested in them keep the kind
# (a <p> inside an <li> is still a list item to a listener).
LEAF_KINDS = {
    "p": "paragraph", "li": "list_item", "blockquote": "quote", "figcaption": "caption",
    "caption": "caption", "td": "table_cell", "th": "table_cell", "dt": "term",
    "dd": "definition", "pre": "preformatted", "address": "paragraph", "summary": "paragraph",
    "legend": "paragraph",
}  # fmt: skip
# Kinds that a nested block element inherits instead of becoming a plain paragraph.
INHERITED_KINDS = frozenset({"list_item", "quote", "table_cell", "term", "definition", "caption"})
# Block-level elements: they end the running line of text. Everything else is inline
# (a, em, strong, span, abbr, code, ...), flattened into the text around it.
BLOCK_TAGS = frozenset(
    {
        "html", "body", "main", "article", "section", "div", "aside", "header", "footer",
        "nav", "p", "ul", "ol", "li", "dl", "dt", "dd", "table", "thead", "tbody", "tfoot",
        "tr", "td", "th", "caption", "colgroup", "figure", "figcaption", "blockquote", "pre",
        "address", "details", "summary", "fieldset", "legend", "form", "hgroup", "menu",
        "center", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "dir", "listing", "xmp",
        "plaintext", "search", "frameset", "noframes",
    }
)  # fmt: skip
# Class words of the short label news sites set above a title inside its heading
# ("Verbraucherschutz" over "Mehr Transparenz bei Stromtarifen"): read as a part of its own.
KICKER_HINTS = frozenset(
    {"kicker", "eyebrow", "overline", "topline", "dachzeile", "spitzmarke", "supertitle",
     "overtitle", "roofline", "rooftitle", "pretitle", "superheadline", "overhead"}
)  # fmt: skip
KICKER_SEPARATORS = str.maketrans("-_", "  ")
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
# Attribute values longer than this are not cached: pages repeat short class lists, and a
# long one kept in a cache would stay in a server's memory after its page is gone.
CACHED_VALUE = 200


def hidden_by_attributes(el: etree._Element, names: list[str], hidden: bool) -> bool:
    """Whether attributes other than `class` hide the element or mark it not to be read."""
    if HIDING_ATTRIBUTES.isdisjoint(names):
        return False
    if not hidden:
        return "data-reader-skip" in names
    if not SKIP_ATTRIBUTES.isdisjoint(names):
        return True
    if "aria-hidden" in names and el.get("aria-hidden", "").strip().lower() == "true":
        return True
    return "style" in names and HIDDEN_STYLE.search(el.get("style", "")) is not None


def is_skipped_class(classes: str) -> bool:
    """Whether a class attribute holds a "do not read" class."""
    if len(classes) > CACHED_VALUE:
        return not UNREAD_CLASSES.isdisjoint(classes.split())
    return skipped_class(classes)


@lru_cache(maxsize=4096)
def skipped_class(classes: str) -> bool:
    """Whether a class attribute holds a "do not read" class (cached: pages repeat them)."""
    return not UNREAD_CLASSES.isdisjoint(classes.split())


def is_block_tag(tag: str) -> bool:
    """Whether a tag ends the running line of text (custom elements count as blocks)."""
    return tag in BLOCK_TAGS or "-" in tag


def is_kicker(el: etree._Element) -> bool:
    """Whether an inline element's class names it the kicker of a heading."""
    classes = el.get("class")
    if not classes:
        return False
    return not KICKER_HINTS.isdisjoint(classes.lower().translate(KICKER_SEPARATORS).split())


def element_lang(el: etree._Element) -> str:
    """The language the element itself declares, normalised; "" when none."""
    value = el.get("lang") or el.get("xml:lang") or el.get(XML_LANG) or ""
    return langtag.normalise(value)
