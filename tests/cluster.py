"""Real processes on loopback for the distributed mode: a Redis server, web nodes, workers.

Each test starts its own `redis-server` (Debian's) on a free port with no persistence, and
`reader serve --redis` / `reader worker --redis` as child processes in their own process
groups, so a test can kill one of them and the fixture always ends all of them.
"""

from __future__ import annotations

import io
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import redis
from mutagen.mp3 import MP3

from reader_web.cache import unwrap
from reader_web.redisstore import PREFIX

ROOT = Path(__file__).resolve().parent.parent
REDIS_SERVER = "/usr/bin/redis-server"
START_TIMEOUT = 90.0
READER = [sys.executable, "-c", "from reader.cli import main; main()"]

# A page of six sentences in two paragraphs, as the widget posts it.
PAGE = (
    '<div data-reader-node="0"><h1 data-reader-node="1">Waste collection</h1>'
    '<p data-reader-node="2">Bins are emptied every other week. Garden waste goes on Fridays.'
    " Glass is taken to the recycling station by the library.</p>"
    '<p data-reader-node="3">Bulky waste is collected twice a year. Book a time online.</p></div>'
)


def plan_of(base: str, html: str = PAGE) -> dict[str, Any]:
    status, body = call(f"{base}/api/read", {"html": html, "lang": "en"})
    assert status == 200, body
    return json.loads(body)  # type: ignore[no-any-return]


def sentences(plan: dict[str, Any]) -> list[dict[str, Any]]:
    return [s for block in plan["blocks"] for s in block["sentences"]]


def mp3_seconds(data: bytes) -> float:
    return float(MP3(io.BytesIO(data)).info.length)


def whole_entries(client: Any) -> list[str]:
    """Every clip and plan entry in Redis, each checked against its digest."""
    names = []
    for name in client.scan_iter(match=PREFIX + "*"):
        entry = name.decode().removeprefix(PREFIX)
        assert unwrap(entry, client.get(name)) is not None, f"damaged: {entry}"
        names.append(entry)
    return names


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def call(url: str, body: dict[str, Any] | None = None, timeout: float = 90) -> tuple[int, bytes]:
    """One HTTP request; the status and body, for errors too."""
    data = json.dumps(body).encode() if body is not None else None
    headers = {"Content-Type": "application/json"} if body is not None else {}
    request = urllib.request.Request(url, data=data, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        with exc:
            return exc.code, exc.read()


def wait_for(test: Any, what: str, timeout: float = START_TIMEOUT, every: float = 0.05) -> None:
    deadline = time.monotonic() + timeout
    while not test():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(every)


class Child:
    """A child process in its own process group, its output in a log file."""

    def __init__(self, command: list[str], log: Path) -> None:
        self.log = log
        with open(log, "ab") as out:
            self.process = subprocess.Popen(
                command,
                cwd=ROOT,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                env={**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "web")])},
            )

    @property
    def pid(self) -> int:
        return self.process.pid

    def alive(self) -> bool:
        return self.process.poll() is None

    def kill(self) -> None:
        """SIGKILL to the whole group: the process and any it started."""
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.process.wait(timeout=30)

    def stop(self) -> None:
        """SIGTERM, then SIGKILL to the group if it does not end."""
        if self.alive():
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                pass
        self.kill()

    def tail(self) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-15:])


class RedisServer:
    """`redis-server` on a free loopback port, no persistence: a restart starts it empty."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.child: Child | None = None
        self.start()

    def start(self) -> None:
        command = [
            REDIS_SERVER,
            "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
            "--dir", str(self.directory), "--maxmemory-policy", "volatile-lru",
        ]  # fmt: skip
        self.child = Child(command, self.directory / "redis.log")
        client = self.client()
        wait_for(lambda: _pings(client), "redis-server", timeout=20)

    def client(self) -> redis.Redis:
        return redis.Redis.from_url(self.url, socket_timeout=5)

    def kill(self) -> None:
        if self.child is not None:
            self.child.kill()

    def stop(self) -> None:
        if self.child is not None:
            self.child.stop()


def _pings(client: redis.Redis) -> bool:
    try:
        return bool(client.ping())
    except redis.RedisError:
        return False


class Cluster:
    """Web nodes and workers started by a test on one Redis; all ended by `stop`."""

    def __init__(self, directory: Path, redis_server: RedisServer, job_timeout: float = 20) -> None:
        self.directory = directory
        self.redis = redis_server
        self.children: list[Child] = []
        self.nodes: dict[str, Child] = {}
        self.config = directory / "reader.toml"
        self.config.write_text(f"[web]\njob_timeout = {job_timeout}\n", encoding="utf-8")

    def _start(self, name: str, *args: str) -> Child:
        child = Child([*READER, "--config", str(self.config), *args], self.directory / name)
        self.children.append(child)
        return child

    def worker(self, processes: int = 1) -> Child:
        """`reader worker --redis URL --processes N`, once every process is taking jobs."""
        before = self.worker_pids()
        child = self._start(f"worker-{len(self.children)}.log", "worker", "--redis",
                            self.redis.url, "--processes", str(processes))  # fmt: skip
        wait_for(lambda: len(self.worker_pids() - before) >= processes, f"{processes} workers")
        return child

    def node(self) -> str:
        """`reader serve --redis URL` on a free port, once it answers; its base URL."""
        port = free_port()
        child = self._start(f"node-{len(self.children)}.log", "serve", "--redis", self.redis.url,
                            "--port", str(port), "--quiet")  # fmt: skip
        base = f"http://127.0.0.1:{port}"

        def up() -> bool:
            assert child.alive(), child.tail()
            try:
                return call(base + "/healthz", timeout=5)[0] == 200
            except OSError:
                return False

        wait_for(up, "a web node")
        self.nodes[base] = child
        return base

    def worker_pids(self) -> set[int]:
        """Pids of the RQ workers registered in Redis now."""
        from rq import Worker

        try:
            return {int(w.pid) for w in Worker.all(connection=self.redis.client()) if w.pid}
        except redis.RedisError:
            return set()

    def busy_worker(self, job_id: str) -> int | None:
        """The pid of the worker running a job, if one is."""
        from rq import Worker

        for worker in Worker.all(connection=self.redis.client()):
            if worker.get_current_job_id() == job_id and worker.pid:
                return int(worker.pid)
        return None

    def stop(self) -> None:
        for child in reversed(self.children):
            child.stop()
