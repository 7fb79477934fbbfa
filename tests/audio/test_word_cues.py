"""Every written word of every sample page is timed: one cue per word, in order, in time."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from support import OSTERSUND, SAMPLES

from reader.model import Track
from reader.options import SpeechOptions
from reader.pipeline import read_page, render
from reader.speech import Engine, open_engine
from reader.text.written import written_words

PAGES = sorted(p for p in SAMPLES.glob("*.html") if p.name != "nothing-readable.html")


@pytest.fixture(scope="module")
def engine() -> Iterator[Engine]:
    opened = open_engine(SpeechOptions())
    yield opened
    opened.close()


def spoken(path: Path, engine: Engine) -> Track:
    return render(read_page(path), SpeechOptions(), engine)


def untimed(track: Track) -> tuple[int, list[str]]:
    """How many written words the sentences hold, and those no single word cue covers."""
    assert track.page is not None
    texts = {b.index: b.text for b in track.page.blocks}
    words = track.timeline.of_kind("word")
    total, missed = 0, []
    for sentence in track.timeline.of_kind("sentence"):
        text = texts[sentence.block]
        cues = [w for w in words if (w.block, w.sentence) == (sentence.block, sentence.sentence)]
        for start, end in written_words(text, sentence.start, sentence.end):
            if not any(c.isalnum() for c in text[start:end]):
                continue
            total += 1
            if not any(c.start <= start and end <= c.end for c in cues):
                missed.append(text[start:end])
    return total, missed


@pytest.mark.parametrize("path", PAGES, ids=lambda p: p.stem)
def test_written_words_have_a_cue_in_order_inside_their_sentence(
    path: Path, engine: Engine
) -> None:
    track = spoken(path, engine)
    total, missed = untimed(track)
    assert total > 20
    assert len(missed) <= 0.005 * total, missed
    words = track.timeline.of_kind("word")
    assert [w.t_start for w in words] == sorted(w.t_start for w in words)
    for a, b in zip(words, words[1:], strict=False):
        assert a.block != b.block or a.end <= b.start, (a.text, b.text)
    sentences = {(s.block, s.sentence): s for s in track.timeline.of_kind("sentence")}
    for word in words:
        sentence = sentences[(word.block, word.sentence)]
        assert sentence.t_start - 1e-9 <= word.t_start <= word.t_end <= sentence.t_end + 1e-9


def test_hyphenated_words_are_highlighted_whole(engine: Engine) -> None:
    words = [w.text for w in spoken(OSTERSUND, engine).timeline.of_kind("word")]
    assert "Co-operation" in words and "co-operation" in words
    assert "Co" not in words and "operation" not in words
