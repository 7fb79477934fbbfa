"""A long page is answered in two parts: its first sentences at once, the rest behind them.

Real server on a real port, real synthesis, real Chromium. The planning of the rest is held
back by a gate in these tests, so that "before the whole page is planned" is a fact, not a
race; the gate wraps the real planning and changes nothing else.
"""

from __future__ import annotations

import http.client
import json
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import long_markup, make_app, numbered_area
from flask import Flask
from liveserver import start_server
from mutagen.mp3 import MP3
from playwright.sync_api import BrowserContext

from reader.errors import SpeechError
from reader_web.extensions import reader_of, service_of
from reader_web.reading import FIRST_PART_FROM

PAGE_URL = "https://www.ostersund.se/long-page"
# Seconds to wait for an answer held behind the gate, or for a clip.
TIMEOUT = 60
WIDGET_TAG = '<script type="module" src="/widget.js"></script>'
AUDIO = "document.querySelector('.js-reader-audio')"
PROGRESS = "document.querySelector('.reader-player__progress').textContent"
HIGHLIGHT = (
    "(() => { const h = CSS.highlights.get('reader-sentence'); return h ? [...h]"
    ".map((r) => r.toString()).join(' ').replace(/\\s+/g, ' ').trim() : null; })()"
)


class Gate:
    """Holds the planning of a page's rest until opened (or makes it fail)."""

    def __init__(self) -> None:
        self.opened = threading.Event()
        self.entered = threading.Event()
        self.error: Exception | None = None

    def wrap(self, plan: Callable[..., Any]) -> Callable[..., Any]:
        def gated(*args: Any, started: bool = False, **kwargs: Any) -> Any:
            if started:  # the rest of a page answered in parts
                self.entered.set()
                assert self.opened.wait(TIMEOUT)
                if self.error is not None:
                    raise self.error
            return plan(*args, started=started, **kwargs)

        return gated


@pytest.fixture(scope="module")
def long_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    application = make_app(tmp_path_factory.mktemp("long-cache"), READER_WORKERS=2)
    yield application
    service_of(application).close()


@pytest.fixture(scope="module")
def long_server(long_app: Flask) -> Iterator[str]:
    server = start_server(long_app, host="127.0.0.1", port=0)
    yield server.url
    server.stop()


@pytest.fixture
def gate(long_app: Flask, monkeypatch: pytest.MonkeyPatch) -> Iterator[Gate]:
    reader = reader_of(long_app)
    held = Gate()
    monkeypatch.setattr(reader, "_plan", held.wrap(reader._plan))
    yield held
    held.opened.set()


def call(base: str, method: str, path: str, body: Any = None) -> tuple[int, str, bytes]:
    host, port = base.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=TIMEOUT)
    try:
        data = json.dumps(body).encode() if body is not None else None
        headers = {"Content-Type": "application/json"} if body is not None else {}
        conn.request(method, path, data, headers)
        response = conn.getresponse()
        return response.status, response.getheader("Content-Type") or "", response.read()
    finally:
        conn.close()


def sentences(answer: dict[str, Any]) -> list[tuple[int, str, str]]:
    return [(b["index"], s["text"], s["audio"]) for b in answer["blocks"] for s in b["sentences"]]


def test_a_long_page_is_heard_before_it_is_planned_and_then_read_whole_in_order(
    long_server: str, long_app: Flask, gate: Gate
) -> None:
    body = {"html": numbered_area(long_markup(20_000)), "url": PAGE_URL, "lang": "en"}
    status, _, raw = call(long_server, "POST", "/api/read?first=1", body)
    assert status == 200
    first = json.loads(raw)
    assert first["complete"] is False and first["rest"] == f"/api/read/{first['key']}"
    head = sentences(first)
    assert len(head) >= 3
    assert head[0][1] == "Round 1 of the cooperation"
    # The first clip is served while the rest of the page waits to be planned.
    assert gate.entered.wait(TIMEOUT)
    status, kind, clip = call(long_server, "GET", head[0][2])
    assert (status, kind) == (200, "audio/mpeg")
    audio = Path(long_app.config["READER_CACHE_DIR"]) / "first.mp3"
    audio.write_bytes(clip)
    assert MP3(audio).info.length > 1.0
    assert reader_of(long_app)._stored(first["key"]) is None  # not stored yet

    gate.opened.set()
    status, _, raw = call(long_server, "GET", first["rest"])
    assert status == 200
    whole = json.loads(raw)
    assert whole["complete"] is True and "rest" not in whole
    every = sentences(whole)
    # The first part's sentences (and clips) are the whole page's first, the rest follow.
    assert every[: len(head)] == head
    assert len(every) > 100
    assert [index for index, _, _ in every] == sorted(index for index, _, _ in every)
    assert [b["index"] for b in whole["blocks"]] == list(range(len(whole["blocks"])))
    rounds = [text for _, text, _ in every if text.startswith("Round ")]
    assert rounds == [f"Round {n} of the cooperation" for n in range(1, len(rounds) + 1)]
    # A later sentence's clip is made and served too.
    status, kind, _ = call(long_server, "GET", every[-1][2])
    assert (status, kind) == (200, "audio/mpeg")
    # Now the page is stored whole: asked again, it is answered in one part.
    status, _, raw = call(long_server, "POST", "/api/read?first=1", body)
    again = json.loads(raw)
    assert status == 200 and again["complete"] is True and sentences(again) == every


