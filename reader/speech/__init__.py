"""Speech engines: one protocol, a direct libespeak-ng engine and a pyttsx3 engine.

    open_engine(options) ──▶ Engine ──synthesize(text, voice, words_per_minute, volume)──▶ Clip
    plan_voices(utterances, page, engine, options) ──▶ utterances with their voice ids

"auto" is the direct engine: no threads, no temporary files, and about half the wall time
of pyttsx3 even used well (bench/speech.py); pyttsx3 stays selectable. Both are eSpeak NG
underneath and pass the same tests.
"""

from __future__ import annotations

import logging
from typing import Protocol

from reader.errors import UsageError
from reader.model import Clip, Page, Utterance, Voice
from reader.options import ENGINE_CHOICES, SpeechOptions
from reader.speech.voices import MissingVoice, VoicePlan, plan, speaks, voice_for

# The real engines, the default first.
ENGINES = ENGINE_CHOICES[1:]

__all__ = [
    "ENGINES",
    "Engine",
    "MissingVoice",
    "list_voices",
    "VoicePlan",
    "open_engine",
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


def open_engine(options: SpeechOptions) -> Engine:
    """Open the engine the options name ("auto" picks the default)."""
    name = ENGINES[0] if options.engine == "auto" else options.engine
    if name == "espeak":
        from reader.speech.espeak_engine import EspeakEngine

        return EspeakEngine()
    if name == "pyttsx3":
        from reader.speech.pyttsx3_engine import Pyttsx3Engine

        return Pyttsx3Engine()
    choices = ", ".join(ENGINE_CHOICES)
    raise UsageError(f"unknown speech engine {options.engine!r} (choose {choices})")


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
