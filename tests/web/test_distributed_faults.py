"""Faults across machines, with real processes on loopback: a worker killed mid-job, Redis
restarted empty, a web node killed, a worker slowed by another page's prefetch. Each test
starts its own Redis; each is a row of the reliability report (bench/reliability.py)."""

from __future__ import annotations

import json
import os
import signal
import threading
import time
from typing import Any

import pytest
from cluster import (
    Cluster,
    RedisServer,
    call,
    mp3_seconds,
    plan_of,
    sentences,
    wait_for,
    whole_entries,
)

from reader_web.redisjobs import QUEUE_NAMES, SYNTHESIZED_KEY
from reader_web.redisstore import PREFIX

ONE_SENTENCE = '<div data-reader-node="0"><p data-reader-node="1">{}</p></div>'
CLAUSE = "and the office works with influencing the process of decision-making in the EU"
# A first sentence long enough (~14 s of speech) to be caught mid-synthesis.
LONG_SENTENCE = "The counties run a joint office, " + ", ".join([CLAUSE] * 25) + "."


def key_of(sentence: dict[str, Any]) -> str:
    return str(sentence["audio"].rsplit("/", 1)[1][:32])


def test_a_worker_killed_mid_job_is_made_by_another_and_the_listener_gets_it(
    cluster: Cluster, redis_server: RedisServer, scenario: Any
) -> None:
    cluster.worker(processes=2)
    base = cluster.node()
    spoken = sentences(plan_of(base, ONE_SENTENCE.format(LONG_SENTENCE)))
    long = spoken[0]
    outcome: dict[str, Any] = {}

    def listen() -> None:
        started = time.monotonic()
        outcome["status"], outcome["body"] = call(base + long["audio"])
        outcome["seconds"] = time.monotonic() - started

    listener = threading.Thread(target=listen)
    listener.start()
    busy: list[int] = []

    def caught() -> bool:
        pid = cluster.busy_worker(key_of(long))
        busy.extend([pid] if pid else [])
        return bool(busy)

    wait_for(caught, "a worker on the clip", timeout=30, every=0.002)
    os.kill(busy[0], signal.SIGKILL)
    scenario.inject("SIGKILL to the worker process making a clip (2 worker processes)")
    listener.join(timeout=120)
    assert outcome["status"] == 200, outcome["body"]
    status, timing = call(base + long["timing"])
    assert status == 200
    duration = json.loads(timing)["duration"]
    assert duration > 8
    assert mp3_seconds(outcome["body"]) == pytest.approx(duration, abs=0.15)
    assert outcome["seconds"] < 60
    scenario.saw(f"HTTP 200, the whole clip, after {outcome['seconds']:.1f} s")
    client = redis_server.client()
    for sentence in spoken:
        assert call(base + sentence["audio"])[0] == 200
    # Every clip of the page made once: the killed attempt stored nothing.
    assert int(client.get(SYNTHESIZED_KEY) or 0) == len(spoken)
    wait_for(lambda: len(cluster.worker_pids() - {busy[0]}) == 2, "the worker replaced")
    scenario.recovered()
    assert f"{key_of(long)}.mp3" in whole_entries(client)
    scenario.lost("none")


def test_redis_restarted_empty_nodes_reconnect_and_clips_are_made_again(
    cluster: Cluster, redis_server: RedisServer, scenario: Any
) -> None:
    cluster.worker()
    base = cluster.node()
    spoken = sentences(plan_of(base))
    status, before = call(base + spoken[0]["audio"])
    assert status == 200
    redis_server.kill()
    scenario.inject("Redis killed (SIGKILL) and started again, empty, on the same port")
    status, body = call(base + spoken[1]["audio"], timeout=60)
    assert status == 503
    message = json.loads(body)["error"]
    assert message.startswith("the clip store (Redis) cannot be reached")
    redis_server.start()
    # The node reconnects by itself; the clips Redis lost are made again by the workers.
    status, after = call(base + spoken[0]["audio"])
    assert status == 200, after
    assert mp3_seconds(after) == pytest.approx(mp3_seconds(before), abs=0.05)
    again = sentences(plan_of(base))
    assert [s["audio"] for s in again] == [s["audio"] for s in spoken]
    for sentence in again:
        status, body = call(base + sentence["audio"])
        assert status == 200 and mp3_seconds(body) > 0.5
    scenario.saw(f"HTTP 503 '{message[:40]}…' while down; then every clip HTTP 200, made again")
    scenario.recovered()
    # Half a clip in Redis (a write cut short) is never served: it is dropped and made again.
    client = redis_server.client()
    name = f"{PREFIX}{key_of(spoken[0])}.mp3"
    client.set(name, client.get(name)[:1000])  # type: ignore[index]
    status, body = call(base + spoken[0]["audio"])
    assert status == 200 and len(body) > 1000
    assert mp3_seconds(body) == pytest.approx(mp3_seconds(after), abs=0.05)
    whole_entries(client)
    scenario.lost("none")


