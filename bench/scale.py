"""Scaling out on Redis: clips per second and listener latency, embedded and distributed.

    python bench/scale.py [--listeners 200] [--nodes 1] [--workers 1,2] [--embedded 2]

Starts, per mode, a fresh `redis-server` on a free loopback port, N web nodes
(`reader serve --redis`) and M worker processes (`reader worker --processes M`), then
`bench/web.py`'s load: every listener reads a different page (the sample with every sentence
made unique), POST then every clip in order, spread over the nodes. The embedded mode (one
`reader serve` with its own synthesis processes, no Redis) runs the same load for
comparison. Prints per mode: errors, clips/s, clip latency p50/p95, and the CPU seconds of
the web nodes, the workers and Redis, with clips per worker-CPU-second (the figure that
sizes a deployment when the machine is shared). Then the distributed mode's click to first
audio byte on the sample, cold (a page never seen) and warm.

Floors: 0 errors in every mode; M=2 ≥ 1.7× the clips/s of M=1 (when the web node, Redis and
the load generator leave the second core to the second worker: the CPU figures say what
bounds it); distributed first audio warm ≤ 30 ms, cold ≤ 150 ms. Needs redis-server
(Debian's, /usr/bin/redis-server) and the distributed extra.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from procs import ENGINE, HOST, ROOT, Server, cpu_seconds, descendants, free_port, percentile
from procs import request as http_request

from web import SAMPLE, Load, click_to_first_byte, listener, payload_for

REDIS_SERVER = "/usr/bin/redis-server"
# The integrity header before every entry's payload (reader_web.cache.HEADER).
HEADER_BYTES = 28
READER = [sys.executable, "-c", "from reader.cli import main; main()"]
START_TIMEOUT = 120.0
CHILD_ENV = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "web")])}


class Child:
    """A process of this benchmark in its own process group."""

    def __init__(self, command: list[str], log: Path) -> None:
        self.log = log
        with open(log, "ab") as out:
            self.process = subprocess.Popen(
                command, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT,
                start_new_session=True, env=CHILD_ENV,
            )  # fmt: skip

    def cpu(self) -> float:
        """CPU seconds of the process and everything it started."""
        pids = [self.process.pid, *descendants(self.process.pid)]
        return sum(cpu_seconds(pid) for pid in pids)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                pass
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.process.wait()

    def tail(self) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-10:])


@dataclass(slots=True)
class Deployment:
    """Redis, web nodes and workers of one distributed mode."""

    directory: Path
    redis: Child
    port: int
    nodes: list[tuple[int, Child]]
    workers: Child

    @classmethod
    def start(cls, nodes: int, processes: int, engine: str) -> Deployment:
        directory = Path(tempfile.mkdtemp(prefix="reader-scale-"))
        port = free_port()
        url = f"redis://{HOST}:{port}/0"
        redis = Child(
            [REDIS_SERVER, "--port", str(port), "--bind", HOST, "--save", "", "--appendonly",
             "no", "--dir", str(directory), "--maxmemory-policy", "volatile-lru"],
            directory / "redis.log",
        )  # fmt: skip
        config = directory / "reader.toml"
        config.write_text(f'engine = "{engine}"\n', encoding="utf-8")
        base = [*READER, "--config", str(config)]
        workers = Child(
            [*base, "worker", "--redis", url, "--processes", str(processes)],
            directory / "workers.log",
        )
        started = []
        for number in range(nodes):
            node_port = free_port()
            command = [*base, "serve", "--redis", url, "--port", str(node_port), "--quiet"]
            started.append((node_port, Child(command, directory / f"node-{number}.log")))
        made = cls(directory=directory, redis=redis, port=port, nodes=started, workers=workers)
        made.wait_ready(processes)
        return made

    def wait_ready(self, processes: int) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        for port, node in self.nodes:
            while True:
                try:
                    status, body = http_request(port, "GET", "/healthz")
                    if status == 200 and json.loads(body)["speech"]["workers"] >= processes:
                        break
                except OSError:
                    pass
                if time.monotonic() > deadline or node.process.poll() is not None:
                    logs = f"{node.tail()}\n{self.workers.tail()}"
                    self.stop()
                    raise SystemExit(f"bench: a web node did not start\n{logs}")
                time.sleep(0.2)

    def memory(self) -> str:
        """Redis memory per hour of audio held: what sizes `maxmemory`."""
        import redis

        client = redis.Redis(host=HOST, port=self.port)
        used = int(client.info("memory")["used_memory"])
        seconds, clips = 0.0, 0
        for name in client.scan_iter(match="reader:file:*.json", count=1000):
            blob = client.get(name)
            if blob and not name.endswith(b".plan.json"):
                seconds += json.loads(blob[HEADER_BYTES:])["duration"]
                clips += 1
        hours = seconds / 3600
        per_hour = used / 1024 / 1024 / hours if hours else 0
        return (
            f"Redis holds {clips} clips, {hours:.2f} h of audio in {used / 1024 / 1024:.0f} MB: "
            f"{per_hour:.0f} MB per hour of audio (WAV + MP3 + timing, plans and jobs)"
        )

    def cpu(self) -> tuple[float, float, float]:
        """CPU seconds so far of the web nodes, the workers and Redis."""
        return sum(n.cpu() for _, n in self.nodes), self.workers.cpu(), self.redis.cpu()

    def stop(self) -> None:
        for _, node in self.nodes:
            node.stop()
        self.workers.stop()
        self.redis.stop()
        shutil.rmtree(self.directory, ignore_errors=True)


@dataclass(slots=True)
class Result:
    name: str
    load: Load
    wall: float
    cpu: tuple[float, float, float]  # web, synthesis, redis
    memory: str = ""

    @property
    def rate(self) -> float:
        return self.load.clips / self.wall

    def print(self) -> None:
        load, (web, synth, redis) = self.load, self.cpu
        p50 = percentile(load.latencies, 50) * 1000 if load.latencies else 0
        p95 = percentile(load.latencies, 95) * 1000 if load.latencies else 0
        per_cpu = load.clips / synth if synth else 0
        print(
            f"{self.name:26} errors {len(load.errors):3}  {load.clips:6} clips  "
            f"{self.rate:6.1f} clips/s  p50/p95 {p50:6.0f} / {p95:6.0f} ms  "
            f"CPU s web {web:5.1f} synth {synth:6.1f} redis {redis:4.1f}  "
            f"{per_cpu:5.1f} clips/synth-CPU-s"
        )
        if load.errors:
            print(f"{'':26} errors: {sorted(set(load.errors))[:5]}")
        if self.memory:
            print(f"{'':26} {self.memory}")


def run_load(ports: list[int], payloads: list[bytes]) -> tuple[Load, float]:
    """bench/web.py's listeners, spread round-robin over the web nodes."""
    load = Load()
    start = threading.Event()
    threads = [
        threading.Thread(target=listener, args=(ports[n % len(ports)], payload, load, start))
        for n, payload in enumerate(payloads)
    ]
    for thread in threads:
        thread.start()
    began = time.perf_counter()
    start.set()
    for thread in threads:
        thread.join()
    return load, time.perf_counter() - began


