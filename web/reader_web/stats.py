"""The speech service's counters: what health checks and benchmarks read."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field, fields
from typing import Literal

Event = Literal["synthesized", "failed", "restarts", "retried", "shared", "uncached"]


@dataclass(slots=True)
class Counters:
    """Events since the service started; `count` is safe from any thread."""

    synthesized: int = 0
    failed: int = 0
    restarts: int = 0  # worker processes replaced after they died or hung
    retried: int = 0  # jobs tried again on a new process
    shared: int = 0  # requests that joined a synthesis already under way
    uncached: int = 0  # clips the disk refused, served from memory
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def count(self, event: Event) -> None:
        """Add one to a counter."""
        with self._lock:
            setattr(self, event, getattr(self, event) + 1)

    def as_dict(self) -> dict[str, int]:
        """The counters by name."""
        with self._lock:
            return {f.name: getattr(self, f.name) for f in fields(self) if f.name != "_lock"}
