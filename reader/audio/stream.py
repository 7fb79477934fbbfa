"""Streamed encoding in a forked child process, on another core than speech synthesis.

LAME and libsndfile keep the GIL while they encode and every eSpeak NG callback takes it back,
so an encoder thread gains nothing (synthesis plus encoding in two threads took their sum).
A child process forked from this one runs the writer instead, fed PCM through a pipe.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import signal
import warnings
from pathlib import Path
from typing import NoReturn, Protocol

from reader.audio.encode import MODULES, WRITERS, AudioWriter

# Formats whose encoding costs about as much as synthesizing the speech: worth a process.
# WAV is only copied to disk, cheaper than the pipe would be.
FORKED = frozenset({"mp3", "ogg", "flac"}) if hasattr(os, "fork") else frozenset()
# Pipe capacity asked of Linux: ~24 s of 22 kHz speech, so synthesis seldom waits on LAME.
PIPE_BYTES = 1 << 20
READ_BYTES = 1 << 17
# Longest error message a child sends back (one line for the user).
ERROR_BYTES = 1024


class StreamWriter(Protocol):
    """A writer fed while a track is being synthesized; `abort` throws the work away."""

    def write(self, pcm: bytes) -> None: ...

    def close(self) -> None: ...

    def abort(self) -> None: ...


def open_writer(fmt: str, path: Path, sample_rate: int, *, overlap: bool = True) -> StreamWriter:
    """A writer for `fmt` at `path`: with `overlap` (audio still being synthesized), in a
    child process where encoding is costly; a finished track gains nothing from one."""
    if overlap and fmt in FORKED:
        return ForkedWriter(fmt, path, sample_rate)
    return InlineWriter(WRITERS[fmt](path, sample_rate))


class InlineWriter:
    """A writer run in this process."""

    def __init__(self, writer: AudioWriter) -> None:
        self._writer = writer

    def write(self, pcm: bytes) -> None:
        self._writer.write(pcm)

    def close(self) -> None:
        self._writer.close()

    def abort(self) -> None:
        with contextlib.suppress(Exception):
            self._writer.close()


class ForkedWriter:
    """Runs `WRITERS[fmt](path, sample_rate)` in a child process; errors come back as
    RuntimeError."""

    def __init__(self, fmt: str, path: Path, sample_rate: int) -> None:
        for name in MODULES.get(fmt, ()):
            importlib.import_module(name)
        data_out, data_in = os.pipe()
        errors_out, errors_in = os.pipe()
        with contextlib.suppress(AttributeError, OSError):
            import fcntl

            fcntl.fcntl(data_in, fcntl.F_SETPIPE_SZ, PIPE_BYTES)
        try:
            with warnings.catch_warnings():
                # Python 3.12+ warns when a threaded process forks; the child only encodes
                # and writes a file, touching no lock another thread could hold.
                warnings.simplefilter("ignore", DeprecationWarning)
                pid = os.fork()
        except OSError:
            for fd in (data_out, data_in, errors_out, errors_in):
                os.close(fd)
            raise
        if pid == 0:
            os.close(data_in)
            os.close(errors_out)
            _child(fmt, path, sample_rate, data_out, errors_in)
        os.close(data_out)
        os.close(errors_in)
        self._pid = pid
        self._data: int | None = data_in
        self._errors = errors_out
        self._exit: int | None = None

    def write(self, pcm: bytes) -> None:
        if self._data is None:
            raise RuntimeError("the audio writer is closed")
        view = memoryview(pcm)
        try:
            while view:
                view = view[os.write(self._data, view) :]
        except BrokenPipeError:
            self.close()  # the child stopped early: raises its reason
            raise RuntimeError("the audio encoder stopped early") from None

    def close(self) -> None:
        """Wait for the child to finish the file; raise what went wrong in it."""
        code = self._wait()
        reason = self._reason()
        if code != 0:
            raise RuntimeError(reason or f"the audio encoder failed (exit status {code})")

    def abort(self) -> None:
        """End the child now (the caller throws the file away)."""
        if self._exit is None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self._pid, signal.SIGKILL)
        self._wait()
        self._reason()

    def _reason(self) -> str:
        """What the child reported, read once."""
        if self._errors < 0:
            return ""
        try:
            return os.read(self._errors, ERROR_BYTES).decode("utf-8", "replace").strip()
        finally:
            os.close(self._errors)
            self._errors = -1

    def _wait(self) -> int:
        if self._data is not None:
            os.close(self._data)  # end of input for the child
            self._data = None
        if self._exit is None:
            _, status = os.waitpid(self._pid, 0)
            self._exit = os.waitstatus_to_exitcode(status)
        return self._exit


def _child(fmt: str, path: Path, sample_rate: int, data: int, errors: int) -> NoReturn:
    """The child's whole life: encode what the pipe brings, then exit without cleanup."""
    code = 0
    try:
        # Ctrl-C reaches the whole process group: the parent decides, and ends the child.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        writer = WRITERS[fmt](path, sample_rate)
        carry = b""  # an odd byte left by a read that split a sample
        while chunk := os.read(data, READ_BYTES):
            if carry:
                chunk = carry + chunk
            cut = len(chunk) - len(chunk) % 2
            carry = chunk[cut:]
            writer.write(chunk[:cut])
        writer.close()
    except BaseException as exc:
        reason = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
        with contextlib.suppress(OSError):
            os.write(errors, reason.encode("utf-8")[:ERROR_BYTES])
        code = 1
    finally:
        os._exit(code)
