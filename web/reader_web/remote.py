"""The engine as the web process sees it: voices to plan with, no synthesis of its own."""

from __future__ import annotations

from reader.errors import SpeechError
from reader.model import Clip, Voice
from reader_web.worker import EngineInfo


class RemoteEngine:
    """The Engine protocol for planning in the web process; speaking happens in the workers."""

    def __init__(self, info: EngineInfo) -> None:
        self.name = info.name
        self.version = info.version
        self._voices = info.voices

    def voices(self) -> tuple[Voice, ...]:
        return self._voices

    def synthesize(self, text: str, voice: str, words_per_minute: int, volume: float = 1.0) -> Clip:
        raise SpeechError("synthesis runs in the speech service's worker processes")

    def close(self) -> None:
        return None
