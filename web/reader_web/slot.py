"""A worker slot: one synthesis process and the thread that feeds it jobs.

The thread takes the most urgent job from its owner, sends it down a pipe and waits for
the answer at most the job timeout. A process that exits or stays silent is killed, a new
one is started, and the job is tried again (`RETRIES` times); an error the engine reports
itself is final, since trying again would give the same answer.

A slot knows its owner only through `SlotOwner`, the few calls it makes; the speech service
is one such owner, and the slot never imports it.
"""

from __future__ import annotations

import itertools
import multiprocessing
import threading
import time
from typing import Any, Literal, Protocol

from reader.errors import SpeechError
from reader.options import SpeechOptions
from reader_web.jobqueue import Pending
from reader_web.worker import RETRIES, ClipResult, EngineInfo, run

# Seconds a new process may take to import and open its engine before it counts as failed.
STARTUP_TIMEOUT = 60.0


class SlotOwner(Protocol):
    """What a worker slot needs from whoever runs it: jobs, and somewhere to report."""

    def next_job(self) -> Pending | None:
        """Block until a job is due (None: the slot is done)."""

    def finish(self, pending: Pending, result: ClipResult | None, error: str) -> None:
        """Take a made clip, or the reason it could not be made."""

    def progress(self, pending: Pending, mp3: bytes | None) -> None:
        """Take the next MP3 bytes of a clip being made (None: its synthesis starts over)."""

    def count(self, event: Literal["restarts", "retried"]) -> None:
        """Note a process replaced or a job tried again."""

    def engine_ready(self, info: EngineInfo) -> None:
        """A process's engine is up."""

    def startup_failed(self, error: str) -> None:
        """A process's engine could not start."""


class WorkerSlot:
    """One worker process, replaced when it dies or hangs, fed by one thread."""

    def __init__(
        self,
        owner: SlotOwner,
        number: int,
        options: SpeechOptions,
        job_timeout: float,
        threads: int = 1,
    ) -> None:
        self.owner = owner
        self.threads = threads
        self.number = number
        self.options = options
        self.job_timeout = job_timeout
        self.process: Any = None
        self.conn: Any = None
        self.pid: int | None = None
        self._stopping = False
        self._jobs = itertools.count(1)
        self.thread = threading.Thread(
            target=self._loop, name=f"reader-speech-{number}", daemon=True
        )

    def stop(self) -> None:
        """End the process; a job under way fails and the thread sees its owner closed."""
        self._stopping = True
        process = self.process
        if process is not None:
            process.kill()
        self.thread.join(timeout=10)
        self._kill()

    def _loop(self) -> None:
        try:
            self._ensure_process()  # warm up: the engine loads before the first listener asks
        except SpeechError as exc:
            self.owner.startup_failed(str(exc))
            self._kill()
        while True:
            pending = self.owner.next_job()
            if pending is None:
                return
            result, error = self._attempts(pending)
            self.owner.finish(pending, result, error)

    def _attempts(self, pending: Pending) -> tuple[ClipResult | None, str]:
        error = "speech synthesis failed"
        for attempt in range(RETRIES + 1):
            if self._stopping:
                return None, "the speech service stopped"
            if attempt:
                self.owner.count("retried")
                self.owner.progress(pending, None)  # the audio heard so far is void
            try:
                self._ensure_process()
                outcome = self._run(pending)
            except SpeechError as exc:
                error = str(exc)
                self._kill()
                continue
            if isinstance(outcome, ClipResult):
                return outcome, ""
            return None, outcome
        return None, error

    def _run(self, pending: Pending) -> ClipResult | str:
        job_id = next(self._jobs)
        timeout = self.job_timeout
        deadline = time.monotonic() + timeout
        try:
            self.conn.send((job_id, pending.job))
            while True:
                if not self.conn.poll(max(0.0, deadline - time.monotonic())):
                    raise SpeechError(f"speech synthesis took longer than {timeout:g} s")
                kind, answer_id, payload = self.conn.recv()
                if answer_id != job_id:
                    raise SpeechError("a speech worker answered out of turn")
                if kind != "part":
                    break
                self.owner.progress(pending, payload)
        except (EOFError, OSError) as exc:
            raise SpeechError("a speech worker process exited during synthesis") from exc
        return payload if kind == "ok" else str(payload)

    def _ensure_process(self) -> None:
        if self.process is not None and self.process.is_alive():
            return
        if self.process is not None:
            self._kill()
        # Spawned, not forked: a fork would inherit the web process's threads and locks.
        context = multiprocessing.get_context("spawn")
        parent, child = context.Pipe()
        process = context.Process(
            target=run,
            args=(child, self.options, self.threads),
            name=f"reader-speech-{self.number}",
            daemon=True,
        )
        process.start()
        child.close()
        self.process, self.conn = process, parent
        try:
            if not parent.poll(STARTUP_TIMEOUT):
                raise SpeechError("the speech engine did not start in time")
            kind, _, payload = parent.recv()
        except (EOFError, OSError) as exc:
            raise SpeechError("a speech worker process exited while starting") from exc
        if kind != "ready" or not isinstance(payload, EngineInfo):
            raise SpeechError(f"the speech engine cannot start: {payload}")
        self.pid = process.pid
        self.owner.engine_ready(payload)

    def _kill(self) -> None:
        process, conn = self.process, self.conn
        self.process = self.conn = None
        if self.pid is not None and not self._stopping:
            self.owner.count("restarts")
        self.pid = None
        if conn is not None:
            conn.close()
        if process is not None:
            process.kill()
            process.join(timeout=5)
