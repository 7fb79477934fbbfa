"""How likely each word of a text is in each candidate language, and how much it may count.

A word's probability in a language mixes what the language's word list says (wordfreq, see
frequencies.py) with what its character model says (profiles.py), so that a listed word is
as likely as its frequency and a name or rare word as likely as its letters make it. Names
(capitalised words inside a sentence) and words no candidate lists may tilt the balance by a
few nats only: "Living in Östersund" is as English as "Living in".
"""

from __future__ import annotations

import math
import re
from functools import lru_cache

from reader.langtag import primary
from reader.language.frequencies import WordList, list_name, word_list
from reader.language.profiles import log_likelihoods, profile_name, trigram_keys
from reader.language.words import COMMON_WORDS, spelling_counts

# A word's probability in a language is a mixture: this share from the language's word list
# (wordfreq), the rest from its character model, which scores names and rare words.
LOG_LIST_SHARE = math.log(0.5)
LOG_MODEL_SHARE = math.log(0.5)
# A word of the curated lists (menus, breadcrumbs, function words) is at least this frequent
# in its language, also where wordfreq has no list (Somali).
LOG_COMMON_WORD = math.log(1e-4)
# Nats for a curated common word of Nynorsk against Bokmål ("ikkje" against "ikke"), which
# share one character model: it outweighs the few nats a spelling gives either.
COMMON_WORD_WEIGHT = 8.0
# A language without a word list is scored by its character model alone; without this
# allowance it would lose to languages whose lists hold a few of its words by chance.
NO_LIST_BONUS = 2.0
# Compounds ("folkemusikkfestival", "Wärmebelastung") of listed words: a listed head of
# this many letters after a listed modifier of at least MIN_MODIFIER, linked as the
# languages link them; a compound is likelier than its parts' frequencies multiplied.
MIN_HEAD = 4
MIN_MODIFIER = 3
LINKS = ("s", "e", "es", "en", "er", "n")
COMPOUND_BONUS = 5.0
# Nats a name (a capitalised word inside a sentence) may give one language over another.
NAME_EVIDENCE = 2.0
# ... and a word that no candidate's word list knows, mostly names too ("Tana", "Jamtli").
UNLISTED_EVIDENCE = 5.0
# Between a word and the next, one of these starts a new sentence or item: its capital
# is not a name's.
SENTENCE_BREAK = re.compile(r"[.!?:;\n•·|]")
# Words repeat within a page and across a site: each is scored once per candidate set.
WORD_CACHE = 1 << 16
# Nats per telling spelling ("tion", "sch", "ø"): a hint, each worth less than a word.
SPELLING_WEIGHT = 1.5
# A language without a model (South Sami, Meänkieli) is taken to fit its own text this well,
# in nats per character: text in a modelled language fits its model better (a median of
# -2.5 on langid-dev sentences), text in another language fits every model worse (-3.2).
UNMODELLED_FIT = -2.85
# Candidate sets include the page's own tag: a bounded cache, as pages choose their tags.
LANGUAGE_CACHE = 256
WORD_RE = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")


def score_words(text: str, pool: tuple[str, ...]) -> tuple[list[float], int]:
    """Summed per-word scores of each candidate, and how many characters were scored."""
    totals = [0.0] * len(pool)
    scored = 0
    # In a block without lower case ("KONTAKTA OSS") capitals tell nothing of names.
    cased = any(ch.islower() for ch in text)
    matches = list(WORD_RE.finditer(text))
    # A line of capitalised words only ("Tana Liu", "Grand Hotel Des Palmes") is a name or a
    # title-case heading: its first word is no more telling than the others.
    all_capitals = len(matches) > 1 and all(m.group()[0].isupper() for m in matches)
    previous_end = -1
    for match in matches:
        token = match.group()
        scores, keys, listed = _word_scores(token.casefold(), pool)
        cap = math.inf if listed else UNLISTED_EVIDENCE
        if (
            cased
            and token[0].isupper()
            and (all_capitals or not _starts_sentence(text, previous_end, match))
        ):
            # A capital inside a sentence marks a name ("Living in Östersund", "Jamtli"):
            # it says little about the language of the words around it.
            cap = NAME_EVIDENCE
        if cap < math.inf:
            top = max(scores)
            scores = tuple(max(s, top - cap) for s in scores)
        totals = [t + s for t, s in zip(totals, scores, strict=True)]
        scored += keys
        previous_end = match.end()
    return totals, scored


