"""Single flight and priority: one synthesis per clip, the most urgent clip first.

Every clip being made has one `Pending` whose Future all its requests share. Queued clips
wait on a heap ordered by rank (a page's reading order; a waiting listener's rank is below
every page's), ties in the order they came.
"""

from __future__ import annotations

import heapq
import itertools
import threading
from collections.abc import Callable
from concurrent.futures import Future, InvalidStateError
from dataclasses import dataclass, field
from typing import Any

from reader.errors import SpeechError
from reader_web.stats import Counters
from reader_web.streams import ClipStream
from reader_web.worker import ClipJob

# A clip's timing record, what a request for it waits for.
Meta = dict[str, Any]


@dataclass(slots=True)
class Pending:
    """A clip being made: its job, the future its requests wait on, whether it started, and
    its MP3 as it is made (for a voice that makes it piece by piece)."""

    job: ClipJob
    future: Future[Meta]
    started: bool = False
    stream: ClipStream = field(default_factory=ClipStream)


class JobQueue:
    """The clips queued or being made, by key, and the heap the worker slots take them from."""

    def __init__(self, counters: Counters) -> None:
        self._counters = counters
        self._lock = threading.Lock()
        self._wake = threading.Condition(self._lock)
        self._heap: list[tuple[tuple[int, int], str]] = []
        self._pending: dict[str, Pending] = {}
        self._order = itertools.count()
        self._closed = False

    def join(self, key: str, rank: int) -> Future[Meta] | None:
        """The future of a synthesis of this clip already queued or running, if there is one."""
        with self._lock:
            return self._join(key, rank)

    def add(self, job: ClipJob, rank: int, made: Callable[[str], Meta | None]) -> Future[Meta]:
        """Join the clip's synthesis, else answer from `made`, else queue the job at `rank`.

        `made` is asked under the lock: a clip whose synthesis finished since `join` is on
        disk by then (the writer stores it before calling `done`), so it is not made twice.
        """
        with self._lock:
            shared = self._join(job.key, rank)
            if shared is not None:
                return shared
            meta = made(job.key)
            if meta is not None:
                return settled(meta)
            pending = Pending(job=job, future=Future())
            self._pending[job.key] = pending
            self._push(job.key, rank)
            return pending.future

    def pending(self, key: str) -> Pending | None:
        """The clip's synthesis, while it is queued or running."""
        with self._lock:
            return self._pending.get(key)

    def next_job(self) -> Pending | None:
        """Block until a job is due and mark it started (None when closing)."""
        with self._lock:
            while True:
                if self._closed:
                    return None
                while self._heap:
                    _, key = heapq.heappop(self._heap)
                    pending = self._pending.get(key)
                    if pending is not None and not pending.started:
                        pending.started = True
                        return pending
                self._wake.wait()

    def done(self, key: str) -> None:
        """The clip is stored (or failed): the next request for it no longer joins."""
        with self._lock:
            self._pending.pop(key, None)

    def counts(self) -> tuple[int, int]:
        """How many clips are queued and how many are being made."""
        with self._lock:
            running = sum(1 for p in self._pending.values() if p.started)
            return len(self._pending) - running, running

    def close(self) -> list[Pending]:
        """Refuse new jobs, wake the slots; returns the clips still waiting to be settled."""
        with self._lock:
            self._closed = True
            pending = list(self._pending.values())
            self._pending.clear()
            self._wake.notify_all()
        return pending

    def _join(self, key: str, rank: int) -> Future[Meta] | None:
        if self._closed:
            raise SpeechError("the speech service is shutting down")
        pending = self._pending.get(key)
        if pending is None:
            return None
        self._counters.count("shared")
        if not pending.started and rank < 0:
            self._push(key, rank)  # a listener is waiting: move it to the front
        return pending.future

    def _push(self, key: str, rank: int) -> None:
        heapq.heappush(self._heap, ((rank, next(self._order)), key))
        self._wake.notify()


def settled(meta: Meta) -> Future[Meta]:
    """A future that is already resolved with a made clip's timing record."""
    done: Future[Meta] = Future()
    done.set_result(meta)
    return done


def settle(future: Future[Any], *, result: Any = None, error: str = "") -> None:
    """Resolve a future once; a second resolution (a close racing a finish) is ignored."""
    try:
        if error:
            future.set_exception(SpeechError(error))
        else:
            future.set_result(result)
    except InvalidStateError:
        pass
