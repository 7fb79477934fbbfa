"""The speech service: a pool of synthesis processes behind a priority queue.

    request ──submit(job)──▶ single flight (key → Future) ──▶ priority heap
                                                          ──▶ slot thread ⇄ worker process
                                          cache ◀── WAV + MP3 + timing ◀──┘

Each slot thread owns one worker process (spawned, so no engine state is inherited) and
feeds it one job at a time. A worker that exits or does not answer within the job timeout is
killed and replaced, and the job is retried once; after that the waiting requests get a
SpeechError, never a hang. Concurrent requests for one clip share one Future.

A clip is a pure function of its job (text, voice, rate, engine version) and lands in a
content-addressed cache, so `submit(job) -> Future` is the whole seam: to grow past one
machine, the same jobs go to a task queue (Celery or RQ) whose workers run `render_clip`
and write to a shared cache directory; the routes do not change.
"""

from __future__ import annotations

import heapq
import itertools
import json
import threading
import time
from collections import OrderedDict
from concurrent.futures import Future, InvalidStateError, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from reader.errors import SpeechError
from reader.model import Clip, Voice
from reader.options import SpeechOptions
from reader_web.cache import ClipCache
from reader_web.slot import STARTUP_TIMEOUT, WorkerSlot
from reader_web.worker import RETRIES, ClipJob, ClipResult, EngineInfo

# Clips whose job (to make it again after eviction) and timing record (to answer without the
# disk) are kept in memory: about 2 KB each, so at most ~80 MB; a page has 20-100 clips.
KNOWN_JOBS = 20_000
# Priority of a clip a listener is waiting for: ahead of every page's reading order.
URGENT = -1


@dataclass(slots=True)
class Pending:
    """A clip being made: its job, the future its requests wait on, whether it started."""

    job: ClipJob
    future: Future[dict[str, Any]]
    started: bool = False


class RemoteEngine:
    """The Engine protocol for planning in the web process; speaking happens in the workers."""

    def __init__(self, info: EngineInfo) -> None:
        self.name = info.name
        self.version = info.version
        self._voices = info.voices

    def voices(self) -> tuple[Voice, ...]:
        return self._voices

    def synthesize(self, text: str, voice: str, rate: int, volume: float = 1.0) -> Clip:
        raise SpeechError("synthesis runs in the speech service's worker processes")

    def close(self) -> None:
        return None


@dataclass(slots=True)
class _Stats:
    synthesized: int = 0
    failed: int = 0
    restarts: int = 0
    retried: int = 0
    shared: int = 0  # requests that joined a synthesis already under way
    uncached: int = 0  # clips the disk refused, served from memory


