"""Render a site's pages over local processes, each page resumable and written atomically.

    render_site ──PageTask──▶ render process 1..N (worker.py: one engine each)
        ▲   ◀──("audio", s) as sentences are spoken, ("page", PageResult) when done──┘
        └── manifest.json rewritten (atomically) after every rendered page

A page whose content key is unchanged is skipped; a page that fails is reported and the
others go on. On Ctrl-C (or SIGTERM) the processes are told to stop: each removes the
temporary files of the page it was writing, so the directory holds only whole files and the
manifest names only those; a rerun renders the rest.
"""

from __future__ import annotations

import multiprocessing
import os
import re
import signal
import time
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any

from reader.errors import AudioError, SpeechError
from reader.options import ReadOptions, SpeechOptions
from reader.site.manifest import Manifest, file_stem
from reader.site.page import PageResult, PageTask, SpeakerFactory
from reader.site.sources import SiteSource

# Temporary files that atomic writes leave only when a process is killed outright (SIGKILL,
# power cut): `.<name>.tmp-XXXXXXXX` beside the file (reader.audio.encode.atomic_path).
STALE_TEMP = re.compile(r"^\..+\.(mp3|vtt|json)\.tmp-[A-Za-z0-9_]+$")
# Seconds a render process gets to remove its temporary files once told to stop.
STOP_TIMEOUT = 10.0


@dataclass(frozen=True, slots=True, kw_only=True)
class Progress:
    """Where a run is: pages finished of all, audio made, and the page just finished."""

    total: int
    done: int
    audio_seconds: float
    elapsed: float
    last: PageResult | None = None

    @property
    def time_left(self) -> float | None:
        """Seconds left at the pace so far (None before the first page is done)."""
        if not self.done:
            return None
        return self.elapsed / self.done * (self.total - self.done)


@dataclass(slots=True, kw_only=True)
class Summary:
    """What a run did: pages rendered, skipped and failed (with why), audio made."""

    rendered: list[PageResult] = field(default_factory=list)
    skipped: list[PageResult] = field(default_factory=list)
    failed: list[PageResult] = field(default_factory=list)
    audio_seconds: float = 0.0
    elapsed: float = 0.0

    @property
    def done(self) -> int:
        return len(self.rendered) + len(self.skipped) + len(self.failed)

    def add(self, result: PageResult) -> None:
        {"rendered": self.rendered, "skipped": self.skipped, "failed": self.failed}[
            result.status
        ].append(result)


OnProgress = Callable[[Progress], None]


def render_site(
    site: SiteSource,
    directory: Path,
    read_options: ReadOptions,
    speech_options: SpeechOptions,
    *,
    jobs: int = 0,
    speaker: SpeakerFactory | None = None,
    on_progress: OnProgress | None = None,
) -> Summary:
    """Render every page of `site` into `directory` over `jobs` processes (0: one per core)."""
    directory = Path(directory)
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise AudioError(f"cannot create {directory}: {exc.strerror or exc}") from exc
    remove_stale_temps(directory)
    manifest = Manifest.load(directory)
    summary = Summary()
    for url, why in site.problems:
        summary.add(PageResult(url=url, status="failed", reason=why))
    tasks = deque(_tasks(site, manifest))
    run = _Run(
        directory=directory,
        manifest=manifest,
        summary=summary,
        total=len(tasks) + len(summary.failed),
        on_progress=on_progress or (lambda progress: None),
    )
    workers = max(1, min(jobs or os.cpu_count() or 1, len(tasks)))
    with _Pool(directory, read_options, speech_options, speaker) as pool:
        run.pages(pool, tasks, workers)
    summary.elapsed = run.elapsed()
    return summary


def remove_stale_temps(directory: Path) -> None:
    """Remove temporary files a killed run left behind (they are never whole)."""
    for path in directory.iterdir():
        if STALE_TEMP.match(path.name):
            path.unlink(missing_ok=True)


def _tasks(site: SiteSource, manifest: Manifest) -> Iterator[PageTask]:
    for url in site.urls:
        entry = manifest.get(url)
        yield PageTask(url=url, stem=file_stem(url), previous_key=entry.key if entry else "")


@dataclass(slots=True, kw_only=True)
class _Worker:
    process: BaseProcess
    conn: Connection
    ready: bool = False
    task: PageTask | None = None
    audio: float = 0.0  # seconds of speech made for the page under way


