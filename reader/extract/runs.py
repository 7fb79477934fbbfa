"""A run: the inline text of one element up to its next block child or `<br>`, by language.

Text inside an inline element that looks like page furniture (a link list in a `<span>`, a
"share" label) is held back until the run ends: inside a sentence it is part of the
sentence ("zwischen <span><a>Madrid</a></span> und Köln"), and only a run made of such
text alone is left out. Boilerplate is judged for blocks, never for words inside one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree

from reader.model import LangSpan

SPACE = re.compile(r"\s+")
# How a piece of text was marked: inside inline furniture (held back, see above), or
# inside code markup the author shows as code (`<code>`, `<pre>`): not judged as language.
HELD, MARKED_CODE = 1, 2
Piece = tuple[str, str, bool, int]  # text, language, inside a link, HELD | MARKED_CODE
# Invisible characters that would otherwise split or glue words: zero-width space, soft
# hyphen, byte-order mark.
INVISIBLE = re.compile("[\u200b\u00ad\ufeff]")


@dataclass(frozen=True, slots=True, kw_only=True)
class RunText:
    """What a run reads: its text, language spans and breaks, and how it was marked."""

    text: str
    spans: tuple[LangSpan, ...]
    breaks: tuple[int, ...]
    linked_only: bool  # all of it is link text
    unmarked: str  # the text outside code markup, to judge whether it is language


@dataclass(frozen=True, slots=True, kw_only=True)
class Context:
    """What a run of text becomes: its kind, heading level and language."""

    kind: str
    level: int
    declared: str  # nearest lang attribute below <html>
    lang: str  # effective language: declared, else the page's


class Run:
    """The inline text of one element, with the language of every piece."""

    __slots__ = ("element", "context", "pieces", "images", "space_before", "firm", "breaks")

    def __init__(self, element: etree._Element, context: Context) -> None:
        self.element = element
        self.context = context
        self.pieces: list[Piece] = []
        self.images: list[etree._Element] = []
        self.space_before = True  # so leading whitespace is dropped
        self.firm = False  # words outside inline furniture so far
        self.breaks: list[int] = []  # numbers of pieces after which a part read apart ends

    def add(self, text: str | None, lang: str, linked: bool = False, marks: int = 0) -> None:
        if not text:
            return
        if text.isspace():
            if not self.space_before:
                self.pieces.append((" ", lang, linked, marks))
                self.space_before = True
            return
        text = SPACE.sub(" ", INVISIBLE.sub("", text))
        if self.space_before and text.startswith(" "):
            text = text[1:]
        elif self.breaks and self.breaks[-1] == len(self.pieces) and text[:1].isalnum():
            text = " " + text  # a kicker set apart only by style ("Thema</span><span>Mehr")
        if text:
            self.pieces.append((text, lang, linked, marks))
            self.space_before = text.endswith(" ")
            if not marks & HELD and not self.firm and any(c.isalnum() for c in text):
                self.firm = True

    def end_part(self) -> None:
        """Mark the end of a part read apart (a kicker): a pause when spoken, a space shown."""
        if self.pieces and self.firm:
            self.breaks.append(len(self.pieces))

    def finish(self, base: str) -> RunText:
        """What the run reads; then it is emptied.

        Spans are languages other than `base`, the block's own declared language.
        """
        pieces, breaks = self.pieces, self.breaks
        if not self.firm and any(marks & HELD for *_, marks in pieces):
            pieces, breaks = _respaced([p for p in pieces if not p[3] & HELD]), []
        text = "".join(piece for piece, *_ in pieces).rstrip()
        offsets = [len("".join(p for p, *_ in pieces[:n]).rstrip()) for n in breaks]
        linked_only = not any(not linked and not piece.isspace() for piece, _, linked, _ in pieces)
        spans: list[LangSpan] = []
        offset = 0
        for piece, lang, _, _ in pieces:
            start, offset = offset, offset + len(piece)
            if lang == base or start >= len(text):
                continue
            if spans and spans[-1].lang == lang and spans[-1].end >= start - 1:
                start = spans.pop().start
            spans.append(_trimmed(text, start, min(offset, len(text)), lang))
        self.pieces, self.images, self.space_before, self.firm = [], [], True, False
        self.breaks = []
        return RunText(
            text=text,
            spans=tuple(s for s in spans if s.end > s.start),
            breaks=tuple(sorted({b for b in offsets if 0 < b < len(text)})),
            linked_only=linked_only,
            unmarked="".join(p for p, _, _, marks in pieces if not marks & MARKED_CODE),
        )


def _respaced(pieces: list[Piece]) -> list[Piece]:
    """Pieces with the spaces left around removed ones collapsed, as `Run.add` keeps them."""
    kept: list[Piece] = []
    space_before = True
    for text, lang, linked, marks in pieces:
        if space_before and text.startswith(" "):
            text = text[1:]
        if text:
            kept.append((text, lang, linked, marks))
            space_before = text.endswith(" ")
    return kept


def _trimmed(text: str, start: int, end: int, lang: str) -> LangSpan:
    while start < end and text[start] == " ":
        start += 1
    while end > start and text[end - 1] == " ":
        end -= 1
    return LangSpan(start=start, end=end, lang=lang)
