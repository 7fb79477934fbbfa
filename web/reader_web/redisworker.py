"""`reader worker`: synthesis processes that take clip jobs from Redis (RQ) and store clips there.

Each process opens one engine (eSpeak NG or the neural voices, through the same router as
the embedded service), loads every model, and then runs an RQ `SimpleWorker`: jobs run in
the process itself, so the engine stays loaded (RQ's default worker would fork a process,
and so reload the engine, per job). The parent process starts the processes and starts a
new one when one dies.

A job names its clip's key; the worker recomputes that key from the sentence, its engine
and the words per minute and volume the job asks for, and refuses a job whose key does not
address what it would make (a web node configured differently, another engine version).
A clip already stored is not made again. The clip's files are stored in one transaction,
then `reader:made` tells every web node.

A worker that dies mid-job stops renewing its job's heartbeat; after `EXECUTION_TTL`
seconds another worker's maintenance finds the job abandoned and RQ queues it again
(`Retry`), so a listener waits a few seconds more, never forever.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import socket
import threading
import time
from dataclasses import dataclass, replace
from typing import Any

import redis
from rq import Queue, SimpleWorker
from rq.executions import Execution
from rq.job import Job
from rq.serializers import JSONSerializer

from reader.errors import SpeechError
from reader.options import SpeechOptions
from reader_web.clips import ClipJob, clip_key
from reader_web.redisjobs import (
    ENGINE_KEY,
    ENGINE_TTL,
    MADE_CHANNEL,
    QUEUE_NAMES,
    SYNTHESIZED_KEY,
)
from reader_web.redisstore import RedisCache, connect, unreachable
from reader_web.worker import EngineInfo, open_loaded, render_clip

# What a made clip is in Redis: all three, or it is made again.
CLIP_FILES = ("wav", "mp3", "json")
# Seconds a job's execution counts as alive without a heartbeat: a killed worker's job is
# queued again this long after its last beat (plus one maintenance round). A process starved
# of CPU on a busy machine (3 s was missed there) must not pass for dead.
EXECUTION_TTL = 10
HEARTBEAT_EVERY = 2.0
RECORD_GRACE = 90
# Seconds between maintenance rounds (abandoned jobs) and the longest blocking dequeue: an
# idle worker looks for abandoned jobs about once a second.
MAINTENANCE_EVERY = 1
DEQUEUE_TIMEOUT = 1
# Seconds the parent waits before starting a process again after one died.
RESTART_DELAY = 0.5
MAX_RESTART_DELAY = 60.0
QUICK_END = 10.0

log = logging.getLogger("reader.web")


@dataclass(slots=True)
class Loaded:
    """What a worker process holds: its engine, what it is, its options and the store."""

    engine: Any
    info: EngineInfo
    options: SpeechOptions
    store: RedisCache


# The engine of this process, opened once by `serve_queue` (one engine per process).
_loaded: Loaded | None = None


def make_clip(job: dict[str, Any], engine: str, words_per_minute: int, volume: float) -> str:
    """The RQ job: make the clip `job` addresses unless it is stored, store it, announce it."""
    if _loaded is None:
        raise SpeechError("this process has no speech engine (run it with `reader worker`)")
    clip_job = ClipJob.from_json(job)
    options = replace(_loaded.options, words_per_minute=words_per_minute, volume=volume)
    if engine != _loaded.info.id:
        raise SpeechError(f"the job asks for {engine}; this worker speaks with {_loaded.info.id}")
    if clip_key(engine, options, clip_job.sentence) != clip_job.key:
        raise SpeechError("the job's key does not address its sentence")
    store, key = _loaded.store, clip_job.key
    if not store.has_all(key, CLIP_FILES):
        result = render_clip(_loaded.engine, clip_job, options)
        meta = json_bytes(result.meta)
        # The timing record last in the same transaction: a node never sees half a clip.
        store.put_all(key, {"wav": result.wav, "mp3": result.mp3, "json": meta})
        store.client.incr(SYNTHESIZED_KEY)
    store.client.publish(MADE_CHANNEL, key)
    return key


def json_bytes(record: dict[str, Any]) -> bytes:
    import json

    return json.dumps(record, ensure_ascii=False).encode("utf-8")


class ClipWorker(SimpleWorker):
    """RQ's in-process worker with a job heartbeat and a published engine description."""

    @property
    def dequeue_timeout(self) -> int:
        return DEQUEUE_TIMEOUT

    def get_heartbeat_ttl(self, job: Job, working_time: float = 0.0) -> int:
        return EXECUTION_TTL

    def heartbeat(self, timeout: int | None = None, pipeline: Any = None) -> None:
        super().heartbeat(timeout, pipeline)
        if _loaded is not None:  # web nodes plan with the voices of a live worker
            target = pipeline if pipeline is not None else self.connection
            target.set(ENGINE_KEY, json_bytes(_loaded.info.to_json()), ex=ENGINE_TTL)

    def prepare_execution(self, job: Job) -> Execution:
        execution = super().prepare_execution(job)
        # RQ keeps an execution listed for its job 60 s past its TTL and fetches it when the
        # job ends; the record must outlive the listing, or a job retried after its worker
        # died fails at the end over the dead execution's missing record.
        self.connection.expire(execution.key, EXECUTION_TTL + RECORD_GRACE)
        return execution

    def perform_job(self, job: Job, queue: Queue, execution: Execution) -> bool:
        # The job runs in this thread; a second one renews its execution while it runs, so
        # the execution lapses within EXECUTION_TTL of this process dying, not job.timeout.
        done = threading.Event()
        beat = threading.Thread(
            target=self._beat, args=(job, execution, done), name="reader-heartbeat", daemon=True
        )
        beat.start()
        try:
            return bool(super().perform_job(job, queue, execution))
        finally:
            done.set()
            beat.join()

    def _beat(self, job: Job, execution: Execution, done: threading.Event) -> None:
        deadline = time.monotonic() + (job.timeout or 60) + EXECUTION_TTL
        while not done.wait(HEARTBEAT_EVERY) and time.monotonic() < deadline:
            try:
                with self.connection.pipeline() as pipe:
                    execution.heartbeat(job.started_job_registry, EXECUTION_TTL, pipe)
                    pipe.expire(execution.key, EXECUTION_TTL + RECORD_GRACE)
                    pipe.execute()
            except Exception:  # noqa: BLE001 - a lost beat only makes the job look abandoned
                log.debug("job heartbeat failed", exc_info=True)


