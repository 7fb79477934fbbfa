"""The distributed mode with real processes on loopback: a Redis server of the test's own,
`reader serve --redis` web nodes and `reader worker --redis` synthesis processes."""

from __future__ import annotations

import subprocess
import threading
from pathlib import Path
from typing import Any

import pytest
from cluster import (
    READER,
    Cluster,
    RedisServer,
    call,
    free_port,
    mp3_seconds,
    plan_of,
    sentences,
    whole_entries,
)

from reader_web.redisjobs import SYNTHESIZED_KEY


def test_two_nodes_serve_one_page_with_each_clip_made_once(
    cluster: Cluster, redis_server: RedisServer
) -> None:
    cluster.worker(processes=2)
    first, second = cluster.node(), cluster.node()
    plans: dict[str, dict[str, Any]] = {}
    audio: dict[tuple[str, str], bytes] = {}

    def listen(base: str) -> None:
        plans[base] = plan = plan_of(base)
        for sentence in sentences(plan):
            status, body = call(base + sentence["audio"])
            assert status == 200, body
            audio[(base, sentence["audio"])] = body

    threads = [threading.Thread(target=listen, args=(base,)) for base in (first, second) * 3]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    # Both nodes plan the page alike: the same key, sentences, clips and bytes.
    assert plans[first]["key"] == plans[second]["key"]
    spoken = sentences(plans[first])
    texts = [s["text"] for s in spoken]
    assert texts[:2] == ["Waste collection", "Bins are emptied every other week."]
    assert len(spoken) == 6
    for sentence in spoken:
        assert audio[(first, sentence["audio"])] == audio[(second, sentence["audio"])]
        assert mp3_seconds(audio[(first, sentence["audio"])]) > 0.5
    # Six listeners on two nodes: every clip synthesized once.
    client = redis_server.client()
    assert int(client.get(SYNTHESIZED_KEY) or 0) == 6
    # A plan answered again has every timing, from Redis.
    again = sentences(plan_of(second))
    assert all(s["duration"] and s["duration"] > 0.5 for s in again)
    assert len([e for e in whole_entries(client) if e.endswith(".mp3")]) == 6


def test_a_node_serves_the_page_download_from_clips_another_node_queued(
    cluster: Cluster,
) -> None:
    cluster.worker()
    first, second = cluster.node(), cluster.node()
    plan = plan_of(first)
    status, body = call(second + plan["download"])
    assert status == 200, body
    total = sum(s["duration"] or 0 for s in sentences(plan_of(second)))
    assert mp3_seconds(body) == pytest.approx(total, rel=0.25)


def test_the_worker_needs_a_redis_url(tmp_path: Path) -> None:
    (tmp_path / "empty.toml").write_text("", encoding="utf-8")
    result = subprocess.run(
        [*READER, "--config", str(tmp_path / "empty.toml"), "worker"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert result.stderr.strip() == (
        "reader: --redis URL is required (or redis in the [web] table of the config)"
    )


def test_a_malformed_redis_url_is_refused_before_serving(tmp_path: Path) -> None:
    result = subprocess.run(
        [*READER, "serve", "--redis", "http://localhost:6379"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert "expected a Redis URL" in result.stderr
    assert "serving on" not in result.stderr


def test_a_worker_without_redis_is_one_line_and_exit_4(tmp_path: Path) -> None:
    port = free_port()  # nothing listens there
    result = subprocess.run(
        [*READER, "worker", "--redis", f"redis://127.0.0.1:{port}/0", "--processes", "1"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 4
    line = result.stderr.strip().splitlines()[-1]
    assert line.startswith("reader: the clip store (Redis) cannot be reached: ")
    assert "Traceback" not in result.stderr