class _Pool:
    """The render processes: started on demand, stopped (SIGTERM, by pid) on the way out."""

    def __init__(
        self,
        directory: Path,
        read_options: ReadOptions,
        speech_options: SpeechOptions,
        speaker: SpeakerFactory | None,
    ) -> None:
        # Spawned, not forked: a fresh interpreter holds no engine or thread of this one.
        self._context = multiprocessing.get_context("spawn")
        self._args = (directory, read_options, speech_options, speaker)
        self.workers: list[_Worker] = []

    def start(self) -> _Worker:
        """One more render process (it reports ready once its engine is open)."""
        from reader.site.worker import run

        parent, child = self._context.Pipe()
        process = self._context.Process(
            target=run, args=(child, *self._args), name="reader-render", daemon=True
        )
        with _sigint_blocked():
            process.start()
        child.close()
        worker = _Worker(process=process, conn=parent)
        self.workers.append(worker)
        return worker

    def remove(self, worker: _Worker) -> None:
        """Forget a process that has ended."""
        worker.process.join(timeout=STOP_TIMEOUT)
        worker.conn.close()
        self.workers.remove(worker)

    def __enter__(self) -> _Pool:
        return self

    def __exit__(self, *exc: object) -> None:
        for worker in self.workers:
            if exc[0] is None:
                _send(worker.conn, None)
            elif worker.process.is_alive() and worker.process.pid is not None:
                os.kill(worker.process.pid, signal.SIGTERM)  # unwinds the page being written
                worker.conn.close()  # an idle process waiting for a page ends at once
        deadline = time.monotonic() + STOP_TIMEOUT
        for worker in self.workers:
            worker.process.join(timeout=max(0.0, deadline - time.monotonic()))
            if worker.process.is_alive():
                worker.process.kill()
                worker.process.join()
            if not worker.conn.closed:
                worker.conn.close()
        self.workers.clear()


@dataclass(slots=True, kw_only=True)
class _Run:
    """The parent's loop: hand out pages, gather results, keep the manifest."""

    directory: Path
    manifest: Manifest
    summary: Summary
    total: int
    on_progress: OnProgress
    started: float = field(default_factory=time.monotonic)
    fatal: str = ""

    def elapsed(self) -> float:
        return time.monotonic() - self.started

    def pages(self, pool: _Pool, tasks: deque[PageTask], workers: int) -> None:
        self._report(None)
        for _ in range(workers):
            pool.start()
        while tasks or any(w.task for w in pool.workers):
            if not pool.workers:
                raise SpeechError(self.fatal or "the render processes did not start")
            for worker in pool.workers:
                if worker.ready and worker.task is None and tasks:
                    worker.task = tasks.popleft()
                    _send(worker.conn, worker.task)
            self._wait(pool, tasks, workers)

    def _wait(self, pool: _Pool, tasks: deque[PageTask], workers: int) -> None:
        by_handle: dict[Any, _Worker] = {}
        for worker in pool.workers:
            by_handle[worker.conn] = worker
            by_handle[worker.process.sentinel] = worker
        ended: list[_Worker] = []
        for handle in wait(list(by_handle)):
            worker = by_handle[handle]
            if worker in ended:
                continue
            if not self._drain(worker) or handle == worker.process.sentinel:
                ended.append(worker)
        for worker in ended:
            self._ended(pool, worker)
            if tasks and not self.fatal and len(pool.workers) < workers:
                pool.start()

    def _drain(self, worker: _Worker) -> bool:
        """Handle every message waiting; False once the process has gone."""
        try:
            while worker.conn.poll():
                self._handle(worker, worker.conn.recv())
        except (EOFError, OSError):
            return False
        return True

    def _handle(self, worker: _Worker, message: tuple[str, Any]) -> None:
        kind, value = message
        if kind == "ready":
            worker.ready = True
        elif kind == "fatal":
            self.fatal = str(value)
        elif kind == "audio":
            worker.audio += float(value)
            self.summary.audio_seconds += float(value)
            self._report(None)
        elif kind == "page":
            worker.task = None
            self._finish(worker, value)

    def _ended(self, pool: _Pool, worker: _Worker) -> None:
        pool.remove(worker)
        if worker.task is not None:
            code = worker.process.exitcode
            why = f"the render process stopped unexpectedly (exit status {code})"
            self._finish(worker, PageResult(url=worker.task.url, status="failed", reason=why))

    def _finish(self, worker: _Worker, result: PageResult) -> None:
        # The sentences counted as they were spoken give way to the page's length, which
        # also holds the pauses between them.
        self.summary.audio_seconds -= worker.audio
        worker.audio = 0.0
        if result.status == "rendered" and result.entry is not None:
            self.summary.audio_seconds += result.entry.duration
            self.manifest.record(result.url, result.entry)
        self.summary.add(result)
        self._report(result)

    def _report(self, last: PageResult | None) -> None:
        self.on_progress(
            Progress(
                total=self.total,
                done=self.summary.done,
                audio_seconds=self.summary.audio_seconds,
                elapsed=self.elapsed(),
                last=last,
            )
        )


def _send(conn: Connection, message: object) -> None:
    try:
        conn.send(message)
    except (BrokenPipeError, OSError):
        pass  # the process has gone: its sentinel tells the loop


@contextmanager
def _sigint_blocked() -> Iterator[None]:
    """Start a process with SIGINT held back, so a Ctrl-C while it starts up reaches only
    this process (the new one ignores SIGINT before it lets the signal through)."""
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
