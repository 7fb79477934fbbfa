"""CSS selectors that lead back from a block to its element in the page.

Preference: the widget's `data-reader-node` number (exact in the live DOM), a unique id,
else a `tag:nth-of-type(n)` path from the nearest ancestor with a unique id, or from
`body`. Browsers put rows of a table in an implied `<tbody>` that the parsed source may
lack, so the step from a table to its row uses the descendant combinator.
"""

from __future__ import annotations

import re
from collections import Counter

from lxml import etree

NODE_ATTRIBUTE = "data-reader-node"
# Characters that CSS identifiers may carry as they are (ASCII letters, digits, "_", "-" and
# everything from U+00A0 up); everything else is escaped. Written as a negated class: the
# range up to U+10FFFF spelt out costs ~5 ms to compile, on every command's start.
CSS_PLAIN = re.compile(r"[A-Za-z0-9_-]|[^\x00-\x9f]")
SIMPLE_IDENTIFIER = re.compile(r"-?[A-Za-z_][A-Za-z0-9_-]*")
# Steps a selector may take from its anchor. Real pages need up to about 40 (extraction-dev:
# 39 at most, 9 typically); a page nested hundreds deep would otherwise give every block a
# selector kilobytes long, and browsers flatten such nesting anyway (Chromium beyond 512).
# A deeper block gets no locator ("") and is read, just not highlighted.
MAX_STEPS = 64


class Locator:
    """Builds selectors for the elements of one parsed page, caching sibling positions."""

    def __init__(self, root: etree._Element) -> None:
        self.root = root
        self.unique_ids: set[str] | None = None  # counted on first use: most pages need none
        self.positions: dict[etree._Element, dict[etree._Element, int]] = {}
        # Each element's selector and its number of steps; "" for those too deep to have one.
        self.selectors: dict[etree._Element, tuple[str, int]] = {}

    def __call__(self, el: etree._Element) -> str:
        """A selector that matches `el` first in the page ("" beyond MAX_STEPS steps)."""
        pending: list[etree._Element] = []  # ancestors still to be given a step, nearest first
        node = el
        while True:
            known = self.selectors.get(node)
            if known is None:
                start = self._start(node)
                known = (start, 0) if start else None
            if known is not None:
                break
            pending.append(node)
            node = node.getparent()  # type: ignore[assignment]  # _start ends at the root
        prefix, steps = known
        for node in reversed(pending):
            steps += 1
            if not prefix or steps > MAX_STEPS:
                prefix = ""  # every element below is too deep as well; each is noted once
            else:
                prefix += self._step(node)
            self.selectors[node] = (prefix, steps)
        return prefix

    def _step(self, node: etree._Element) -> str:
        parent = node.getparent()
        tag = str(node.tag)
        # Rows sit in an implied <tbody> in browsers: see the module docstring.
        joint = " " if tag == "tr" and parent.tag == "table" else " > "  # type: ignore[union-attr]
        return f"{joint}{css_identifier(tag)}:nth-of-type({self._position(parent, node)})"  # type: ignore[arg-type]

    def _start(self, el: etree._Element) -> str:
        """The selector of an element a path can start from, "" for any other."""
        anchor = self._anchor(el)
        if anchor:
            return anchor
        tag = str(el.tag)
        return css_identifier(tag) if tag in ("body", "html") or el.getparent() is None else ""

    def _anchor(self, el: etree._Element) -> str:
        node = el.get(NODE_ATTRIBUTE)
        if node is not None:
            return f'[{NODE_ATTRIBUTE}="{css_string(node)}"]'
        ident = el.get("id")
        if ident and self.unique_ids is None:
            ids = Counter(str(v) for v in self.root.xpath("//@id"))
            self.unique_ids = {value for value, count in ids.items() if count == 1}
        if ident and self.unique_ids and ident in self.unique_ids:
            return "#" + css_identifier(ident)
        return ""

    def _position(self, parent: etree._Element, el: etree._Element) -> int:
        known = self.positions.get(parent)
        if known is None:
            counts: Counter[str] = Counter()
            known = {}
            for child in parent:
                if isinstance(child.tag, str):
                    counts[child.tag] += 1
                    known[child] = counts[child.tag]
            self.positions[parent] = known
        return known[el]


def css_identifier(value: str) -> str:
    """Escape a string for use as a CSS identifier (as CSS.escape does)."""
    if SIMPLE_IDENTIFIER.fullmatch(value):
        return value
    out: list[str] = []
    for i, ch in enumerate(value):
        if ch == "\0":
            out.append("\ufffd")
        elif ("\x01" <= ch <= "\x1f") or ch == "\x7f":
            out.append(f"\\{ord(ch):x} ")
        elif (i == 0 or (i == 1 and value[0] == "-")) and ch.isdigit():
            out.append(f"\\{ord(ch):x} ")
        elif i == 0 and ch == "-" and len(value) == 1:
            out.append("\\-")
        elif CSS_PLAIN.fullmatch(ch):
            out.append(ch)
        else:
            out.append("\\" + ch)
    return "".join(out)


def css_string(value: str) -> str:
    """Escape a string for use inside a double-quoted CSS string."""
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\a ")