def _starts_sentence(text: str, previous_end: int, match: re.Match[str]) -> bool:
    if previous_end < 0:
        return True
    return SENTENCE_BREAK.search(text, previous_end, match.start()) is not None


@lru_cache(maxsize=WORD_CACHE)
def _word_scores(word: str, pool: tuple[str, ...]) -> tuple[tuple[float, ...], int, bool]:
    """Log-probability of a (case-folded) word in each candidate, its character count, and
    whether any candidate's word list knows it."""
    keys = trigram_keys(word)
    profiles = tuple(profile_name(tag) for tag in pool)
    likelihoods = log_likelihoods(keys, tuple(sorted({p for p in profiles if p})))
    telling = dict(spelling_counts([word]))
    scores = []
    listed = False
    for tag, profile in zip(pool, profiles, strict=True):
        fit = likelihoods[profile] if profile else UNMODELLED_FIT * len(keys)
        known = _log_frequency(word, tag)
        listed = listed or known is not None
        if known is not None and list_name(tag):
            # A mixture of the word list and the character model: a listed word is as
            # likely as its frequency says, an unlisted one as its letters make it.
            score = _log_add(LOG_LIST_SHARE + known, LOG_MODEL_SHARE + fit)
        elif list_name(tag):
            score = LOG_MODEL_SHARE + fit
        else:
            score = fit + NO_LIST_BONUS
            if known is not None:
                # Its curated words ("waa", "iyo") are at least as likely as listed ones; a
                # short one ("in") is no likelier than in the languages that list it.
                score = max(score, LOG_LIST_SHARE + known)
        scores.append(score + SPELLING_WEIGHT * telling.get(primary(tag), 0))
    for i, sibling in _siblings(pool):
        # Nynorsk has no list but shares Bokmål's character model: it scores as Bokmål does,
        # apart from the words that only one of the two lists as common ("ikkje", "ikke").
        mine, theirs = _common_words(pool[i]), _common_words(pool[sibling])
        own = (word in mine) - (word in theirs)
        scores[i] = scores[sibling] + COMMON_WORD_WEIGHT * own
    return tuple(scores), len(keys), listed


@lru_cache(maxsize=LANGUAGE_CACHE)
def _siblings(pool: tuple[str, ...]) -> tuple[tuple[int, int], ...]:
    """(candidate without a word list, candidate with one that shares its character model)."""
    pairs = []
    for i, tag in enumerate(pool):
        profile = profile_name(tag)
        if list_name(tag) or not profile:
            continue
        sibling = next(
            (
                j
                for j, other in enumerate(pool)
                if list_name(other) and profile_name(other) == profile
            ),
            None,
        )
        if sibling is not None:
            pairs.append((i, sibling))
    return tuple(pairs)


def _log_add(a: float, b: float) -> float:
    top = max(a, b)
    return top + math.log(math.exp(a - top) + math.exp(b - top))


def _log_frequency(word: str, tag: str) -> float | None:
    """Natural log of the word's frequency in the language; None when no list has it."""
    name = list_name(tag)
    listed = word_list(name) if name else None
    found = listed.log_frequencies([word])[0] if listed else None
    if word in _common_words(tag):
        found = max(found if found is not None else -math.inf, LOG_COMMON_WORD)
    if found is None and listed:
        found = _compound(word, listed)
    return found


def _compound(word: str, listed: WordList) -> float | None:
    """How likely a compound of two listed words is ("matsked" from "mat" and "sked")."""
    cuts = range(MIN_MODIFIER, len(word) - MIN_HEAD + 1)
    heads = listed.log_frequencies([word[cut:] for cut in cuts]) if cuts else []
    best: float | None = None
    for cut, head in zip(cuts, heads, strict=True):
        if head is None:
            continue
        modifier = word[:cut]
        # Linking letters: "kommun-s-styrelse", "barn-e-hage", "arbeit-s-amt", "kind-er-garten".
        options = [modifier] + [modifier[: -len(link)] for link in LINKS if modifier.endswith(link)]
        found = [
            f
            for f in listed.log_frequencies([m for m in options if len(m) >= MIN_MODIFIER])
            if f is not None
        ]
        if found:
            score = head + max(found) + COMPOUND_BONUS
            best = score if best is None else max(best, score)
    return best


@lru_cache(maxsize=LANGUAGE_CACHE)
def _common_words(tag: str) -> frozenset[str]:
    return COMMON_WORDS.get(primary(tag), frozenset())
