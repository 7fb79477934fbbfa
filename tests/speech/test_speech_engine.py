"""Both speech engines, for real: what comes out of eSpeak NG through each of them."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

from reader.errors import SpeechError, UsageError
from reader.model import Clip
from reader.options import SpeechOptions
from reader.speech import ENGINES, Engine, open_engine
from reader.speech.clips import MAX_TEXT_BYTES, estimated_marks, exact_marks
from reader.speech.espeak_ffi import WordEvent
from reader.speech.piper_engine import PiperEngine
from reader.speech.piper_voice import installed_voices

SV = "gmq/sv"
EN = "gmw/en"
NEURAL_SV = "piper:sv_SE-test-medium"
NEURAL_EN = "piper:en_US-joe-medium"
SHORT = "Välkommen till Östersund."
LONG = "Välkommen till Östersund. Kommunen samarbetar med städer i Norge och i Europa."


@dataclass(frozen=True)
class Speaker:
    """An engine and its Swedish and English voices."""

    engine: Engine
    sv: str
    en: str


@pytest.fixture(scope="module", params=["espeak", "pyttsx3", "piper"])
def speaker(request: pytest.FixtureRequest, neural_voices: Path) -> Iterator[Speaker]:
    if request.param == "piper":
        # The neural engine alone, with the bundled English voice and a Swedish copy of it.
        opened: Engine = PiperEngine(installed_voices(neural_voices), threads=1)
        yield Speaker(engine=opened, sv=NEURAL_SV, en=NEURAL_EN)
    else:
        opened = open_engine(SpeechOptions(engine=request.param))
        yield Speaker(engine=opened, sv=SV, en=EN)
    opened.close()


def samples(clip: Clip) -> np.ndarray:
    return np.frombuffer(clip.pcm, dtype="<i2")


def rms(clip: Clip) -> float:
    return float(np.sqrt(np.mean(samples(clip).astype(np.float64) ** 2)))


def test_clip_is_mono_16_bit_at_the_declared_rate(speaker: Speaker) -> None:
    clip = speaker.engine.synthesize(SHORT, speaker.sv, 175)
    assert clip.sample_rate == 22050
    assert len(clip.pcm) % 2 == 0
    assert 0.8 < clip.duration < 4.0
    assert clip.voice.lower() == speaker.sv.lower()


def test_audio_is_neither_silent_nor_clipped(speaker: Speaker) -> None:
    clip = speaker.engine.synthesize(LONG, speaker.sv, 175)
    peak = int(np.abs(samples(clip).astype(np.int32)).max())
    assert peak < 32767
    assert rms(clip) > 300


def test_swedish_and_english_voices_sound_different(speaker: Speaker) -> None:
    swedish = speaker.engine.synthesize("Sundsvall och Trondheim", speaker.sv, 175)
    english = speaker.engine.synthesize("Sundsvall och Trondheim", speaker.en, 175)
    assert (
        swedish.voice.lower() == speaker.sv.lower() and english.voice.lower() == speaker.en.lower()
    )
    a, b = samples(swedish), samples(english)
    n = min(len(a), len(b))
    difference = np.abs(a[:n].astype(np.int32) - b[:n].astype(np.int32)).mean()
    assert abs(len(a) - len(b)) > 0.05 * n or difference > 0.5 * rms(swedish)


def test_duration_grows_with_text_and_shrinks_with_rate(speaker: Speaker) -> None:
    short = speaker.engine.synthesize(SHORT, speaker.sv, 175)
    long = speaker.engine.synthesize(LONG, speaker.sv, 175)
    fast = speaker.engine.synthesize(LONG, speaker.sv, 350)
    assert long.duration > 2 * short.duration
    assert fast.duration < 0.7 * long.duration


def test_every_change_of_rate_and_voice_takes_effect(speaker: Speaker) -> None:
    # pyttsx3 lost a rate set just before runAndWait() when the engine was not idle.
    slow = {v: speaker.engine.synthesize(SHORT, v, 120).duration for v in (speaker.sv, speaker.en)}
    fast = {v: speaker.engine.synthesize(SHORT, v, 360).duration for v in (speaker.sv, speaker.en)}
    for i in range(12):
        voice, rate = (speaker.sv, speaker.en)[i % 2], (120, 360)[i // 2 % 2]
        clip = speaker.engine.synthesize(SHORT, voice, rate)
        expected = (slow if rate == 120 else fast)[voice]
        assert clip.voice.lower() == voice.lower()
        # A neural model samples its phoneme durations (noise_w), so a sentence's length varies
        # from one call to the next; a rate 3x faster still shortens it far beyond that spread.
        spread = 0.25 if speaker.engine.name == "piper" else 0.1
        assert clip.duration == pytest.approx(expected, rel=spread)


def test_lower_volume_is_quieter(speaker: Speaker) -> None:
    loud = speaker.engine.synthesize(SHORT, speaker.sv, 175, 1.0)
    quiet = speaker.engine.synthesize(SHORT, speaker.sv, 175, 0.3)
    assert rms(quiet) < 0.5 * rms(loud)


def test_word_marks_are_monotone_and_inside_the_clip(speaker: Speaker) -> None:
    clip = speaker.engine.synthesize(LONG, speaker.sv, 175)
    # eSpeak NG reports each word's time; a neural model's are estimated from its phonemes.
    assert clip.words_estimated == (speaker.engine.name == "piper")
    spoken = [LONG[w.start : w.end] for w in clip.words]
    assert spoken == [w.strip(".") for w in LONG.split()]
    times = [w.t_start for w in clip.words]
    assert times == sorted(times) and times[0] < 0.2
    assert all(w.t_start < w.t_end <= clip.duration + 1e-9 for w in clip.words)
    # "samarbetar" starts well into the sentence, after the first sentence's pause.
    assert clip.words[4].t_start > 0.3 * clip.duration


def test_word_marks_count_characters_not_bytes(speaker: Speaker) -> None:
    text = "Östersund – 100 € för två 🙂 ärenden."
    clip = speaker.engine.synthesize(text, speaker.sv, 175)
    spoken = [text[w.start : w.end] for w in clip.words]
    assert spoken[0] == "Östersund" and spoken[-1] == "ärenden"
    assert {"€", "för", "två"} <= set(spoken)
    assert all(word.strip() == word and word for word in spoken)


def test_exact_marks_keep_only_forward_moving_words() -> None:
    events = [
        WordEvent(position=1, length=3, sample=0),
        WordEvent(position=5, length=2, sample=2205),
        WordEvent(position=3, length=2, sample=3000),  # backwards in the text: dropped
        WordEvent(position=7, length=1, sample=4000),  # the space after a word: dropped
        WordEvent(position=8, length=3, sample=4410),
    ]
    marks = exact_marks("Hej på dig", events, 22050, 22050)
    assert [(m.start, m.end) for m in marks] == [(0, 3), (4, 6), (7, 10)]
    assert [m.t_start for m in marks] == [0.0, 0.1, 0.2]
    assert [m.t_end for m in marks] == [0.1, 0.2, 1.0]


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("International Co-operation: she's a 32-year-old in t-shirts, they're here.", "en"),
        ("Der FDP-Chef hat's am 10.11.2021 gesagt.", "sv"),
        ("Kommunens e-tjänst och region´s EU-projekt.", "sv"),
    ],
)
def test_every_written_word_gets_one_mark_spanning_all_of_it(
    speaker: Speaker, text: str, lang: str
) -> None:
    # eSpeak marks "Co" of "Co-operation", nothing of "of the"'s "the", and "32" twice.
    clip = speaker.engine.synthesize(text, speaker.en if lang == "en" else speaker.sv, 175)
    spoken = [text[w.start : w.end] for w in clip.words]
    assert spoken == [w.strip(".,:") for w in text.split()]
    pairs = zip(clip.words, clip.words[1:], strict=False)
    assert all(a.t_end <= b.t_start + 1e-9 for a, b in pairs)
    assert all(w.t_end > w.t_start for w in clip.words)


def test_words_without_an_event_share_the_time_of_the_word_before() -> None:
    events = [
        WordEvent(position=1, length=2, sample=0),  # "of", and nothing for "the"
        WordEvent(position=8, length=4, sample=11025),
    ]
    marks = exact_marks("of the king", events, 22050, 22050)
    assert [(m.start, m.end) for m in marks] == [(0, 2), (3, 6), (7, 11)]
    assert [m.t_start for m in marks] == [0.0, 0.2, 0.5]
    assert [m.t_end for m in marks] == [0.2, 0.5, 1.0]


def test_an_unknown_voice_is_an_error_not_english(speaker: Speaker) -> None:
    with pytest.raises(SpeechError, match="not installed"):
        speaker.engine.synthesize(SHORT, "gmq/xx-nonexistent", 175)
    after = speaker.engine.synthesize(SHORT, speaker.sv, 175)
    assert after.voice.lower() == speaker.sv.lower() and after.duration > 0.8


@pytest.mark.parametrize(
    ("text", "rate", "volume", "message"),
    [
        ("a" * (MAX_TEXT_BYTES + 1), 175, 1.0, "too long"),
        ("ö" * (MAX_TEXT_BYTES // 2 + 1), 175, 1.0, "too long"),
        (SHORT, 20, 1.0, "rate"),
        (SHORT, 175, 1.5, "volume"),
    ],
)
def test_bad_requests_are_refused(
    speaker: Speaker, text: str, rate: int, volume: float, message: str
) -> None:
    with pytest.raises(SpeechError, match=message):
        speaker.engine.synthesize(text, speaker.sv, rate, volume)


def test_punctuation_alone_gives_an_empty_clip(speaker: Speaker) -> None:
    clip = speaker.engine.synthesize(" – ", speaker.sv, 175)
    assert clip.pcm == b"" and clip.words == ()


def test_calls_from_two_threads_all_arrive(speaker: Speaker) -> None:
    texts = {f"{name} {i}": name for name in ("Ett", "Två") for i in range(1, 6)}
    clips: dict[str, Clip] = {}
    errors: list[BaseException] = []

    def speak(name: str) -> None:
        for text, owner in texts.items():
            if owner == name:
                try:
                    clips[text] = speaker.engine.synthesize(text, speaker.sv, 175)
                except BaseException as exc:  # noqa: BLE001 - asserted below
                    errors.append(exc)

    threads = [threading.Thread(target=speak, args=(name,)) for name in ("Ett", "Två")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert sorted(clips) == sorted(texts)
    for text, clip in clips.items():
        assert [text[w.start : w.end] for w in clip.words] == text.split()


def test_a_closed_engine_refuses_work() -> None:
    for name in ENGINES:
        engine = open_engine(SpeechOptions(engine=name))
        engine.close()
        with pytest.raises(SpeechError, match="closed"):
            engine.synthesize(SHORT, SV, 175)


def test_an_unknown_engine_name_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="unknown speech engine"):
        open_engine(SpeechOptions(engine="festival"))


def test_pyttsx3_prints_nothing(capfd: pytest.CaptureFixture[str]) -> None:
    engine = open_engine(SpeechOptions(engine="pyttsx3"))
    try:
        engine.synthesize(SHORT, SV, 175)
    finally:
        engine.close()
    out, err = capfd.readouterr()
    assert "Audio saved" not in out and out == "" and err == ""


def test_estimated_marks_share_out_the_duration_by_length() -> None:
    marks = estimated_marks("ab abcd  ef", 2.0)
    assert [(m.start, m.end) for m in marks] == [(0, 2), (3, 7), (9, 11)]
    assert marks[0].t_start == 0.0 and marks[-1].t_end == pytest.approx(2.0)
    assert marks[1].t_end - marks[1].t_start == pytest.approx(1.0)
