"""Blocks to utterances: sentences, split where the author marked another language, normalised.

Each utterance keeps the span of the block's text it stands for and a map from every spoken
character back to the shown text, so highlighting follows the speech.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator
from itertools import accumulate

from reader.langtag import rules_language
from reader.model import Block, LangSpan, Page, Utterance
from reader.options import SpeechOptions
from reader.text.normalize import normalize
from reader.text.sentences import split_sentences
from reader.text.spoken import Spoken

# Spoken text longer than this (UTF-8 bytes) is cut at a space: far below the ~14 KB that
# crashes the pyttsx3 eSpeak driver, and short enough that the first audio comes quickly.
MAX_SPOKEN_BYTES = 1500
# Punctuation that already tells eSpeak how a stretch ends.
CLOSING = ".,;:!?…؟"
FALLBACK_LANG = "en"
# After an inline span the rest of the sentence may start with the comma that followed it; the
# part before already ends in a pause, so the comma is neither shown nor said again.
LEADING_PAUSE = ",;:"


def to_utterances(page: Page, options: SpeechOptions) -> tuple[Utterance, ...]:
    """Every block's sentences as utterances in reading order, normalised for speech."""
    return tuple(u for block in page.blocks for u in _block_utterances(block, page, options))


def _block_utterances(block: Block, page: Page, options: SpeechOptions) -> Iterator[Utterance]:
    lang = block.lang or page.lang or page.declared_lang or FALLBACK_LANG
    spans = _SortedSpans(block.spans)
    sentence = 0
    for start, end in _broken(split_sentences(block.text, lang, block.kind), block.breaks):
        parts = [
            part
            for seg_start, seg_end, seg_lang in _segments(block, spans, start, end, lang)
            for part in _parts(block.text, seg_start, seg_end, seg_lang, options)
        ]
        for number, (spoken, part_start, part_end, part_lang) in enumerate(parts):
            if number < len(parts) - 1:
                spoken = _continuing(spoken)
            yield Utterance(
                block=block.index,
                sentence=sentence,
                part=number,
                text=spoken.text,
                start=part_start,
                end=part_end,
                lang=part_lang,
                char_map=spoken.char_map,
            )
        sentence += 1 if parts else 0


def _parts(
    text: str, start: int, end: int, lang: str, options: SpeechOptions
) -> Iterator[tuple[Spoken, int, int, str]]:
    """The spoken pieces of one stretch, with the span of the shown text each covers."""
    spoken = normalize(text[start:end], lang, offset=start, lexicon_dir=options.lexicon_dir)
    pieces = [p for p in _bounded(spoken) if _speakable(p.text)]
    for i, piece in enumerate(pieces):
        first = start if i == 0 else piece.char_map[0]
        last = end if i == len(pieces) - 1 else piece.char_map[-1]
        yield piece, first, last, lang


class _SortedSpans:
    """A block's spans by start, to find those that reach into a sentence without a scan."""

    def __init__(self, spans: tuple[LangSpan, ...]) -> None:
        self.spans = sorted(spans, key=lambda s: s.start)
        self.starts = [s.start for s in self.spans]
        self.reach = list(accumulate((s.end for s in self.spans), max))  # furthest end so far

    def within(self, start: int, end: int) -> list[LangSpan]:
        """The spans, in order, that may overlap [start, end): none before ends after `start`."""
        first = bisect_right(self.reach, start)
        return self.spans[first : bisect_left(self.starts, end)]


def _segments(
    block: Block, spans: _SortedSpans, start: int, end: int, lang: str
) -> Iterator[tuple[int, int, str]]:
    """Stretches of a sentence by language: the inline spans in their own, the rest in `lang`."""
    pieces, position = [], start
    # Only the spans that reach into the sentence: a block with thousands of spans and of
    # sentences would otherwise read every span for every sentence.
    for span in spans.within(start, end):
        lo, hi = max(span.start, position), min(span.end, end)
        if lo >= hi or rules_language(span.lang) == rules_language(lang):
            continue
        pieces += [(position, lo, lang), (lo, hi, span.lang)]
        position = hi
    pieces.append((position, end, lang))
    for lo, hi, piece_lang in pieces:
        while lo < hi and (block.text[lo].isspace() or block.text[lo] in LEADING_PAUSE):
            lo += 1
        while hi > lo and block.text[hi - 1].isspace():
            hi -= 1
        if lo < hi:
            yield lo, hi, piece_lang


def _broken(
    sentences: Iterable[tuple[int, int]], breaks: tuple[int, ...]
) -> Iterator[tuple[int, int]]:
    """Sentences cut at the block's breaks: a kicker is said apart, with a sentence's pause."""
    for lo, hi in sentences:
        for cut in breaks:
            if lo < cut < hi:
                yield lo, cut
                lo = cut
        yield lo, hi


def _speakable(text: str) -> bool:
    return _ALNUM.search(text) is not None


# A letter or a digit: a word character ("\\w" is str.isalnum() or "_") but "_".
_ALNUM = re.compile(r"[^\W_]")


def _continuing(spoken: Spoken) -> Spoken:
    """End a part that the sentence goes on after with a comma, so eSpeak does not fall."""
    if spoken.text.endswith(tuple(CLOSING)):
        return spoken
    return Spoken(spoken.text + ",", (*spoken.char_map, spoken.char_map[-1]))


def _bounded(spoken: Spoken) -> Iterator[Spoken]:
    """Cut spoken text that is still too long into pieces at spaces."""
    text, cmap = spoken.text, spoken.char_map
    while len(text.encode("utf-8")) > MAX_SPOKEN_BYTES:
        limit = MAX_SPOKEN_BYTES // 4
        cut = text.rfind(" ", 0, limit)
        cut = cut if cut > 0 else limit
        yield Spoken(text[:cut], cmap[: cut + 1])
        text, cmap = text[cut:].lstrip(), cmap[len(text) - len(text[cut:].lstrip()) :]
    yield Spoken(text, cmap)
