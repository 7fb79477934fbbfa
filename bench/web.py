"""Listen-button latency and load: click to first audio byte, and many listeners at once.

    python bench/web.py [--listeners 50] [--workers 2] [--rounds 5] [--distinct]

Starts the real server (waitress, in a child process, on 127.0.0.1) with a fresh cache and
prints: the time from `POST /api/read` of the sample's reading area to the first byte of its
first clip, cold (empty cache, server just started) and warm; then N listeners that each read
the whole page at once (POST, then every clip in order): errors, per-clip latency p50/p95,
clips per second, the server's memory (its process and the synthesis processes), and the
highest memory of each synthesis process while the listeners read (floor 400 MB each).
Floors: cold <= 300 ms, warm <= 50 ms, 50 listeners with no errors and p95 < 2 s.

Then a long page of 100,000 characters of text (the sample's paragraphs over and over, each
round under its own heading, every sentence distinct), posted as the widget posts it (with
`?first=1`, so that it is answered with its first part while the rest is planned): click to
first audio byte, cold (floor 100 ms) and warm, and when the whole plan (`rest`) arrived.

Then a page whose first sentence is long, uncached: click to its first and its last audio
byte (a neural voice's clip is streamed clause by clause).

Then a real public-sector page (austintexas.gov, 54 KB of markup, from
`../shared/data/extraction-dev`) posted whole as the widget posts it (its body, gzipped):
click to first audio byte, cold (floor 150 ms), with the server's CPU time for it.
"""

from __future__ import annotations

import argparse
import gzip
import http.client
import json
import os
import statistics
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from bs4 import BeautifulSoup
from procs import ENGINE, HOST, REQUEST_TIMEOUT, Server, percentile, request

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "samples" / "ostersund-international-cooperation.html"
DATA = ROOT.parent / "shared" / "data" / "extraction-dev"
# A public-sector service page of 54 KB (austintexas.gov, "Workforce Development").
REAL_PAGE = "0204"
REAL_PAGE_URL = "https://www.austintexas.gov/department/workforce-development"
# The long page: at most the server's READER_MAX_TEXT (100,000 characters) of text.
LONG_PAGE_TEXT = 100_000
# The widget asks for a long page's first part first.
FIRST_PART = "/api/read?first=1"
GZIP = {"Content-Encoding": "gzip"}
LONG_FIRST = (
    "Within this framework, the office works with influencing the process of decision-"
    "making in the EU, ensuring that the region's interests are taken care of."
)
# Each synthesis process's memory is sampled this often under load; its floor in MB.
RSS_EVERY = 0.25
WORKER_MB = 400
# Seconds to wait for the server and its engines to come up, and for any one response.


@dataclass(slots=True)
class Load:
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    clips: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


def long_first_runs(args: argparse.Namespace) -> None:
    """A page whose first sentence is long (154 characters), on a warm server, uncached:
    click to its first audio byte, and to its last (a neural voice streams it by clause)."""
    server = Server(args.workers, args.engine)
    first, last = [], []
    try:
        for number in range(max(1, args.rounds)):
            # The round's number opens the sentence: each round's first clip is a new one.
            html = f"<main><p>In round {number}, {LONG_FIRST[0].lower()}{LONG_FIRST[1:]}</p></main>"
            payload = json.dumps({"html": html, "lang": "en"}).encode("utf-8")
            conn = http.client.HTTPConnection(HOST, server.port, timeout=REQUEST_TIMEOUT)
            try:
                started = time.perf_counter()
                _, body = request(server.port, "POST", "/api/read", payload, conn)
                conn.request("GET", json.loads(body)["blocks"][0]["sentences"][0]["audio"])
                response = conn.getresponse()
                response.read(1)
                first.append(time.perf_counter() - started)
                response.read()
                last.append(time.perf_counter() - started)
            finally:
                conn.close()
    finally:
        server.stop()
    print(f"\nlong first sentence ({len(LONG_FIRST)} characters), uncached, warm server:")
    _row("click → first audio byte (ms)", first)
    _row("click → last audio byte (ms)", last)


