"""What the web benchmarks share: the app served in a child process, requests to it, its
memory, percentiles."""

from __future__ import annotations

import http.client
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
HOST = "127.0.0.1"
START_TIMEOUT = 90.0
REQUEST_TIMEOUT = 120.0
SERVER_CODE = (
    "import json, sys, reader_web; "
    "reader_web.serve(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), json.loads(sys.argv[4]))"
)
# The engine the benchmarks measure unless told otherwise: eSpeak NG, as every figure before
# neural voices; `--engine auto` (or piper) measures the neural voices where installed.
ENGINE = "espeak"


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(pct / 100 * (len(ordered) - 1))))]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def descendants(pid: int) -> list[int]:
    """Every process started by `pid`, and by those (from /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            found.append(int(entry.name))
    return found + [grand for child in found for grand in descendants(child)]


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time a process has used so far (from /proc)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


class Server:
    """The app served by waitress in a child process (what `reader serve` runs)."""

    def __init__(self, workers: int, engine: str = ENGINE) -> None:
        self.cache = tempfile.TemporaryDirectory(prefix="reader-bench-cache-")
        self.port = free_port()
        self.log = tempfile.TemporaryFile()
        command = [sys.executable, "-c", SERVER_CODE, HOST, str(self.port), str(workers)]
        settings = {"READER_CACHE_DIR": self.cache.name, "READER_ENGINE": engine}
        self.process = subprocess.Popen(
            [*command, json.dumps(settings)],
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=self.log,
            # This checkout's `reader` and `reader_web`, whatever is installed.
            env={**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "web")])},
        )
        deadline = time.monotonic() + START_TIMEOUT
        while not self._ready(workers):
            if time.monotonic() > deadline or self.process.poll() is not None:
                self.stop()
                raise SystemExit(f"bench: the server did not start\n{self.log_tail()}")
            time.sleep(0.1)

    def _ready(self, workers: int) -> bool:
        try:
            status, body = request(self.port, "GET", "/healthz")
        except OSError:
            return False
        return status == 200 and json.loads(body)["speech"]["alive"] >= workers

    def memory(self) -> tuple[float, float, int]:
        """RSS in MB of the server process and of its synthesis processes, and their count."""
        children = descendants(self.process.pid)
        return rss_mb(self.process.pid), sum(rss_mb(pid) for pid in children), len(children)

    def workers(self) -> dict[int, float]:
        """RSS in MB of each synthesis process (as /healthz names them), by pid."""
        return {pid: rss_mb(pid) for pid in self.health()["speech"]["pids"]}

    def cpu(self) -> tuple[float, float]:
        """CPU seconds used so far by the server process and by its synthesis processes."""
        children = descendants(self.process.pid)
        return cpu_seconds(self.process.pid), sum(cpu_seconds(pid) for pid in children)

    def health(self) -> dict[str, Any]:
        _, body = request(self.port, "GET", "/healthz")
        return json.loads(body)  # type: ignore[no-any-return]

    def log_tail(self) -> str:
        self.log.seek(0)
        return "\n".join(self.log.read().decode(errors="replace").strip().splitlines()[-8:])

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.cache.cleanup()
        self.log.close()


def request(
    port: int,
    method: str,
    path: str,
    body: bytes | None = None,
    conn: Any = None,
    headers: dict[str, str] | None = None,
) -> tuple[int, bytes]:
    """One request (on `conn` if given); status and body."""
    own = conn is None
    conn = conn or http.client.HTTPConnection(HOST, port, timeout=REQUEST_TIMEOUT)
    try:
        sent = {"Content-Type": "application/json"} if body is not None else {}
        conn.request(method, path, body=body, headers={**sent, **(headers or {})})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        if own:
            conn.close()
