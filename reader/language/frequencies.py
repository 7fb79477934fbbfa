"""How often each word occurs in a language, from word lists derived from wordfreq's.

A character model guesses well from a sentence and poorly from one word: "behovet" and
"planering" look alike to Swedish and Norwegian models, while a list of the words each
language actually uses tells them apart. The lists in `data/` are made from wordfreq's
(by Robyn Speer and contributors, CC BY-SA 4.0, built from Wikipedia, subtitles, news,
books and web text; see data/README.md) by scripts/make_word_lists.py.

Each `data/<lang>.words` holds the words of one language that occur at least once in ten
million, as sorted 32-bit hashes with a frequency bin each: a few megabytes that load in
milliseconds. A word that is not listed matches a listed hash by chance once in about
twenty thousand look-ups, which costs nothing that the character model cannot outweigh.
"""

from __future__ import annotations

import hashlib
import math
import sys
from array import array
from bisect import bisect_left
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from pathlib import Path

from reader.errors import ReaderError
from reader.langtag import primary

# Languages with a list: those of Nordic public-sector sites that share the Latin script
# and that wordfreq has a large list of (a language alone in its script is told by the
# script; Danish has a small list only).
LANGUAGES = ("sv", "nb", "fi", "en", "de")
# wordfreq's frequency bins are one centibel wide (10^(-i/100)); ours four.
BIN_CENTIBELS = 4
# Kept: frequency ≥ 10^-7.
KEPT_CENTIBELS = 700
NATS_PER_BIN = BIN_CENTIBELS * math.log(10) / 100
# The list for the languages a site may name otherwise.
LIST_ALIASES = {"no": "nb"}
# Each word is looked up in every candidate's list: hashed once. Tags come from pages too:
# a bounded cache.
WORD_CACHE = 1 << 16
LANGUAGE_CACHE = 256


@dataclass(frozen=True, slots=True, kw_only=True)
class WordList:
    """Sorted word hashes of one language and the frequency bin of each."""

    keys: array[int]
    bins: bytes

    def log_frequencies(self, words: list[str]) -> list[float | None]:
        """Natural log of each word's frequency; None for a word not listed."""
        # A bisection per word: words come a few at a time, too few to pay for numpy's calls.
        found: list[float | None] = []
        keys = self.keys
        for word in words:
            key = word_hash(word)
            i = bisect_left(keys, key)
            hit = i < len(keys) and keys[i] == key
            found.append(-self.bins[i] * NATS_PER_BIN if hit else None)
        return found


@lru_cache(maxsize=WORD_CACHE)
def word_hash(word: str) -> int:
    """The 32-bit hash the lists are keyed by (of the case-folded word)."""
    return int.from_bytes(hashlib.blake2b(word.encode("utf-8"), digest_size=4).digest(), "little")


def data_path(lang: str) -> Path:
    return Path(str(resources.files("reader.language") / "data" / f"{lang}.words"))


@lru_cache(maxsize=LANGUAGE_CACHE)
def list_name(tag: str) -> str:
    """The word list for a language tag, or "" when there is none."""
    code = primary(tag)
    name = LIST_ALIASES.get(code, code)
    return name if name in LANGUAGES else ""


@cache
def word_list(name: str) -> WordList:
    """One language's list, loaded once per process."""
    try:
        raw = data_path(name).read_bytes()
        count = int.from_bytes(raw[:4], "little")
        keys = array("I", raw[4 : 4 + 4 * count])
        bins = raw[4 + 4 * count :]
    except (OSError, ValueError) as exc:
        raise ReaderError(f"cannot read the word list {name!r}: {exc}") from exc
    if sys.byteorder == "big":
        keys.byteswap()
    if len(keys) != count or len(bins) != count:
        raise ReaderError(f"the word list {name!r} is damaged")
    return WordList(keys=keys, bins=bins)
