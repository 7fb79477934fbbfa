"""The machinery of speech normalisation: spoken text that remembers where it came from.

Every rewrite keeps `char_map`, so a word eSpeak speaks can be traced back to the characters a
reader sees. The per-language modules (`reader/text/normalize/sv.py`, `en.py`, ...) hold only tables
and rules built from these pieces.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import cast

from reader.text.gates import Gated
from reader.text.triggers import characters, rule_index

# A piece of a replacement: spoken text and the span it stands for, relative to the match.
Piece = tuple[str, int, int]
# A rule's answer: a plain string for the whole match, pieces, or None to keep the match.
Replacement = str | Sequence[Piece] | None
Rule = tuple[re.Pattern[str] | Gated, Callable[[re.Match[str]], Replacement]]


@dataclass(frozen=True, slots=True)
class Spoken:
    """Text to speak and, for each character (plus the end), its offset in the shown text."""

    text: str
    char_map: tuple[int, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class Language:
    """What normalisation and sentence splitting need to know about one language."""

    code: str
    # Written abbreviation -> spoken words; keys ending in "." never end a sentence ...
    abbreviations: Mapping[str, str] = field(default_factory=dict)
    # ... except these, which may (followed by a capital letter).
    final_abbreviations: frozenset[str] = frozenset()
    # Further tokens with a dot that never end a sentence (titles, month abbreviations).
    protected: frozenset[str] = frozenset()
    # Month names: "1. maj" is a date, not the end of a sentence.
    months: tuple[str, ...] = ()
    # Words that stand for symbols: dot, at, and, or, to, degrees, plus, ...
    words: Mapping[str, str] = field(default_factory=dict)
    # ALL-CAPS words read as words (spoken form), beyond the common table.
    acronym_words: Mapping[str, str] = field(default_factory=dict)
    # Genitive endings after an acronym ("EU:s", "EU's") and how to attach them.
    acronym_genitive: Mapping[str, str] = field(default_factory=dict)
    # What goes between the letters of a spelled acronym ("S M H I").
    letter_joiner: str = " "
    # Number, date, time and currency rules, applied in order.
    rules: tuple[Rule, ...] = ()
    # German writes "2. Weltkrieg": a number with a dot before a capital is an ordinal.
    ordinal_before_capital: bool = False


def identity(text: str, offset: int = 0) -> Spoken:
    """Spoken text equal to the shown text starting at `offset`."""
    return Spoken(text, tuple(range(offset, offset + len(text) + 1)))


def splice(spoken: Spoken, edits: Iterable[tuple[int, int, str | Sequence[Piece]]]) -> Spoken:
    """Replace stretches [start, end) of the spoken text, in order and not overlapping.

    A replacement's characters map onto the shown text the stretch stood for, spread evenly,
    so "till exempel" maps back onto "t.ex." and "fjorton" onto "14".
    """
    text, old = spoken.text, spoken.char_map
    edits = list(edits)
    out: list[str] = []
    pos = 0
    if all(isinstance(result, str) and len(result) == end - start for start, end, result in edits):
        # Each character replaced by one ("’" by "'"): the map stays as it is.
        for start, end, result in edits:
            out += (text[pos:start], cast(str, result))
            pos = end
        out.append(text[pos:])
        return Spoken("".join(out), old)
    cmap: list[int] = []
    for start, end, result in edits:
        out.append(text[pos:start])
        cmap.extend(old[pos:start])
        pieces = [(result, 0, end - start)] if isinstance(result, str) else result
        for said, a, b in pieces:
            a, b = a + start, b + start
            out.append(said)
            if len(said) == b - a:
                cmap.extend(old[a:b])
            else:
                cmap.extend([old[a + (i * (b - a)) // len(said)] for i in range(len(said))])
        pos = end
    out.append(text[pos:])
    cmap.extend(old[pos:])
    return Spoken("".join(out), tuple(cmap))


def apply_rules(spoken: Spoken, rules: tuple[Rule, ...]) -> Spoken:
    """Apply rules one after the other, skipping those whose trigger characters are absent."""
    index = rule_index(rules)
    chars = characters(spoken.text)
    wanted = index.wanted(chars)
    while wanted:
        lowest = wanted & -wanted
        later = ~((lowest << 1) - 1)  # the rules after this one
        wanted &= later
        number = lowest.bit_length() - 1
        scout = index.scouts[number]
        if scout is not None and not scout(spoken.text):
            continue
        repl = rules[number][1]
        edits = []
        for match in index.patterns[number].finditer(spoken.text):
            if (result := repl(match)) is not None:
                edits.append((match.start(), match.end(), result))
        if edits:
            spoken = splice(spoken, edits)
            # A rewrite may bring characters that later rules wait for ("&" said as "and").
            # Those it took away may stay in the set: a rule run in vain changes nothing.
            said = characters("".join(_said(result) for _start, _end, result in edits))
            if not said <= chars:
                chars |= said
                wanted |= index.wanted(chars) & later
    return spoken


def _said(result: str | Sequence[Piece]) -> str:
    return result if isinstance(result, str) else "".join(piece[0] for piece in result)


def tidy(spoken: Spoken) -> Spoken:
    """Collapse runs of spaces and commas left by rewrites and strip the ends."""
    if _UNTIDY.search(spoken.text):
        spoken = apply_rules(spoken, _TIDY)
    text = spoken.text
    stripped = text.strip(" ,;")
    if len(stripped) == len(text):
        return spoken
    start = len(text) - len(text.lstrip(" ,;"))
    end = start + len(stripped) if stripped else start
    return Spoken(text[start:end], spoken.char_map[start : end + 1])


_SPACES = re.compile(r"\s{2,}")
# "Sundsvall , Östersund": a space before a comma makes eSpeak pause twice.
_SPACE_BEFORE_STOP = re.compile(r"(?<=\S)\s(?=[,;.!?](?:\s|$))")
_DOUBLE_COMMA = re.compile(r",(?:\s*,)+\s*")
# Every match of the three holds a space before a space or a stop, or two commas: most
# sentences hold neither, and one quick scan finds that out.
_UNTIDY = re.compile(r"\s(?=[\s,;.!?])|,\s*,")
_TIDY: tuple[Rule, ...] = (
    (_SPACES, lambda m: " "),
    (_SPACE_BEFORE_STOP, lambda m: ""),
    (_DOUBLE_COMMA, lambda m: ", "),
)


def grouped(match: re.Match[str], readings: Sequence[tuple[int, str]], sep: str) -> list[Piece]:
    """Pieces for match groups read one by one, joined by `sep` spoken over the gaps."""
    base = match.start()
    pieces: list[Piece] = []
    previous_end = None
    for group, said in readings:
        start, end = match.start(group) - base, match.end(group) - base
        if previous_end is not None:
            pieces.append((sep, previous_end, start))
        pieces.append((said, start, end))
        previous_end = end
    return pieces


def spell_digits(digits: str, names: Sequence[str]) -> str:
    """Digits read one by one: "063" -> "noll sex tre"."""
    return " ".join(names[int(d)] for d in digits if d.isdigit())


def word_pattern(words: Sequence[str]) -> str:
    """An alternation of words, longest first, for use inside a larger pattern."""
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
