"""Content scoring: where the text of a page is when the author did not say.

One bottom-up pass measures every element (text length, text inside links, commas,
paragraphs); a readability-style score then picks the container of the main text, and the
same measures tell navigation, share bars and link lists from content.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lxml import etree

from reader.extract_rules import is_skipped

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
WORD_SPLIT = re.compile(r"[\s_\-]+")
# Roles and tags that are navigation or page furniture wherever they appear.
BOILERPLATE_ROLES = frozenset(
    {"navigation", "search", "banner", "contentinfo", "complementary", "menu", "menubar",
     "toolbar", "tablist", "dialog", "alertdialog", "alert"}
)  # fmt: skip
BOILERPLATE_TAGS = frozenset({"nav", "aside", "footer", "form", "menu"})
# Elements whose text counts as a paragraph of content when scoring.
PARAGRAPH_TAGS = frozenset({"p", "pre", "td", "blockquote", "dd", "li"})
CANDIDATE_BONUS = {"div": 5, "article": 25, "main": 15, "section": 3, "pre": 3, "td": 3,
                   "blockquote": 3, "form": -3, "ol": -3, "ul": -3, "dl": -3, "li": -3,
                   "address": -3, "th": -5, "header": -3, "footer": -25, "nav": -25}  # fmt: skip
MIN_PARAGRAPH = 25  # characters: shorter text (labels, buttons) scores nothing
SIBLING_SHARE = 0.2  # a sibling scoring a fifth of the best container is part of the content


@dataclass(slots=True)
class Measures:
    """Per-element text measures for one page, from one bottom-up pass."""

    text: dict[etree._Element, int] = field(default_factory=dict)
    links: dict[etree._Element, int] = field(default_factory=dict)
    commas: dict[etree._Element, int] = field(default_factory=dict)
    skipped: set[etree._Element] = field(default_factory=set)

    def link_density(self, el: etree._Element) -> float:
        total = self.text.get(el, 0)
        return self.links.get(el, 0) / total if total else 0.0


def measure(root: etree._Element) -> Measures:
    """Measure every element under root, leaving skipped subtrees out of the totals."""
    found = Measures()
    text, links, commas, skipped = found.text, found.links, found.commas, found.skipped
    for el in reversed(list(root.iter())):
        # A tail is text of the parent, even after a skipped element.
        tail = el.tail
        up = up_commas = up_links = 0
        if tail and not tail.isspace():
            up, up_commas = len(tail.strip()), tail.count(",")
        if is_skipped(el):
            skipped.add(el)
        else:
            size = text.get(el, 0)
            own = el.text
            if own and not own.isspace():
                size += len(own.strip())
                if "," in own:
                    commas[el] = commas.get(el, 0) + own.count(",")
            text[el] = size
            if el.tag == "a":
                links[el] = size
            up += size
            up_commas += commas.get(el, 0)
            up_links = links.get(el, 0)
        parent = el.getparent()
        if parent is not None and up:
            text[parent] = text.get(parent, 0) + up
            if up_links:
                links[parent] = links.get(parent, 0) + up_links
            if up_commas:
                commas[parent] = commas.get(parent, 0) + up_commas
    return found


def hint_words(el: etree._Element) -> set[str]:
    """The words of an element's class and id, lowercased."""
    value = f"{el.get('class', '')} {el.get('id', '')}".strip().lower()
    return set(WORD_SPLIT.split(value)) if value else set()


def class_weight(el: etree._Element) -> int:
    """+25 for a content-like class or id, -25 for a boilerplate-like one."""
    words = hint_words(el)
    if not words:
        return 0
    return 25 * (not POSITIVE_HINTS.isdisjoint(words)) - 25 * (not NEGATIVE_HINTS.isdisjoint(words))


def is_boilerplate(el: etree._Element, measures: Measures) -> bool:
    """Whether a container inside the content is navigation, a share bar, a footer or a widget."""
    role = el.get("role")
    if el.tag in BOILERPLATE_TAGS or (role and role.lower() in BOILERPLATE_ROLES):
        return not _is_big_text(el, measures)
    words = hint_words(el)
    if not REMOVE_HINTS.isdisjoint(words) and POSITIVE_HINTS.isdisjoint(words):
        return not _is_big_text(el, measures)
    size = measures.text.get(el, 0)
    if el.tag in ("ul", "ol", "div", "section", "table") and size:
        return measures.link_density(el) > 0.6 and measures.commas.get(el, 0) < 3
    return False


def _is_big_text(el: etree._Element, measures: Measures) -> bool:
    # A "comment" or "form" wrapper sometimes holds the whole page (ASP.NET wraps every
    # page in one form); a long text with few links is content whatever it is called.
    return measures.text.get(el, 0) > 1500 and measures.link_density(el) < 0.3


def content_elements(body: etree._Element, measures: Measures) -> list[etree._Element]:
    """The container of the page's prose, with its siblings that carry related content."""
    scores = _scores(body, measures)
    if not scores:
        return [body]
    final = {el: s * (1 - measures.link_density(el)) for el, s in scores.items()}
    best = max(final, key=final.__getitem__)
    parent = best.getparent()
    if parent is None:
        return [best]
    threshold = max(10.0, final[best] * SIBLING_SHARE)
    best_class = best.get("class")
    kept = []
    for sibling in parent:
        if sibling is best:
            kept.append(sibling)
            continue
        if sibling in measures.skipped or not isinstance(sibling.tag, str):
            continue
        bonus = final[best] * SIBLING_SHARE if best_class and sibling.get("class") == best_class else 0
        if final.get(sibling, 0) + bonus >= threshold or _is_prose(sibling, measures):
            kept.append(sibling)
    return kept


def _scores(body: etree._Element, measures: Measures) -> dict[etree._Element, float]:
    scores: dict[etree._Element, float] = {}
    for el in body.iter(*PARAGRAPH_TAGS, "div", "section"):
        size = measures.text.get(el, 0)
        if size < MIN_PARAGRAPH or el in measures.skipped:
            continue
        if el.tag in ("div", "section") and not _has_loose_text(el):
            continue
        points = 1 + measures.commas.get(el, 0) + min(size // 100, 3)
        ancestor = el.getparent()
        for level in range(4):
            if ancestor is None:
                break
            if ancestor not in scores:
                scores[ancestor] = CANDIDATE_BONUS.get(ancestor.tag, 0) + class_weight(ancestor)
            scores[ancestor] += points / (1 if level == 0 else 2 if level == 1 else level * 3)
            ancestor = ancestor.getparent()
    return scores


def _is_prose(el: etree._Element, measures: Measures) -> bool:
    if el.tag != "p":
        return False
    size = measures.text.get(el, 0)
    density = measures.link_density(el)
    text = (el.text or "").rstrip()
    return (size > 80 and density < 0.25) or (size > 0 and density == 0 and text.endswith("."))


def _has_loose_text(el: etree._Element) -> bool:
    own = el.text or ""
    if own.strip():
        return True
    return any((child.tail or "").strip() for child in el)
