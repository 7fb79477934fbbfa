"""A sentence sounds the same everywhere: an exported file, the speakers and the web's clips.

Real eSpeak NG on every path: `reader export` (pipeline.render), `reader speak` (its clip
feed) and the served clip with its timing record (`/api/audio/<key>.json`).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask

from reader.audio.pauses import part_pause, sentence_pause
from reader.audio.play import ClipFeed
from reader.model import Cue
from reader.options import ReadOptions, SpeechOptions
from reader.pipeline import read_page, render
from reader_web.clips import ClipJob, ClipTiming

# One sentence in two languages, then each of its parts as a sentence of its own: the first
# is as long as the other two together plus the pause at the language change.
AREA = (
    '<p>The office is run jointly by: <span lang="sv">Jämtlands län.</span></p>'
    "<p>The office is run jointly by:</p>"
    '<p lang="sv">Jämtlands län.</p>'
)
PAGE = f'<html lang="en"><body><main>{AREA}</main></body></html>'
TEXTS = ["The office is run jointly by: Jämtlands län.", "The office is run jointly by:"]
TEXTS.append("Jämtlands län.")
# The served timing is rounded to the millisecond.
MS = 0.0015
# eSpeak NG carries a little state from one utterance into the next: the same English clause
# spoken right after a Swedish one can come out ~10 ms longer at its end. The paths are run one
# after another in one process, so they are compared to within that; a renderer that differed
# (a pause left out or not scaled, padding left in) differs by 25 ms or more.
CARRY_OVER = 0.012

Timed = tuple[float, list[tuple[int, int, float, float]]]  # duration, words


def exported(words_per_minute: int) -> list[Timed]:
    """Each sentence's length and words in an exported track (times from the sentence start)."""
    options = SpeechOptions(words_per_minute=words_per_minute)
    track = render(read_page(PAGE, ReadOptions(lang="en")), options)
    cues = track.timeline.of_kind("sentence")
    words = track.timeline.of_kind("word")
    assert [c.text for c in cues] == TEXTS
    return [(c.t_end - c.t_start, _words(w for w in words if _within(w, c))) for c in cues]


def spoken(words_per_minute: int) -> list[Timed]:
    """Each sentence's clip as `reader speak` plays it."""
    page = read_page(PAGE, ReadOptions(lang="en"))
    feed = ClipFeed(page, SpeechOptions(words_per_minute=words_per_minute))
    try:
        assert [s.text for s in feed.sentences] == TEXTS
        clips = []
        for index in range(len(TEXTS)):
            while (clip := feed.clip(index)) is None:
                with feed.ready:
                    feed.ready.wait(0.05)
            clips.append((clip.duration, _words(clip.words)))
        return clips
    finally:
        feed.close()


def served(app: Flask) -> list[Timed]:
    """Each sentence's clip as the widget gets it: the timing record the server answers."""
    client = app.test_client()
    answer = client.post("/api/read", json={"html": AREA, "lang": "en"}).get_json()
    entries = [s for block in answer["blocks"] for s in block["sentences"]]
    assert [s["text"] for s in entries] == TEXTS
    clips = []
    for entry in entries:
        timing: dict[str, Any] = client.get(entry["timing"]).get_json()
        assert ClipTiming.from_json(timing).to_json() == timing
        words = [(s, e, t0, t1) for s, e, t0, t1 in timing["words"]]
        clips.append((timing["duration"], words))
    return clips


def _within(word: Cue, sentence: Cue) -> bool:
    return (word.block, word.sentence) == (sentence.block, sentence.sentence)


def _words(cues: Any) -> list[tuple[int, int, float, float]]:
    cues = list(cues)
    origin = cues[0].t_start if cues else 0.0
    return [(c.start, c.end, c.t_start - origin, c.t_end - origin) for c in cues]


def same(a: Timed, b: Timed, duration_offset: float = 0.0) -> None:
    """Same length (after an offset) and the same words at the same times."""
    assert a[0] == pytest.approx(b[0] + duration_offset, abs=CARRY_OVER)
    assert [w[:2] for w in a[1]] == [w[:2] for w in b[1]]
    origin_a, origin_b = a[1][0][2], b[1][0][2]
    for x, y in zip(a[1], b[1], strict=True):
        assert x[2] - origin_a == pytest.approx(y[2] - origin_b, abs=CARRY_OVER)
        assert x[3] - origin_a == pytest.approx(y[3] - origin_b, abs=CARRY_OVER)


@pytest.mark.parametrize("words_per_minute", [175, 350])
def test_a_sentence_is_the_same_exported_spoken_and_served(
    app_factory: Callable[..., Flask], words_per_minute: int
) -> None:
    app = app_factory(READER_WORDS_PER_MINUTE=words_per_minute)
    files, speakers, web = exported(words_per_minute), spoken(words_per_minute), served(app)
    # A served clip carries the pause after a sentence: the widget plays clips back to back.
    after = sentence_pause(words_per_minute)
    for in_file, aloud, clip in zip(files, speakers, web, strict=True):
        same(aloud, in_file)
        same(clip, in_file, duration_offset=after)
        assert clip[1][0][2] == pytest.approx(aloud[1][0][2], abs=MS)  # first word, same time
    # The language change inside the first sentence is a pause of 50 ms at 175 words per
    # minute and half of it at 350, on every path.
    pause = part_pause(words_per_minute)
    assert pause == pytest.approx(0.05 * 175 / words_per_minute)
    for durations in (
        [d for d, _ in files],
        [d for d, _ in speakers],
        [d - after for d, _ in web],
    ):
        assert durations[0] == pytest.approx(durations[1] + durations[2] + pause, abs=CARRY_OVER)


def test_a_timing_record_of_another_shape_is_refused_not_misread() -> None:
    good = {"duration": 1.25, "words": [[0, 3, 0.03, 0.2]], "lang": "en", "estimated": False,
            "sample_rate": 22050}  # fmt: skip
    assert ClipTiming.from_json(good).to_json() == good
    for bad in (
        {**good, "words": [[0, 3, 0.03]]},
        {**good, "words": [["0", 3, 0.03, 0.2]]},
        {**good, "duration": None},
        {**good, "sample_rate": True},
        {k: v for k, v in good.items() if k != "lang"},
        [1.25],
    ):
        with pytest.raises(ValueError):
            ClipTiming.from_json(bad)  # type: ignore[arg-type]


def test_a_clip_job_survives_the_cache_and_keeps_its_address(app: Flask) -> None:
    from reader.pipeline import plan_sentences
    from reader_web.extensions import service_of

    service = service_of(app)
    options, engine_id = service.options, service.engine_info().id
    page = read_page(PAGE, ReadOptions(lang="en"))
    for sentence in plan_sentences(page, service.engine(), options):
        job = ClipJob.of(engine_id, options, sentence)
        again = ClipJob.from_json(json.loads(json.dumps(job.to_json())))
        assert again == job and ClipJob.of(engine_id, options, again.sentence).key == job.key
    with pytest.raises(ValueError):
        ClipJob.from_json({**job.to_json(), "parts": []})