def click_to_first_byte(
    port: int, payload: bytes, headers: dict[str, str] | None = None, path: str = "/api/read"
) -> tuple[float, float]:
    """POST the reading area, then GET its first clip until its first body byte arrives.

    Returns the whole time and the part of it the POST took.
    """
    conn = http.client.HTTPConnection(HOST, port, timeout=REQUEST_TIMEOUT)
    try:
        started = time.perf_counter()
        status, body = request(port, "POST", path, payload, conn, headers)
        if status != 200:
            raise SystemExit(f"bench: POST /api/read answered {status}: {body[:200]!r}")
        posted = time.perf_counter() - started
        first = json.loads(body)["blocks"][0]["sentences"][0]["audio"]
        conn.request("GET", first)
        response = conn.getresponse()
        chunk = response.read(1)
        elapsed = time.perf_counter() - started
        response.read()
        if response.status != 200 or not chunk:
            raise SystemExit(f"bench: GET {first} answered {response.status}")
        return elapsed, posted
    finally:
        conn.close()


def listener(port: int, payload: bytes, load: Load, start: threading.Event) -> None:
    """Read the whole page as the widget does: POST, then each clip in reading order."""
    conn = http.client.HTTPConnection(HOST, port, timeout=REQUEST_TIMEOUT)
    start.wait()
    try:
        status, body = request(port, "POST", "/api/read", payload, conn)
        if status != 200:
            with load.lock:
                load.errors.append(f"POST {status}")
            return
        plan = json.loads(body)
        for block in plan["blocks"]:
            for sentence in block["sentences"]:
                began = time.perf_counter()
                status, audio = request(port, "GET", sentence["audio"], None, conn)
                took = time.perf_counter() - began
                with load.lock:
                    if status == 200 and audio:
                        load.latencies.append(took)
                        load.clips += 1
                    else:
                        load.errors.append(f"GET {status} {audio[:100]!r}")
    except (OSError, http.client.HTTPException, ValueError) as exc:
        with load.lock:
            load.errors.append(type(exc).__name__)
    finally:
        conn.close()


def run_load(server: Server, payloads: list[bytes]) -> tuple[Load, float, dict[int, float]]:
    """The listeners at once; their load, its wall time, each worker's highest RSS (MB)."""
    load = Load()
    start = threading.Event()
    threads = [
        threading.Thread(target=listener, args=(server.port, payload, load, start))
        for payload in payloads
    ]
    for thread in threads:
        thread.start()
    began = time.perf_counter()
    start.set()
    peaks: dict[int, float] = {}
    while any(thread.is_alive() for thread in threads):
        for pid, mb in server.workers().items():
            peaks[pid] = max(peaks.get(pid, 0.0), mb)
        time.sleep(RSS_EVERY)
    for thread in threads:
        thread.join()
    return load, time.perf_counter() - began, peaks


def payload_for(html: str, number: int | None = None) -> bytes:
    """The reading area as the widget posts it; `number` makes every sentence unique."""
    soup = BeautifulSoup(html, "lxml")
    area = soup.select_one("#content")
    assert area is not None
    for index, element in enumerate([area, *area.find_all(True)]):
        element["data-reader-node"] = str(index)
    if number is not None:
        for text in area.find_all(string=True):
            if text.strip():
                text.replace_with(text.replace(".", f" {number}."))
    return json.dumps(
        {
            "html": str(area),
            "url": "https://www.ostersund.se/international-cooperation",
            "lang": "en",
        }
    ).encode("utf-8")


def long_page_payload(html: str, characters: int = LONG_PAGE_TEXT) -> tuple[bytes, int]:
    """A reading area of just under `characters` characters of text, and its text length:
    the sample's paragraphs round after round, each sentence made distinct by its round."""
    area = BeautifulSoup(html, "lxml").select_one("#content")
    assert area is not None
    paragraphs = [p.get_text(" ", strip=True) for p in area.find_all("p")]
    paragraphs = [p for p in paragraphs if p.endswith(".")]
    parts, length, number = [], 0, 0
    while True:
        number += 1
        heading = f"Round {number} of the cooperation"
        said = [
            p.replace(". ", f" in round {number}. ")[:-1] + f" in round {number}."
            for p in paragraphs
        ]
        more = len(heading) + sum(len(p) for p in said)
        if length + more > characters:
            break
        parts += [f"<h2>{heading}</h2>", *(f"<p>{p}</p>" for p in said)]
        length += more
    markup = f'<div id="content">{"".join(parts)}</div>'
    return payload_for(markup), length


