"""How long the silence between two stretches of speech is, as a listener needs it."""

from __future__ import annotations

from reader.model import Page, Utterance
from reader.options import WORDS_PER_MINUTE

# Seconds of silence at the default speaking rate (shorter when faster). Headings get room
# before them (a new section) and a short breath after; parts of one sentence in another
# language follow almost without a gap.
PAUSE_PART = 0.05
PAUSE_SENTENCE = 0.35
PAUSE_BLOCK = 0.7
PAUSE_AFTER_HEADING = 0.55
PAUSE_BEFORE_HEADING = 1.0


def pause_between(
    page: Page, before: Utterance | None, after: Utterance | None, words_per_minute: int
) -> float:
    """Seconds of silence between two utterances (none at the start or the end)."""
    if before is None or after is None:
        return 0.0
    if after.block == before.block:
        seconds = PAUSE_PART if after.sentence == before.sentence else PAUSE_SENTENCE
    elif kind_of(page, after.block) == "heading":
        seconds = PAUSE_BEFORE_HEADING
    elif kind_of(page, before.block) == "heading":
        seconds = PAUSE_AFTER_HEADING
    else:
        seconds = PAUSE_BLOCK
    return seconds * WORDS_PER_MINUTE / max(words_per_minute, 1)


def kind_of(page: Page, index: int) -> str:
    """The kind of the block with this index (blocks may be a filtered selection)."""
    if index < len(page.blocks) and page.blocks[index].index == index:
        return page.blocks[index].kind
    return next((b.kind for b in page.blocks if b.index == index), "")
