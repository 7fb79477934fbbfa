"""Caption cues a viewer can read: sentences split at phrase boundaries by their word timings.

The common subtitle rules (broadcasters' and streaming services' style guides agree on them):
at most two lines of at most 42 characters, each cue on screen between 1 and 7 seconds, and
a long sentence split where a speaker would breathe: after a comma or a colon, before "and"
or "which", never inside a name or between a number and its unit if it can be helped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from reader.model import Cue, Track
from reader.text.written import written_words

MAX_LINE = 42
MAX_LINES = 2
MIN_SECONDS = 1.0
MAX_SECONDS = 7.0
# Words after which a break reads well: the end of a clause or a list item.
CLAUSE_END = re.compile(r"[,;:)\]–—]$")
SENTENCE_END = re.compile(r"[.!?…]$")
# Words a phrase starts with: a break before them reads well (conjunctions, relative pronouns,
# prepositions, auxiliary verbs), per language.
PHRASE_STARTS = {
    "en": "and or but because which who whose that when where while if so as for to with from "
    "than into about after before during through under without has have had is are was were "
    "will would can could should must may might",
    "sv": "och eller men att som när där om för med från till utan eftersom då så under efter "
    "före genom mellan har hade är var blir blev ska skulle kan kunde måste får",
    "de": "und oder aber denn dass weil wenn als wie die der das mit für von bis ohne sowie nach "
    "vor durch über unter zwischen hat haben hatte ist sind war waren wird werden kann können "
    "soll muss",
    "nb": "og eller men at som når der om for med fra til uten fordi da så etter før gjennom "
    "mellom har hadde er var blir ble skal skulle kan kunne må",
    "fi": "ja tai mutta että joka jotka kun jos koska sekä kuin on ovat oli olivat",
}
# Words a noun phrase starts with: a break before them is better than between any two words.
NOUN_PHRASE_STARTS = {
    "en": "the a an this these those its their our his her",
    "sv": "en ett den det de denna detta dessa sin sitt sina",
    "de": "ein eine einen einem einer den dem des diese dieser dieses",
    "nb": "en ei et den det de denne dette disse sin sitt sine",
    "fi": "tämä tämän nämä se sen ne niiden",
}
# Penalties that choose between ways of splitting a sentence (lower is better).
COST_CUE = 10.0  # every cue: fewer cues are easier to follow
COST_BREAK = {"sentence": 0.0, "clause": 1.0, "phrase": 4.0, "noun phrase": 7.0, "word": 12.0}
COST_SHORT = 8.0  # a cue under MIN_SECONDS or a dangling word or two


@dataclass(frozen=True, slots=True, kw_only=True)
class Caption:
    """One caption cue: its time, its lines, and the language of what it shows."""

    t_start: float
    t_end: float
    lines: tuple[str, ...]
    lang: str


def captions(track: Track) -> list[Caption]:
    """The track's sentences as caption cues that follow the subtitle rules."""
    texts = {b.index: b.text for b in track.page.blocks} if track.page else {}
    words = _words_by_sentence(track)
    out: list[Caption] = []
    sentences = [c for c in track.timeline.of_kind("sentence") if c.t_end > c.t_start]
    for sentence in sentences:
        text = texts.get(sentence.block) or _padded(sentence)
        timed = words.get((sentence.block, sentence.sentence)) or _spread(sentence, text)
        out.extend(_split(sentence, text, timed))
    return _hold(out, track.duration)


def wrap(text: str, lang: str = "", width: int = MAX_LINE) -> tuple[str, ...]:
    """One line if it fits, else two lines as even as the words allow, the top one not ending
    in a word that opens a phrase ("the", "and") where another break fits."""
    if len(text) <= width or " " not in text:
        return (text,)
    code = lang.split("-")[0].lower()
    openers = set(PHRASE_STARTS.get(code, "").split()) | set(
        NOUN_PHRASE_STARTS.get(code, "").split()
    )
    best: tuple[tuple[bool, bool, int], tuple[str, ...]] | None = None
    for m in re.finditer(" ", text):
        top, bottom = text[: m.start()], text[m.end() :]
        longest = max(len(top), len(bottom))
        rank = (longest > width, top.rsplit(" ", 1)[-1].lower() in openers, longest)
        if best is None or rank < best[0]:
            best = (rank, (top, bottom))
    assert best is not None
    return best[1]


def fits(text: str) -> bool:
    """Whether the text fits in two caption lines."""
    return all(len(line) <= MAX_LINE for line in wrap(text)) and len(wrap(text)) <= MAX_LINES


