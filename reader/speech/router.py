"""Neural voices where installed, eSpeak NG for every other language, behind one engine.

The router is an `Engine` like the others: its voices are the neural ones first, then
eSpeak NG's, and a synthesis goes to the engine that owns the voice id. Its version names
every model's digest, so the clips cached for a voice are never served after it changes.
"""

from __future__ import annotations

from collections.abc import Iterator

from reader.model import Clip, Voice
from reader.speech.espeak_engine import EspeakEngine
from reader.speech.piper_engine import PiperEngine
from reader.speech.piper_voice import ENGINE_NAME as NEURAL


class VoiceRouter:
    """eSpeak NG and the neural engine as one engine."""

    name = "espeak+piper"

    def __init__(self, espeak: EspeakEngine, neural: PiperEngine) -> None:
        self._espeak = espeak
        self._neural = neural
        self.version = f"{espeak.version}; {neural.version} [{neural.digests()}]"

    def voices(self) -> tuple[Voice, ...]:
        """Neural voices first (they are preferred where they speak a language), then eSpeak's."""
        return self._neural.voices() + self._espeak.voices()

    def synthesize(self, text: str, voice: str, words_per_minute: int, volume: float = 1.0) -> Clip:
        """Speak with whichever engine owns the voice."""
        engine = self._neural if voice.startswith(f"{NEURAL}:") else self._espeak
        return engine.synthesize(text, voice, words_per_minute, volume)

    def stream(
        self, text: str, voice: str, words_per_minute: int, volume: float = 1.0
    ) -> Iterator[Clip]:
        """A neural voice's clip piece by piece as it is made; eSpeak NG's whole."""
        if voice.startswith(f"{NEURAL}:"):
            yield from self._neural.stream(text, voice, words_per_minute, volume)
        else:
            yield self._espeak.synthesize(text, voice, words_per_minute, volume)

    def load(self, voice: str) -> None:
        """Load a neural voice's model ahead of its first sentence."""
        if voice.startswith(f"{NEURAL}:"):
            self._neural.load(voice)

    def close(self) -> None:
        """Close both engines."""
        self._neural.close()
        self._espeak.close()
