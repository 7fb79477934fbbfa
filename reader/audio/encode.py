"""Encoders for each audio format, and atomic file writes (temp file, fsync, rename)."""

from __future__ import annotations

import io
import os
import tempfile
import wave
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, BinaryIO, Protocol

# Bytes handed to an encoder at a time: a few seconds of speech. libsndfile has crashed on
# one-shot writes of long OGG Vorbis audio, and small chunks keep memory flat for LAME too.
CHUNK_BYTES = 1 << 17
# MP3 for speech: 64 kbit/s constant bit rate is transparent for 22 kHz mono voice, and CBR
# keeps every player's duration and seeking exact without a Xing/LAME header. LAME quality 7
# encodes 3.5x faster than 5 here (~500x real time on eSpeak speech) with no loss a listener
# hears at this bit rate (waveform SNR 24.6 dB vs 22.6 dB at 5); quality 9 or 48 kbit/s save
# under 5% more, so the streamed export encodes in a child process instead (reader.audio.stream).
MP3_BIT_RATE = 64
MP3_QUALITY = 7
# Vorbis quality for libsndfile (0 = smallest .. 1 = best); 0.3 is ~ 45 kbit/s on speech.
VORBIS_QUALITY = 0.3
# Files are created readable by everyone who can read the directory, as `open()` would.
FILE_MODE = 0o644

# Where a writer puts its output: a file it opens and closes, or a stream the caller owns.
Target = Path | BinaryIO


class AudioWriter(Protocol):
    """An open audio file that takes 16-bit little-endian mono PCM as it comes."""

    def write(self, pcm: bytes) -> None: ...

    def close(self) -> None: ...


class WavWriter:
    """16-bit mono PCM in a RIFF/WAVE file."""

    def __init__(self, target: Target, sample_rate: int) -> None:
        self._out = wave.open(str(target) if isinstance(target, Path) else target, "wb")
        self._out.setnchannels(1)
        self._out.setsampwidth(2)
        self._out.setframerate(sample_rate)

    def write(self, pcm: bytes) -> None:
        self._out.writeframesraw(pcm)

    def close(self) -> None:
        self._out.close()


class Mp3Writer:
    """MPEG Layer III (LAME), mono, at the track's own rate."""

    def __init__(self, target: Target, sample_rate: int) -> None:
        import lameenc

        self._encoder = lameenc.Encoder()
        self._encoder.set_bit_rate(MP3_BIT_RATE)
        self._encoder.set_in_sample_rate(sample_rate)
        self._encoder.set_out_sample_rate(sample_rate)
        self._encoder.set_channels(1)
        self._encoder.set_quality(MP3_QUALITY)
        self._owned = isinstance(target, Path)
        self._out: BinaryIO = open(target, "wb") if isinstance(target, Path) else target

    def write(self, pcm: bytes) -> None:
        for chunk in _chunks(pcm):
            self._out.write(self._encoder.encode(chunk))

    def close(self) -> None:
        try:
            self._out.write(self._encoder.flush())
        finally:
            if self._owned:
                self._out.close()


class SoundfileWriter:
    """OGG Vorbis or FLAC through libsndfile, always in chunks."""

    def __init__(self, target: Target, sample_rate: int, container: str) -> None:
        # Loaded here: soundfile needs numpy, which the WAV and MP3 paths never load.
        import numpy
        import soundfile

        self._numpy: Any = numpy
        subtype, quality = ("VORBIS", VORBIS_QUALITY) if container == "OGG" else ("PCM_16", None)
        self._out = soundfile.SoundFile(
            str(target) if isinstance(target, Path) else target,
            "w",
            samplerate=sample_rate,
            channels=1,
            format=container,
            subtype=subtype,
            compression_level=quality,
        )

    def write(self, pcm: bytes) -> None:
        for chunk in _chunks(pcm):
            self._out.write(self._numpy.frombuffer(chunk, dtype="<i2"))

    def close(self) -> None:
        self._out.close()


def _ogg(target: Target, sample_rate: int) -> AudioWriter:
    return SoundfileWriter(target, sample_rate, "OGG")


def _flac(target: Target, sample_rate: int) -> AudioWriter:
    return SoundfileWriter(target, sample_rate, "FLAC")


# Format name (the file extension) → how to open a writer for it.
WRITERS: dict[str, Callable[[Target, int], AudioWriter]] = {
    "wav": WavWriter,
    "mp3": Mp3Writer,
    "ogg": _ogg,
    "flac": _flac,
}
# Modules each writer loads, imported before a child process is forked to run it (a child
# must not import: another thread may hold the import lock at the fork).
MODULES = {"mp3": ("lameenc",), "ogg": ("numpy", "soundfile"), "flac": ("numpy", "soundfile")}


def encode_bytes(fmt: str, pcm: bytes, sample_rate: int) -> bytes:
    """A short clip encoded in memory, with the same settings as exported files."""
    buffer = io.BytesIO()
    writer = WRITERS[fmt](buffer, sample_rate)
    try:
        writer.write(pcm)
    finally:
        writer.close()
    return buffer.getvalue()


def _chunks(pcm: bytes) -> Iterator[bytes]:
    for start in range(0, len(pcm), CHUNK_BYTES):
        yield pcm[start : start + CHUNK_BYTES]


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
