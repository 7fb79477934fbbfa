"""The stages chained: the Östersund sample spoken, each block by its own language's voice."""

from __future__ import annotations

from pathlib import Path

from mutagen.mp3 import MP3
from support import OSTERSUND

from reader import SpeechOptions, export_page, read_page
from reader.model import Clip
from reader.speech import Engine, open_engine

SWEDISH_HEADING = "Sundsvall, Östersund och Trondheim"


class Recording:
    """The real engine, remembering which voice spoke which text."""

    def __init__(self, engine: Engine) -> None:
        self.engine, self.name, self.calls = engine, engine.name, []

    def voices(self):  # type: ignore[no-untyped-def]
        return self.engine.voices()

    def synthesize(self, text: str, voice: str, words_per_minute: int, volume: float = 1.0) -> Clip:
        self.calls.append((text, voice))
        return self.engine.synthesize(text, voice, words_per_minute, volume)

    def close(self) -> None:
        self.engine.close()


def test_swedish_heading_is_spoken_by_the_swedish_voice_and_english_by_english(
    tmp_path: Path,
) -> None:
    page = read_page(OSTERSUND)
    engine = Recording(open_engine(SpeechOptions()))
    try:
        track = export_page(page, tmp_path / "page.mp3", SpeechOptions(), engine)
        spoken, voice = next((t, v) for t, v in engine.calls if t.startswith("Sundsvall, "))
        assert voice.lower() == "gmq/sv"
        others = {v.lower() for t, v in engine.calls if t != spoken}
        assert others == {"gmw/en-us"}  # every other block of the article is English
        swedish = engine.engine.synthesize(spoken, voice, 175)
        english = engine.engine.synthesize(spoken, "gmw/en-US", 175)
        assert swedish.pcm != english.pcm
    finally:
        engine.close()
    cue = next(c for c in track.timeline.of_kind("sentence") if c.text == SWEDISH_HEADING)
    assert cue.lang == "sv"
    assert abs(MP3(tmp_path / "page.mp3").info.length - track.duration) < 0.1 * track.duration
