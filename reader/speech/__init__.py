"""Speech engines: one protocol, a pyttsx3 engine and a direct libespeak-ng engine.

(Skeleton: the speech module fills in `open_engine` and `plan_voices`.)
"""

from __future__ import annotations

from typing import Protocol

from reader.model import Clip, Page, Utterance, Voice
from reader.options import SpeechOptions


class Engine(Protocol):
    """Turns one utterance's text into a clip. Owned by one thread; one per process."""

    name: str

    def voices(self) -> tuple[Voice, ...]: ...

    def synthesize(self, text: str, voice: str, rate: int, volume: float = 1.0) -> Clip: ...

    def close(self) -> None: ...


def open_engine(options: SpeechOptions) -> Engine:
    """Open the engine the options name ("auto" picks the default)."""
    raise NotImplementedError


def plan_voices(
    utterances: tuple[Utterance, ...], page: Page, engine: Engine, options: SpeechOptions
) -> tuple[Utterance, ...]:
    """Give every utterance the voice for its language, following the missing-voice policy."""
    raise NotImplementedError
