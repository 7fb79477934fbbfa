"""What the routes need from a speech service and a clip store, embedded or on Redis.

Two speech services answer these calls: `SpeechService` (service.py: worker processes of
this server, clips in a cache directory) and `ClipQueue` (clipqueue.py: jobs to `reader
worker` processes through Redis, clips in Redis). The page reader, the routes and the page
download are written against these protocols only.
"""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import Future
from typing import Any, Protocol

from reader.options import SpeechOptions
from reader_web.clips import ClipJob
from reader_web.jobqueue import Meta
from reader_web.remote import RemoteEngine
from reader_web.worker import EngineInfo


class Store(Protocol):
    """Content-addressed entries (`key.ext`) checked by their digest on every read."""

    damaged: int

    def has(self, key: str, ext: str) -> bool: ...

    def read(self, key: str, ext: str) -> bytes | None: ...

    def read_json(self, key: str, ext: str = "json") -> Any | None: ...

    def offer(self, key: str, ext: str, data: bytes) -> bool: ...

    @property
    def total_bytes(self) -> int: ...


class Speech(Protocol):
    """Clips made once each, the most urgent first; `submit(job) -> Future` is the seam."""

    options: SpeechOptions

    def start(self) -> None: ...

    def engine_info(self, timeout: float = ...) -> EngineInfo: ...

    def engine(self) -> RemoteEngine: ...

    def remember(self, jobs: tuple[ClipJob, ...]) -> None: ...

    def known(self, key: str) -> ClipJob | None: ...

    def forget(self, key: str) -> None: ...

    def submit(self, job: ClipJob, rank: int = ...) -> Future[Meta]: ...

    def submit_all(self, jobs: tuple[ClipJob, ...]) -> list[Future[Meta]]: ...

    def clip(self, job: ClipJob, timeout: float | None = None) -> Meta: ...

    def made(self, job: ClipJob, ext: str = "wav") -> tuple[Meta, bytes]: ...

    def stream(self, job: ClipJob) -> Iterator[bytes] | None: ...

    def wait_limit(self) -> float: ...

    def snapshot(self) -> dict[str, Any]: ...

    def close(self) -> None: ...
