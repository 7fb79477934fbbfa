"""One synthesis process: owns one engine and turns sentence jobs into encoded clips.

The engine is one global per process (pyttsx3 and libespeak-ng both), so each process
opens exactly one and only its main thread touches it. The parent talks to it over a pipe:
it sends `(job_id, ClipJob)` or `None` (stop), and gets `("ok"|"error", job_id, payload)`.
"""

from __future__ import annotations

import io
import signal
import wave
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

from reader.audio.encode import encode_bytes
from reader.audio.pauses import sentence_pause
from reader.errors import ReaderError
from reader.model import Clip, SentenceClip, Voice
from reader.options import SpeechOptions
from reader_web.clips import ClipJob, ClipTiming, json_field

# Attempts per job beyond the first, after its worker process died or hung.
RETRIES = 1


@dataclass(frozen=True, slots=True, kw_only=True)
class EngineInfo:
    """What a worker's engine is: its name and version address the clips, its voices plan them."""

    name: str
    version: str
    voices: tuple[Voice, ...]

    @property
    def id(self) -> str:
        return f"{self.name} {self.version}".strip()

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "version": self.version,
            "voices": [
                {
                    "id": v.id,
                    "name": v.name,
                    "languages": list(v.languages),
                    "engine": v.engine,
                    "quality": v.quality,
                    "sample_rate": v.sample_rate,
                }
                for v in self.voices
            ],
        }

    @classmethod
    def from_json(cls, data: Any) -> EngineInfo:
        voices = tuple(
            Voice(
                id=json_field(v, "id", str),
                name=json_field(v, "name", str),
                languages=tuple(json_field(v, "languages", list)),
                engine=json_field(v, "engine", str),
                quality=json_field(v, "quality", str),
                sample_rate=json_field(v, "sample_rate", int),
            )
            for v in json_field(data, "voices", list)
        )
        return cls(
            name=json_field(data, "name", str),
            version=json_field(data, "version", str),
            voices=voices,
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class ClipResult:
    """What a worker sends back: the clip as WAV and MP3, and its timing record (as JSON)."""

    wav: bytes
    mp3: bytes
    meta: dict[str, Any]


def render_clip(engine: Any, job: ClipJob, options: SpeechOptions) -> ClipResult:
    """Speak the job's sentence (reader.pipeline.speak_sentence) and encode its clip."""
    from reader.pipeline import speak_sentence

    # The widget plays clips back to back: each ends with the pause after a sentence.
    pause = sentence_pause(options.words_per_minute)
    clip = speak_sentence(job.sentence, engine, options, pause_after=pause)
    return clip_result(clip, job.sentence.lang)


def clip_result(clip: SentenceClip, lang: str) -> ClipResult:
    """A spoken sentence clip (with its pause after) as the cache keeps it."""
    timing = ClipTiming.of(clip, lang)
    return ClipResult(
        wav=encode_bytes("wav", clip.pcm, clip.sample_rate),
        mp3=encode_bytes("mp3", clip.pcm, clip.sample_rate),
        meta=timing.to_json(),
    )


def clip_from_wav(data: bytes) -> Clip:
    """A Clip from a cached WAV file."""
    with wave.open(io.BytesIO(data), "rb") as source:
        return Clip(pcm=source.readframes(source.getnframes()), sample_rate=source.getframerate())


def open_loaded(options: SpeechOptions, threads: int = 1) -> tuple[Any, EngineInfo]:
    """Open the engine with every neural model loaded, and say what it is."""
    from reader.speech import open_engine

    engine = open_engine(options, threads)
    load = getattr(engine, "load", None)
    if callable(load):
        for voice in engine.voices():
            if voice.engine == "piper":
                load(voice.id)
    version = str(getattr(engine, "version", ""))
    return engine, EngineInfo(name=engine.name, version=version, voices=tuple(engine.voices()))


def run(conn: Connection, options: SpeechOptions, threads: int = 1) -> None:
    """Process entry point: open the engine, report ready, then serve jobs until told to stop.

    Neural models are loaded before "ready" and kept: no listener waits for a model load."""
    # Ctrl-C reaches the whole process group: the parent decides, and ends its workers.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        engine, info = open_loaded(options, threads)
        conn.send(("ready", 0, info))
    except Exception as exc:  # any failure to start is reported, then the process ends
        conn.send(("fatal", 0, _one_line(exc)))
        return
    try:
        while True:
            try:
                message = conn.recv()
            except EOFError:
                return  # the parent is gone
            if message is None:
                return
            job_id, job = message
            try:
                conn.send(("ok", job_id, render_clip(engine, job, options)))
            except Exception as exc:  # the job fails, the engine and the process live on
                conn.send(("error", job_id, _one_line(exc)))
    finally:
        engine.close()


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text if isinstance(exc, ReaderError) else f"{type(exc).__name__}: {text}"