def test_a_web_node_killed_the_other_serves_the_same_page_and_clips(
    cluster: Cluster, redis_server: RedisServer, scenario: Any
) -> None:
    cluster.worker()
    first, second = cluster.node(), cluster.node()
    plan = plan_of(first)
    spoken = sentences(plan)
    heard = {}
    for sentence in spoken[:2]:
        status, heard[sentence["audio"]] = call(first + sentence["audio"])
        assert status == 200
    cluster.nodes[first].kill()
    scenario.inject("SIGKILL to the web node a listener was on; the next request goes to another")
    # The last clip evicted meanwhile: the other node, which never planned the page, makes it
    # again from the job its planner left in Redis.
    client = redis_server.client()
    last = key_of(spoken[-1])
    wait_for(lambda: client.exists(f"{PREFIX}{last}.json") == 1, "the last clip", timeout=60)
    client.delete(*(f"{PREFIX}{last}.{ext}" for ext in ("wav", "mp3", "json")))
    started = time.monotonic()
    for sentence in spoken:
        status, body = call(second + sentence["audio"])
        assert status == 200, body
        assert heard.get(sentence["audio"], body) == body
    status, page = call(second + plan["download"])
    assert status == 200 and mp3_seconds(page) > 5
    again = plan_of(second)
    assert again["key"] == plan["key"]
    assert all(s["duration"] for s in sentences(again))
    scenario.saw(
        f"the other node: every clip and the page download HTTP 200 "
        f"({time.monotonic() - started:.1f} s), the same bytes"
    )
    scenario.recovered()
    whole_entries(client)
    scenario.lost("none")


def test_a_first_sentence_is_not_stuck_behind_another_pages_prefetch(
    cluster: Cluster, redis_server: RedisServer, scenario: Any
) -> None:
    cluster.worker(processes=1)
    base = cluster.node()
    backlog = "".join(
        f'<p data-reader-node="{n + 1}">Paragraph {n} says the office works with influencing '
        f"the process of decision-making in the European Union, week {n}.</p>"
        for n in range(80)
    )
    plan_of(base, f'<div data-reader-node="0">{backlog}</div>')
    client = redis_server.client()

    def queued_now() -> int:
        return sum(int(client.llen(f"rq:queue:{name}")) for name in QUEUE_NAMES)

    wait_for(lambda: queued_now() > 60, "the other page's prefetch queued", timeout=30)
    queued = queued_now()
    scenario.inject(f"one slow worker process busy with another page's prefetch ({queued} clips)")
    started = time.monotonic()
    spoken = sentences(plan_of(base))
    times = []
    for sentence in spoken[:3]:
        status, body = call(base + sentence["audio"])
        assert status == 200 and mp3_seconds(body) > 0.5
        times.append(time.monotonic() - started)
    left = sum(int(client.llen(f"rq:queue:{name}")) for name in QUEUE_NAMES)
    # The listener's clips went ahead: most of the other page is still waiting.
    assert left > queued / 2, (queued, left)
    assert times[0] < 5
    scenario.saw(
        f"first 3 clips HTTP 200 after {', '.join(f'{t:.2f}' for t in times)} s; "
        f"{left} of {queued} prefetch clips still queued"
    )
    scenario.recovered()
    whole_entries(client)
    scenario.lost("none")
