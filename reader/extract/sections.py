"""Sections whose heading says they are not the page's content: related links, calls to action.

Pages end their text with teasers of other pages ("Related articles", "You may also like")
and calls to action ("Let's talk", "Subscribe to our newsletter"). Their markup is that of
content, so only their heading tells them apart: a section headed so is left out, unless it
is most of the reading area (a page whose content is the latest news).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from lxml import etree

from reader.extract.measure import Measures

# Headings of sections about other pages and of calls to action, in the languages the
# sites we serve use. Matched against the whole heading, lowercased, without punctuation.
BOILERPLATE_HEADING_PATTERNS = (
    # English
    r"related( (articles|posts|stories|content|news|insights|resources|links|pages|reading"
    r"|topics|videos|guides|courses|events|questions|discussions|threads))?",
    r"(you )?(may|might) also (like|enjoy|be interested in)",
    r"more (from|in|on|about) .{1,30}|more (stories|articles|news|posts|insights|resources)",
    r"(read|see) (more|next|also)|recommended( \w+){0,2}|popular( \w+)?|most (read|popular)",
    r"(latest|recent) (news|posts|articles|stories|insights|resources|updates)",
    r"featured (resources|insights|articles|stories|content|posts|news|client stories)",
    r"further reading|keep reading|trending( now)?",
    r"let s (talk|connect|chat)|get in touch|contact us|ready to get started",
    r"(sign up|subscribe)( to| for)?( our)? newsletter",
    r"stay (in touch|connected|informed|up to date)|follow us( on \w+)?|share (this|on)( \w+)?",
    # Swedish, Danish, Norwegian
    r"relaterade?( \w+)?|relaterte?( \w+)?|läs (också|även|mer)|les også|læs også",
    r"mer (om|från|fra) .{1,30}|senaste (nytt|nyheterna)|kontakta oss|kontakt oss|kontakt os",
    r"dela|del",
    # Finnish
    r"lue (myös|lisää)|aiheeseen liittyv\w+|uusimmat uutiset|ota yhteyttä|jaa",
    # German
    r"das könnte (sie|dich) auch interessieren|auch interessant|ähnliche (artikel|beiträge)",
    r"weitere (artikel|beiträge|themen|news)|verwandte (artikel|themen)|mehr zum thema",
    r"kontaktieren sie uns|teilen",
    # French
    r"(articles|contenus) (similaires|associés|liés)|à lire aussi|lire aussi|partager",
    r"vous (aimerez|aimeriez|pourriez aimer)( aussi| également)?|contactez nous",
    # Spanish, Italian, Dutch
    r"artículos relacionados|(también )?te puede interesar|lee también|contáctanos",
    r"articoli correlati|leggi anche|potrebbe interessarti",
    r"gerelateerde artikelen|lees ook|meer nieuws",
)
BOILERPLATE_HEADINGS = re.compile("|".join(f"(?:{p})" for p in BOILERPLATE_HEADING_PATTERNS))
SECTION_HEADINGS = ("h2", "h3", "h4", "h5", "h6")
PUNCTUATION = re.compile(r"[^\w\s]+")
SPACES = re.compile(r"\s+")
MAX_HEADING = 60  # characters: a longer heading is a title, not a section label
# A section holding more than this share of the area is the area's content, whatever its name.
MAX_SECTION_SHARE = 0.5


def boilerplate_sections(area: Iterable[etree._Element], measures: Measures) -> set[etree._Element]:
    """Elements of the area that are sections about other pages or calls to action."""
    found: set[etree._Element] = set()
    for top in area:
        limit = MAX_SECTION_SHARE * measures.content(top)
        for heading in top.iter(*SECTION_HEADINGS):
            if heading in found or not _names_boilerplate(heading):
                continue
            section = _section_of(heading, top, measures, limit)
            found.update(section)
    return found


def _names_boilerplate(heading: etree._Element) -> bool:
    text = "".join(heading.itertext())
    if len(text) > MAX_HEADING * 2:
        return False
    text = SPACES.sub(" ", PUNCTUATION.sub(" ", text.lower())).strip()
    return len(text) <= MAX_HEADING and BOILERPLATE_HEADINGS.fullmatch(text) is not None


def _section_of(
    heading: etree._Element, top: etree._Element, measures: Measures, limit: float
) -> list[etree._Element]:
    """The heading's section: the outermost container it opens, else it and what follows it."""
    node = heading
    while True:
        parent = node.getparent()
        if parent is None or parent is top or measures.content(parent) > limit:
            break
        if not _opens(parent, heading):
            break
        node = parent
    if node is not heading:
        return [node]
    # A heading among its section's paragraphs: the section runs to the next heading.
    level = int(heading.tag[1])
    section = [heading]
    size = 0
    for sibling in heading.itersiblings():
        if not isinstance(sibling.tag, str):
            continue
        if sibling.tag in SECTION_HEADINGS and int(sibling.tag[1]) <= level or sibling.tag == "h1":
            break
        size += measures.content(sibling)
        if size > limit:
            return []
        section.append(sibling)
    return section


def _opens(container: etree._Element, heading: etree._Element) -> bool:
    """Whether no text comes before the heading in the container."""
    if (container.text or "").strip():
        return False
    for el in container.iter():
        if el is heading:
            return True
        if el is not container and ((el.text or "").strip() or (el.tail or "").strip()):
            if not any(a is heading for a in el.iterancestors()):
                return False
    return False
