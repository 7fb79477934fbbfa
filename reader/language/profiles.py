"""Character models of languages, built from the n-gram profiles that langdetect ships.

langdetect's profiles (Apache-2.0, read from the installed package, never copied) count the
1-, 2- and 3-grams of Wikipedia text, with word boundaries as spaces. Read as an
interpolated character trigram model, P(char | two chars before), they score every
character of a short text, where langdetect samples n-grams at random and is weak on one
or two words. Models load lazily, once per process, and memoise per-trigram scores.
"""

from __future__ import annotations

import json
import math
from functools import cache, lru_cache
from importlib import resources

from reader.errors import ReaderError
from reader.langtag import primary

# langdetect has one Norwegian profile ("no", mostly Bokmål) and two Chinese ones.
PROFILE_ALIASES = {"nb": "no", "nn": "no", "no": "no", "zh": "zh-cn"}
# Interpolation weights of the trigram, bigram and unigram estimates and of a floor, so that
# an n-gram that the pruned profiles lack costs a lot but never excludes a language.
LAMBDAS = (0.6, 0.3, 0.09, 0.01)
FLOOR = 1e-4
# Endings say more about a language than the letters before them (-na, -ene, -ung).
END_WEIGHT = 1.4
# Word-final "character": the profiles count the boundary only inside n-grams ("du ").
END_UNIGRAM = 0.1
# Tags come from pages too: a bounded cache, so that many distinct tags cannot grow it.
LANGUAGE_CACHE = 256


@lru_cache(maxsize=LANGUAGE_CACHE)
def profile_name(tag: str) -> str:
    """The langdetect profile for a language tag, or "" when langdetect has none."""
    code = primary(tag)
    name = PROFILE_ALIASES.get(code, code)
    if name == "zh-cn" or name in _profile_names():
        return name
    return ""


@cache
def _profile_names() -> frozenset[str]:
    return frozenset(p.name for p in _profile_dir().iterdir())


def _profile_dir() -> resources.abc.Traversable:
    return resources.files("langdetect") / "profiles"


class CharModel:
    """An interpolated character trigram model of one language."""

    __slots__ = ("name", "_freq", "_unigrams", "_memo")

    def __init__(self, name: str, freq: dict[str, float], unigrams: float) -> None:
        self.name = name
        self._freq = freq
        self._unigrams = unigrams
        self._memo: dict[str, float] = {}

    def logprob(self, key: str) -> float:
        """log P(last char of `key` | the chars before it), `key` being 2 or 3 chars."""
        cached = self._memo.get(key)
        if cached is not None:
            return cached
        f = self._freq
        char = key[-1]
        p1 = END_UNIGRAM if char == " " else f.get(char, 0.0) / self._unigrams
        before = f.get(key[-2], 0.0)
        p2 = f.get(key[-2:], 0.0) / before if before else 0.0
        p3 = 0.0
        if len(key) == 3:
            history = f.get(key[:2], 0.0)
            p3 = f.get(key, 0.0) / history if history else 0.0
        value = math.log(LAMBDAS[0] * p3 + LAMBDAS[1] * p2 + LAMBDAS[2] * p1 + LAMBDAS[3] * FLOOR)
        if char == " ":
            value *= END_WEIGHT
        self._memo[key] = value
        return value


@cache
def char_model(name: str) -> CharModel:
    """The model of a langdetect profile, loaded once per process."""
    try:
        data = json.loads((_profile_dir() / name).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ReaderError(f"cannot read the language profile {name!r}: {exc}") from exc
    freq: dict[str, float] = {}
    for gram, count in data["freq"].items():
        # Case folded: "Lyssna" and "lyssna" are the same evidence.
        key = gram.lower()
        freq[key] = freq.get(key, 0.0) + count
    # The profiles never count a lone space; word starts are the sum of " x" bigrams.
    freq[" "] = sum(c for g, c in freq.items() if len(g) == 2 and g[0] == " ")
    return CharModel(name, freq, float(data["n_words"][0]))


class _Normaliser(dict[int, str]):
    """A `str.translate` table filled on first sight of each character."""

    def __missing__(self, code: int) -> str:
        # langdetect's own normalisation keeps our keys in the profiles' alphabet.
        from langdetect.utils.ngram import NGram

        value = NGram.normalize(chr(code))
        self[code] = value
        return value


_NORMALISE = _Normaliser()


def trigram_keys(text: str) -> list[str]:
    """The trigram keys of a text: per word, each char with up to two chars before it."""
    keys: list[str] = []
    for word in text.lower().translate(_NORMALISE).split():
        seq = f" {word} "
        keys.append(seq[:2])
        keys += [seq[i - 2 : i + 1] for i in range(2, len(seq))]
    return keys


@cache
def _table(names: tuple[str, ...]) -> dict[str, tuple[float, ...]]:
    return {}


def log_likelihoods(keys: list[str], names: tuple[str, ...]) -> dict[str, float]:
    """Summed log-probabilities of the keys under each named profile's model."""
    # One memo row per key for the whole set of profiles: a page repeats its trigrams.
    table = _table(names)
    rows = [table.get(key) for key in keys]
    for i, row in enumerate(rows):
        if row is None:
            key = keys[i]
            rows[i] = table[key] = tuple(char_model(name).logprob(key) for name in names)
    if not rows:
        return dict.fromkeys(names, 0.0)
    return dict(zip(names, map(sum, zip(*rows, strict=True)), strict=True))
