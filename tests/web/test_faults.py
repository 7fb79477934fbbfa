"""Speech and storage faults on the real app over HTTP: killed and hung workers, a cache
directory that is read-only, full or damaged. Listeners keep being served; nothing damaged
is ever served."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from cluster import call, mp3_seconds, plan_of
from cluster import sentences as clips
from flask import Flask
from flask.testing import FlaskClient
from liveserver import LiveServer, start_server
from support import mount

from reader_web.cache import TEMP_PREFIX, ClipCache, unwrap
from reader_web.extensions import cache_of, service_of

ONE_SENTENCE = '<div data-reader-node="0"><p data-reader-node="1">{}</p></div>'
CLAUSE = "and the office works with influencing the process of decision-making in the EU"
# One sentence long enough (~14 s of speech) to be caught mid-synthesis.
LONG_SENTENCE = "The counties run a joint office, " + ", ".join([CLAUSE] * 25) + "."
PAGE = (
    '<div data-reader-node="0"><h1 data-reader-node="1">Waste collection</h1>'
    '<p data-reader-node="2">Bins are emptied every other week. Garden waste goes on Fridays.'
    " Glass is taken to the recycling station by the library.</p>"
    '<p data-reader-node="3">Bulky waste is collected twice a year. Book a time online.</p></div>'
)


# ---- helpers ---------------------------------------------------------------------------------


def key_of(sentence: dict[str, Any]) -> str:
    return str(sentence["audio"].rsplit("/", 1)[1][:32])


def whole_files(directory: Path) -> list[str]:
    """Names of the cache's files; fails on a temp file or a file whose header does not match."""
    names = []
    for path in sorted(directory.rglob("*")):
        if path.is_file() and path.parent != directory:
            assert not path.name.startswith(TEMP_PREFIX), f"temp file left: {path}"
            assert unwrap(path.name, path.read_bytes()) is not None, f"damaged: {path}"
            names.append(path.name)
    return names


def wait_for(test: Callable[[], bool], what: str, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while not test():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.001)


@contextmanager
def background(url: str) -> Iterator[dict[str, Any]]:
    """A request running in a thread; its status, body and time in the dict after the block."""
    outcome: dict[str, Any] = {}

    def run() -> None:
        started = time.monotonic()
        outcome["status"], outcome["body"] = call(url)
        outcome["seconds"] = time.monotonic() - started

    thread = threading.Thread(target=run)
    thread.start()
    try:
        yield outcome
    finally:
        thread.join(timeout=90)
    assert not thread.is_alive(), "the request never finished"


@pytest.fixture
def serve(app_factory: Callable[..., Flask]) -> Iterator[Callable[..., tuple[Flask, str]]]:
    """Start apps (READER_* settings) on real waitress servers; stopped before the apps close."""
    servers: list[LiveServer] = []

    def start(**settings: object) -> tuple[Flask, str]:
        app = app_factory(**settings)
        service_of(app).engine_info()  # the workers are up before the fault is injected
        server = start_server(app)
        servers.append(server)
        return app, server.url

    yield start
    for server in servers:
        server.stop()


# ---- speech faults ---------------------------------------------------------------------------