def long_page_runs(args: argparse.Namespace, html: str) -> None:
    """Click to first audio byte of a 100,000-character page: cold, warm, and the rest."""
    payload, length = long_page_payload(html)
    cold, warm = [], []
    for _ in range(max(1, args.rounds)):
        server = Server(args.workers, args.engine)
        try:
            cold.append(long_click(server.port, payload))
            warm += [
                click_to_first_byte(server.port, payload, path=FIRST_PART)
                for _ in range(max(1, args.warm // 3))
            ]
        finally:
            server.stop()
    print(f"\nlong page ({length:,} characters of text, posted with ?first=1):")
    _row("click → first audio byte, cold (ms)", [t for t, _, _ in cold], floor=0.100)
    _row("  of which POST /api/read, cold (ms)", [p for _, p, _ in cold])
    _row("  whole plan (rest) answered, cold (ms)", [r for _, _, r in cold])
    _row("click → first audio byte, warm (ms)", [t for t, _ in warm])


def long_click(port: int, payload: bytes) -> tuple[float, float, float]:
    """POST a long page's first part, GET its first clip's first byte, then its whole plan.

    Returns the seconds to the first audio byte, to the POST's answer and to the whole plan.
    """
    conn = http.client.HTTPConnection(HOST, port, timeout=REQUEST_TIMEOUT)
    try:
        started = time.perf_counter()
        status, body = request(port, "POST", FIRST_PART, payload, conn)
        if status != 200:
            raise SystemExit(f"bench: POST {FIRST_PART} answered {status}: {body[:200]!r}")
        posted = time.perf_counter() - started
        answer = json.loads(body)
        first = answer["blocks"][0]["sentences"][0]["audio"]
        conn.request("GET", first)
        response = conn.getresponse()
        chunk = response.read(1)
        elapsed = time.perf_counter() - started
        response.read()
        if response.status != 200 or not chunk:
            raise SystemExit(f"bench: GET {first} answered {response.status}")
        if answer.get("rest"):
            status, body = request(port, "GET", answer["rest"], None, conn)
            if status != 200 or not json.loads(body)["complete"]:
                raise SystemExit(f"bench: GET {answer['rest']} answered {status}")
        return elapsed, posted, time.perf_counter() - started
    finally:
        conn.close()


def real_page_payload(data: Path, page: str) -> bytes | None:
    """A real page's body as the widget posts it (gzipped JSON), or None without the corpus."""
    from reader.load.source import load
    from reader.options import ReadOptions
    from reader_web.posted import widget_payload

    path = data / "html" / f"{page}.html.gz"
    if not path.is_file():
        return None
    markup = load(gzip.decompress(path.read_bytes()), ReadOptions()).html
    payload = widget_payload(markup, url=REAL_PAGE_URL)
    return gzip.compress(json.dumps(payload, ensure_ascii=False).encode("utf-8"))


def real_page_runs(args: argparse.Namespace) -> None:
    """Cold click-to-first-byte of a real page posted whole, and the server's CPU time."""
    payload = real_page_payload(args.data, args.page)
    if payload is None:
        print(f"\nreal page: needs {args.data}/html/{args.page}.html.gz (--data DIR); skipped")
        return
    cold, cpu = [], []
    for _ in range(max(1, args.rounds)):
        server = Server(args.workers, args.engine)
        try:
            before = server.cpu()
            cold.append(click_to_first_byte(server.port, payload, GZIP))
            after = server.cpu()
            cpu.append((after[0] - before[0], after[1] - before[1]))
        finally:
            server.stop()
    posted, packed = len(gzip.decompress(payload)) / 1024, len(payload) / 1024
    print(f"\nreal page {args.page} ({posted:.0f} KB posted, {packed:.1f} KB gzipped):")
    _row("click → first audio byte, cold (ms)", [t for t, _ in cold], floor=0.150)
    _row("  of which POST /api/read, cold (ms)", [p for _, p in cold])
    _row("  server process CPU (ms)", [c for c, _ in cpu])
    _row("  synthesis processes CPU (ms)", [c for _, c in cpu])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--listeners", type=int, default=50)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=5, help="cold starts to measure")
    parser.add_argument("--warm", type=int, default=30, help="warm requests to measure")
    parser.add_argument("--distinct", action="store_true", help="every listener a different page")
    parser.add_argument("--sample", type=Path, default=SAMPLE)
    parser.add_argument("--data", type=Path, default=DATA, help="extraction-dev corpus")
    parser.add_argument("--page", default=REAL_PAGE, help="the real page's id in the corpus")
    parser.add_argument("--only-real", action="store_true", help="run the real page only")
    parser.add_argument("--only-long", action="store_true", help="run the long page only")
    parser.add_argument("--engine", default=ENGINE, help="espeak (default), auto or piper")
    args = parser.parse_args()
    if args.only_real:
        real_page_runs(args)
        return
    html = args.sample.read_text(encoding="utf-8")
    if args.only_long:
        long_page_runs(args, html)
        return
    payload = payload_for(html)

    print(
        f"reader web bench: {os.cpu_count()} CPUs, {args.workers} synthesis processes, "
        f"engine {args.engine}"
    )
    cold = []
    for _ in range(max(1, args.rounds)):
        server = Server(args.workers, args.engine)
        try:
            cold.append(click_to_first_byte(server.port, payload))
        finally:
            server.stop()
    server = Server(args.workers, args.engine)
    try:
        click_to_first_byte(server.port, payload)
        warm = [click_to_first_byte(server.port, payload) for _ in range(max(1, args.warm))]
        idle_rss = sum(server.memory()[:2])
    finally:
        server.stop()
    _row("click → first audio byte, cold (ms)", [t for t, _ in cold], floor=0.300)
    _row("  of which POST /api/read, cold (ms)", [p for _, p in cold])
    _row("click → first audio byte, warm (ms)", [t for t, _ in warm], floor=0.050)
    _row("  of which POST /api/read, warm (ms)", [p for _, p in warm])

    server = Server(args.workers, args.engine)
    try:
        payloads = [
            payload_for(html, n) if args.distinct else payload for n in range(args.listeners)
        ]
        load, wall, peaks = run_load(server, payloads)
        rss = sum(server.memory()[:2])
    finally:
        server.stop()
    kind = "different pages" if args.distinct else "the same page, cache empty at start"
    print(f"\n{args.listeners} concurrent listeners, {kind}:")
    print(f"  errors                 {len(load.errors)} {sorted(set(load.errors))[:5]}")
    print(
        f"  clips served           {load.clips} in {wall:.2f} s = {load.clips / wall:.0f} clips/s"
    )
    if load.latencies:
        p50, p95 = percentile(load.latencies, 50), percentile(load.latencies, 95)
        verdict = "ok" if p95 < 2.0 and not load.errors else "FAILS floor p95 < 2 s, 0 errors"
        print(f"  clip latency p50/p95   {p50 * 1000:.1f} / {p95 * 1000:.1f} ms   ({verdict})")
        print(f"  clip latency max       {max(load.latencies) * 1000:.1f} ms")
    print(f"  server memory (RSS)    {rss:.0f} MB under load, {idle_rss:.0f} MB idle")
    highest = max(peaks.values(), default=0.0)
    verdict = "ok" if highest <= WORKER_MB else f"FAILS floor {WORKER_MB} MB"
    each = ", ".join(f"{mb:.0f}" for mb in peaks.values())
    print(f"  worker RSS under load  highest {each} MB (sampled every {RSS_EVERY:g} s; {verdict})")
    long_page_runs(args, html)
    long_first_runs(args)
    real_page_runs(args)


def _row(name: str, samples: list[float], floor: float | None = None) -> None:
    median = statistics.median(samples)
    verdict = ""
    if floor is not None:
        verdict = "(ok)" if median <= floor else f"(FAILS floor {floor * 1000:.0f} ms)"
    print(
        f"{name:40} median {median * 1000:7.1f}  min {min(samples) * 1000:7.1f}  "
        f"max {max(samples) * 1000:7.1f}  n={len(samples)}  {verdict}"
    )


if __name__ == "__main__":
    main()
