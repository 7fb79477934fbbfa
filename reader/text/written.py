"""Written words: the units a reader sees highlighted one at a time.

A written word is a run of non-space characters with a letter, digit or symbol in it, without
the punctuation around it: "Co-operation", "she's", "32-year-old", "FDP-Chef", "10.11.2021" and
"github.com/reader" are one word each, whatever the speech engine makes of them.
"""

from __future__ import annotations

import re
import unicodedata

# A run of non-space characters; the punctuation at its ends is stripped below.
TOKEN = re.compile(r"\S+")
# Punctuation that is said, not just heard as a pause: part of a word ("100 %", "§ 5").
SAID_PUNCTUATION = frozenset("%&§#@")


def is_word_char(char: str) -> bool:
    """Letters, digits, symbols ("€", "+") and punctuation that is read aloud."""
    return char.isalnum() or char in SAID_PUNCTUATION or unicodedata.category(char)[0] == "S"


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and not is_word_char(text[start]):
        start += 1
    while end > start and not is_word_char(text[end - 1]):
        end -= 1
    return start, end


def written_words(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Spans of the written words of `text[start:end]` (offsets in `text`)."""
    end = len(text) if end is None else end
    spans = []
    for token in TOKEN.finditer(text, start, end):
        a, b = _strip(text, token.start(), token.end())
        if a < b:
            spans.append((a, b))
    return spans


def widen_to_words(text: str, start: int, end: int, low: int, high: int) -> tuple[int, int]:
    """Widen `text[start:end]` to the whole written words it touches, within [low, high).

    Spaces and punctuation at the span's ends are dropped first, so a span of only those is
    empty (start == end).
    """
    start, end = _strip(text, max(start, low), min(end, high))
    if start == end:
        return start, end
    while start > low and not text[start - 1].isspace():
        start -= 1
    while end < high and not text[end].isspace():
        end += 1
    return _strip(text, start, end)
