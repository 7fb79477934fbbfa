"""One synthesis process: owns one engine and turns sentence jobs into encoded clips.

The engine is one global per process (pyttsx3 and libespeak-ng both), so each process
opens exactly one and only its main thread touches it. The parent talks to it over a pipe:
it sends `(job_id, ClipJob)` or `None` (stop), and gets `("ok"|"error", job_id, payload)`.
"""

from __future__ import annotations

import hashlib
import io
import json
import signal
import wave
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

from reader.audio.assemble import resample, trim
from reader.audio.encode import encode_bytes
from reader.errors import ReaderError
from reader.model import Clip, Voice, WordMark
from reader.options import SpeechOptions

# Silence between the language parts of one sentence: a breath, so it still sounds like one.
PART_GAP = 0.05
# eSpeak NG pads clips with ~0.3 s of silence. The start is trimmed to a short margin so sound
# begins as soon as the clip plays; the end keeps up to a sentence pause, which is the gap a
# listener hears between clips played one after another.
LEAD_MARGIN = 0.03
TAIL_KEEP = 0.35
# Bumped when the audio this module makes, or the cache files holding it, change, so old
# cache entries are never looked up (3: cache files carry an integrity header).
FORMAT_VERSION = "3"
# Attempts per job beyond the first, after its worker process died or hung.
RETRIES = 1


@dataclass(frozen=True, slots=True, kw_only=True)
class Part:
    """One language part of a sentence: spoken text, its voice, and where its characters show."""

    text: str
    voice: str
    lang: str
    char_map: tuple[int, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class ClipJob:
    """A sentence to synthesize as one clip (parts spoken in order with a tiny gap)."""

    key: str
    lang: str
    parts: tuple[Part, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class EngineInfo:
    """What a worker's engine is: its name and version address the clips, its voices plan them."""

    name: str
    version: str
    voices: tuple[Voice, ...]

    @property
    def id(self) -> str:
        return f"{self.name} {self.version}".strip()


@dataclass(frozen=True, slots=True, kw_only=True)
class ClipResult:
    """What a worker sends back: the clip as WAV and MP3, and its timing record."""

    wav: bytes
    mp3: bytes
    meta: dict[str, Any]


def clip_key(engine_id: str, options: SpeechOptions, parts: tuple[Part, ...]) -> str:
    """Content address of a clip: engine and version, voice, words per minute, volume, text,
    offsets.

    The offsets are part of the address because the timing record maps words to the block's
    displayed text; the same words at another place in a block need their own record.
    """
    record = {
        "engine": engine_id,
        "format": FORMAT_VERSION,
        # Spelled "rate" as before, so clips already cached keep their addresses.
        "rate": options.words_per_minute,
        "volume": round(options.volume, 3),
        "parts": [[p.voice, p.text, list(p.char_map)] for p in parts],
    }
    blob = json.dumps(record, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return hashlib.sha256(blob).hexdigest()[:32]


def render_clip(engine: Any, job: ClipJob, options: SpeechOptions) -> ClipResult:
    """Synthesize every part, join them, and encode the sentence clip."""
    clips = [
        engine.synthesize(p.text, p.voice, options.words_per_minute, options.volume)
        for p in job.parts
    ]
    sample_rate = clips[0].sample_rate if clips else 22050
    chunks: list[bytes] = []
    words: list[list[float]] = []
    estimated = False
    length = 0  # bytes
    for number, (part, clip) in enumerate(zip(job.parts, clips, strict=True)):
        samples = resample(clip.pcm, clip.sample_rate, sample_rate)
        if number:
            gap = bytes(2 * int(PART_GAP * sample_rate))
            chunks.append(gap)
            length += len(gap)
        offset = length / 2 / sample_rate
        words += [_word(part, mark, offset) for mark in clip.words]
        estimated = estimated or clip.words_estimated
        chunks.append(samples)
        length += len(samples)
    # Keep a natural breath after each sentence: the widget plays clips back to back.
    data, lead = trim(b"".join(chunks), sample_rate, LEAD_MARGIN, TAIL_KEEP)
    duration = round(len(data) / 2 / sample_rate, 3)
    words = [
        [s, e, _clamp(t0 - lead, duration), _clamp(t1 - lead, duration)] for s, e, t0, t1 in words
    ]
    meta = {
        "duration": duration,
        "words": words,
        "lang": job.lang,
        "estimated": estimated,
        "sample_rate": sample_rate,
    }
    return ClipResult(
        wav=encode_bytes("wav", data, sample_rate),
        mp3=encode_bytes("mp3", data, sample_rate),
        meta=meta,
    )


def clip_from_wav(data: bytes, words: tuple[WordMark, ...] = ()) -> Clip:
    """A Clip from a cached WAV file."""
    with wave.open(io.BytesIO(data), "rb") as source:
        return Clip(
            pcm=source.readframes(source.getnframes()),
            sample_rate=source.getframerate(),
            words=words,
        )


def _word(part: Part, mark: WordMark, offset: float) -> list[float]:
    last = len(part.char_map) - 1
    start = part.char_map[min(max(mark.start, 0), last)] if last >= 0 else 0
    end = part.char_map[min(max(mark.end, 0), last)] if last >= 0 else 0
    return [start, max(start, end), round(mark.t_start + offset, 3), round(mark.t_end + offset, 3)]


def _clamp(seconds: float, duration: float) -> float:
    return round(min(max(seconds, 0.0), duration), 3)


def run(conn: Connection, options: SpeechOptions, threads: int = 1) -> None:
    """Process entry point: open the engine, report ready, then serve jobs until told to stop.

    Neural models are loaded before "ready" and kept: no listener waits for a model load."""
    from reader.speech import open_engine

    # Ctrl-C reaches the whole process group: the parent decides, and ends its workers.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        engine = open_engine(options, threads)
        load = getattr(engine, "load", None)
        if callable(load):
            for voice in engine.voices():
                if voice.engine == "piper":
                    load(voice.id)
        version = str(getattr(engine, "version", ""))
        info = EngineInfo(name=engine.name, version=version, voices=tuple(engine.voices()))
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
