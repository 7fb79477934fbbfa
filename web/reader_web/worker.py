"""One synthesis process: owns one engine and turns sentence jobs into encoded clips.

The engine is one global per process (pyttsx3 and libespeak-ng both), so each process
opens exactly one and only its main thread touches it. The parent talks to it over a pipe:
it sends `(job_id, ClipJob)` or `None` (stop), and gets `("ok"|"error", job_id, payload)`,
after any number of `("part", job_id, mp3_bytes)`: the clip's MP3 as it is made.
"""

from __future__ import annotations

import io
import signal
import wave
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

from reader.audio.encode import Mp3Writer, encode_bytes
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


def render_clip(
    engine: Any, job: ClipJob, options: SpeechOptions, send: Callable[[bytes], None] | None = None
) -> ClipResult:
    """Speak the job's sentence (reader.pipeline.speak_sentence) and encode its clip.

    With `send`, an engine that makes a sentence piece by piece (a neural voice) has its
    MP3 handed to `send` as it is made; the clip's MP3 is then exactly those bytes."""
    from reader.pipeline import speak_sentence

    # The widget plays clips back to back: each ends with the pause after a sentence.
    pause = sentence_pause(options.words_per_minute)
    if send is not None and callable(getattr(engine, "stream", None)):
        encoder = Mp3Stream(send)
        clip = speak_sentence(job.sentence, engine, options, pause_after=pause, on_audio=encoder)
        return clip_result(clip, job.sentence.lang, encoder.close())
    clip = speak_sentence(job.sentence, engine, options, pause_after=pause)
    return clip_result(clip, job.sentence.lang)


def clip_result(clip: SentenceClip, lang: str, mp3: bytes | None = None) -> ClipResult:
    """A spoken sentence clip (with its pause after) as the cache keeps it; `mp3` is its MP3
    where it was encoded as it was made."""
    timing = ClipTiming.of(clip, lang)
    if mp3 is None:
        mp3 = encode_bytes("mp3", clip.pcm, clip.sample_rate)
    return ClipResult(
        wav=encode_bytes("wav", clip.pcm, clip.sample_rate), mp3=mp3, meta=timing.to_json()
    )


class Mp3Stream:
    """Encodes PCM to MP3 as it comes and sends each new stretch of MP3 on."""

    def __init__(self, send: Callable[[bytes], None]) -> None:
        self._send = send
        self._buffer = io.BytesIO()
        self._writer: Mp3Writer | None = None
        self._sent = 0

    def __call__(self, pcm: bytes, sample_rate: int) -> None:
        if self._writer is None:
            self._writer = Mp3Writer(self._buffer, sample_rate)
        self._writer.write(pcm)
        self._pass_on()

    def close(self) -> bytes:
        """Flush the encoder; the whole MP3, every byte of which was sent."""
        if self._writer is not None:
            self._writer.close()
            self._pass_on()
        return self._buffer.getvalue()

    def _pass_on(self) -> None:
        data = self._buffer.getbuffer()[self._sent :].tobytes()
        if data:
            self._sent += len(data)
            self._send(data)


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
                result = render_clip(engine, job, options, _sender(conn, job_id))
                conn.send(("ok", job_id, result))
            except Exception as exc:  # the job fails, the engine and the process live on
                conn.send(("error", job_id, _one_line(exc)))
    finally:
        engine.close()


def _sender(conn: Connection, job_id: int) -> Callable[[bytes], None]:
    def send(mp3: bytes) -> None:
        conn.send(("part", job_id, mp3))

    return send


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text if isinstance(exc, ReaderError) else f"{type(exc).__name__}: {text}"
