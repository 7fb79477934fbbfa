"""The speech service of a web node on Redis: clip jobs to an RQ queue, clips from Redis.

    request ──submit(job, rank)──▶ waiter (key → Future) ──enqueue──▶ RQ queues in Redis
                                         ▲                          reader-now / -next / -later
                                         └── `reader:made` ◀── `reader worker` processes
                                                               (redisworker.py) store the clip

The same calls as the embedded SpeechService (`submit`, `clip`, `made`, `known`,
`engine_info`), so the routes, the page reader and the page download do not change. The node
keeps nothing of its own: plans, clips and the jobs behind them live in Redis; what it holds
in memory (futures being waited on, recent timings) is rebuilt from Redis after a restart.

- One synthesis per clip across nodes, the listener first: redisjobs.py (`ClipJobs`).
  A node finding a clip's job already queued or running just waits for `reader:made`.
- Worker death: RQ's `Retry` queues an abandoned job again (redisworker.py).
- Redis lost (restarted empty): the waiter poll finds neither the clip nor its job and
  enqueues it again; the client reconnects by itself.
"""

from __future__ import annotations

import json
import logging
import queue
import threading
import time
from collections.abc import Iterator
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Any

import redis

from reader.errors import SpeechError
from reader.options import SpeechOptions
from reader_web.cache import unwrap
from reader_web.jobqueue import Meta, settle, settled
from reader_web.recent import Recent
from reader_web.redisjobs import (
    ENGINE_KEY,
    JOB_PREFIX,
    MADE_CHANNEL,
    SYNTHESIZED_KEY,
    ClipJobs,
    queue_index,
)
from reader_web.redisstore import PREFIX, RedisCache, unreachable
from reader_web.remote import RemoteEngine
from reader_web.stats import Counters
from reader_web.worker import RETRIES, ClipJob, EngineInfo

# Seconds between checks of every clip waited on (clips announced while the node was cut
# off from Redis, jobs lost with a restarted Redis), and how long a node trusts what it read
# of the workers' engine.
POLL_EVERY = 1.0
ENGINE_FRESH = 10.0
STARTUP_TIMEOUT = 60.0
KNOWN_JOBS = 20_000
TIMINGS_IN_MEMORY = 20_000
URGENT = -1

log = logging.getLogger("reader.web")


@dataclass(slots=True)
class Waiter:
    """A clip this node waits for: its job, the future its requests share, when it was queued."""

    job: ClipJob
    future: Future[Meta]
    rank: int
    since: float
    warned: bool = False


