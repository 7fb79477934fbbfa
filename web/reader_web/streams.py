"""A clip's MP3 as it is made, for the listener who asked for it before it was finished.

A neural voice makes a long sentence clause by clause; its worker encodes each stretch of
final audio as it comes and sends the MP3 bytes up the pipe. They gather here, in memory,
while the clip is made, and a waiting request answers with them as they come: its listener
hears the first clause while the rest is synthesized. Only the finished, checked clip goes
into the cache (clipstore.py); a stream that breaks off ends its responses with an error,
never with a clip that is stored.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterator

from reader.errors import SpeechError

OPEN, DONE, FAILED = "open", "done", "failed"


class ClipStream:
    """MP3 bytes of one clip being made, readable by any number of requests at once."""

    def __init__(self) -> None:
        self._chunks: list[bytes] = []
        self._state = OPEN
        self._changed = threading.Condition()

    @property
    def size(self) -> int:
        with self._changed:
            return sum(len(chunk) for chunk in self._chunks)

    def feed(self, data: bytes) -> None:
        """More of the clip's MP3, in order."""
        with self._changed:
            if self._state == OPEN and data:
                self._chunks.append(data)
                self._changed.notify_all()

    def finish(self, mp3: bytes) -> None:
        """The clip is made and stored: what was streamed must be the start of its MP3."""
        with self._changed:
            if self._state != OPEN:
                return
            sent = b"".join(self._chunks)
            if sent and not mp3.startswith(sent):
                self._state = FAILED
            else:
                if sent and len(mp3) > len(sent):
                    self._chunks.append(mp3[len(sent) :])
                self._state = DONE
            self._changed.notify_all()

    def fail(self) -> None:
        """The clip could not be made, or its synthesis starts over: readers stop with an error."""
        with self._changed:
            if self._state == OPEN:
                self._state = FAILED
                self._changed.notify_all()

    def _ready(self, index: int) -> bool:
        return index < len(self._chunks) or self._state != OPEN

    def started(self, timeout: float) -> bool:
        """Wait until the first bytes come (True) or the stream ends without any (False)."""
        with self._changed:
            self._changed.wait_for(lambda: self._chunks or self._state != OPEN, timeout)
            return bool(self._chunks) and self._state != FAILED

    def read(self, timeout: float) -> Iterator[bytes]:
        """The clip's bytes as they come; SpeechError if it breaks off or stalls."""
        index = 0
        while True:
            with self._changed:
                ready = self._changed.wait_for(functools.partial(self._ready, index), timeout)
                chunks, state = self._chunks[index:], self._state
            if not ready:
                raise SpeechError("speech synthesis stalled")
            if state == FAILED:
                raise SpeechError("speech synthesis failed while the clip was streamed")
            index += len(chunks)
            if chunks:
                yield b"".join(chunks)
            elif state == DONE:
                return
