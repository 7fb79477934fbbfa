"""Turn a reading area into blocks: inline markup flattened, `<br>` and block children split.

Text is gathered in runs: the text of one element up to its next block child or `<br>`.
A run inside an `<li>` is a list item, inside an `<h2>` a heading, and so on; a `<div>`
with loose text makes a paragraph. Inline `lang` changes are kept as spans whose offsets
point into the final, whitespace-normalised text. An image is read by its alt text only
where it stands on its own: not inside running text, a link or a captioned figure.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from lxml import etree

from reader.extract.measure import Measures
from reader.extract.prose import is_language
from reader.extract.rules import (
    HEADING_TAGS,
    INHERITED_KINDS,
    LEAF_KINDS,
    is_block_tag,
    is_kicker,
)
from reader.extract.runs import HELD, MARKED_CODE, SPACE, Context, Run
from reader.model import Block

# An alt text worth reading describes: a phrase of three words or more that is not a file
# name ("Logo", "Hero image", "IMG_2034.jpg" are labels, not descriptions).
MIN_ALT_WORDS = 3
FILE_NAME_ALT = re.compile(r"\.(jpe?g|png|gif|webp|svg|bmp|tiff?|avif)$", re.I)
# Alt texts that name a picture's role instead of describing it: logos, icons, avatars
# ("The New York Times logo", "check mark icon", "Jane Doe profile picture"), in the
# languages the sites we serve use.
LABEL_ALT = re.compile(
    r"\b(logo|logos|logotyp|logotype|logotipo|icon|icons|ikon|ikoni|icône|icono|icona|"
    r"avatar|profile (picture|image|photo)|profilbild|headshot)\b",
    re.I,
)
# A block that is one short link ("Read more", "Reply") is a control, not content; longer
# linked text (a teaser title) is read.
LINK_LABEL_WORDS = 3
LAYOUT_CELL_CHILDREN = frozenset({"p", "div", "table", "ul", "ol", "h1", "h2", "h3", "section"})


# What ends when the walk leaves an element (flags): nothing, a block (its run is flushed), a
# link, inline furniture (whose text the run holds back), a part read apart (a kicker), code
# markup.
LEAVE_NOTHING, LEAVE_BLOCK, LEAVE_LINK, LEAVE_HELD, LEAVE_PART, LEAVE_CODE = 0, 1, 2, 4, 8, 16
# Markup for code the author shows as code (documentation's listings and signatures): read
# as it is, never judged as language (see reader.extract.prose).
CODE_TAGS = frozenset({"pre", "code", "kbd", "samp", "tt", "listing", "xmp"})


@dataclass(slots=True)
class Frame:
    """An element being read: its children still to visit, its run, language and links."""

    element: etree._Element
    children: Iterator[etree._Element]
    run: Run
    lang: str
    linked: bool
    marks: int  # runs.HELD | runs.MARKED_CODE
    leave: int  # LEAVE_* flags


class BlockBuilder:
    """Walks reading areas in document order and collects their blocks."""

    def __init__(
        self,
        *,
        page_lang: str,
        skip: Callable[[etree._Element], bool],
        furniture: Callable[[etree._Element], bool],
        locate: Callable[[etree._Element], str],
        measures: Measures,
        drop_link_labels: bool,
    ) -> None:
        self.page_lang = page_lang
        self.skip = skip
        self.furniture = furniture
        self.locate = locate
        self.langs = measures.langs
        self.headings = measures.headings
        self.drop_link_labels = drop_link_labels
        self.links = 0  # depth of links around the text being walked
        self.held = 0  # depth of inline furniture around it
        self.coded = 0  # depth of code markup around it
        self.captioned: dict[etree._Element, bool] = {}  # figures: whether they have a caption
        self.blocks: list[Block] = []

    def add_area(self, area: etree._Element, declared: str) -> None:
        """Add the blocks of one reading area; `declared` is the lang inherited from above it."""
        outer = Context(
            kind="paragraph", level=0, declared=declared, lang=declared or self.page_lang
        )
        context = self._context(area, outer)
        run = Run(area, context)
        self._walk(area, run, context.declared)
        self._flush(run)

    def _walk(self, area: etree._Element, run: Run, lang: str) -> None:
        # A loop over an explicit stack, not recursion: a page nested thousands deep must not
        # reach Python's recursion limit. Each frame is one element whose children are read.
        stack = [self._frame(area, run, lang, LEAVE_NOTHING)]
        while stack:
            frame = stack[-1]
            child = next(frame.children, None)
            if child is None:
                stack.pop()
                if frame.leave & LEAVE_BLOCK:
                    self._flush(frame.run)
                if frame.leave & LEAVE_LINK:
                    self.links -= 1
                if frame.leave & LEAVE_HELD:
                    self.held -= 1
                if frame.leave & LEAVE_CODE:
                    self.coded -= 1
                if frame.leave & LEAVE_PART:
                    frame.run.end_part()
                if stack:  # a tail is text of the parent, in the parent's language
                    parent = stack[-1]
                    parent.run.add(frame.element.tail, parent.lang, parent.linked, parent.marks)
                continue
            entered = self._enter(child, frame.run, frame.lang)
            if entered is None:
                frame.run.add(child.tail, frame.lang, frame.linked, frame.marks)
            else:
                stack.append(entered)

    def _frame(self, el: etree._Element, run: Run, lang: str, leave: int) -> Frame:
        self.held += bool(leave & LEAVE_HELD)
        self.coded += bool(leave & LEAVE_CODE)
        linked = self.links > 0
        marks = (HELD if self.held else 0) | (MARKED_CODE if self.coded else 0)
        run.add(el.text, lang, linked, marks)
        return Frame(el, iter(el), run, lang, linked, marks, leave)

    def _enter(self, el: etree._Element, run: Run, lang: str) -> Frame | None:
        """Start reading an element: the frame to read its children in, or None when done."""
        if self.skip(el):
            return None
        tag = el.tag
        block = is_block_tag(tag) or el in self.headings  # type: ignore[arg-type]
        # Inline furniture is judged with the run it stands in (see reader.extract.runs).
        held = LEAVE_CODE if tag in CODE_TAGS else LEAVE_NOTHING
        if self.furniture(el):
            if block:
                return None
            held |= LEAVE_HELD
        if tag == "br":
            self._flush(run)
        elif tag == "img":
            if not (held & LEAVE_HELD or self.held):
                run.images.append(el)
        elif block:
            self._flush(run)
            inner = Run(el, self._context(el, run.context))
            return self._frame(el, inner, inner.context.declared, LEAVE_BLOCK | held)
        elif tag == "sup" and _is_note_reference(el):
            return None  # a footnote mark ("[1]") would be heard as a stray number
        elif tag != "a":
            if run.context.kind == "heading" and is_kicker(el):
                held |= LEAVE_PART
            return self._frame(el, run, self.langs.get(el) or lang, held)
        elif len(el) or any(c.isalnum() for c in el.text or ""):
            self.links += 1  # a link made of a symbol only ("¶", "#") is an anchor
            return self._frame(el, run, self.langs.get(el) or lang, LEAVE_LINK | held)
        return None

    def _context(self, el: etree._Element, outer: Context) -> Context:
        declared = self.langs.get(el) or outer.declared
        lang = declared or self.page_lang
        level = HEADING_TAGS.get(el.tag) or self.headings.get(el, 0)  # type: ignore[call-overload]
        if level:
            return Context(kind="heading", level=level, declared=declared, lang=lang)
        kind = LEAF_KINDS.get(el.tag)  # type: ignore[call-overload]
        if kind == "table_cell" and any(c.tag in LAYOUT_CELL_CHILDREN for c in el):
            kind = None  # a layout table: the cell is a container, not a data cell
        if kind is None or kind == "paragraph":
            kind = outer.kind if outer.kind in INHERITED_KINDS else "paragraph"
        return Context(kind=kind, level=0, declared=declared, lang=lang)

    def _flush(self, run: Run) -> None:
        if not run.pieces and not run.images:
            return
        images, context = run.images, run.context
        # Compared with the block's own declared language, not the page's: on a page wrongly
        # marked `lang="sv"`, an inline `<span lang="sv">` must still be heard in Swedish once
        # the block is found to be English. Pieces with no attribute carry the same "".
        read = run.finish(context.declared)
        text = read.text
        if (
            text
            and read.linked_only
            and self.drop_link_labels
            and text.count(" ") < LINK_LABEL_WORDS
        ):
            return  # "Read more", "Reply", "Share": a link on its own, not content
        if text and any(c.isalnum() for c in text) and is_language(read.unmarked):
            self.blocks.append(
                Block(
                    index=len(self.blocks),
                    kind=context.kind,
                    level=context.level,
                    text=text,
                    locator=self.locate(run.element),
                    declared_lang=context.declared,
                    spans=read.spans,
                    breaks=read.breaks,
                )
            )
        elif not text:
            for image in images:
                self._add_image(image, context)

    def _add_image(self, image: etree._Element, context: Context) -> None:
        alt = SPACE.sub(" ", image.get("alt") or "").strip()
        if not is_meaningful_alt(alt) or image.get("role") in ("presentation", "none"):
            return
        if _in_link_or_captioned(image, self.captioned):
            return
        declared = self.langs.get(image) or context.declared
        self.blocks.append(
            Block(
                index=len(self.blocks),
                kind="image",
                text=alt,
                locator=self.locate(image),
                declared_lang=declared,
            )
        )


def _is_note_reference(sup: etree._Element) -> bool:
    return len(sup) == 1 and sup[0].tag == "a" and (sup[0].get("href") or "").startswith("#")


def _in_link_or_captioned(image: etree._Element, captioned: dict[etree._Element, bool]) -> bool:
    # A linked image is a thumbnail or a logo whose link text follows; a captioned one is
    # described by its caption, which is read. Figures are looked into once each: a figure
    # of thousands of images would otherwise be searched for its caption once per image.
    for ancestor in image.iterancestors():
        tag = ancestor.tag
        if tag == "a":
            return True
        if tag == "figure":
            if ancestor not in captioned:
                captioned[ancestor] = next(ancestor.iter("figcaption"), None) is not None
            return captioned[ancestor]
        if is_block_tag(tag) and tag not in ("p", "div", "span", "picture"):  # type: ignore[arg-type]
            return False
    return False


def is_meaningful_alt(alt: str) -> bool:
    """Whether an alt text describes something (not a file name, not "Logo")."""
    if alt.count(" ") < MIN_ALT_WORDS - 1 or not any(c.isalpha() for c in alt):
        return False
    return FILE_NAME_ALT.search(alt) is None and LABEL_ALT.search(alt) is None
