"""Soak: many listeners for minutes against a real server; requests, errors, latency, memory.

    python bench/soak.py [--listeners 20] [--minutes 3] [--workers 2] [--pages 200]

Starts the server as `reader serve` does (waitress, real synthesis processes, a fresh cache
directory) in a child process on 127.0.0.1. Each listener does what the widget does, over
and over: posts a page's reading area, then fetches each sentence's clip in reading order
(and its timing when the plan did not carry it). Pages are the samples, each in `--pages`
variants with different sentences (the default 200 take two CPUs a few minutes to make, and
fill more than the 500 MB cache bound), so the run keeps synthesizing and evicting as well
as serving cached clips. Every `--every` seconds, and at the end, one row: requests and
errors so far, clips served and their latency p50/p95 over the interval, and the resident
memory (VmRSS from /proc) of the server process and of its synthesis processes. The last
lines give the memory growth over the run, since the first row after the start, and over
the last interval: the in-memory caches (plans, timing records, jobs; all bounded) grow
while new pages are being made, so a leak shows as growth that does not level off.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bs4 import BeautifulSoup
from procs import HOST, REQUEST_TIMEOUT, Server, percentile, request

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"
# Samples with nothing to read are there to fail; a soak reads real pages.
SKIP_SAMPLES = frozenset({"nothing-readable.html"})
# Where the reading area is on a sample, most specific first (as a site's widget is set up).
AREAS = ("#content", "[data-reader-area]", "main", "article", "body")


@dataclass(slots=True)
class Tally:
    """Requests so far; latencies of clip requests since the last report."""

    requests: int = 0
    errors: int = 0
    clips: int = 0
    latencies: list[float] = field(default_factory=list)
    kinds: dict[str, int] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, ok: bool, seconds: float | None, kind: str = "") -> None:
        with self.lock:
            self.requests += 1
            if not ok:
                self.errors += 1
                self.kinds[kind] = self.kinds.get(kind, 0) + 1
            elif seconds is not None:
                self.clips += 1
                self.latencies.append(seconds)

    def take(self) -> tuple[int, int, list[float]]:
        with self.lock:
            latencies, self.latencies = self.latencies, []
            return self.requests, self.errors, latencies


def payloads(count: int) -> list[bytes]:
    """`count` reading areas as the widget posts them: the samples, in numbered variants."""
    areas = []
    for path in sorted(SAMPLES.glob("*.html")):
        if path.name in SKIP_SAMPLES:
            continue
        soup = BeautifulSoup(path.read_bytes(), "lxml")
        area = next(found for sel in AREAS if (found := soup.select_one(sel)) is not None)
        lang = (soup.html.get("lang") if soup.html else None) or "en"
        areas.append((str(area), str(lang), path.name))
    made = []
    for number in range(count):
        html, lang, name = areas[number % len(areas)]
        area = BeautifulSoup(html, "lxml").select_one("*")
        assert area is not None
        for index, element in enumerate([area, *area.find_all(True)]):
            element["data-reader-node"] = str(index)
        for text in area.find_all(string=True):
            if number >= len(areas) and text.strip():
                text.replace_with(text.replace(".", f" {number}."))
        body = {"html": str(area), "url": f"https://example.org/{name}", "lang": lang}
        made.append(json.dumps(body).encode("utf-8"))
    return made


def listener(port: int, pages: list[bytes], tally: Tally, stop: threading.Event, seed: int) -> None:
    """Read pages as the widget does until told to stop."""
    rng = random.Random(seed)
    conn = http.client.HTTPConnection(HOST, port, timeout=REQUEST_TIMEOUT)
    while not stop.is_set():
        try:
            read_page(port, rng.choice(pages), tally, stop, conn)
        except (OSError, http.client.HTTPException, ValueError) as exc:
            tally.add(False, None, type(exc).__name__)
            conn.close()
            conn = http.client.HTTPConnection(HOST, port, timeout=REQUEST_TIMEOUT)
    conn.close()


def read_page(port: int, page: bytes, tally: Tally, stop: threading.Event, conn: Any) -> None:
    status, body = request(port, "POST", "/api/read", page, conn)
    tally.add(status == 200, None, f"POST {status}")
    if status != 200:
        return
    plan = json.loads(body)
    for block in plan["blocks"]:
        for sentence in block["sentences"]:
            if stop.is_set():
                return
            began = time.perf_counter()
            status, audio = request(port, "GET", sentence["audio"], None, conn)
            tally.add(status == 200 and bool(audio), time.perf_counter() - began, f"GET {status}")
            if not sentence.get("words"):  # the widget asks for the timing it was not given
                status, _ = request(port, "GET", sentence["timing"], None, conn)
                tally.add(status == 200, None, f"GET timing {status}")


def report(elapsed: float, tally: Tally, server: Server) -> tuple[float, float]:
    """Print one row; returns the server's and the workers' RSS in MB."""
    requests, errors, latencies = tally.take()
    main, workers, count = server.memory()
    p50 = percentile(latencies, 50) * 1000 if latencies else float("nan")
    p95 = percentile(latencies, 95) * 1000 if latencies else float("nan")
    print(
        f"{elapsed:7.0f} s  {requests:9d}  {errors:6d}  {len(latencies):6d}  {p50:8.1f}  "
        f"{p95:8.1f}  {main:8.1f}  {workers:8.1f} ({count})  {main + workers:8.1f}",
        flush=True,
    )
    return main, workers


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--listeners", type=int, default=20)
    parser.add_argument("--minutes", type=float, default=3.0)
    parser.add_argument("--workers", type=int, default=2, help="synthesis processes")
    parser.add_argument("--pages", type=int, default=200, help="distinct pages listened to")
    parser.add_argument("--every", type=float, default=30.0, help="seconds between rows")
    args = parser.parse_args()
    pages = payloads(args.pages)
    server = Server(args.workers)
    tally, stop = Tally(), threading.Event()
    print(
        f"reader soak: {args.listeners} listeners, {args.minutes:g} min, {len(pages)} pages, "
        f"{args.workers} synthesis processes, {os.cpu_count()} CPUs"
    )
    print(
        f"{'time':>9}  {'requests':>9}  {'errors':>6}  {'clips':>6}  {'p50 ms':>8}  "
        f"{'p95 ms':>8}  {'server':>8}  {'workers (n)':>12}  {'total MB':>8}"
    )
    threads = [
        threading.Thread(target=listener, args=(server.port, pages, tally, stop, n), daemon=True)
        for n in range(args.listeners)
    ]
    try:
        started = time.monotonic()
        samples = [report(0.0, tally, server)]
        for thread in threads:
            thread.start()
        end = started + args.minutes * 60
        while (now := time.monotonic()) < end:
            time.sleep(min(args.every, end - now))
            samples.append(report(time.monotonic() - started, tally, server))
        stop.set()
        for thread in threads:
            thread.join(timeout=REQUEST_TIMEOUT)
        health = server.health()
    finally:
        stop.set()
        server.stop()
    summary(samples, tally, health)


def summary(samples: list[tuple[float, float]], tally: Tally, health: dict[str, Any]) -> None:
    first, settled, last = samples[0], samples[min(1, len(samples) - 1)], samples[-1]
    speech = health["speech"]
    print(f"\nrequests {tally.requests}, errors {tally.errors} {tally.kinds or ''}")
    print(
        f"server: {speech['synthesized']} clips synthesized, {speech['failed']} failed, "
        f"{speech['restarts']} worker restarts, cache {health['cache_bytes'] / 1e6:.1f} MB"
    )
    for name, index in (("server", 0), ("workers", 1)):
        print(
            f"memory growth, {name:8}: {last[index] - first[index]:+7.1f} MB over the run, "
            f"{last[index] - settled[index]:+7.1f} MB since the first row after the start"
        )
    before_last = samples[max(len(samples) - 2, 0)]
    print(
        f"memory growth, total   : {sum(last) - sum(first):+7.1f} MB over the run, "
        f"{sum(last) - sum(settled):+7.1f} MB since the first row, "
        f"{sum(last) - sum(before_last):+7.1f} MB in the last interval"
    )


if __name__ == "__main__":
    main()
