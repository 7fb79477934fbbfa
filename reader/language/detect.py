"""Which of a site's languages a text is in, from the text alone plus an optional prior.

Evidence: the script of its letters, then per word (scores.py) each language's word list
(wordfreq), character trigram model (langdetect's profiles) and telling spellings, with
names counting little. Deterministic: no sampling, no
randomness, the same text and candidates give the same answer in every process.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

from reader.language.profiles import profile_name
from reader.language.scores import score_words
from reader.language.words import SCRIPT_FALLBACK, dominant_script, language_script

# Enough characters to decide any block; longer text only costs time.
MAX_CHARS = 400
# Web and e-mail addresses carry letters but no language: such a block takes the page's.
# An address starts where a run of its characters starts: tried from inside a run (a long
# word without "@") it failed once per character, each time reading to the run's end.
ADDRESS_RE = re.compile(r"(?:https?://|www\.)\S+|(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.I)
NO_DIGITS = str.maketrans("0123456789", " " * 10)
# Menus, breadcrumbs and footers repeat on every page of a site: each is scored once.
EVIDENCE_CACHE = 4096
# Candidate sets include the page's own tag: a bounded cache, as pages choose their tags.
LANGUAGE_CACHE = 256
# Only texts up to this long are kept: those are the ones that repeat, and a server must not
# hold on to the long texts of every page it has read.
CACHED_TEXT = 1000


@dataclass(frozen=True, slots=True, kw_only=True)
class Guess:
    """The likeliest language of a text and the probability of each candidate."""

    lang: str
    confidence: float
    probabilities: tuple[tuple[str, float], ...]
    evidence: int  # characters scored; 0 when decided by script alone


@dataclass(frozen=True, slots=True, kw_only=True)
class Evidence:
    """What a text says about each candidate language, in nats, before any prior."""

    candidates: tuple[str, ...]
    scores: tuple[float, ...]
    evidence: int

    def guess(self, prior: Mapping[str, float] | None = None) -> Guess:
        """The likeliest candidate once `prior` (nats per candidate) is added."""
        if not prior:
            return _plain_guess(self)
        return _ranked(self, prior)


@lru_cache(maxsize=EVIDENCE_CACHE)
def _plain_guess(evidence: Evidence) -> Guess:
    # Asked for several times per block (the page's language, then the block's): made once.
    return _ranked(evidence, None)


def _ranked(evidence: Evidence, prior: Mapping[str, float] | None) -> Guess:
    candidates, scores = evidence.candidates, evidence.scores
    if prior:
        scores = tuple(s + prior.get(c, 0.0) for c, s in zip(candidates, scores, strict=True))
    top = max(scores)
    weights = [math.exp(s - top) for s in scores]
    total = sum(weights)
    # Ties go to the earlier candidate: the site lists its languages in its own order.
    ranked = sorted(range(len(scores)), key=lambda i: (-weights[i], i))
    probabilities = tuple((candidates[i], weights[i] / total) for i in ranked)
    lang, confidence = probabilities[0]
    return Guess(
        lang=lang, confidence=confidence, probabilities=probabilities, evidence=evidence.evidence
    )


def read_evidence(text: str, candidates: tuple[str, ...]) -> Evidence | None:
    """What the text says about each candidate; None when it has no words to go on."""
    # Addresses and digits say nothing of a language (the character model reads digits as
    # spaces): without them, table cells and dates that differ in their numbers are one text.
    text = ADDRESS_RE.sub(" ", text).translate(NO_DIGITS)
    if len(text) > CACHED_TEXT:
        return _read_evidence(text, candidates)
    return _cached_evidence(text, candidates)


@lru_cache(maxsize=EVIDENCE_CACHE)
def _cached_evidence(text: str, candidates: tuple[str, ...]) -> Evidence | None:
    return _read_evidence(text, candidates)


def _read_evidence(text: str, candidates: tuple[str, ...]) -> Evidence | None:
    script = dominant_script(text)
    pool = _candidates_for_script(script, candidates) if script else ()
    if not pool:
        return None
    if len(pool) == 1:
        return Evidence(candidates=pool, scores=(0.0,), evidence=0)
    scores, scored = score_words(text[:MAX_CHARS], pool)
    return Evidence(candidates=pool, scores=tuple(scores), evidence=scored)


def guess_language(
    text: str, candidates: tuple[str, ...], prior: Mapping[str, float] | None = None
) -> Guess | None:
    """The likeliest candidate for `text` (None when it has no letters); `prior` in nats."""
    evidence = read_evidence(text, candidates)
    return evidence.guess(prior) if evidence else None


@lru_cache(maxsize=LANGUAGE_CACHE)
def _candidates_for_script(script: str, candidates: tuple[str, ...]) -> tuple[str, ...]:
    same = tuple(c for c in candidates if language_script(c) == script)
    if any(profile_name(c) for c in same):
        return same
    # A text in a script none of the site's languages uses (or none that has a model) is
    # told apart among the languages of that script rather than forced into a wrong one.
    return same + tuple(c for c in SCRIPT_FALLBACK.get(script, ()) if c not in same)
