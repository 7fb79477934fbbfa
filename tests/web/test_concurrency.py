"""Many listeners at once over a real server: one synthesis per sentence, whole files, no
deadlock."""

from __future__ import annotations

import io
import json
import threading
import time
import urllib.request
from collections.abc import Callable
from typing import Any

from flask import Flask
from liveserver import start_server
from mutagen.mp3 import MP3

from reader_web.extensions import cache_of, service_of

LISTENERS = 30
# Seconds every listener has to get the plan and every clip: a deadlock shows as a timeout.
BOUND = 90.0
PAGE = (
    '<div data-reader-node="0"><h1 data-reader-node="1">Snow clearing</h1>'
    '<p data-reader-node="2">Main roads are cleared first. Footpaths to schools come next.'
    " Residential streets are cleared within two days.</p>"
    '<p data-reader-node="3">Report a missed street to the customer centre.'
    " The centre answers on weekdays.</p></div>"
)


def get(url: str, body: dict[str, Any] | None = None) -> bytes:
    data = json.dumps(body).encode() if body is not None else None
    headers = {"Content-Type": "application/json"} if body is not None else {}
    request = urllib.request.Request(url, data=data, headers=headers)
    with urllib.request.urlopen(request, timeout=BOUND) as response:
        assert response.status == 200
        return response.read()  # type: ignore[no-any-return]


def listen(base: str, start: threading.Barrier) -> dict[str, Any]:
    """What the widget does: post the reading area, then fetch each clip and its timing."""
    start.wait()
    plan = json.loads(get(f"{base}/api/read", {"html": PAGE, "lang": "en", "url": base}))
    clips = {}
    for block in plan["blocks"]:
        for sentence in block["sentences"]:
            clips[sentence["audio"]] = get(base + sentence["audio"])
            clips[sentence["timing"]] = get(base + sentence["timing"])
    return {"plan": plan, "clips": clips}


def test_thirty_listeners_on_one_new_page_cause_one_synthesis_per_sentence(
    app_factory: Callable[..., Flask], scenario: Any
) -> None:
    app = app_factory(READER_WORKERS=2)
    service = service_of(app)
    service.engine_info()
    server = start_server(app)
    try:
        start = threading.Barrier(LISTENERS)
        results: list[dict[str, Any]] = []
        errors: list[BaseException] = []

        def run() -> None:
            try:
                results.append(listen(server.url, start))
            except BaseException as exc:  # reported below, with the others
                errors.append(exc)

        threads = [threading.Thread(target=run) for _ in range(LISTENERS)]
        for thread in threads:
            thread.start()
        scenario.inject(f"{LISTENERS} listeners open one new page at the same moment")
        deadline = time.monotonic() + BOUND
        for thread in threads:
            thread.join(timeout=max(deadline - time.monotonic(), 0.1))
        assert not any(t.is_alive() for t in threads), "listeners still waiting: deadlock"
        assert not errors, errors[:3]
        scenario.recovered()
    finally:
        server.stop()
    assert len(results) == LISTENERS
    first = results[0]
    sentences = [s for b in first["plan"]["blocks"] for s in b["sentences"]]
    assert len(sentences) == 6
    assert all(r["plan"]["key"] == first["plan"]["key"] for r in results)
    # Every listener got the very same bytes for every clip, and each one decodes whole.
    for url, body in first["clips"].items():
        assert all(r["clips"][url] == body for r in results), url
    for sentence in sentences:
        timing = json.loads(first["clips"][sentence["timing"]])
        length = MP3(io.BytesIO(first["clips"][sentence["audio"]])).info.length
        assert abs(length - timing["duration"]) < 0.15 and timing["duration"] > 0.5
    snap = service.snapshot()
    assert snap["synthesized"] == len(sentences), snap
    assert snap["failed"] == 0 and snap["restarts"] == 0 and snap["shared"] > 0
    scenario.saw(
        f"{LISTENERS}x HTTP 200, identical clips; {snap['synthesized']} syntheses"
        f" for {len(sentences)} sentences"
    )
    assert cache_of(app).damaged == 0
    scenario.lost("none")
