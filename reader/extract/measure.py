"""One bottom-up pass over a page: how much text each element holds, and where.

Everything later stages ask of an element (is it hidden, is it navigation, its `lang`, a
`role="heading"`) is read here once: reading attributes through lxml costs about a
microsecond each, and a page has a thousand elements or more.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from lxml import etree

from reader import langtag
from reader.extract.rules import (
    HIDING_ATTRIBUTES,
    SCRIPTED_TAGS,
    SKIP_TAGS,
    XML_LANG,
    hidden_by_attributes,
    is_skipped_class,
)
from reader.extract.scoring import furniture_name, is_furniture

# The author's reading area (docs/architecture.md, "Extract").
READER_AREA = "data-reader-area"
# Attributes worth a second look in the pass (the rest are read only for skipped/furniture).
NOTED_ATTRIBUTES = frozenset({"lang", "xml:lang", XML_LANG, "role", READER_AREA})


@dataclass(slots=True)
class Measures:
    """Per-element measures of one page.

    `text` counts visible characters, `links` those inside links and `anchors` the links;
    `prose` counts text outside links and page furniture, `boilerplate` text inside
    furniture. `langs` holds each `lang`
    attribute (normalised), `headings` the levels of `role="heading"` elements, `areas`
    and `mains` the `[data-reader-area]` and `[role=main]` elements in document order.
    """

    text: dict[etree._Element, int] = field(default_factory=dict)
    links: dict[etree._Element, int] = field(default_factory=dict)
    anchors: dict[etree._Element, int] = field(default_factory=dict)
    commas: dict[etree._Element, int] = field(default_factory=dict)
    prose: dict[etree._Element, int] = field(default_factory=dict)
    boilerplate: dict[etree._Element, int] = field(default_factory=dict)
    skipped: set[etree._Element] = field(default_factory=set)
    furniture: set[etree._Element] = field(default_factory=set)
    langs: dict[etree._Element, str] = field(default_factory=dict)
    headings: dict[etree._Element, int] = field(default_factory=dict)
    areas: list[etree._Element] = field(default_factory=list)
    mains: list[etree._Element] = field(default_factory=list)

    def content(self, el: etree._Element) -> int:
        """Text outside page furniture, links included."""
        return self.text.get(el, 0) - self.boilerplate.get(el, 0)

    def prose_of(self, el: etree._Element) -> int:
        """Text outside links and page furniture."""
        return self.prose.get(el, 0)


def measure(root: etree._Element, *, hidden: bool = True) -> Measures:
    """Measure every element under root, leaving skipped subtrees out of the totals.

    `hidden=False` measures hidden text too: only the author's "do not read" markup and
    code are skipped, the reading of a page whose text is all hidden until its scripts run.
    One loop without helper
    calls on the common path: it runs for every element of the page, and is most of the
    extraction's time.
    """
    found = Measures()
    text, links, commas, prose = found.text, found.links, found.commas, found.prose
    anchors, skipped, boilerplate = found.anchors, found.skipped, found.boilerplate
    for el in reversed(list(root.iter())):
        tag = el.tag
        # A tail is text of the parent, even after a skipped element.
        tail = el.tail
        up = up_commas = up_links = up_prose = up_boilerplate = 0
        if tail and not tail.isspace():
            up = up_prose = len(tail.strip())
            up_commas = tail.count(",")
        if tag in SKIP_TAGS or not isinstance(tag, str):
            skip, named = hidden or tag not in SCRIPTED_TAGS, 0
        else:
            names = el.keys()
            skip, named = _inspect(el, names, hidden, found) if names else (False, 0)
        if skip:
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
                elif is_furniture(
                    el, tag, named, size,  # type: ignore[arg-type]
                    links.get(el, 0), anchors.get(el, 0), commas.get(el, 0),
                ):  # fmt: skip
                    found.furniture.add(el)
                    prose[el] = 0
                    boilerplate[el] = size
                up += size
                up_commas += commas.get(el, 0)
                up_links = links.get(el, 0)
                up_prose += prose.get(el, 0)
                up_boilerplate = boilerplate.get(el, 0)
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
                if up_boilerplate:
                    boilerplate[parent] = boilerplate.get(parent, 0) + up_boilerplate
    found.areas.reverse()
    found.mains.reverse()
    return found


def _inspect(
    el: etree._Element, names: list[str], hidden: bool, found: Measures
) -> tuple[bool, int]:
    """Read an element's attributes once: (skipped, furniture naming); note langs and roles."""
    role = _note_attributes(el, names, found) if not NOTED_ATTRIBUTES.isdisjoint(names) else ""
    if not HIDING_ATTRIBUTES.isdisjoint(names) and hidden_by_attributes(el, names, hidden):
        return True, 0
    classes = el.get("class") if "class" in names else None
    if classes and is_skipped_class(classes):
        return True, 0
    ident = el.get("id") if "id" in names else None
    modal = "aria-modal" in names and el.get("aria-modal") == "true"
    if not (classes or ident or role or modal):
        return False, 0
    return False, furniture_name(classes, ident, role, modal)


def _note_attributes(el: etree._Element, names: list[str], found: Measures) -> str:
    """Record `lang`, heading role and reading areas; return the lowercased role."""
    lang = el.get("lang") or el.get("xml:lang") or el.get(XML_LANG)
    tag = langtag.normalise(lang) if lang else ""
    if tag:
        found.langs[el] = tag
    if READER_AREA in names:
        found.areas.append(el)
    role = (el.get("role") or "").strip().lower()
    if role == "heading":
        level = (el.get("aria-level") or "2").strip()
        found.headings[el] = min(max(int(level), 1), 6) if level.isdigit() else 2
    elif role == "main":
        found.mains.append(el)
    return role