def test_a_worker_killed_mid_job_costs_one_retry_and_others_are_served(
    serve: Callable[..., tuple[Flask, str]], scenario: Any
) -> None:
    app, base = serve()
    service = service_of(app)
    short = clips(plan_of(base, ONE_SENTENCE.format("The library opens at nine.")))[0]
    status, cached = call(base + short["audio"])
    assert status == 200
    long = clips(plan_of(base, ONE_SENTENCE.format(LONG_SENTENCE)))[0]
    with background(base + long["audio"]) as outcome:
        wait_for(lambda: bool(service.snapshot()["running"] and service.snapshot()["pids"]), "job")
        pid = service.snapshot()["pids"][0]
        os.kill(pid, signal.SIGKILL)
        scenario.inject("SIGKILL to the synthesis worker during a clip (1 worker)")
        # Meanwhile the server answers everything that needs no synthesis.
        for path, expected in (("/healthz", None), (short["audio"], cached), ("/widget.js", None)):
            started = time.monotonic()
            status, body = call(base + path)
            assert status == 200 and (expected is None or body == expected), path
            assert time.monotonic() - started < 2, f"{path} waited for the crashed worker"
    assert outcome["status"] == 200, outcome["body"]
    timing = json.loads(call(base + long["timing"])[1])
    assert mp3_seconds(outcome["body"]) == pytest.approx(timing["duration"], abs=0.15)
    assert timing["duration"] > 8
    scenario.saw(f"HTTP 200 after one retry ({outcome['seconds']:.1f} s); /healthz 200 meanwhile")
    snap = service.snapshot()
    assert snap["restarts"] == 1 and snap["retried"] == 1 and snap["failed"] == 0
    assert snap["pids"] and snap["pids"][0] != pid
    scenario.recovered()
    assert f"{key_of(long)}.mp3" in whole_files(cache_of(app).directory)
    scenario.lost("none")


def test_a_worker_killed_on_every_attempt_is_a_503_and_the_next_request_works(
    serve: Callable[..., tuple[Flask, str]], scenario: Any
) -> None:
    app, base = serve()
    service = service_of(app)
    long = clips(plan_of(base, ONE_SENTENCE.format(LONG_SENTENCE + " Twice.")))[0]
    killed: list[int] = []

    def fresh_worker_busy() -> bool:
        snap = service.snapshot()
        return bool(snap["running"] and snap["pids"] and snap["pids"][0] not in killed)

    with background(base + long["audio"]) as outcome:
        for _ in range(2):  # the first attempt and its one retry
            wait_for(fresh_worker_busy, "a worker on the job")
            killed.append(service.snapshot()["pids"][0])
            os.kill(killed[-1], signal.SIGKILL)
        scenario.inject("SIGKILL to the worker on the first attempt and on the retry")
    assert outcome["status"] == 503
    message = json.loads(outcome["body"])["error"]
    assert message == "a speech worker process exited during synthesis"
    assert outcome["seconds"] < 30
    scenario.saw(f"HTTP 503: {message}")
    assert not cache_of(app).has(key_of(long), "mp3")
    started = time.monotonic()
    status, body = call(base + long["audio"])
    assert status == 200 and mp3_seconds(body) > 8
    assert time.monotonic() - started < 30
    scenario.recovered()
    assert service.snapshot()["failed"] == 1
    assert f"{key_of(long)}.mp3" in whole_files(cache_of(app).directory)
    scenario.lost("none")


def test_a_hung_engine_is_replaced_while_the_other_worker_keeps_speaking(
    serve: Callable[..., tuple[Flask, str]], scenario: Any
) -> None:
    app, base = serve(READER_WORKERS=2, READER_JOB_TIMEOUT=3.0)
    service = service_of(app)
    wait_for(lambda: len(service.snapshot()["pids"]) == 2, "both workers")
    hung = service.snapshot()["pids"][0]
    os.kill(hung, signal.SIGSTOP)  # alive but silent, as an engine stuck in a loop is
    scenario.inject("one of two synthesis workers stops answering (SIGSTOP), job timeout 3 s")
    started = time.monotonic()
    sentences = clips(plan_of(base, PAGE))
    assert len(sentences) == 6
    done: dict[str, float] = {}
    with background(base + "/healthz") as health:
        bodies = {}
        threads = []
        for sentence in sentences:

            def fetch(url: str = sentence["audio"]) -> None:
                status, body = call(base + url)
                assert status == 200, body
                bodies[url] = body
                done[url] = time.monotonic() - started

            threads.append(threading.Thread(target=fetch))
            threads[-1].start()
        for thread in threads:
            thread.join(timeout=60)
    assert health["status"] == 200 and health["seconds"] < 1
    assert len(bodies) == 6 and all(mp3_seconds(b) > 0.5 for b in bodies.values())
    assert min(done.values()) < 3.0, "nothing was spoken while one worker hung"
    slowest = max(done.values())
    assert 3.0 < slowest < 30
    scenario.saw(
        f"6/6 clips HTTP 200; first after {min(done.values()):.1f} s, last {slowest:.1f} s"
    )
    snap = service.snapshot()
    assert snap["restarts"] == 1 and snap["retried"] == 1 and snap["failed"] == 0
    assert hung not in snap["pids"] and len(snap["pids"]) == 2
    scenario.recovered()
    assert len(whole_files(cache_of(app).directory)) >= 6 * 3
    scenario.lost("none")