class SpeechService:
    """Synthesis processes, a priority queue, single flight, results into the cache."""

    def __init__(
        self,
        cache: ClipCache,
        options: SpeechOptions,
        *,
        workers: int = 2,
        job_timeout: float = 20.0,
    ) -> None:
        self.cache = cache
        self.options = options
        self.workers = max(1, workers)
        self.job_timeout = job_timeout
        self._lock = threading.Lock()
        self._wake = threading.Condition(self._lock)
        self._heap: list[tuple[tuple[int, int], int, str]] = []
        self._pending: dict[str, Pending] = {}
        self._known: OrderedDict[str, ClipJob] = OrderedDict()
        self._metas: OrderedDict[str, dict[str, Any]] = OrderedDict()
        self._meta_lock = threading.Lock()
        # One writer thread: clips finish in the order they were made, so the first sentence a
        # listener waits for is never held back behind a later one's fsync.
        self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="reader-cache")
        self._order = itertools.count()
        self._slots: list[WorkerSlot] = []
        self._info: Future[EngineInfo] = Future()
        self._closed = False
        self._startup_error = ""
        self.stats = _Stats()

    def start(self) -> None:
        """Start the worker processes (idempotent; called lazily by the first use)."""
        with self._lock:
            if self._slots or self._closed:
                return
            self._slots = [WorkerSlot(self, number) for number in range(self.workers)]
        for slot in self._slots:
            slot.thread.start()

    def engine_info(self, timeout: float = STARTUP_TIMEOUT) -> EngineInfo:
        """The workers' engine name, version and voices (waits for the first worker)."""
        self.start()
        deadline = time.monotonic() + timeout
        while True:
            try:
                return self._info.result(timeout=0.05)
            except TimeoutError:
                if self._startup_error:
                    raise SpeechError(self._startup_error) from None
                if time.monotonic() > deadline:
                    raise SpeechError("the speech engine did not start in time") from None

    def engine(self) -> RemoteEngine:
        """An Engine for planning voices in this process."""
        return RemoteEngine(self.engine_info())

    def known(self, key: str) -> ClipJob | None:
        """The job that makes a clip, if a page plan named it since the server started."""
        with self._lock:
            return self._known.get(key)

    def forget(self, key: str) -> None:
        """Drop the remembered timing of a clip whose files were evicted, so it is made again."""
        with self._meta_lock:
            self._metas.pop(key, None)

    def remember(self, job: ClipJob) -> None:
        """Note how a clip is made without queueing it."""
        with self._lock:
            self._remember(job)

    def submit(self, job: ClipJob, rank: int = URGENT) -> Future[dict[str, Any]]:
        """Queue a clip unless it is cached or under way; `rank` orders it (lower is sooner)."""
        self.start()
        with self._lock:
            shared = self._join(job, rank)
        if shared is not None:
            return shared
        meta = self._cached(job.key)  # read outside the lock: other requests go on meanwhile
        if meta is not None:
            done: Future[dict[str, Any]] = Future()
            done.set_result(meta)
            return done
        with self._lock:
            shared = self._join(job, rank)
            if shared is not None:
                return shared
            if self.cache.has(job.key, "json"):  # finished while we read: no second synthesis
                meta = self._cached(job.key)
            if meta is None:
                pending = Pending(job=job, future=Future())
                self._pending[job.key] = pending
                self._push(job.key, rank)
                return pending.future
        done = Future()
        done.set_result(meta)
        return done

    def clip(self, job: ClipJob, timeout: float | None = None) -> dict[str, Any]:
        """Wait for a clip's timing record, synthesizing it first if needed."""
        limit = timeout or self.wait_limit()
        try:
            return self.submit(job).result(timeout=limit)
        except TimeoutError as exc:
            raise SpeechError("speech synthesis is busy; try again shortly") from exc

    def made(self, job: ClipJob, ext: str = "wav") -> tuple[dict[str, Any], bytes]:
        """A clip's timing record and its file, making it (again, if evicted) as needed."""
        meta = self.clip(job)
        data = self.cache.read(job.key, ext)
        if data is None:  # evicted since it was made: make it again
            self.forget(job.key)
            meta = self.clip(job)
            data = self.cache.read(job.key, ext)
        if data is None:  # made and evicted at once: the cache bound is far too small
            raise SpeechError("the audio cache is too small to hold a clip")
        return meta, data

    def wait_limit(self) -> float:
        """Longest a request waits for one clip: every attempt may time out once."""
        return (self.job_timeout + 5.0) * (RETRIES + 1) + 5.0

    def snapshot(self) -> dict[str, Any]:
        """Counters for health checks and benchmarks."""
        with self._lock:
            alive = sum(1 for s in self._slots if s.pid is not None)
            return {
                "workers": self.workers,
                "alive": alive,
                "pids": [s.pid for s in self._slots if s.pid is not None],
                "queued": sum(1 for p in self._pending.values() if not p.started),
                "running": sum(1 for p in self._pending.values() if p.started),
                "synthesized": self.stats.synthesized,
                "failed": self.stats.failed,
                "restarts": self.stats.restarts,
                "retried": self.stats.retried,
                "shared": self.stats.shared,
                "uncached": self.stats.uncached,
                "damaged": self.cache.damaged,
            }

    def close(self) -> None:
        """Stop the workers; requests still waiting get a SpeechError."""
        with self._lock:
            self._closed = True
            pending = list(self._pending.values())
            self._pending.clear()
            self._wake.notify_all()
        for slot in self._slots:
            slot.stop()
        self._writer.shutdown(wait=True)
        for item in pending:
            _settle(item.future, error="the speech service stopped")
        _settle(self._info, error="the speech service stopped")

    # ---- called by the worker slots (reader_web/slot.py) ------------------------------------

    def count(self, event: str) -> None:
        """Add one to a counter ("restarts", "retried")."""
        with self._lock:
            setattr(self.stats, event, getattr(self.stats, event) + 1)

    def _join(self, job: ClipJob, rank: int) -> Future[dict[str, Any]] | None:
        """The future of a synthesis of this clip already queued or running (lock held)."""
        if self._closed:
            raise SpeechError("the speech service is shutting down")
        self._remember(job)
        pending = self._pending.get(job.key)
        if pending is None:
            return None
        self.stats.shared += 1
        if not pending.started and rank < 0:
            self._push(job.key, rank)  # a listener is waiting: move it to the front
        return pending.future

    def _cached(self, key: str) -> dict[str, Any] | None:
        """A clip's timing record if the clip has been made (memory first, then the disk)."""
        meta = self._metas.get(key)
        if meta is not None:
            return meta
        # Both audio files: one removed as damaged means the clip is made again.
        if not (self.cache.has(key, "mp3") and self.cache.has(key, "wav")):
            return None
        meta = self.cache.read_json(key)
        if not isinstance(meta, dict):
            return None
        self._keep_meta(key, meta)
        return meta

    def _keep_meta(self, key: str, meta: dict[str, Any]) -> None:
        # A made clip never changes, so its record is trusted without going to the disk; if
        # its audio was evicted meanwhile, the audio route makes it again from the known job.
        with self._meta_lock:
            self._metas[key] = meta
            while len(self._metas) > KNOWN_JOBS:
                self._metas.popitem(last=False)

    def _remember(self, job: ClipJob) -> None:
        self._known[job.key] = job
        self._known.move_to_end(job.key)
        while len(self._known) > KNOWN_JOBS:
            self._known.popitem(last=False)

    def _push(self, key: str, rank: int) -> None:
        heapq.heappush(self._heap, ((rank, next(self._order)), 0, key))
        self._wake.notify()

    def next_job(self) -> Pending | None:
        """Block until a job is due (None when closing)."""
        with self._lock:
            while True:
                if self._closed:
                    return None
                while self._heap:
                    _, _, key = heapq.heappop(self._heap)
                    pending = self._pending.get(key)
                    if pending is not None and not pending.started:
                        pending.started = True
                        return pending
                self._wake.wait()

    def engine_ready(self, info: EngineInfo) -> None:
        """A worker's engine is up: planning may start."""
        self._startup_error = ""
        _settle(self._info, result=info)

    def startup_failed(self, error: str) -> None:
        """A worker's engine could not start: planning fails with this message."""
        self._startup_error = error

    def finish(self, pending: Pending, result: ClipResult | None, error: str = "") -> None:
        """Hand a made clip (or the failure) to the cache writer; the worker goes on meanwhile."""
        # Writing three files with fsync takes longer than some syntheses: done on a writer
        # thread, the slot feeds its worker the next job at once.
        try:
            self._writer.submit(self._store, pending, result, error)
        except RuntimeError:  # closing: the writer is gone
            _settle(pending.future, error="the speech service stopped")

    def _store(self, pending: Pending, result: ClipResult | None, error: str) -> None:
        """Store the clip, then wake everyone waiting for it (never leaves them waiting)."""
        key = pending.job.key
        if result is not None:
            # A disk that is full or read-only costs the cache, not the listener: what it
            # refuses is kept in memory (bounded) and served from there.
            try:
                meta = json.dumps(result.meta, ensure_ascii=False).encode("utf-8")
                stored = [
                    self.cache.offer(key, "wav", result.wav),
                    self.cache.offer(key, "mp3", result.mp3),
                    self.cache.offer(key, "json", meta),  # last: it marks the clip complete
                ]
            except (OSError, ValueError) as exc:
                result, error = None, f"cannot store the clip: {exc}"
            else:
                if not all(stored):
                    self.count("uncached")
        with self._lock:
            self._pending.pop(key, None)
            if result is not None:
                self.stats.synthesized += 1
            else:
                self.stats.failed += 1
        if result is not None:
            self._keep_meta(key, result.meta)
            _settle(pending.future, result=result.meta)
        else:
            _settle(pending.future, error=error or "speech synthesis failed")


def _settle(future: Future[Any], *, result: Any = None, error: str = "") -> None:
    """Resolve a future once; a second resolution (a close racing a finish) is ignored."""
    try:
        if error:
            future.set_exception(SpeechError(error))
        else:
            future.set_result(result)
    except InvalidStateError:
        pass