def serve_queue(url: str, options: SpeechOptions, threads: int, ttl: int) -> None:
    """Process entry point: open the engine, then take jobs until stopped."""
    global _loaded
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides, and ends its processes
    engine, info = open_loaded(options, threads)
    client = connect(url)
    _loaded = Loaded(engine=engine, info=info, options=options, store=RedisCache(client, ttl))
    queues = [Queue(name, connection=client, serializer=JSONSerializer) for name in QUEUE_NAMES]
    worker = ClipWorker(
        queues,
        name=f"reader-{socket.gethostname()}-{os.getpid()}",
        connection=client,
        serializer=JSONSerializer,
        maintenance_interval=MAINTENANCE_EVERY,
        log_job_description=False,
    )
    try:
        worker.work(logging_level="WARNING", with_scheduler=False)
    finally:
        engine.close()


def run_workers(url: str, processes: int, options: SpeechOptions, ttl: int) -> None:
    """Run `processes` worker processes until interrupted, starting a new one when one dies.

    Raises SpeechError at once when Redis cannot be reached."""
    try:
        connect(url).ping()
    except redis.RedisError as exc:
        raise unreachable(exc) from exc
    context = multiprocessing.get_context("spawn")
    threads = max(1, (os.cpu_count() or 1) // processes)
    running: list[Any] = [None] * processes
    started = [0.0] * processes
    delay = [RESTART_DELAY / 2] * processes
    ended: list[float | None] = [None] * processes

    def start(slot: int) -> None:
        process = context.Process(
            target=serve_queue,
            args=(url, options, threads, ttl),
            name=f"reader-worker-{slot}",
            daemon=True,
        )
        process.start()
        running[slot] = process
        started[slot] = time.monotonic()

    try:
        for slot in range(processes):
            start(slot)
        while True:
            time.sleep(RESTART_DELAY)
            for slot, process in enumerate(running):
                if process.is_alive():
                    continue
                now = time.monotonic()
                since = ended[slot]
                if since is None:
                    ended[slot] = since = now
                    # A process that ends soon after it started (Redis away, an engine that
                    # cannot open) is started again less and less often, up to once a minute.
                    quick = now - started[slot] < QUICK_END
                    longer = min(delay[slot] * 2, MAX_RESTART_DELAY)
                    delay[slot] = longer if quick else RESTART_DELAY
                    log.warning(
                        "worker process %s ended (exit %s); starting another in %.1f s",
                        slot, process.exitcode, delay[slot],
                    )  # fmt: skip
                if now - since >= delay[slot]:
                    ended[slot] = None
                    start(slot)
    finally:
        for process in running:
            if process is not None and process.is_alive():
                process.terminate()
        for process in running:
            if process is not None:
                process.join(timeout=10)
                if process.is_alive():
                    process.kill()