def distributed(args: argparse.Namespace, processes: int, payloads: list[bytes]) -> Result:
    deployment = Deployment.start(args.nodes, processes, args.engine)
    try:
        before = deployment.cpu()
        load, wall = run_load([port for port, _ in deployment.nodes], payloads)
        after = deployment.cpu()
        memory = deployment.memory()
    finally:
        deployment.stop()
    cpu = (after[0] - before[0], after[1] - before[1], after[2] - before[2])
    name = f"redis: {args.nodes} node(s), M={processes}"
    return Result(name=name, load=load, wall=wall, cpu=cpu, memory=memory)


def embedded(args: argparse.Namespace, payloads: list[bytes]) -> Result:
    server = Server(args.embedded, args.engine)
    try:
        before = server.cpu()
        load, wall = run_load([server.port], payloads)
        after = server.cpu()
    finally:
        server.stop()
    cpu = (after[0] - before[0], after[1] - before[1], 0.0)
    return Result(name=f"embedded: {args.embedded} processes", load=load, wall=wall, cpu=cpu)


def first_audio(args: argparse.Namespace, html: str) -> None:
    """Click to first audio byte through a web node: cold (a new page) and warm."""
    deployment = Deployment.start(1, 2, args.engine)
    port = deployment.nodes[0][0]
    try:
        click_to_first_byte(port, payload_for(html, 10_000))  # the node's first request
        cold = [
            click_to_first_byte(port, payload_for(html, 10_001 + n))[0] for n in range(args.rounds)
        ]
        warm_payload = payload_for(html)
        click_to_first_byte(port, warm_payload)
        warm = [click_to_first_byte(port, warm_payload)[0] for _ in range(args.warm)]
    finally:
        deployment.stop()
    for name, samples, floor in (("cold", cold, 0.150), ("warm", warm, 0.030)):
        median = sorted(samples)[len(samples) // 2]
        verdict = "ok" if median <= floor else f"FAILS floor {floor * 1000:.0f} ms"
        print(
            f"click → first audio byte, {name} (ms)   median {median * 1000:6.1f}  "
            f"min {min(samples) * 1000:6.1f}  max {max(samples) * 1000:6.1f}  "
            f"n={len(samples)}  ({verdict})"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--listeners", type=int, default=200)
    parser.add_argument("--nodes", type=int, default=1, help="web nodes in the distributed modes")
    parser.add_argument("--workers", default="1,2", help="worker processes per run, e.g. 1,2")
    parser.add_argument(
        "--embedded", type=int, default=2, help="processes of the embedded mode (0: skip it)"
    )
    parser.add_argument("--rounds", type=int, default=10, help="cold first-audio requests")
    parser.add_argument("--warm", type=int, default=30, help="warm first-audio requests")
    parser.add_argument("--engine", default=ENGINE, help="espeak (default), auto or piper")
    parser.add_argument("--sample", type=Path, default=SAMPLE)
    args = parser.parse_args()
    if not Path(REDIS_SERVER).is_file():
        raise SystemExit(f"bench: needs {REDIS_SERVER} (apt-get install redis-server)")
    html = args.sample.read_text(encoding="utf-8")
    payloads = [payload_for(html, n) for n in range(args.listeners)]
    load = os.getloadavg()[0]
    print(
        f"reader scale bench: {os.cpu_count()} CPUs (load average {load:.1f} at start), "
        f"{args.listeners} listeners on {args.listeners} different pages, engine {args.engine}"
    )
    results = [embedded(args, payloads)] if args.embedded else []
    for result in results:
        result.print()
    for processes in [int(m) for m in args.workers.split(",")]:
        results.append(distributed(args, processes, payloads))
        results[-1].print()
    print(f"load average at the end {os.getloadavg()[0]:.1f}")
    runs = {r.name: r for r in results}
    one = next((r for r in results if r.name.endswith("M=1")), None)
    two = next((r for r in results if r.name.endswith("M=2")), None)
    if one and two:
        wall = two.rate / one.rate
        cpu = (two.load.clips / two.cpu[1]) / (one.load.clips / one.cpu[1])
        verdict = "ok" if wall >= 1.7 else "below the 1.7× floor"
        print(f"M=2 / M=1: {wall:.2f}× clips/s ({verdict}); clips per synth-CPU-s {cpu:.2f}×")
        busy = sum(two.cpu) / two.wall
        print(
            f"  M=2 used {busy:.2f} of {os.cpu_count()} cores for the service "
            f"(web {two.cpu[0] / two.wall:.2f}, synthesis {two.cpu[1] / two.wall:.2f}, "
            f"redis {two.cpu[2] / two.wall:.2f}); the load generator and others use the rest"
        )
    errors = sum(len(r.load.errors) for r in runs.values())
    print(f"errors in all modes: {errors} ({'ok' if errors == 0 else 'FAILS floor 0'})")
    first_audio(args, html)


if __name__ == "__main__":
    main()
