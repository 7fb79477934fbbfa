"""How long the silence between two stretches of speech is, as a listener needs it.

Every pause scales with the speaking rate: at twice the words per minute, half the pause.
"""

from __future__ import annotations

from reader.model import Page, Sentence
from reader.options import WORDS_PER_MINUTE

# Seconds of silence at the default speaking rate (shorter when faster). Headings get room
# before them (a new section) and a short breath after; parts of one sentence in another
# language follow almost without a gap.
PAUSE_PART = 0.05
PAUSE_SENTENCE = 0.35
PAUSE_BLOCK = 0.7
PAUSE_AFTER_HEADING = 0.55
PAUSE_BEFORE_HEADING = 1.0


def scaled(seconds: float, words_per_minute: int) -> float:
    """A pause tuned at the default speaking rate, for speech at `words_per_minute`."""
    return seconds * WORDS_PER_MINUTE / max(words_per_minute, 1)


def part_pause(words_per_minute: int) -> float:
    """Seconds of silence between two parts of one sentence (a language change)."""
    return scaled(PAUSE_PART, words_per_minute)


def sentence_pause(words_per_minute: int) -> float:
    """Seconds of silence after a sentence when nothing more is known of what follows."""
    return scaled(PAUSE_SENTENCE, words_per_minute)


def pause_between(
    page: Page, before: Sentence | None, after: Sentence | None, words_per_minute: int
) -> float:
    """Seconds of silence between two sentences (none at the start or the end)."""
    if before is None or after is None:
        return 0.0
    if after.block == before.block:
        seconds = PAUSE_SENTENCE
    elif kind_of(page, after.block) == "heading":
        seconds = PAUSE_BEFORE_HEADING
    elif kind_of(page, before.block) == "heading":
        seconds = PAUSE_AFTER_HEADING
    else:
        seconds = PAUSE_BLOCK
    return scaled(seconds, words_per_minute)


def kind_of(page: Page, index: int) -> str:
    """The kind of the block with this index (blocks may be a filtered selection)."""
    if index < len(page.blocks) and page.blocks[index].index == index:
        return page.blocks[index].kind
    return next((b.kind for b in page.blocks if b.index == index), "")
