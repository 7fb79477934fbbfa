"""Mono 16-bit little-endian PCM: silence trimmed to a margin, resampling, silence made."""

from __future__ import annotations

import re

from reader.errors import AudioError
from reader.model import Clip

# eSpeak NG pads every clip with ~0.3 s of digital silence: trimmed to this margin so the
# pauses (reader.audio.pauses) are what the listener hears. Samples within ±64 (about
# -54 dBFS) count as silence (QUIET_RUN below); the margin keeps soft onsets and decays.
TRIM_MARGIN = 0.03
DEFAULT_SAMPLE_RATE = 22050  # eSpeak NG's sample rate; used for a page with nothing to say
# A run of quiet 16-bit little-endian samples (-64..64), and the same read backwards: the
# trim scans only the silence at each end of a clip, at C speed, with no array library
# (importing numpy would cost an export more than the whole scan).
QUIET_RUN = re.compile(rb"(?:[\x00-\x40]\x00|[\xc0-\xff]\xff)*")
QUIET_RUN_REVERSED = re.compile(rb"(?:\x00[\x00-\x40]|\xff[\xc0-\xff])*")
TAIL_WINDOW = 4096  # bytes read backwards at a time: more than a clip's usual soft tail


def check_clip(clip: Clip) -> None:
    """Refuse audio that is not mono 16-bit PCM at a known sample rate (one-line AudioError)."""
    if clip.sample_rate <= 0:
        raise AudioError("a clip has no sample rate; the speech engine returned bad audio")
    if len(clip.pcm) % 2:
        raise AudioError("a clip has an odd number of bytes; expected 16-bit PCM")


def silence(seconds: float, sample_rate: int) -> bytes:
    """That many seconds of digital silence."""
    return bytes(2 * samples(seconds, sample_rate))


def samples(seconds: float, sample_rate: int) -> int:
    """Whole samples in that many seconds (every path rounds the same way)."""
    return int(round(seconds * sample_rate))


def resample(pcm: bytes, source: int, target: int) -> bytes:
    """Linear interpolation: enough for speech from one engine at a nearby rate."""
    if source == target or not pcm:
        return pcm
    import numpy as np  # only here: a clip at another rate is rare, and numpy is slow to load

    values = np.frombuffer(pcm, dtype="<i2").astype(np.float64)
    count = int(round(len(values) * target / source))
    positions = np.arange(count) * (source / target)
    resampled = np.interp(positions, np.arange(len(values)), values)
    return np.clip(np.round(resampled), -32768, 32767).astype("<i2").tobytes()


def trim(
    pcm: bytes, sample_rate: int, lead: float = TRIM_MARGIN, tail: float = TRIM_MARGIN
) -> tuple[bytes, float]:
    """Cut leading and trailing silence down to `lead`/`tail` seconds; return the PCM and the
    seconds cut from the start."""
    count = len(pcm) // 2
    quiet_head = _quiet_head(pcm)
    if quiet_head == count:
        return b"", count / sample_rate
    first = max(quiet_head - int(lead * sample_rate), 0)
    last = min(count - _quiet_tail(pcm) + int(tail * sample_rate), count)
    return pcm[2 * first : 2 * last], first / sample_rate


def _quiet_head(pcm: bytes) -> int:
    """Quiet samples at the start: zero bytes skipped at memchr speed, then the soft rest."""
    zeros = len(pcm) - len(pcm.lstrip(b"\0"))
    return QUIET_RUN.match(pcm, zeros - zeros % 2).end() // 2  # type: ignore[union-attr]


def _quiet_tail(pcm: bytes) -> int:
    """Quiet samples at the end, reading backwards through a window that grows as needed."""
    end = len(pcm.rstrip(b"\0"))
    end += end % 2  # from a sample boundary on, all zero
    window = TAIL_WINDOW
    while True:
        start = max(end - window, 0)
        run = QUIET_RUN_REVERSED.match(pcm[start:end][::-1]).end()  # type: ignore[union-attr]
        if run < end - start or start == 0:
            return (len(pcm) - end + run) // 2
        window *= 4
