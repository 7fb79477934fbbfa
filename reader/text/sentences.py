"""Sentence splitting, abbreviation-aware per language, with long sentences cut at pauses."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from reader.text.normalize import language_for

# A sentence is short enough to start speaking quickly and stays far below the text length at
# which the pyttsx3 eSpeak driver crashes (about 14 KB); cut longer ones at a pause.
MAX_SENTENCE = 300
# Never cut off a stub shorter than this when a long sentence is split.
MIN_PART = 60
# Cut points for long sentences, best first: after ; and :, at a dash, after a comma, a space.
CUT_POINTS = (re.compile(r"[;:]\s"), re.compile(r"\s(?=[–—-]\s)"), re.compile(r",\s"),
              re.compile(r"\s"))  # fmt: skip
# Blocks that are one sentence each unless long: a heading or list item is read as one unit.
WHOLE_KINDS = frozenset({"heading", "list_item", "table_cell", "term", "caption", "image"})
# A stop, then closing quotes or brackets, then space: a possible sentence end. It starts
# only where a run of stops starts and never backtracks into one, so that a run of thousands
# of "!" costs its length, not its square.
STOP = re.compile(r"(?<![.!?…؟])[.!?…؟]++[\"'”’»)\]]*+(?=\s+(\S))")
FIRST_WORD = re.compile(r"[^\W\d_]+")
# Openers that may precede the first letter of the next sentence.
OPENERS = "\"'“‘«([¿¡"
# Before a number these never end a sentence ("nr. 5", "kl. 8").
NUMBER_PREFIXES = frozenset({"no.", "nos.", "nr.", "tel.", "tfn.", "kl.", "ca.", "p.", "pp.",
                             "klo.", "tlf.", "puh."})  # fmt: skip
INITIALS = re.compile(r"(?:[^\W\d_]\.)+")
# Language tags come from pages: a bounded cache, so that many distinct tags cannot grow it.
LANGUAGE_CACHE = 64


def split_sentences(text: str, lang: str, kind: str = "paragraph") -> tuple[tuple[int, int], ...]:
    """Spans (start, end) of the sentences of a block's text, trimmed of spaces."""
    if kind in WHOLE_KINDS and len(text) <= MAX_SENTENCE:
        spans = [(0, len(text))]
    else:
        spans = _sentences(text, lang)
    out: list[tuple[int, int]] = []
    for start, end in spans:
        out.extend(_cut_long(text, start, end))
    return tuple(span for span in (_trim(text, s, e) for s, e in out) if span[0] < span[1])


def _sentences(text: str, lang: str) -> list[tuple[int, int]]:
    spans, start = [], 0
    for stop in STOP.finditer(text):
        if _ends_sentence(text, stop, lang):
            spans.append((start, stop.end()))
            start = stop.end()
    spans.append((start, len(text)))
    return spans


def _ends_sentence(text: str, stop: re.Match[str], lang: str) -> bool:
    # Only the next word and the token before the stop are read: copying the text on either
    # side of every stop made a long block quadratic.
    following = stop.start(1)  # the first character after the spaces
    while following < len(text) and text[following] in OPENERS:
        following += 1
    first = text[following : following + 1]
    if not first or first.islower():
        return False
    if not stop[0].startswith("."):
        return True
    start = stop.start()
    while start > 0 and not text[start - 1].isspace():
        start -= 1  # tokens before stops do not overlap: this walks the text once
    token = text[start : stop.start() + 1].lstrip(OPENERS)
    next_word = FIRST_WORD.match(text, stop.start(1))  # openers included, as before
    return not _keeps_going(token, next_word[0] if next_word else "", first, lang)


def _keeps_going(token: str, word: str, first: str, lang: str) -> bool:
    """True when the dot after `token` belongs to a word, not to the end of a sentence."""
    table = _dotted(lang)
    lowered = token.lower()
    if lowered in table.final:
        return False
    if lowered in table.nonfinal or INITIALS.fullmatch(token):
        return True
    if first.isdigit() and lowered in NUMBER_PREFIXES:
        return True
    if token[:-1].isdigit() and len(token) <= 3:
        word = word.lower()
        return any(word.startswith(m) for m in table.months) or table.ordinal_before_capital
    return False


@dataclass(frozen=True, slots=True, kw_only=True)
class _Dotted:
    """Lower-cased dotted tokens of a language: those that may end a sentence and those not."""

    final: frozenset[str]
    nonfinal: frozenset[str]
    months: tuple[str, ...]
    ordinal_before_capital: bool


@lru_cache(maxsize=LANGUAGE_CACHE)
def _dotted(lang: str) -> _Dotted:
    language = language_for(lang)
    final = frozenset(a.lower() for a in language.final_abbreviations)
    dotted = {a.lower() for a in language.abbreviations if a.endswith(".")}
    return _Dotted(
        final=final,
        nonfinal=frozenset(dotted | {p.lower() for p in language.protected}) - final,
        months=tuple(m.lower() for m in language.months),
        ordinal_before_capital=language.ordinal_before_capital,
    )


def _cut_long(text: str, start: int, end: int) -> list[tuple[int, int]]:
    parts = []
    while end - start > MAX_SENTENCE:
        cut = _best_cut(text, start, end)
        parts.append((start, cut))
        start = cut
    parts.append((start, end))
    return parts


def _best_cut(text: str, start: int, end: int) -> int:
    window = text[start + MIN_PART : start + MAX_SENTENCE]
    for pattern in CUT_POINTS:
        cuts = [m.end() for m in pattern.finditer(window)]
        if cuts:
            return start + MIN_PART + cuts[-1]
    return start + MAX_SENTENCE


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end