class ClipQueue:
    """Clip jobs to Redis workers, clips from Redis, one synthesis per clip across nodes."""

    def __init__(self, cache: RedisCache, options: SpeechOptions, *, job_timeout: float) -> None:
        self.cache = cache
        self.client = cache.client
        self.options = options
        self.job_timeout = job_timeout
        self.stats = Counters()
        self._jobs = ClipJobs(self.client, job_timeout)
        self._known: Recent[str, ClipJob] = Recent(KNOWN_JOBS)
        self._timings: Recent[str, Meta] = Recent(TIMINGS_IN_MEMORY)
        self._waiting: dict[str, Waiter] = {}
        self._lock = threading.Lock()
        self._engine: tuple[float, EngineInfo] | None = None
        self._thread: threading.Thread | None = None
        self._closed = threading.Event()
        self._backlog: queue.Queue[list[Waiter]] = queue.Queue()

    # ---- what the routes call (the same as SpeechService) -----------------------------------

    def start(self) -> None:
        """Start the thread that hears about made clips (idempotent)."""
        with self._lock:
            if self._thread is not None or self._closed.is_set():
                return
            self._thread = threading.Thread(target=self._watch, name="reader-redis", daemon=True)
            backlog = threading.Thread(
                target=self._enqueue_later, name="reader-redis-enqueue", daemon=True
            )
        self._thread.start()
        backlog.start()

    def engine_info(self, timeout: float = STARTUP_TIMEOUT) -> EngineInfo:
        """The workers' engine as they publish it (waits for the first worker)."""
        cached = self._engine
        if cached is not None and time.monotonic() - cached[0] < ENGINE_FRESH:
            return cached[1]
        deadline = time.monotonic() + timeout
        while True:
            try:
                record = self.client.get(ENGINE_KEY)
            except redis.RedisError as exc:
                if cached is not None:
                    return cached[1]
                raise unreachable(exc) from exc
            if record is not None:
                info = EngineInfo.from_json(json.loads(record))  # type: ignore[arg-type]
                self._engine = (time.monotonic(), info)
                return info
            if cached is not None:  # workers restarting: plan with what they last said
                return cached[1]
            if time.monotonic() > deadline:
                raise SpeechError("no speech worker is running: start `reader worker --redis URL`")
            time.sleep(0.1)

    def engine(self) -> RemoteEngine:
        """An Engine for planning voices in this process."""
        return RemoteEngine(self.engine_info())

    def remember(self, jobs: tuple[ClipJob, ...]) -> None:
        """Keep a plan's jobs in Redis, so any node can make a clip it did not plan."""
        new = [job for job in jobs if self._known.get(job.key) is None]
        if not new:
            return
        try:
            with self.client.pipeline(transaction=False) as pipe:
                for job in new:
                    record = json.dumps(job.to_json(), ensure_ascii=False)
                    pipe.set(JOB_PREFIX + job.key, record, ex=self.cache.ttl)
                pipe.execute()
        except redis.RedisError as exc:
            raise unreachable(exc) from exc
        for job in new:
            self._known.put(job.key, job)

    def known(self, key: str) -> ClipJob | None:
        """The job that makes a clip, if any node planned it (and Redis still has it)."""
        job = self._known.get(key)
        if job is not None:
            return job
        try:
            record = self.client.get(JOB_PREFIX + key)
            job = ClipJob.from_json(json.loads(record)) if record is not None else None
        except redis.RedisError as exc:
            raise unreachable(exc) from exc
        except ValueError:  # written by another version: as if unknown
            return None
        if job is not None and job.key == key:
            self._known.put(key, job)
            return job
        return None

    def forget(self, key: str) -> None:
        """Drop the remembered timing of a clip Redis no longer holds, so it is made again."""
        self._timings.pop(key)

    def submit(self, job: ClipJob, rank: int = URGENT) -> Future[Meta]:
        """The clip's timing record: made, under way, or queued now at `rank`."""
        self.start()
        shared = self._join(job.key, rank)
        if shared is not None:
            return shared
        meta = self._timings.get(job.key) or self._made(job.key)
        if meta is not None:
            return settled(meta)
        future, waiter = self._wait(job, rank)
        if waiter is not None:
            self._enqueue(waiter)
        return future

    def submit_all(self, jobs: tuple[ClipJob, ...]) -> list[Future[Meta]]:
        """Every clip of a page at its reading-order rank, checked in one round trip.

        The first few are queued before this returns; the rest of the page by a thread of
        its own, so planning a long page does not wait for its last sentence's job."""
        self.start()
        made = self._made_all([job.key for job in jobs if self._timings.get(job.key) is None])
        futures: list[Future[Meta]] = []
        later: list[Waiter] = []
        for rank, job in enumerate(jobs):
            meta = self._timings.get(job.key) or made.get(job.key)
            if meta is not None:
                futures.append(settled(meta))
                continue
            shared = self._join(job.key, rank)
            if shared is not None:
                futures.append(shared)
                continue
            future, waiter = self._wait(job, rank)
            futures.append(future)
            if waiter is not None and queue_index(rank) < 2:
                self._enqueue(waiter)
            elif waiter is not None:
                later.append(waiter)
        if later:
            self._backlog.put(later)
        return futures

    def clip(self, job: ClipJob, timeout: float | None = None) -> Meta:
        """Wait for a clip's timing record, synthesizing it first if needed."""
        try:
            return self.submit(job).result(timeout=timeout or self.wait_limit())
        except TimeoutError as exc:
            raise SpeechError("speech synthesis is busy; try again shortly") from exc

    def made(self, job: ClipJob, ext: str = "wav") -> tuple[Meta, bytes]:
        """A clip's timing record and its file, making it (again, if evicted) as needed."""
        meta = self.clip(job)
        data = self.cache.read(job.key, ext)
        if data is None:  # evicted (or Redis restarted) since: make it again
            self.forget(job.key)
            meta = self.clip(job)
            data = self.cache.read(job.key, ext)
        if data is None:
            raise SpeechError("Redis is too small to hold a clip (see maxmemory)")
        return meta, data

    def stream(self, job: ClipJob) -> Iterator[bytes] | None:
        """None: a `reader worker` hands a clip over whole, so it is served whole."""
        return None

    def wait_limit(self) -> float:
        """Longest a request waits for one clip: every attempt may time out once."""
        return (self.job_timeout + 5.0) * (RETRIES + 1) + 5.0

    def snapshot(self) -> dict[str, Any]:
        """Counters for health checks and benchmarks."""
        from rq import Worker

        try:
            workers = Worker.count(connection=self.client)
            queued = self._jobs.queued()
            made = int(self.client.get(SYNTHESIZED_KEY) or 0)  # type: ignore[arg-type]
        except redis.RedisError:
            workers = queued = made = 0
        with self._lock:
            waiting = len(self._waiting)
        return {
            "redis": True,
            "made_by_workers": made,
            "workers": workers,
            "alive": workers,
            "queued": queued,
            "waiting": waiting,
            **self.stats.as_dict(),
            "damaged": self.cache.damaged,
        }

    def close(self) -> None:
        """Stop hearing about clips; requests still waiting get a SpeechError."""
        self._closed.set()
        with self._lock:
            waiting = list(self._waiting.values())
            self._waiting.clear()
        for waiter in waiting:
            settle(waiter.future, error="the speech service stopped")
        if self._thread is not None:
            self._thread.join(timeout=5)

    # ---- Redis and the queue ----------------------------------------------------------------

    def _made(self, key: str) -> Meta | None:
        """The timing record of a clip Redis holds whole (WAV, MP3 and the record), else None."""
        try:
            with self.client.pipeline(transaction=False) as pipe:
                pipe.exists(f"{PREFIX}{key}.wav", f"{PREFIX}{key}.mp3")
                pipe.exists(f"{PREFIX}{key}.json")
                both, record = pipe.execute()
        except redis.RedisError as exc:
            raise unreachable(exc) from exc
        if both != 2 or not record:
            return None
        meta = self.cache.read_json(key)
        if not isinstance(meta, dict):
            return None
        self._timings.put(key, meta)
        return meta

    def _join(self, key: str, rank: int) -> Future[Meta] | None:
        """The future of a clip this node already waits for (hurried if `rank` is urgent)."""
        with self._lock:
            waiter = self._waiting.get(key)
            if waiter is None:
                return None
            self.stats.count("shared")
            promote = rank <= 0 < waiter.rank
            waiter.rank = min(waiter.rank, rank)
            if promote:  # a listener waits from now: the clock of a prefetch starts again
                waiter.since = time.monotonic()
        if promote:
            self._jobs.promote(key)
        return waiter.future

    def _wait(self, job: ClipJob, rank: int) -> tuple[Future[Meta], Waiter | None]:
        """Wait for a clip: its existing waiter's future, or a new waiter (to be queued)."""
        with self._lock:
            waiter = self._waiting.get(job.key)
            if waiter is not None:
                return waiter.future, None
            waiter = Waiter(job=job, future=Future(), rank=rank, since=time.monotonic())
            self._waiting[job.key] = waiter
            return waiter.future, waiter

    def _made_all(self, keys: list[str]) -> dict[str, Meta]:
        """The timing records of those clips Redis holds whole, in one round trip."""
        if not keys:
            return {}
        try:
            with self.client.pipeline(transaction=False) as pipe:
                for key in keys:
                    pipe.exists(f"{PREFIX}{key}.wav", f"{PREFIX}{key}.mp3")
                    pipe.get(f"{PREFIX}{key}.json")
                answers = pipe.execute()
        except redis.RedisError as exc:
            raise unreachable(exc) from exc
        found: dict[str, Meta] = {}
        for index, key in enumerate(keys):
            both, blob = answers[2 * index], answers[2 * index + 1]
            data = unwrap(f"{key}.json", blob) if both == 2 and blob else None
            if data is None and blob:
                self.cache.read_json(key)  # damaged: dropped, so a worker makes it again
            try:
                meta = json.loads(data) if data is not None else None
            except ValueError:
                meta = None
            if isinstance(meta, dict):
                self._timings.put(key, meta)
                found[key] = meta
        return found

    def _enqueue_later(self) -> None:
        """Queue the rest of planned pages, in the order they were planned."""
        while not self._closed.is_set():
            try:
                waiters = self._backlog.get(timeout=0.5)
            except queue.Empty:
                continue
            for waiter in waiters:
                if waiter.job.key in self._waiting:
                    self._enqueue(waiter)

    def _enqueue(self, waiter: Waiter) -> None:
        try:
            engine = self.engine_info().id
            if not self._jobs.enqueue(waiter.job, waiter.rank, engine, self.options):
                self.stats.count("shared")  # another node queued it: wait for that one
        except redis.RedisError as exc:
            self._settle(waiter.job.key, error=str(unreachable(exc)))
        except SpeechError as exc:  # no worker has said what its engine is
            self._settle(waiter.job.key, error=str(exc))

    def _settle(self, key: str, *, meta: Meta | None = None, error: str = "") -> None:
        with self._lock:
            waiter = self._waiting.pop(key, None)
        if waiter is None:
            return
        if meta is not None:
            self.stats.count("synthesized")
            settle(waiter.future, result=meta)
        else:
            self.stats.count("failed")
            settle(waiter.future, error=error or "speech synthesis failed")

    def _watch(self) -> None:
        """Hear `reader:made`; every POLL_EVERY check what is waited on; reconnect on errors."""
        pubsub: Any = None
        polled = time.monotonic()
        while not self._closed.is_set():
            try:
                if pubsub is None:
                    pubsub = self.client.pubsub(ignore_subscribe_messages=True)
                    pubsub.subscribe(MADE_CHANNEL)
                message = pubsub.get_message(timeout=0.2)
                if message is not None and message.get("type") == "message":
                    key = message["data"].decode("ascii", "replace")
                    if key in self._waiting:
                        self._check(key)
                if time.monotonic() - polled >= POLL_EVERY:
                    polled = time.monotonic()
                    self._poll()
            except (redis.RedisError, SpeechError, OSError):
                if pubsub is not None:
                    try:
                        pubsub.close()
                    except (redis.RedisError, OSError):
                        pass
                pubsub = None
                self._closed.wait(0.2)
        if pubsub is not None:
            pubsub.close()

    def _check(self, key: str) -> None:
        meta = self._made(key)
        if meta is not None:
            self._settle(key, meta=meta)

    def _poll(self) -> None:
        """Settle what was made or failed; queue again what Redis lost; give up on the stale."""
        now = time.monotonic()
        with self._lock:
            waiters = [w for w in self._waiting.values() if now - w.since >= POLL_EVERY]
        if not waiters:
            return
        states = self._jobs.states([waiter.job.key for waiter in waiters])
        for waiter, (status, stored) in zip(waiters, states, strict=True):
            key = waiter.job.key
            if stored:
                self._check(key)
            elif status == b"failed":
                self._settle(key, error=self._jobs.failure(key))
            elif status is None:  # neither clip nor job: lost with Redis, queue it again
                self.stats.count("retried")
                self._enqueue(waiter)
            elif now - waiter.since > self.wait_limit() and waiter.rank <= 0 and not waiter.warned:
                waiter.warned = True
                log.warning("clip %s waited %.0f s (rank %s, job %s)", key, now - waiter.since,
                            waiter.rank, status)  # fmt: skip
            elif now - waiter.since > 2 * self.wait_limit() and waiter.rank <= 0:
                self._settle(key, error="speech synthesis is busy; try again shortly")
