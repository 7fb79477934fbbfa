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
# Characters that CSS identifiers may carry as they are; everything else is escaped.
CSS_PLAIN = re.compile(r"[A-Za-z0-9_\-\u00a0-\U0010ffff]")
SIMPLE_IDENTIFIER = re.compile(r"-?[A-Za-z_][A-Za-z0-9_-]*")


class Locator:
    """Builds selectors for the elements of one parsed page, caching sibling positions."""

    def __init__(self, root: etree._Element) -> None:
        self.root = root
        self.unique_ids: set[str] | None = None  # counted on first use: most pages need none
        self.positions: dict[etree._Element, dict[etree._Element, int]] = {}
        self.selectors: dict[etree._Element, str] = {}

    def __call__(self, el: etree._Element) -> str:
        """A selector that matches `el` first in the page."""
        pending: list[etree._Element] = []  # ancestors still to be given a step, nearest first
        node = el
        while True:
            prefix = self.selectors.get(node) or self._start(node)
            if prefix:
                break
            pending.append(node)
            node = node.getparent()  # type: ignore[assignment]  # _start ends at the root
        for node in reversed(pending):
            parent = node.getparent()
            tag = str(node.tag)
            # Rows sit in an implied <tbody> in browsers: see the module docstring.
            joint = " " if tag == "tr" and parent.tag == "table" else " > "  # type: ignore[union-attr]
            step = f"{css_identifier(tag)}:nth-of-type({self._position(parent, node)})"  # type: ignore[arg-type]
            prefix = self.selectors[node] = prefix + joint + step
        return prefix

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
