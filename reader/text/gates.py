"""Gates: a cheap test in front of a pattern that would otherwise scan nearly every sentence.

Web addresses and abbreviations hold only common characters (letters and a dot), so the
character triggers of `reader/text/triggers.py` cannot skip them, and their patterns try an
alternation at every word of every sentence. Each has a literal it cannot match without
("://", a dot after a known top-level domain, a dot closing the first part of a known
abbreviation); a gate searches for that first, with a pattern that starts on the literal so
the regex engine skips to it. A gate only ever says "maybe": it is a necessary condition
of a match, so a text it lets through is scanned as before and what is said is unchanged.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Gated:
    """A pattern scanned only in texts that pass `gate` (true for every text it matches)."""

    inner: re.Pattern[str]
    gate: Callable[[str], object]

    @property
    def pattern(self) -> str:
        return self.inner.pattern

    @property
    def flags(self) -> int:
        return self.inner.flags

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        """The matches of the inner pattern; none, without a scan, when the gate is shut."""
        return self.inner.finditer(text) if self.gate(text) else iter(())


def url_gate(top_level_domains: Iterable[str]) -> Callable[[str], object]:
    """A web address holds "://", "www." or a dot before a top-level domain that ends a word.

    The address pattern's tail (a path, or punctuation and a space or the end) never starts
    with a word character or "-", so the domain is followed by neither. Cases are folded as
    in the address pattern (IGNORECASE), so the gate matches what it matches.
    """
    domains = "|".join(top_level_domains)
    dot = re.compile(rf"\.(?:(?<=(?i:www)\.)|(?i:{domains})(?![\w-]))")
    return lambda text: "://" in text or dot.search(text)


def abbreviation_gate(written: Iterable[str]) -> Callable[[str], object]:
    """An abbreviation holds its first part up to the first dot, at the start of a token.

    Abbreviations without a dot ("ca", "t ex") are searched for as a whole, as the
    abbreviation pattern does; there are few of them.
    """
    dotted: dict[int, list[str]] = {}
    plain: list[str] = []
    for form in sorted(written, key=len, reverse=True):
        first = form.find(".")
        if first < 0:
            plain.append(_literal(form))
            continue
        part = form[: first + 1]
        dotted.setdefault(len(part), []).append(_literal(part))
    # A lookbehind needs one width, so the parts are grouped by their length.
    behinds = "|".join(
        rf"(?<=(?<![\w.])(?:{'|'.join(parts)}))" for _width, parts in sorted(dotted.items())
    )
    dot = re.compile(rf"\.(?:{behinds})") if behinds else None
    word = re.compile(rf"(?<![\w.])(?:{'|'.join(plain)})(?!\w)") if plain else None
    return lambda text: (
        (dot is not None and dot.search(text)) or (word is not None and word.search(text))
    )


def _literal(word: str) -> str:
    """A written form as the abbreviation pattern has it: capitals only as written."""
    return re.escape(word) if word != word.lower() else f"(?i:{re.escape(word)})"
