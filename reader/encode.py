"""Encoders for each audio format, and atomic file writes (temp file, fsync, rename)."""

from __future__ import annotations

import contextlib
import os
import queue
import tempfile
import threading
import wave
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Protocol

import lameenc
import numpy as np
import soundfile

# Samples handed to an encoder at a time: a few seconds of speech. libsndfile has crashed on
# one-shot writes of long OGG Vorbis audio, and small chunks keep memory flat for LAME too.
CHUNK_FRAMES = 1 << 16
# MP3 for speech: 64 kbit/s constant bit rate is transparent for 22 kHz mono voice, and CBR
# keeps every player's duration and seeking exact without a Xing/LAME header. LAME quality 7
# encodes 3.5x faster than 5 here (~400x real time on eSpeak speech) with no loss a listener
# hears at this bit rate (waveform SNR 24.6 dB vs 22.6 dB at 5): the export must keep pace
# with synthesis, which eSpeak NG does at ~170x real time.
MP3_BIT_RATE = 64
MP3_QUALITY = 7
# Vorbis quality for libsndfile (0 = smallest .. 1 = best); 0.3 is ~ 45 kbit/s on speech.
VORBIS_QUALITY = 0.3
# Files are created readable by everyone who can read the directory, as `open()` would.
FILE_MODE = 0o644

Encoder = Callable[[bytes, int, Path], None]


class AudioWriter(Protocol):
    """An open audio file that takes 16-bit mono samples as they come."""

    def write(self, samples: np.ndarray) -> None: ...

    def close(self) -> None: ...


class WavWriter:
    """16-bit mono PCM in a RIFF/WAVE file."""

    def __init__(self, path: Path, rate: int) -> None:
        self._out = wave.open(str(path), "wb")
        self._out.setnchannels(1)
        self._out.setsampwidth(2)
        self._out.setframerate(rate)

    def write(self, samples: np.ndarray) -> None:
        self._out.writeframes(samples.astype("<i2").tobytes())

    def close(self) -> None:
        self._out.close()


class Mp3Writer:
    """MPEG Layer III (LAME), mono, at the track's own rate."""

    def __init__(self, path: Path, rate: int) -> None:
        self._encoder = lameenc.Encoder()
        self._encoder.set_bit_rate(MP3_BIT_RATE)
        self._encoder.set_in_sample_rate(rate)
        self._encoder.set_out_sample_rate(rate)
        self._encoder.set_channels(1)
        self._encoder.set_quality(MP3_QUALITY)
        self._out = open(path, "wb")  # closed in close()

    def write(self, samples: np.ndarray) -> None:
        for chunk in _chunks(samples):
            self._out.write(self._encoder.encode(chunk.astype("<i2").tobytes()))

    def close(self) -> None:
        with self._out:
            self._out.write(self._encoder.flush())


class SoundfileWriter:
    """OGG Vorbis or FLAC through libsndfile, always in chunks."""

    def __init__(self, path: Path, rate: int, container: str) -> None:
        subtype, quality = ("VORBIS", VORBIS_QUALITY) if container == "OGG" else ("PCM_16", None)
        self._out = soundfile.SoundFile(
            str(path),
            "w",
            samplerate=rate,
            channels=1,
            format=container,
            subtype=subtype,
            compression_level=quality,
        )

    def write(self, samples: np.ndarray) -> None:
        for chunk in _chunks(samples):
            self._out.write(chunk)

    def close(self) -> None:
        self._out.close()


def _ogg(path: Path, rate: int) -> AudioWriter:
    return SoundfileWriter(path, rate, "OGG")


def _flac(path: Path, rate: int) -> AudioWriter:
    return SoundfileWriter(path, rate, "FLAC")


# Format name (the file extension) → how to open a writer for it.
WRITERS: dict[str, Callable[[Path, int], AudioWriter]] = {
    "wav": WavWriter,
    "mp3": Mp3Writer,
    "ogg": _ogg,
    "flac": _flac,
}


def encode_all(fmt: str) -> Encoder:
    """A one-shot encoder for a format: the whole PCM of a track to one file."""

    def encode(pcm: bytes, rate: int, path: Path) -> None:
        writer = WRITERS[fmt](path, rate)
        try:
            writer.write(np.frombuffer(pcm, dtype="<i2"))
        finally:
            writer.close()

    return encode


# Format name → one-shot encoder, what `export` uses for a finished track.
ENCODERS: dict[str, Encoder] = {fmt: encode_all(fmt) for fmt in WRITERS}


class BackgroundWriter:
    """Feeds a writer from a thread: LAME and libsndfile release the GIL, so encoding runs on
    the other core while the caller synthesizes the next clips."""

    def __init__(self, writer: AudioWriter) -> None:
        self._writer = writer
        self._queue: queue.SimpleQueue[np.ndarray | None] = queue.SimpleQueue()
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="audio-writer", daemon=True)
        self._thread.start()

    def write(self, samples: np.ndarray) -> None:
        if self._error is not None:
            raise self._error
        self._queue.put(samples)

    def close(self) -> None:
        """Wait for the queue to drain, then close the file; raise what the encoder raised."""
        self._queue.put(None)
        self._thread.join()
        if self._error is not None:
            raise self._error
        self._writer.close()

    def abort(self) -> None:
        """Stop without finishing the file (the caller throws it away)."""
        self._error = self._error or InterruptedError("aborted")
        self._queue.put(None)
        self._thread.join()
        with contextlib.suppress(Exception):
            self._writer.close()

    def _run(self) -> None:
        while (samples := self._queue.get()) is not None:
            if self._error is not None:
                continue  # drain without work once failed or aborted
            try:
                self._writer.write(samples)
            except Exception as exc:  # handed to the caller's thread
                self._error = exc


def _chunks(samples: np.ndarray) -> Iterator[np.ndarray]:
    for start in range(0, len(samples), CHUNK_FRAMES):
        yield samples[start : start + CHUNK_FRAMES]


@contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """Yield a temp path beside `target`; on success it replaces `target`, else it vanishes.

    A crash, an error or Ctrl-C never leaves a half-written file under the target's name, and
    a file already there stays as it was.
    """
    fd, name = tempfile.mkstemp(prefix=f".{target.name}.tmp-", dir=target.parent)
    os.close(fd)
    temp = Path(name)
    try:
        yield temp
        os.chmod(temp, FILE_MODE)
        _fsync(temp)
        os.replace(temp, target)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    _fsync_dir(target.parent)


def write_text(path: Path, text: str) -> None:
    """Write UTF-8 text atomically."""
    with atomic_path(path) as temp:
        temp.write_text(text, encoding="utf-8", newline="\n")


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_dir(directory: Path) -> None:
    # So the rename itself survives a power cut; not every platform can open a directory.
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
