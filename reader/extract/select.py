"""The CSS selectors a site owner names its reading area with, matched as a browser would.

The Listen button's `<script data-reader-area="…">` holds a selector list tried in order,
each part taking the first element it matches (what `document.querySelector` gives). Owners
write simple selectors (`main`, `#content`, `.article-body`, `main .text`); this matcher
covers type, `*`, `#id`, `.class` and `[attr]`/`[attr=value]` (also `~=`, `^=`, `$=`, `*=`),
joined by descendant and child combinators. A part using anything else (pseudo-classes,
sibling combinators) matches nothing here, and the page is read as if it named no area.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree

# One simple selector inside a compound: `#id`, `.class` or an attribute test.
SIMPLE = re.compile(
    r"#(?P<id>-?[A-Za-z_][\w-]*)"
    r"|\.(?P<cls>-?[A-Za-z_][\w-]*)"
    r"""|\[\s*(?P<attr>[A-Za-z_:][\w:.-]*)\s*(?:(?P<op>[~^$*]?=)\s*"""
    r"""(?:"(?P<dq>[^"]*)"|'(?P<sq>[^']*)'|(?P<bare>[\w-]+))\s*)?\]"""
)
TYPE = re.compile(r"\*|[A-Za-z][\w-]*")
COMBINATOR = re.compile(r"\s*>\s*|\s+")
# A selector list longer than this is not an area name; it is not matched at all.
MAX_SELECTOR = 1000


@dataclass(frozen=True, slots=True, kw_only=True)
class Compound:
    """One compound selector (`div#main.text`) and the combinator to the one before it."""

    tag: str  # "" = any element
    tests: tuple[tuple[str, str, str], ...]  # (attribute, operator, value); operator "" = has
    child: bool  # ">" before this compound (else a descendant, or the first compound)


def select_first(root: etree._Element, selectors: str) -> etree._Element | None:
    """The element `querySelector` would find for the first part of the list that matches."""
    if len(selectors) > MAX_SELECTOR:
        return None
    for part in selectors.split(","):
        chain = _parse(part.strip())
        if not chain:
            continue
        for el in root.iter():
            if isinstance(el.tag, str) and _matches(el, chain):
                return el
    return None


def _parse(text: str) -> tuple[Compound, ...]:
    """A complex selector's compounds, first to last; () for syntax this matcher lacks."""
    chain: list[Compound] = []
    position, child = 0, False
    while position < len(text):
        tag_match = TYPE.match(text, position)
        tag = ""
        if tag_match:
            tag = "" if tag_match.group() == "*" else tag_match.group().lower()
            position = tag_match.end()
        tests = []
        while (simple := SIMPLE.match(text, position)) is not None:
            tests.append(_test(simple))
            position = simple.end()
        if not tag_match and not tests:
            return ()
        chain.append(Compound(tag=tag, tests=tuple(tests), child=child))
        if position == len(text):
            break
        joint = COMBINATOR.match(text, position)
        if joint is None:
            return ()
        child, position = ">" in joint.group(), joint.end()
    return tuple(chain)


def _test(simple: re.Match[str]) -> tuple[str, str, str]:
    if simple["id"] is not None:
        return "id", "=", simple["id"]
    if simple["cls"] is not None:
        return "class", "~=", simple["cls"]
    value = next((v for v in (simple["dq"], simple["sq"], simple["bare"]) if v is not None), "")
    return simple["attr"].lower(), simple["op"] or "", value


def _matches(el: etree._Element, chain: tuple[Compound, ...]) -> bool:
    """Whether `el` matches the chain's last compound with its ancestors matching the rest."""
    if not _compound(el, chain[-1]):
        return False
    node: etree._Element | None = el
    for index in range(len(chain) - 2, -1, -1):
        wanted, joint = chain[index], chain[index + 1]
        node = node.getparent() if node is not None else None
        if joint.child:
            if node is None or not _compound(node, wanted):
                return False
            continue
        while node is not None and not _compound(node, wanted):
            node = node.getparent()
        if node is None:
            return False
    return True


def _compound(el: etree._Element, compound: Compound) -> bool:
    if compound.tag and el.tag != compound.tag:
        return False
    for name, op, value in compound.tests:
        found = el.get(name)
        if found is None:
            return False
        if op == "=" and found != value:
            return False
        if op == "~=" and value not in found.split():
            return False
        if op == "^=" and not (value and found.startswith(value)):
            return False
        if op == "$=" and not (value and found.endswith(value)):
            return False
        if op == "*=" and not (value and value in found):
            return False
    return True