# ---- storage faults --------------------------------------------------------------------------


def test_a_cache_gone_read_only_still_serves_new_clips_from_memory(
    serve: Callable[..., tuple[Flask, str]], tmpfs: Callable[[str], Path], scenario: Any
) -> None:
    cache_dir = tmpfs("16m")
    app, base = serve(READER_CACHE_DIR=str(cache_dir))
    service = service_of(app)
    before = clips(plan_of(base, ONE_SENTENCE.format("The pool opens in May.")))[0]
    status, old_clip = call(base + before["audio"])
    assert status == 200
    on_disk = whole_files(cache_dir)
    mount("-o", "remount,ro", str(cache_dir))
    scenario.inject("cache directory remounted read-only while serving")
    sentences = clips(plan_of(base, PAGE))
    served = {}
    for sentence in sentences:
        for field in ("audio", "timing"):
            status, served[sentence[field]] = call(base + sentence[field])
            assert status == 200, served[sentence[field]]
        timing = json.loads(served[sentence["timing"]])
        assert mp3_seconds(served[sentence["audio"]]) == pytest.approx(timing["duration"], abs=0.15)
    wav = call(base + sentences[0]["audio"].replace(".mp3", ".wav"))
    assert wav[0] == 200 and wav[1][:4] == b"RIFF"
    assert call(base + before["audio"]) == (200, old_clip)
    assert service.snapshot()["uncached"] == 6 and cache_of(app).spilled_bytes > 0
    scenario.saw("HTTP 200 for every clip (6 new ones served from memory)")
    mount("-o", "remount,rw", str(cache_dir))
    after = clips(plan_of(base, ONE_SENTENCE.format("The pool closes in September.")))[0]
    assert call(base + after["audio"])[0] == 200
    assert f"{key_of(after)}.mp3" in whole_files(cache_dir)
    scenario.recovered()
    assert set(on_disk) <= set(whole_files(cache_dir))
    scenario.lost("none")


def test_a_cache_read_only_from_the_start_does_not_stop_the_server(
    serve: Callable[..., tuple[Flask, str]], tmpfs: Callable[[str], Path], scenario: Any
) -> None:
    cache_dir = tmpfs("1m")
    mount("-o", "remount,ro", str(cache_dir))
    scenario.inject("server started on a read-only cache directory")
    app, base = serve(READER_CACHE_DIR=str(cache_dir))
    sentence = clips(plan_of(base, ONE_SENTENCE.format("Parking is free on Sundays.")))[0]
    status, body = call(base + sentence["audio"])
    assert status == 200 and mp3_seconds(body) > 0.8
    assert call(base + "/healthz")[0] == 200
    scenario.saw("HTTP 200: clips served from memory")
    scenario.recovered()
    assert list(cache_dir.iterdir()) == []
    scenario.lost("none")


