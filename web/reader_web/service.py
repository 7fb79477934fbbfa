"""The speech service: a pool of synthesis processes behind a priority queue.

    request ──submit(job)──▶ single flight (key → Future) ──▶ priority heap    (jobqueue.py)
                                                          ──▶ slot thread ⇄ worker process
                                                                           (slot.py, worker.py)
                 cache ◀── writer thread ◀── WAV + MP3 + timing ◀──┘       (clipstore.py)

Each slot thread owns one worker process (spawned, so no engine state is inherited) and
feeds it one job at a time. A worker that exits or does not answer within the job timeout is
killed and replaced, and the job is retried once; after that the waiting requests get a
SpeechError, never a hang. Concurrent requests for one clip share one Future.

A clip is a pure function of its job (text, voice, words per minute, engine version) and
lands in a content-addressed cache, so `submit(job) -> Future` is the whole seam: to grow
past one machine, the same jobs go to a task queue (Celery or RQ) whose workers run `render_clip`
and write to a shared cache directory; the routes do not change.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any, Literal

from reader.errors import SpeechError
from reader.options import SpeechOptions
from reader_web.cache import ClipCache
from reader_web.clipstore import ClipStore
from reader_web.jobqueue import JobQueue, Meta, Pending, settle, settled
from reader_web.recent import Recent
from reader_web.remote import RemoteEngine
from reader_web.slot import STARTUP_TIMEOUT, WorkerSlot
from reader_web.stats import Counters
from reader_web.streams import ClipStream
from reader_web.worker import RETRIES, ClipJob, ClipResult, EngineInfo

# Jobs kept in memory to make a clip again after its files were evicted: about 2 KB each, so
# at most ~40 MB; a page has 20-100 clips.
KNOWN_JOBS = 20_000
# Priority of a clip a listener is waiting for: ahead of every page's reading order.
URGENT = -1


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
        self.stats = Counters()
        self._queue = JobQueue(self.stats)
        self._clips = ClipStore(cache)
        self._known: Recent[str, ClipJob] = Recent(KNOWN_JOBS)
        # One writer thread: clips finish in the order they were made, so the first sentence a
        # listener waits for is never held back behind a later one's fsync.
        self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="reader-cache")
        self._lock = threading.Lock()
        self._slots: list[WorkerSlot] = []
        self._info: Future[EngineInfo] = Future()
        self._closed = False
        self._startup_error = ""

    def start(self) -> None:
        """Start the worker processes (idempotent; called lazily by the first use)."""
        with self._lock:
            if self._slots or self._closed:
                return
            # A neural model's threads share the cores among the workers: two workers each
            # spinning two threads on two cores would only fight.
            threads = max(1, (os.cpu_count() or 1) // self.workers)
            self._slots = [
                WorkerSlot(self, number, self.options, self.job_timeout, threads)
                for number in range(self.workers)
            ]
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

    def remember(self, jobs: tuple[ClipJob, ...]) -> None:
        """Know a plan's jobs, to make any of its clips again after an eviction."""
        for job in jobs:
            self._known.put(job.key, job)

    def known(self, key: str) -> ClipJob | None:
        """The job that makes a clip, if a page plan named it since the server started."""
        return self._known.get(key)

    def forget(self, key: str) -> None:
        """Drop the remembered timing of a clip whose files were evicted, so it is made again."""
        self._clips.forget(key)

    def submit(self, job: ClipJob, rank: int = URGENT) -> Future[Meta]:
        """Queue a clip unless it is cached or under way; `rank` orders it (lower is sooner)."""
        self.start()
        shared = self._queue.join(job.key, rank)
        self._known.put(job.key, job)
        if shared is not None:
            return shared
        meta = self._clips.timing(job.key)  # read outside the lock: other requests go on
        if meta is not None:
            return settled(meta)
        return self._queue.add(job, rank, self._clips.finished)

    def submit_all(self, jobs: tuple[ClipJob, ...]) -> list[Future[Meta]]:
        """Every clip of a page at its reading-order rank."""
        return [self.submit(job, rank) for rank, job in enumerate(jobs)]

    def clip(self, job: ClipJob, timeout: float | None = None) -> Meta:
        """Wait for a clip's timing record, synthesizing it first if needed."""
        limit = timeout or self.wait_limit()
        try:
            return self.submit(job).result(timeout=limit)
        except TimeoutError as exc:
            raise SpeechError("speech synthesis is busy; try again shortly") from exc

    def stream(self, job: ClipJob) -> Iterator[bytes] | None:
        """A clip's MP3 as it is made, once its first bytes are there; None when it is made
        whole first (it is cached by then, or its voice speaks a sentence in one piece)."""
        if self.submit(job).done():
            return None
        pending = self._queue.pending(job.key)
        if pending is None or not pending.stream.started(self.wait_limit()):
            return None
        return pending.stream.read(self.wait_limit())

    def made(self, job: ClipJob, ext: str = "wav") -> tuple[Meta, bytes]:
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
        pids = [s.pid for s in self._slots if s.pid is not None]
        queued, running = self._queue.counts()
        return {
            "workers": self.workers,
            "alive": len(pids),
            "pids": pids,
            "worker_rss_mb": [rss_mb(pid) for pid in pids],
            "queued": queued,
            "running": running,
            **self.stats.as_dict(),
            "damaged": self.cache.damaged,
        }

    def close(self) -> None:
        """Stop the workers; requests still waiting get a SpeechError."""
        with self._lock:
            self._closed = True
        pending = self._queue.close()
        for slot in self._slots:
            slot.stop()
        self._writer.shutdown(wait=True)
        for item in pending:
            item.stream.fail()
            settle(item.future, error="the speech service stopped")
        settle(self._info, error="the speech service stopped")

    # ---- what the worker slots call (slot.SlotOwner) ----------------------------------------

    def next_job(self) -> Pending | None:
        """Block until a job is due (None when closing)."""
        return self._queue.next_job()

    def count(self, event: Literal["restarts", "retried"]) -> None:
        """Add one to a counter."""
        self.stats.count(event)

    def engine_ready(self, info: EngineInfo) -> None:
        """A worker's engine is up: planning may start."""
        self._startup_error = ""
        settle(self._info, result=info)

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
            settle(pending.future, error="the speech service stopped")

    def progress(self, pending: Pending, mp3: bytes | None) -> None:
        """The next MP3 bytes of a clip being made; None: it is made again from the start
        (its worker died), and what was streamed of it no longer holds."""
        if mp3 is None:
            pending.stream.fail()
            pending.stream = ClipStream()
        else:
            pending.stream.feed(mp3)

    def _store(self, pending: Pending, result: ClipResult | None, error: str) -> None:
        """Store the clip, then wake everyone waiting for it (never leaves them waiting)."""
        key = pending.job.key
        if result is not None:
            # A disk that is full or read-only costs the cache, not the listener: what it
            # refuses is kept in memory (bounded) and served from there.
            try:
                if not self._clips.keep(key, result):
                    self.stats.count("uncached")
            except (OSError, ValueError) as exc:
                result, error = None, f"cannot store the clip: {exc}"
        # Streamed readers end once the clip is stored: one who comes later reads the cache.
        if result is not None:
            pending.stream.finish(result.mp3)
        else:
            pending.stream.fail()
        self._queue.done(key)
        if result is not None:
            self.stats.count("synthesized")
            settle(pending.future, result=result.meta)
        else:
            self.stats.count("failed")
            settle(pending.future, error=error or "speech synthesis failed")


def rss_mb(pid: int) -> float:
    """Resident memory of a process in MB (0 when it is gone)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return round(int(line.split()[1]) / 1024, 1)
    except (OSError, ValueError):
        pass
    return 0.0
