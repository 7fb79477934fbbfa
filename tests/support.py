"""What the tests share: paths and the reliability report's scenario record.

A module of its own, not conftest.py: tests/ and tests/web/ each have a conftest, and which
one `import conftest` finds depends on the order pytest collected them in.
"""

from __future__ import annotations

import socketserver
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
OSTERSUND = SAMPLES / "ostersund-international-cooperation.html"


class Scenario:
    """A fault scenario's row in the reliability report (bench/reliability.py reads it back)."""

    def __init__(self, record: Callable[[str, object], None]) -> None:
        self._record = record
        self._started = 0.0

    def inject(self, what: str) -> None:
        """Name the fault and start the recovery clock."""
        self._record("injected", what)
        self._started = time.monotonic()

    def saw(self, what: str) -> None:
        """What the user saw: the message, exit code or HTTP status."""
        self._record("saw", what)

    def recovered(self) -> None:
        """Stop the clock: the service works again (or the command has ended cleanly)."""
        self._record("recovery_s", f"{time.monotonic() - self._started:.2f}")

    def lost(self, what: str = "none") -> None:
        """Data lost or damaged, checked by the test before it says so."""
        self._record("lost", what)


def mount(*args: str) -> None:
    """`mount` with these arguments (the tests run as root, as CI does)."""
    subprocess.run(["mount", *args], check=True, capture_output=True, timeout=30)


@contextmanager
def serving(server: socketserver.TCPServer) -> Iterator[int]:
    """Run a standard-library server in a thread; yields its port, then stops and closes it."""
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield int(server.server_address[1])
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
