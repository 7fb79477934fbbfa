"""Which characters a pattern cannot match without: a cheap test before running its regex.

A sentence passes through some forty normalisation patterns, and most find nothing (no digit,
no "@", no "§"). Testing a set of characters costs far less than scanning with a regex, so
each pattern gets, once, the characters of which every match holds at least one; a text
holding none of them is left alone without the scan. The set is read from the compiled
pattern itself, so a rule added to a language table is filtered without being declared.
When no such set can be proved (a match may be empty, or consist of any letter), the
pattern always runs.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache
from re import _casefix, _compiler, _constants, _parser  # type: ignore[attr-defined]
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from reader.text.gates import Gated

Trigger = frozenset[str]
# Stands for "a digit outside ASCII" in a text's characters: `\d` matches every Unicode
# decimal digit, and only texts that are not ASCII need the slower check.
OTHER_DIGIT = "\x00"
# Stands for "a character from HIGH_FROM up" (pictographs, emoji): a class of thousands of
# such characters is tested by a text's highest character, not one by one.
HIGH = "\x01"
HIGH_FROM = "\u2300"
ASCII_DIGITS = frozenset("0123456789")
# A character class larger than this is as good as "any character": not worth a test.
MAX_CLASS = 128
# Rule tables indexed at most (one per language and a few fixed ones).
MAX_TABLES = 256
# Rough frequency of a character in prose: letters and spaces match nearly every sentence,
# so among the required parts of a pattern the one made of rare characters is kept; a given
# capital is rarer than its small letter (most sentences hold only a few capitals).
_COMMON = frozenset(" .,abcdefghijklmnopqrstuvwxyzåäöéü")


def characters(text: str) -> frozenset[str]:
    """The characters of `text`, as triggers are tested against them."""
    if text.isascii():
        return frozenset(text)
    # A pattern that ignores case compares lower cases ("ẞ" matches "ß").
    chars = set(text)
    chars.update(text.lower())
    if _OTHER_DIGITS.search(text):
        chars.add(OTHER_DIGIT)
    if max(chars) >= HIGH_FROM:
        chars.add(HIGH)
    return frozenset(chars)


# A decimal digit other than 0-9 (Arabic-Indic, Devanagari, ...).
_OTHER_DIGITS = re.compile(r"(?![0-9])\d")


@lru_cache(maxsize=4096)
def trigger_of(pattern: re.Pattern[str] | Gated) -> Trigger | None:
    """Characters every match of `pattern` holds one of, or None when none can be proved."""
    try:
        parsed = _parser.parse(pattern.pattern, pattern.flags)
    except Exception:  # an unusual pattern is merely not filtered
        return None
    return _sequence(list(parsed), bool(pattern.flags & re.IGNORECASE))


def _sequence(items: list[tuple[Any, Any]], fold: bool) -> Trigger | None:
    """The rarest trigger among the parts a match of the sequence must contain."""
    found = [t for op, av in items if (t := _item(op, av, fold)) is not None]
    return min(found, key=_cost, default=None)


def _cost(trigger: Trigger) -> int:
    return sum(20 if c in _COMMON else 4 if c.lower() in _COMMON else 1 for c in trigger)


def _item(op: Any, av: Any, fold: bool) -> Trigger | None:
    c = _constants
    if op is c.LITERAL:
        return _folded({chr(av)}, fold)
    if op is c.IN:
        return _class(av, fold)
    if op in (c.MAX_REPEAT, c.MIN_REPEAT, getattr(c, "POSSESSIVE_REPEAT", None)):
        low, _high, sub = av
        return _sequence(list(sub), fold) if low >= 1 else None
    if op is c.SUBPATTERN:
        _group, add_flags, del_flags, sub = av
        if add_flags & re.IGNORECASE:
            fold = True
        if del_flags & re.IGNORECASE:
            fold = False
        return _sequence(list(sub), fold)
    if op is getattr(c, "ATOMIC_GROUP", None):
        return _sequence(list(av), fold)
    if op is c.ASSERT:
        # What a lookahead or lookbehind must see is in the text, if not in the match.
        _direction, sub = av
        return _sequence(list(sub), fold)
    if op is c.BRANCH:
        union: set[str] = set()
        for alternative in av[1]:
            trigger = _sequence(list(alternative), fold)
            if trigger is None:
                return None
            union |= trigger
        return frozenset(union)
    return None  # any character, a negated class, a negative assertion, a back-reference


def _class(items: list[tuple[Any, Any]], fold: bool) -> Trigger | None:
    c = _constants
    chars: set[str] = set()
    high = False  # a range of thousands of characters from HIGH_FROM up
    for op, av in items:
        if op is c.LITERAL:
            chars.add(chr(av))
        elif op is c.RANGE and av[1] - av[0] < MAX_CLASS:
            chars.update(chr(i) for i in range(av[0], av[1] + 1))
        elif op is c.RANGE and chr(av[0]) >= HIGH_FROM:
            high = True
        elif op is c.CATEGORY and av is c.CATEGORY_DIGIT:
            chars |= ASCII_DIGITS | {OTHER_DIGIT}
        else:
            return None  # negation, \w, \s, a wide range of common characters
    if high or len(chars) > MAX_CLASS:
        if fold:
            return None  # a case fold may bring a character below HIGH_FROM
        chars = {ch for ch in chars if ch < HIGH_FROM} | {HIGH}
    return _folded(chars, fold) if len(chars) <= MAX_CLASS else None


def _folded(chars: set[str], fold: bool) -> Trigger:
    """With IGNORECASE a character also stands for its other cases (and "ſ" for "s")."""
    if not fold:
        return frozenset(chars)
    out = set(chars)
    for ch in chars:
        for variant in (ch.lower(), ch.upper()):
            if len(variant) == 1:
                out.add(variant)
    fixes = _casefix._EXTRA_CASES
    for ch in list(out):
        out.update(chr(i) for i in fixes.get(ord(ch.lower()), ()))
    return frozenset(out)


@lru_cache(maxsize=4096)
def scout_of(pattern: re.Pattern[str] | Gated) -> re.Pattern[str] | None:
    """The pattern without the assertions it starts with, when it then starts with a class.

    A pattern that starts with a lookbehind or a word boundary is tried at every position of
    a text; one that starts with a literal or a class lets the regex engine skip to where
    that may match. Dropping assertions lets more texts match, never fewer, so a text the
    scout finds nothing in is one the pattern finds nothing in either.
    """
    source = pattern.pattern
    if re.search(r"\\\d|\(\?P=|\(\?\(", source):
        return None  # a back-reference may point into a dropped assertion
    try:
        parsed = _parser.parse(source, pattern.flags)
    except Exception:  # an unusual pattern is merely not scouted
        return None
    c = _constants
    items = list(parsed.data)
    lead = 0
    while lead < len(items) and items[lead][0] in (c.AT, c.ASSERT, c.ASSERT_NOT):
        lead += 1
    if lead == len(items) or pattern.flags & re.IGNORECASE:
        return None
    parsed.data = items[lead:]
    expanded = _class_first(parsed)
    if not (lead or expanded) or not _leads_with_class(parsed.data[0]):
        return None
    try:
        scout: re.Pattern[str] = _compiler.compile(parsed, pattern.flags)
    except Exception:
        return None
    return scout


def _class_first(parsed: Any) -> bool:
    """Write a leading repeat of one class as the class and the rest: "\\d{4}" as "\\d\\d{3}".

    The regex engine skips ahead only to a class that starts the pattern, groups opened.
    """
    c = _constants
    while (
        parsed.data
        and parsed.data[0][0] is c.SUBPATTERN
        and not (parsed.data[0][1][1] | parsed.data[0][1][2])
    ):
        parsed = parsed.data[0][1][3]
    if not parsed.data or parsed.data[0][0] is not c.MAX_REPEAT:
        return False
    low, high, sub = parsed.data[0][1]
    if low < 1 or len(sub.data) != 1 or sub.data[0][0] not in (c.IN, c.LITERAL):
        return False
    rest = (c.MAX_REPEAT, (low - 1, high if high is c.MAXREPEAT else high - 1, sub))
    parsed.data[0:1] = [sub.data[0], rest]
    return True


def _leads_with_class(item: tuple[Any, Any]) -> bool:
    c = _constants
    op, av = item
    while op is c.SUBPATTERN and not (av[1] | av[2]) and av[3].data:
        op, av = av[3].data[0]
    if op is c.BRANCH:
        return all(alt.data and alt.data[0][0] is c.LITERAL for alt in av[1])
    return op is c.LITERAL or op is c.IN


def scout_for(pattern: re.Pattern[str] | Gated) -> Callable[[str], object] | None:
    """A gated pattern's gate, else the search of the pattern's scout, else None."""
    gate = getattr(pattern, "gate", None)
    if gate is not None:
        return gate  # type: ignore[no-any-return]
    scout = scout_of(pattern)
    return scout.search if scout is not None else None


class RuleIndex:
    """A rule table's triggers as bit masks: which rules a text's characters may need."""

    def __init__(self, patterns: tuple[re.Pattern[str] | Gated, ...]) -> None:
        self.always = 0
        self.every = (1 << len(patterns)) - 1
        by_char: dict[str, int] = {}
        for number, pattern in enumerate(patterns):
            trigger = trigger_of(pattern)
            if trigger is None:
                self.always |= 1 << number
                continue
            for ch in trigger:
                by_char[ch] = by_char.get(ch, 0) | 1 << number
        self.by_char = by_char
        self.keys = frozenset(by_char)
        # Per rule, a cheap test every text it matches passes, where one helps, and the
        # pattern to scan with once the test is passed.
        self.scouts = tuple(scout_for(pattern) for pattern in patterns)
        self.patterns = tuple(getattr(pattern, "inner", pattern) for pattern in patterns)

    def wanted(self, chars: frozenset[str]) -> int:
        """A bit per rule that may match a text made of `chars`."""
        mask = self.always
        for ch in self.keys & chars:
            mask |= self.by_char[ch]
        return mask


_INDEXES: dict[int, tuple[object, RuleIndex]] = {}


def rule_index(rules: tuple[tuple[re.Pattern[str] | Gated, object], ...]) -> RuleIndex:
    """The index of a rule table; tables are built once per language, so indexes are too."""
    kept = _INDEXES.get(id(rules))
    if kept is not None and kept[0] is rules:
        return kept[1]
    index = RuleIndex(tuple(pattern for pattern, _repl in rules))
    if len(_INDEXES) < MAX_TABLES:
        _INDEXES[id(rules)] = (rules, index)  # the table is kept, so its id stays its own
    return index