def test_a_full_cache_disk_still_serves_every_clip(
    serve: Callable[..., tuple[Flask, str]], tmpfs: Callable[[str], Path], scenario: Any
) -> None:
    cache_dir = tmpfs("256k")
    app, base = serve(READER_CACHE_DIR=str(cache_dir))
    scenario.inject("cache on a 256 KB tmpfs that fills up")
    sentences = clips(plan_of(base, PAGE))
    for sentence in sentences:
        status, body = call(base + sentence["audio"])
        assert status == 200 and mp3_seconds(body) > 0.5
        status, body = call(base + sentence["audio"].replace(".mp3", ".wav"))
        assert status == 200 and body[:4] == b"RIFF"
    snap = service_of(app).snapshot()
    assert snap["uncached"] >= 1 and snap["failed"] == 0
    scenario.saw(f"HTTP 200 for 6/6 clips ({snap['uncached']} kept in memory: disk full)")
    scenario.recovered()
    whole_files(cache_dir)  # whatever did land is whole; no temp file is left
    scenario.lost("none")


def test_the_page_download_works_with_a_read_only_cache(
    serve: Callable[..., tuple[Flask, str]], tmpfs: Callable[[str], Path], scenario: Any
) -> None:
    cache_dir = tmpfs("16m")
    app, base = serve(READER_CACHE_DIR=str(cache_dir))
    plan = plan_of(base, PAGE)
    mount("-o", "remount,ro", str(cache_dir))
    scenario.inject("cache directory read-only, then the page download and OGG clips asked for")
    status, body = call(base + plan["download"])
    assert status == 200, body
    assert mp3_seconds(body) > 5
    status, body = call(base + clips(plan)[0]["audio"].replace(".mp3", ".ogg"))
    assert status == 200 and body[:4] == b"OggS"
    scenario.saw("HTTP 200: page MP3 and OGG served without the disk")
    scenario.recovered()
    scenario.lost("none")


# ---- damaged cache files ---------------------------------------------------------------------


