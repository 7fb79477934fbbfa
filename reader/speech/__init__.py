"""Speech engines: one protocol, a direct libespeak-ng engine, a pyttsx3 engine, neural voices.

    open_engine(options) ──▶ Engine ──synthesize(text, voice, words_per_minute, volume)──▶ Clip
    plan_voices(utterances, page, engine, options) ──▶ utterances with their voice ids

"auto" is the direct eSpeak NG engine (no threads, no temporary files, about half the wall
time of pyttsx3 even used well, bench/speech.py) joined by the neural voices installed
(the `neural` extra and the voices folder), which then speak their languages. pyttsx3 stays
selectable. Every engine passes the same tests.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from typing import TYPE_CHECKING, Protocol

from reader.errors import UsageError
from reader.model import Clip, Page, Utterance, Voice
from reader.options import ENGINE_CHOICES, SpeechOptions
from reader.speech.voices import MissingVoice, VoicePlan, plan, speaks, voice_for

if TYPE_CHECKING:
    from reader.speech.piper_engine import PiperEngine

# Engine names accepted by `SpeechOptions.engine`: "auto" is eSpeak NG with the neural voices
# installed; "piper" insists on them; "espeak" and "pyttsx3" are eSpeak NG alone.
ENGINES = ENGINE_CHOICES[1:]
# Set to "off" to leave installed neural voices unused by "auto" (eSpeak NG everywhere).
NEURAL_ENV = "READER_NEURAL"
# What a user without neural voices is told once, where voices are listed.
NEURAL_HINT = "natural voices: pip install 'reader[neural]' (see docs/voices.md)"

__all__ = [
    "ENGINES",
    "Engine",
    "MissingVoice",
    "list_voices",
    "VoicePlan",
    "open_engine",
    "speak_in_pieces",
    "plan_voices",
    "voice_for",
    "voice_plan",
]

LOG = logging.getLogger("reader")


class Engine(Protocol):
    """Turns one utterance's text into a clip; calls from several threads are serialised."""

    name: str
    version: str

    def voices(self) -> tuple[Voice, ...]: ...

    def synthesize(
        self, text: str, voice: str, words_per_minute: int, volume: float = 1.0
    ) -> Clip: ...

    def close(self) -> None: ...


def speak_in_pieces(
    engine: Engine, text: str, voice: str, words_per_minute: int, volume: float = 1.0
) -> Iterator[Clip]:
    """An utterance's clip in the pieces the engine makes it in, each as soon as it is made:
    clause by clause for a neural voice (`stream`), whole for eSpeak NG."""
    stream = getattr(engine, "stream", None)
    if callable(stream):
        yield from stream(text, voice, words_per_minute, volume)
    else:
        yield engine.synthesize(text, voice, words_per_minute, volume)


def open_engine(options: SpeechOptions, threads: int = 0) -> Engine:
    """Open the engine the options name ("auto" adds installed neural voices to eSpeak NG).

    `threads` bounds a neural model's threads (0: one per core), so that several synthesis
    processes do not fight over the cores."""
    name = options.engine
    if name in ("auto", "piper", "espeak"):
        from reader.speech.espeak_engine import EspeakEngine

        espeak = EspeakEngine()
        neural = None if name == "espeak" else neural_engine(options, threads, name == "piper")
        if neural is None:
            return espeak
        from reader.speech.router import VoiceRouter

        return VoiceRouter(espeak, neural)
    if name == "pyttsx3":
        from reader.speech.pyttsx3_engine import Pyttsx3Engine

        return Pyttsx3Engine()
    choices = ", ".join(ENGINE_CHOICES)
    raise UsageError(f"unknown speech engine {options.engine!r} (choose {choices})")


def neural_engine(options: SpeechOptions, threads: int, required: bool) -> PiperEngine | None:
    """The neural engine over the installed voices, or None where there is none to use."""
    if not required and os.environ.get(NEURAL_ENV, "").strip().lower() == "off":
        return None
    try:
        from reader.speech.piper_engine import PiperEngine
    except ImportError as exc:
        if required:
            raise UsageError(f"neural voices need onnxruntime: {NEURAL_HINT}") from exc
        return None
    from reader.speech.piper_voice import installed_voices

    voices = installed_voices(options.voices_dir)
    if not voices:
        if required:
            raise UsageError(f"no neural voice is installed: {NEURAL_HINT}")
        return None
    return PiperEngine(voices, threads)


def list_voices(options: SpeechOptions, lang: str | None = None) -> tuple[Voice, ...]:
    """The engine's voices; with `lang`, those that speak it, the one chosen for it first."""
    engine = open_engine(options)
    try:
        voices = engine.voices()
        if not lang:
            return voices
        chosen = voice_for(lang, voices, options.voices)
        others = tuple(v for v in voices if v != chosen and speaks(v, lang))
        return ((chosen,) if chosen else ()) + others
    finally:
        engine.close()


def voice_plan(
    utterances: tuple[Utterance, ...], page: Page, engine: Engine, options: SpeechOptions
) -> VoicePlan:
    """Voices for the utterances, with a report of the languages that have none."""
    return plan(utterances, page.lang, engine.voices(), options)


def plan_voices(
    utterances: tuple[Utterance, ...], page: Page, engine: Engine, options: SpeechOptions
) -> tuple[Utterance, ...]:
    """Give every utterance the voice for its language, following the missing-voice policy.

    Each language without a voice is reported on the `reader` logger, never passed over."""
    planned = voice_plan(utterances, page, engine, options)
    for missing in planned.missing:
        done = f"read with {missing.voice}" if missing.action == "page" else "skipped"
        LOG.warning(
            "no voice for %s: %d sentence part(s) %s", missing.lang, missing.utterances, done
        )
    return planned.utterances
