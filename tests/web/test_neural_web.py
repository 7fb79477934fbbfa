"""The Listen button with a neural voice: its clips, their timings and the workers' memory."""

from __future__ import annotations

import http.client
import io
import json
import os
import signal
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from flask import Flask
from liveserver import start_server
from mutagen.mp3 import MP3

PAGE_URL = "https://www.ostersund.se/international-cooperation"
NEURAL_EN = "piper:en_US-joe-medium"
# A synthesis process holding eSpeak NG, onnxruntime and the English model stays under this.
WORKER_MB = 400


def test_a_neural_voice_reads_the_english_page_with_estimated_word_times(
    app_factory: Callable[..., Flask], content_html: str, neural_voices: Path
) -> None:
    app = app_factory(READER_ENGINE="piper", READER_VOICES_DIR=str(neural_voices))
    client = app.test_client()
    voices = {v["id"]: v for v in client.get("/api/voices").get_json()["voices"]}
    assert {NEURAL_EN, "piper:sv_SE-test-medium", "gmq/sv"} <= set(voices)
    answer = client.post("/api/read", json={"html": content_html, "url": PAGE_URL, "lang": "en"})
    assert answer.status_code == 200, answer.get_data(as_text=True)
    first = answer.get_json()["blocks"][0]["sentences"][0]
    audio = client.get(first["audio"])
    assert audio.status_code == 200
    timing = client.get(first["timing"]).get_json()
    length = MP3(io.BytesIO(audio.data)).info.length
    assert 1.0 < timing["duration"] < 4 and abs(length - timing["duration"]) < 0.15
    assert timing["estimated"] is True
    words = timing["words"]
    assert [w[0] for w in words] == [0, 14]  # "International", "cooperation"
    assert words[0][2] < 0.3 and words[-1][3] <= timing["duration"] + 0.01
    health = client.get("/healthz").get_json()["speech"]
    assert len(health["worker_rss_mb"]) == 1
    assert all(0 < mb <= WORKER_MB for mb in health["worker_rss_mb"]), health


LONG = (
    "Within this framework, the office works with influencing the process of decision-making "
    "in the EU, ensuring that the region's interests are taken care of."
)
LONG_PAGE = f"""<main><h1>International cooperation</h1><p>Our office is in Brussels.</p>
<p>It opened in two thousand and one.</p><p>{LONG}</p></main>"""


@pytest.fixture
def neural_server(app_factory: Callable[..., Flask]) -> Iterator[http.client.HTTPConnection]:
    """A real server reading with the neural voice (one synthesis process); a connection."""
    server = start_server(app_factory(READER_ENGINE="piper"))
    host, port = server.url.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=120)
    yield conn
    conn.close()
    server.stop()


def get(conn: http.client.HTTPConnection, path: str) -> http.client.HTTPResponse:
    conn.request("GET", path)
    return conn.getresponse()


def long_sentence(conn: http.client.HTTPConnection) -> dict[str, str]:
    """Plan the page; its long sentence, the last one: the worker is busy with the first
    ones, so the request for its audio comes before its synthesis starts."""
    body = json.dumps({"html": LONG_PAGE, "lang": "en"})
    conn.request("POST", "/api/read", body, {"Content-Type": "application/json"})
    answer = conn.getresponse()
    assert answer.status == 200
    last: dict[str, str] = json.loads(answer.read())["blocks"][-1]["sentences"][-1]
    assert last["text"] == LONG
    return last


def chunks(response: http.client.HTTPResponse) -> Iterator[bytes]:
    """The body of a chunked response chunk by chunk, as the server sent them."""
    while chunk := response.read1(1 << 20):
        yield chunk


def test_a_long_sentence_is_heard_from_its_first_clause_on(
    neural_server: http.client.HTTPConnection,
) -> None:
    sentence = long_sentence(neural_server)
    response = get(neural_server, sentence["audio"])
    assert response.status == 200 and response.getheader("Transfer-Encoding") == "chunked"
    sent = list(chunks(response))
    # The first clause's audio came on its own, before the rest of the sentence was made.
    assert len(sent) >= 3 and len(sent[0]) < sum(map(len, sent)) / 2
    streamed = b"".join(sent)
    # What was heard is the clip the cache keeps: the same bytes, now with their length.
    again = get(neural_server, sentence["audio"])
    assert again.getheader("Content-Length") == str(len(streamed)) and again.read() == streamed
    seconds = json.loads(get(neural_server, sentence["timing"]).read())["duration"]
    assert abs(MP3(io.BytesIO(streamed)).info.length - seconds) < 0.15 and seconds > 6


def test_a_synthesis_broken_off_mid_clip_leaves_no_clip_behind(
    neural_server: http.client.HTTPConnection,
) -> None:
    sentence = long_sentence(neural_server)
    response = get(neural_server, sentence["audio"])
    first = response.read1(1 << 20)
    other = http.client.HTTPConnection(neural_server.host, neural_server.port, timeout=30)
    (pid,) = json.loads(get(other, "/healthz").read())["speech"]["pids"]
    other.close()
    os.kill(pid, signal.SIGKILL)  # the worker dies in the middle of the sentence
    with pytest.raises((http.client.HTTPException, OSError)):
        list(chunks(response))
    neural_server.close()
    # The clip is made again from the start, and what the cache serves is whole.
    again = get(neural_server, sentence["audio"])
    whole = again.read()
    seconds = json.loads(get(neural_server, sentence["timing"]).read())["duration"]
    assert again.status == 200 and len(whole) > len(first) and seconds > 6
    assert abs(MP3(io.BytesIO(whole)).info.length - seconds) < 0.15
    health = json.loads(get(neural_server, "/healthz").read())["speech"]
    assert (health["retried"], health["failed"]) == (1, 0)