def truncate(data: bytes) -> bytes:
    return data[: len(data) // 2]


def flip(data: bytes) -> bytes:
    damaged = bytearray(data)
    for at in (len(data) // 3, len(data) // 2, len(data) - 5):
        damaged[at] ^= 0x5A
    return bytes(damaged)


def zeros(data: bytes) -> bytes:
    return bytes(len(data))


DAMAGE: dict[str, Callable[[bytes], bytes]] = {
    "truncated": truncate,
    "flipped": flip,
    "zeroed": zeros,
}


def same_audio(ext: str, made: bytes, expected: bytes) -> None:
    """A clip made again sounds like the first one (eSpeak's samples vary by a few ms)."""
    if ext == "json":
        duration = json.loads(made)["duration"]
        assert duration == pytest.approx(json.loads(expected)["duration"], abs=0.05)
    elif ext == "mp3":
        assert mp3_seconds(made) == pytest.approx(mp3_seconds(expected), abs=0.05)
    else:
        assert made[:4] == b"RIFF" and len(made) == pytest.approx(len(expected), rel=0.05)


@pytest.mark.parametrize("ext", ["mp3", "json", "wav"])
@pytest.mark.parametrize("damage", sorted(DAMAGE))
def test_a_damaged_cache_file_is_rebuilt_never_served(
    app: Flask, client: FlaskClient, damage: str, ext: str, scenario: Any
) -> None:
    text = f"The {damage} {ext} file of this sentence is made again."
    response = client.post("/api/read", json={"html": ONE_SENTENCE.format(text), "lang": "en"})
    sentence = clips(response.get_json())[0]
    url = sentence["audio"].replace(".mp3", f".{ext}")
    original = client.get(url).data
    cache, service = cache_of(app), service_of(app)
    path = cache.path(key_of(sentence), ext)
    path.write_bytes(DAMAGE[damage](path.read_bytes()))
    damaged = path.read_bytes()
    made = service.snapshot()["synthesized"]
    scenario.inject(f"cached .{ext} of a clip {damage} on disk")
    again = client.get(url)
    assert again.status_code == 200
    assert again.data not in damaged and damaged not in again.data
    same_audio(ext, again.data, original)
    scenario.saw(f"HTTP 200 with the clip made again ({damage} file detected)")
    assert service.snapshot()["synthesized"] == made + 1 and cache.damaged == 1
    scenario.recovered()
    assert unwrap(path.name, path.read_bytes()) == again.data  # the rebuilt entry is whole
    scenario.lost("none")


def test_a_file_of_another_entry_put_in_place_is_not_served(
    app: Flask, client: FlaskClient, scenario: Any
) -> None:
    first, second = (
        clips(client.post("/api/read", json={"html": ONE_SENTENCE.format(t)}).get_json())[0]
        for t in ("Swimming lessons start in June.", LONG_SENTENCE)
    )
    wanted = client.get(first["audio"]).data
    other = client.get(second["audio"]).data
    cache = cache_of(app)
    target = cache.path(key_of(first), "mp3")
    target.write_bytes(cache.path(key_of(second), "mp3").read_bytes())
    scenario.inject("a whole cached clip copied over another clip's file")
    again = client.get(first["audio"]).data
    assert again != other and mp3_seconds(other) > 8
    same_audio("mp3", again, wanted)
    scenario.saw("HTTP 200 with the right clip, made again")
    assert cache.damaged == 1
    scenario.recovered()
    scenario.lost("none")


@pytest.mark.parametrize("ext", ["plan.json", "page.mp3", "ogg"])
def test_the_cache_drops_every_kind_of_damaged_entry(
    tmp_path: Path, ext: str, scenario: Any
) -> None:
    key = "e" * 32
    cache = ClipCache(tmp_path, 1_000_000)
    payload = b'{"blocks": []}' if ext == "plan.json" else bytes(range(256)) * 40
    path = cache.put(key, ext, payload)
    good = path.read_bytes()
    scenario.inject(f"{ext} entry cut short, zeroed and bit-flipped in turn")
    for damage in DAMAGE.values():
        path.write_bytes(damage(good))
        assert cache.read(key, ext) is None
        assert not path.exists()
        path.write_bytes(good)
        assert cache.read(key, ext) == payload
    scenario.saw("every damaged copy read as missing and removed")
    assert cache.damaged == 3
    scenario.recovered()
    scenario.lost("none")


# ---- stopping the server ---------------------------------------------------------------------


def test_ctrl_c_stops_reader_serve_and_its_workers_without_a_traceback(
    tmp_path: Path, scenario: Any
) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    base = f"http://127.0.0.1:{port}"
    process = subprocess.Popen(
        [sys.executable, "-m", "reader", "serve", "--port", str(port), "--workers", "2"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # a terminal's foreground group: Ctrl-C reaches every process
        env={**os.environ, "XDG_CACHE_HOME": str(tmp_path)},
    )
    try:
        pids: list[int] = []

        def both_workers_up() -> bool:
            assert process.poll() is None, process.communicate()
            try:
                status, body = call(f"{base}/healthz", timeout=5)
            except OSError:
                return False
            pids[:] = json.loads(body)["speech"]["pids"] if status == 200 else []
            return len(pids) == 2

        wait_for(both_workers_up, "the server and its workers", timeout=60)
        os.killpg(process.pid, signal.SIGINT)
        scenario.inject("Ctrl-C (SIGINT to the process group) on `reader serve`")
        _, stderr = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
    assert "Traceback" not in stderr, stderr
    lines = stderr.strip().splitlines()
    assert lines[0] == f"reader: serving on {base}/ (Ctrl-C stops)", stderr
    assert all('"GET /healthz HTTP/1.1" 200 ' in line for line in lines[1:]), stderr
    assert process.returncode in (0, 130)
    scenario.saw(f"exit {process.returncode}, no traceback; workers ended")
    wait_for(lambda: not any(Path(f"/proc/{pid}").exists() for pid in pids), "workers to end")
    scenario.recovered()
    scenario.lost("none")