def test_a_failed_rest_is_never_stored_and_is_planned_again(
    long_server: str, long_app: Flask, gate: Gate
) -> None:
    body = {"html": numbered_area(long_markup(12_000)), "url": PAGE_URL, "lang": "en"}
    status, _, raw = call(long_server, "POST", "/api/read?first=1", body)
    first = json.loads(raw)
    assert status == 200 and first["complete"] is False
    gate.error = SpeechError("the speech engine is closed")
    gate.opened.set()
    status, kind, raw = call(long_server, "GET", first["rest"])
    # Waiting for it: the planning's error (503); after it: no such plan (404). Never a plan.
    assert status in (503, 404) and kind == "application/json" and "error" in json.loads(raw)
    # Nothing half-made was kept: the page is read again, in two parts, then whole.
    gate.error = None
    status, _, raw = call(long_server, "POST", "/api/read?first=1", body)
    again = json.loads(raw)
    assert status == 200
    status, _, raw = call(long_server, "GET", again.get("rest") or f"/api/read/{again['key']}")
    assert status == 200 and json.loads(raw)["complete"] is True
    assert sentences(json.loads(raw))[: len(sentences(first))] == sentences(first)


def test_a_short_page_or_an_old_client_gets_the_whole_plan_at_once(long_server: str) -> None:
    short = {"html": numbered_area(long_markup(100)), "url": PAGE_URL, "lang": "en"}
    assert len(long_markup(100)) < FIRST_PART_FROM
    status, _, raw = call(long_server, "POST", "/api/read?first=1", short)
    assert status == 200 and json.loads(raw)["complete"] is True
    body = {"html": numbered_area(long_markup(9_000)), "url": PAGE_URL, "lang": "en"}
    status, _, raw = call(long_server, "POST", "/api/read", body)
    answer = json.loads(raw)
    assert status == 200 and answer["complete"] is True and "rest" not in answer
    assert len(sentences(answer)) > 50


def test_the_widget_plays_the_first_part_then_the_rest_in_order(
    context: BrowserContext, live_server: str, live_app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    reader = reader_of(live_app)
    held = Gate()
    monkeypatch.setattr(reader, "_plan", held.wrap(reader._plan))
    markup = long_markup(6_000)
    html = (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Long</title></head>'
        f"<body><main>{markup}</main>{WIDGET_TAG}</body></html>"
    )
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.route(
        f"{live_server}/long.html", lambda route: route.fulfill(body=html, content_type="text/html")
    )
    try:
        page.goto(f"{live_server}/long.html")
        with page.expect_response(f"{live_server}/api/read?first=1") as answer:
            page.get_by_role("button", name="Listen").click()
        first = answer.value.json()
        head = [" ".join(s["text"].split()) for b in first["blocks"] for s in b["sentences"]]
        assert first["complete"] is False and len(head) >= 3
        page.wait_for_function(
            f"() => !{AUDIO}.paused && {AUDIO}.currentTime > 0.2", timeout=TIMEOUT * 1000
        )
        assert page.evaluate(f"() => {HIGHLIGHT}") == head[0]
        assert page.evaluate(f"() => {PROGRESS}").startswith(f"Sentence 1 of {len(head)}")
        # To the first part's last sentence; when it ends, the player waits for the rest.
        for _ in head[1:]:
            page.get_by_role("button", name="Next sentence").click()
        page.wait_for_function(
            f"() => {PROGRESS}.startsWith('Sentence {len(head)} of') && !{AUDIO}.paused",
            timeout=TIMEOUT * 1000,
        )
        page.wait_for_function(f"() => {AUDIO}.ended", timeout=TIMEOUT * 1000)
        assert page.locator(".reader-widget__status").text_content() != "Finished"
        with page.expect_response(f"{live_server}{first['rest']}") as rest:
            held.opened.set()
        whole = rest.value.json()
        every = [" ".join(s["text"].split()) for b in whole["blocks"] for s in b["sentences"]]
        assert every[: len(head)] == head and len(every) > len(head) + 20
        # Playback goes on with the sentence after the first part, highlighted, then the next.
        number = len(head) + 1
        page.wait_for_function(
            f"() => {PROGRESS}.startsWith('Sentence {number} of {len(every)}')"
            f" && !{AUDIO}.paused && {AUDIO}.currentTime > 0.2",
            timeout=TIMEOUT * 1000,
        )
        assert page.evaluate(f"() => {HIGHLIGHT}") == every[number - 1]
        page.get_by_role("button", name="Next sentence").click()
        page.wait_for_function(
            f"() => {PROGRESS}.startsWith('Sentence {number + 1} of') && !{AUDIO}.paused",
            timeout=TIMEOUT * 1000,
        )
        assert page.evaluate(f"() => {HIGHLIGHT}") == every[number]
    finally:
        held.opened.set()
    assert errors == []
