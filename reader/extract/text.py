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
from reader.extract.rules import HEADING_TAGS, INHERITED_KINDS, LEAF_KINDS, is_block_tag
from reader.model import Block, LangSpan

SPACE = re.compile(r"\s+")
# Invisible characters that would otherwise split or glue words: zero-width space, soft
# hyphen, byte-order mark.
INVISIBLE = re.compile("[\u200b\u00ad\ufeff]")
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


@dataclass(frozen=True, slots=True, kw_only=True)
class Context:
    """What a run of text becomes: its kind, heading level and language."""

    kind: str
    level: int
    declared: str  # nearest lang attribute below <html>
    lang: str  # effective language: declared, else the page's


class Run:
    """The inline text of one element, with the language of every piece."""

    __slots__ = ("element", "context", "pieces", "images", "space_before", "linked_only")

    def __init__(self, element: etree._Element, context: Context) -> None:
        self.element = element
        self.context = context
        self.pieces: list[tuple[str, str]] = []
        self.images: list[etree._Element] = []
        self.space_before = True  # so leading whitespace is dropped
        self.linked_only = True  # no text outside links so far

    def add(self, text: str | None, lang: str, linked: bool = False) -> None:
        if not text:
            return
        if not linked and self.linked_only and not text.isspace():
            self.linked_only = False
        if text.isspace():
            if not self.space_before:
                self.pieces.append((" ", lang))
                self.space_before = True
            return
        text = SPACE.sub(" ", INVISIBLE.sub("", text))
        if self.space_before and text.startswith(" "):
            text = text[1:]
        if text:
            self.pieces.append((text, lang))
            self.space_before = text.endswith(" ")

    def finish(self) -> tuple[str, tuple[LangSpan, ...]]:
        """The run's text and its language spans; the run is emptied."""
        # Compared with the block's own declared language, not the page's: on a page wrongly
        # marked `lang="sv"`, an inline `<span lang="sv">` must still be heard in Swedish once
        # the block is found to be English. Pieces with no attribute carry the same "".
        base = self.context.declared
        text = "".join(piece for piece, _ in self.pieces).rstrip()
        spans: list[LangSpan] = []
        offset = 0
        for piece, lang in self.pieces:
            start, offset = offset, offset + len(piece)
            if lang == base or start >= len(text):
                continue
            if spans and spans[-1].lang == lang and spans[-1].end >= start - 1:
                start = spans.pop().start
            spans.append(_trimmed(text, start, min(offset, len(text)), lang))
        self.pieces, self.images, self.space_before, self.linked_only = [], [], True, True
        return text, tuple(s for s in spans if s.end > s.start)


def _trimmed(text: str, start: int, end: int, lang: str) -> LangSpan:
    while start < end and text[start] == " ":
        start += 1
    while end > start and text[end - 1] == " ":
        end -= 1
    return LangSpan(start=start, end=end, lang=lang)


# What ends when the walk leaves an element: nothing, a block (its run is flushed) or a link.
LEAVE_NOTHING, LEAVE_BLOCK, LEAVE_LINK = 0, 1, 2


@dataclass(slots=True)
class Frame:
    """An element being read: its children still to visit, its run, language and links."""

    element: etree._Element
    children: Iterator[etree._Element]
    run: Run
    lang: str
    linked: bool
    leave: int  # LEAVE_*


class BlockBuilder:
    """Walks reading areas in document order and collects their blocks."""

    def __init__(
        self,
        *,
        page_lang: str,
        skip: Callable[[etree._Element], bool],
        locate: Callable[[etree._Element], str],
        measures: Measures,
        drop_link_labels: bool,
    ) -> None:
        self.page_lang = page_lang
        self.skip = skip
        self.locate = locate
        self.langs = measures.langs
        self.headings = measures.headings
        self.drop_link_labels = drop_link_labels
        self.links = 0  # depth of links around the text being walked
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
                if frame.leave == LEAVE_BLOCK:
                    self._flush(frame.run)
                elif frame.leave == LEAVE_LINK:
                    self.links -= 1
                if stack:  # a tail is text of the parent, in the parent's language
                    parent = stack[-1]
                    parent.run.add(frame.element.tail, parent.lang, parent.linked)
                continue
            entered = self._enter(child, frame.run, frame.lang)
            if entered is None:
                frame.run.add(child.tail, frame.lang, frame.linked)
            else:
                stack.append(entered)

    def _frame(self, el: etree._Element, run: Run, lang: str, leave: int) -> Frame:
        linked = self.links > 0
        run.add(el.text, lang, linked)
        return Frame(el, iter(el), run, lang, linked, leave)

    def _enter(self, el: etree._Element, run: Run, lang: str) -> Frame | None:
        """Start reading an element: the frame to read its children in, or None when done."""
        if self.skip(el):
            return None
        tag = el.tag
        if tag == "br":
            self._flush(run)
        elif tag == "img":
            run.images.append(el)
        elif is_block_tag(tag) or el in self.headings:  # type: ignore[arg-type]
            self._flush(run)
            inner = Run(el, self._context(el, run.context))
            return self._frame(el, inner, inner.context.declared, LEAVE_BLOCK)
        elif tag == "sup" and _is_note_reference(el):
            return None  # a footnote mark ("[1]") would be heard as a stray number
        elif tag == "a":
            if len(el) or any(c.isalnum() for c in el.text or ""):
                self.links += 1  # a link made of a symbol only ("¶", "#") is an anchor
                return self._frame(el, run, self.langs.get(el) or lang, LEAVE_LINK)
        else:
            return self._frame(el, run, self.langs.get(el) or lang, LEAVE_NOTHING)
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
        images, linked_only = run.images, run.linked_only
        text, spans = run.finish()
        context = run.context
        if text and linked_only and self.drop_link_labels and text.count(" ") < LINK_LABEL_WORDS:
            return  # "Read more", "Reply", "Share": a link on its own, not content
        if text and any(c.isalnum() for c in text):
            self.blocks.append(
                Block(
                    index=len(self.blocks),
                    kind=context.kind,
                    level=context.level,
                    text=text,
                    locator=self.locate(run.element),
                    declared_lang=context.declared,
                    spans=spans,
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