def _words_by_sentence(track: Track) -> dict[tuple[int, int], list[Cue]]:
    words: dict[tuple[int, int], list[Cue]] = {}
    for cue in track.timeline.of_kind("word"):
        words.setdefault((cue.block, cue.sentence), []).append(cue)
    return words


def _padded(sentence: Cue) -> str:
    """A block text stand-in holding the sentence at its offsets (a track without its page)."""
    return " " * sentence.start + sentence.text


def _spread(sentence: Cue, text: str) -> list[Cue]:
    """Word timings estimated from the sentence's time when the speech gave none."""
    spans = written_words(text, sentence.start, sentence.end)
    total = sum(b - a for a, b in spans) or 1
    length = sentence.t_end - sentence.t_start
    cues, done = [], 0
    for a, b in spans:
        t0 = sentence.t_start + length * done / total
        done += b - a
        t1 = sentence.t_start + length * done / total
        shown = text[a:b]
        cues.append(
            replace(
                sentence,
                kind="word",
                t_start=t0,
                t_end=t1,
                start=a,
                end=b,
                text=shown,
                estimated=True,
            )
        )
    return cues


def _split(sentence: Cue, text: str, words: list[Cue]) -> list[Caption]:
    """Split one sentence where the cost of the cues is lowest (dynamic programming)."""
    words = [w for w in words if sentence.start <= w.start and w.end <= sentence.end]
    whole = " ".join(text[sentence.start : sentence.end].split())
    if not words or (fits(whole) and sentence.t_end - sentence.t_start <= MAX_SECONDS):
        return [_caption(whole, sentence.t_start, sentence.t_end, sentence.lang)]
    n = len(words)
    # Where each cue's text starts: the sentence's start, then each cue's first word.
    bounds = [sentence.start] + [w.start for w in words[1:]] + [sentence.end]
    kinds = [_break_kind(text, words, k, sentence.lang) for k in range(n)]
    best: list[tuple[float, int]] = [(0.0, -1)] + [(float("inf"), -1)] * n
    for end in range(1, n + 1):
        for begin in range(end - 1, -1, -1):
            chunk = " ".join(text[bounds[begin] : bounds[end]].split())
            t0 = sentence.t_start if begin == 0 else words[begin].t_start
            t1 = sentence.t_end if end == n else words[end].t_start
            single = end - begin == 1
            if not single and (not fits(chunk) or t1 - t0 > MAX_SECONDS):
                break  # longer chunks only get worse
            cost = best[begin][0] + COST_CUE + COST_BREAK[kinds[end - 1]]
            if t1 - t0 < MIN_SECONDS or (end - begin <= 2 and n > 2):
                cost += COST_SHORT
            if cost < best[end][0]:
                best[end] = (cost, begin)
    cuts, end = [], n
    while end > 0:
        cuts.append((best[end][1], end))
        end = best[end][1]
    out = []
    for begin, end in reversed(cuts):
        chunk = " ".join(text[bounds[begin] : bounds[end]].split())
        t0 = sentence.t_start if begin == 0 else words[begin].t_start
        t1 = sentence.t_end if end == n else words[end].t_start
        out.append(_caption(chunk, t0, t1, sentence.lang))
    return out


def _caption(text: str, t_start: float, t_end: float, lang: str) -> Caption:
    return Caption(t_start=t_start, t_end=t_end, lines=wrap(text, lang), lang=lang)


def _break_kind(text: str, words: list[Cue], k: int, lang: str) -> str:
    """How well a cue ends after word k: at the sentence's end, a clause's, a phrase's, or
    just between two words."""
    if k == len(words) - 1:
        return "sentence"
    after = text[words[k].start : words[k + 1].start].strip()
    if SENTENCE_END.search(after):
        return "sentence"
    if CLAUSE_END.search(after):
        return "clause"
    code, following = lang.split("-")[0].lower(), words[k + 1].text.lower()
    if following in PHRASE_STARTS.get(code, "").split():
        return "phrase"
    return "noun phrase" if following in NOUN_PHRASE_STARTS.get(code, "").split() else "word"


def _hold(cues: list[Caption], duration: float) -> list[Caption]:
    """Keep a short cue up for at least MIN_SECONDS where the pause after it allows."""
    out = []
    for i, cue in enumerate(cues):
        limit = cues[i + 1].t_start if i + 1 < len(cues) else max(duration, cue.t_end)
        t_end = min(max(cue.t_end, cue.t_start + MIN_SECONDS), limit)
        out.append(Caption(t_start=cue.t_start, t_end=t_end, lines=cue.lines, lang=cue.lang))
    return out
