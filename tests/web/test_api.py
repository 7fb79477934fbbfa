"""The JSON and audio API on the real app, with real synthesis."""

from __future__ import annotations

import http.client
import io
import json
import os
import re
import signal
import threading
import time
import urllib.error
import urllib.request
from typing import Any
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup
from flask import Flask
from flask.testing import FlaskClient
from mutagen.id3 import ID3
from mutagen.mp3 import MP3

from reader.config import load_config
from reader_web import create_app
from reader_web.extensions import cache_of, service_of, settings_of

AUDIO_URL = re.compile(r"/api/audio/[0-9a-f]{32}\.mp3")
KINDS = (
    ["heading", "paragraph", "heading", "paragraph"]
    + ["list_item"] * 3
    + ["heading", "paragraph", "heading", "paragraph"]
    + ["list_item"] * 3
    + ["heading", "paragraph", "heading", "paragraph"]
)
PAGE_URL = "https://www.ostersund.se/international-cooperation"
ONE_SENTENCE = '<div data-reader-node="0"><p data-reader-node="1">{}</p></div>'


def post(client: FlaskClient, html: str, lang: str = "en", url: str = PAGE_URL) -> Any:
    response = client.post("/api/read", json={"html": html, "url": url, "lang": lang})
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def sentences(plan: dict[str, Any]) -> list[dict[str, Any]]:
    return [s for block in plan["blocks"] for s in block["sentences"]]


def test_the_article_comes_back_in_order_with_languages_and_sentences(
    client: FlaskClient, content_html: str
) -> None:
    plan = post(client, content_html)
    assert re.fullmatch(r"[0-9a-f]{32}", plan["key"])
    assert plan["download"] == f"/api/page/{plan['key']}.mp3"
    assert plan["url"] == PAGE_URL and plan["lang"] == "en"
    assert plan["title"] == "International cooperation"
    blocks = plan["blocks"]
    assert [b["kind"] for b in blocks] == KINDS
    assert [b["index"] for b in blocks] == list(range(len(KINDS)))
    assert blocks[0]["text"] == "International cooperation" and blocks[0]["level"] == 1
    assert blocks[-1]["text"].startswith("The aim of twin town co-operation")
    # Every locator finds the element the block was read from in the page the widget sent.
    soup = BeautifulSoup(content_html, "lxml")
    for block in blocks:
        assert re.fullmatch(r'\[data-reader-node="\d+"\]', block["locator"])
        element = soup.select_one(block["locator"])
        assert element is not None
        assert " ".join(element.get_text(" ").split()) == " ".join(block["text"].split())
    english = [b for b in blocks if "Östersund och" not in b["text"]]
    assert all(b["lang"] == "en" for b in english)
    for block in blocks:
        spans = block["sentences"]
        assert spans and spans[0]["start"] == 0 or block["text"][: spans[0]["start"]].isspace()
        for sentence in spans:
            assert sentence["text"] == block["text"][sentence["start"] : sentence["end"]]
            assert AUDIO_URL.fullmatch(sentence["audio"])
            assert sentence["timing"] == sentence["audio"].replace(".mp3", ".json")
        assert all(a["end"] <= b["start"] for a, b in zip(spans, spans[1:], strict=False))
    strategy = blocks[3]["sentences"]
    assert [s["text"][:20] for s in strategy] == [
        "An international str",
        "The aim of this stra",
        "The strategic develo",
    ]


def test_the_first_clip_is_an_mp3_as_long_as_its_timing_says(
    client: FlaskClient, content_html: str
) -> None:
    plan = post(client, content_html)
    first = sentences(plan)[0]
    audio = client.get(first["audio"])
    assert audio.status_code == 200 and audio.mimetype == "audio/mpeg"
    assert audio.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert audio.headers["Access-Control-Allow-Origin"] == "*"
    timing = client.get(first["timing"]).get_json()
    mp3 = MP3(io.BytesIO(audio.data))
    assert mp3.info.sample_rate == 22050 and mp3.info.channels == 1
    assert 0.8 < timing["duration"] < 4
    assert mp3.info.length == pytest.approx(timing["duration"], abs=0.15)
    assert timing["lang"] == "en"
    words = timing["words"]
    assert [w[0] for w in words] == [0, 14]  # "International", "cooperation" in the block
    assert words[-1][3] <= timing["duration"] + 0.01
    # Asked again, the plan carries the timing of the clip that is now made.
    again = sentences(post(client, content_html))[0]
    assert again["duration"] == timing["duration"] and again["words"] == words


def test_clips_are_cacheable_with_etag_and_ranges(client: FlaskClient, content_html: str) -> None:
    first = sentences(post(client, content_html))[0]
    full = client.get(first["audio"])
    etag = full.headers["ETag"]
    assert etag
    unchanged = client.get(first["audio"], headers={"If-None-Match": etag})
    assert unchanged.status_code == 304 and unchanged.data == b""
    part = client.get(first["audio"], headers={"Range": "bytes=100-1099"})
    assert part.status_code == 206
    assert part.data == full.data[100:1100]
    assert part.headers["Content-Range"] == f"bytes 100-1099/{len(full.data)}"
    tail = client.get(first["audio"], headers={"Range": "bytes=-500"})
    assert tail.status_code == 206 and tail.data == full.data[-500:]
    beyond = client.get(first["audio"], headers={"Range": f"bytes={len(full.data) + 10}-"})
    assert beyond.status_code == 416


def test_other_formats_of_a_clip(client: FlaskClient, content_html: str) -> None:
    first = sentences(post(client, content_html))[0]
    wav = client.get(first["audio"].replace(".mp3", ".wav"))
    assert wav.status_code == 200 and wav.data[:4] == b"RIFF"
    ogg = client.get(first["audio"].replace(".mp3", ".ogg"))
    assert ogg.status_code == 200 and ogg.data[:4] == b"OggS"


def test_concurrent_requests_for_a_new_clip_share_one_synthesis(
    app: Flask, client: FlaskClient
) -> None:
    text = "Eight people clicked the Listen button on this sentence at once."
    audio = sentences(post(client, ONE_SENTENCE.format(text)))[0]["audio"]
    bodies: list[bytes] = []

    def fetch() -> None:
        response = app.test_client().get(audio)
        assert response.status_code == 200
        bodies.append(response.data)

    threads = [threading.Thread(target=fetch) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(bodies) == 8 and len(set(bodies)) == 1
    assert service_of(app).snapshot()["synthesized"] == 1


def test_a_request_survives_its_worker_being_killed(app: Flask, client: FlaskClient) -> None:
    clause = "and the office works with influencing the process of decision-making in the EU"
    text = "The counties run a joint office, " + ", ".join([clause] * 25) + "."
    audio = sentences(post(client, ONE_SENTENCE.format(text)))[0]["audio"]
    service = service_of(app)
    deadline = time.monotonic() + 10
    while not (service.snapshot()["running"] and service.snapshot()["pids"]):
        assert time.monotonic() < deadline, "synthesis never started"
        time.sleep(0.002)
    os.kill(service.snapshot()["pids"][0], signal.SIGKILL)
    started = time.monotonic()
    response = client.get(audio)
    assert response.status_code == 200
    assert MP3(io.BytesIO(response.data)).info.length > 8
    assert time.monotonic() - started < 30
    assert service.snapshot()["restarts"] >= 1


def test_speech_that_keeps_failing_is_a_503_not_a_hang(app_factory: Any) -> None:
    # A timeout no synthesis can meet: every attempt fails as a hung worker would.
    client = app_factory(READER_JOB_TIMEOUT=0.001).test_client()
    text = "Nobody will hear this sentence, " + ", ".join(["since it takes too long"] * 12) + "."
    audio = sentences(post(client, ONE_SENTENCE.format(text)))[0]["audio"]
    started = time.monotonic()
    response = client.get(audio)
    assert response.status_code == 503
    assert "longer than" in response.get_json()["error"]
    assert time.monotonic() - started < 30


def test_the_page_download_is_one_mp3_with_a_chapter_per_heading(
    client: FlaskClient, content_html: str
) -> None:
    plan = post(client, content_html)
    response = client.get(plan["download"])
    assert response.status_code == 200 and response.mimetype == "audio/mpeg"
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="international-cooperation.mp3"'
    )
    tags = ID3(io.BytesIO(response.data))
    chapters = sorted(tags.getall("CHAP"), key=lambda c: c.start_time)
    headings = [b["text"] for b in plan["blocks"] if b["kind"] == "heading"]
    assert [str(c.sub_frames["TIT2"]) for c in chapters] == headings
    assert tags.getall("CTOC")
    length = MP3(io.BytesIO(response.data)).info.length
    spoken = sum(client.get(s["timing"]).get_json()["duration"] for s in sentences(plan))
    assert 0.6 * spoken < length < 1.6 * spoken


def test_page_text_that_looks_like_markup_comes_back_as_text(client: FlaskClient) -> None:
    html = ONE_SENTENCE.format("Type &lt;script&gt;alert(1)&lt;/script&gt; into the search box.")
    response = client.post("/api/read", json={"html": html, "url": PAGE_URL, "lang": "en"})
    assert response.mimetype == "application/json"
    block = response.get_json()["blocks"][0]
    assert block["text"] == "Type <script>alert(1)</script> into the search box."
    assert "\\u003c" in response.get_data(as_text=True) or "<script>" in block["text"]


def test_a_real_script_in_the_posted_html_is_never_read(client: FlaskClient) -> None:
    html = '<div><p>Visible words.</p><script>var secret = "not read";</script></div>'
    blocks = post(client, html)["blocks"]
    assert [b["text"] for b in blocks] == ["Visible words."]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"data": "{not json", "content_type": "application/json"}, "not valid JSON"),
        ({"data": "html=<p>x</p>", "content_type": "application/x-www-form-urlencoded"}, "JSON"),
        ({"json": {"url": PAGE_URL, "lang": "en"}}, "html"),
        ({"json": {"html": "   "}}, "html"),
        ({"json": {"html": ["<p>x</p>"]}}, "html"),
        ({"json": ["<p>x</p>"]}, "object"),
        ({"json": {"html": "<p>x</p>", "url": 5}}, "strings"),
        # A misspelt key would otherwise be dropped without a word.
        ({"json": {"html": "<p>x</p>", "language": "sv"}}, "unknown key 'language'"),
        ({"json": {"htm": "<p>x</p>"}}, "it takes html, url, lang, title"),
        ({"json": {"html": "<p>x</p>", "lang": "<script>"}}, "not '<script>'"),
        ({"json": {"html": "<p>x</p>", "lang": 7}}, "'lang' must be a language code"),
        ({"json": {"html": "<p>x</p>", "lang": "constructor"}}, "'lang' must be"),
    ],
)
def test_malformed_requests_get_a_400_json_error(
    client: FlaskClient, kwargs: dict[str, Any], message: str
) -> None:
    response = client.post("/api/read", **kwargs)
    assert response.status_code == 400
    assert message in response.get_json()["error"]
    assert "Traceback" not in response.get_data(as_text=True)


@pytest.mark.parametrize("lang", ["sv_SE", "SV-se", "", "  ", None])
def test_the_languages_a_page_may_declare_are_taken(client: FlaskClient, lang: Any) -> None:
    # What the widget sends: <html lang> as the author typed it, or nothing.
    body = {"html": "<p>Biblioteket är öppet i dag.</p>", "url": PAGE_URL, "lang": lang}
    response = client.post("/api/read", json=body)
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["blocks"][0]["lang"].startswith("sv")


def test_a_body_over_the_limit_gets_413(client: FlaskClient) -> None:
    html = "<p>" + "word " * 500_000 + "</p>"
    response = client.post("/api/read", json={"html": html})
    assert response.status_code == 413
    assert response.get_json() == {"error": "request body too large"}


def test_a_page_with_more_text_than_is_read_aloud_gets_413_at_once(
    client: FlaskClient, scenario: Any
) -> None:
    # 110,000 characters in 5,200 sentences: under the body limit, over READER_MAX_TEXT.
    html = "<p>" + "The library is open. " * 5_200 + "</p>"
    scenario.inject("POST of a 110 KB page with 5,200 sentences (text limit 100,000 characters)")
    started = time.monotonic()
    response = client.post("/api/read", json={"html": html, "lang": "en"})
    assert response.status_code == 413
    message = response.get_json()["error"]
    assert message == (
        "the page has too much text to read aloud: 109199 characters, at most 100000"
    )
    assert time.monotonic() - started < 10  # refused before any sentence is planned
    scenario.saw(f"HTTP 413: {message}")
    scenario.recovered()
    assert client.post("/api/read", json={"html": "<p>Short page.</p>"}).status_code == 200
    scenario.lost("none")


def test_a_page_with_nothing_readable_gets_422(client: FlaskClient) -> None:
    response = client.post("/api/read", json={"html": "<div><script>x()</script></div>"})
    assert response.status_code == 422
    assert response.get_json()["error"]


@pytest.mark.parametrize(
    "url",
    ["https://www.example.com/page", "http://169.254.169.254/latest/meta-data/"],
)
def test_fetching_a_host_outside_the_allow_list_is_403(client: FlaskClient, url: str) -> None:
    response = client.get("/api/read", query_string={"url": url})
    assert response.status_code == 403
    assert "allowed" in response.get_json()["error"]


@pytest.mark.parametrize("url", ["/etc/passwd", "file:///etc/passwd", "ftp://localhost/x", ""])
def test_only_http_urls_are_fetched(client: FlaskClient, url: str) -> None:
    response = client.get("/api/read", query_string={"url": url})
    assert response.status_code == 400
    assert "passwd" not in response.get_data(as_text=True).replace(url, "")


def test_an_allowed_name_that_resolves_to_loopback_is_refused(app_factory: Any) -> None:
    client = app_factory(READER_ALLOWED_HOSTS=["localhost"]).test_client()
    response = client.get("/api/read", query_string={"url": "http://localhost:9/"})
    assert response.status_code == 403
    assert "private address" in response.get_json()["error"]


@pytest.mark.parametrize(
    "path",
    [
        "/api/audio/../../etc/passwd.mp3",
        "/api/audio/..%2F..%2Fetc%2Fpasswd.mp3",
        "/api/audio/%2e%2e%2f%2e%2e%2fetc%2fpasswd.mp3",
        "/api/audio/....//....//etc/passwd.mp3",
        "/api/audio/..%252F..%252Fetc%252Fpasswd.mp3",
        "/api/audio/" + "0" * 32 + ".mp3",  # well formed, never made
        "/api/audio/" + "A" * 32 + ".mp3",
        "/api/audio/" + "0" * 31 + ".mp3",
        "/api/audio/" + "0" * 32 + ".exe",
        "/api/audio/" + "0" * 32 + ".plan.json",
        "/api/audio/" + "0" * 32,
        "/api/page/../../etc/passwd.mp3",
        "/api/page/" + "0" * 32 + ".mp3",
        "/api/page/" + "0" * 32 + ".json",
    ],
)
def test_no_path_reaches_a_file_outside_the_cache(live_server: str, path: str) -> None:
    # Sent raw over a socket, so no client library tidies the path first.
    parts = urlsplit(live_server)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    connection.putrequest("GET", path, skip_accept_encoding=True)
    connection.endheaders()
    response = connection.getresponse()
    body = response.read()
    connection.close()
    assert response.status == 404
    assert json.loads(body) == {"error": "not found"}
    assert b"root:" not in body


def test_voices_and_health(client: FlaskClient) -> None:
    voices = client.get("/api/voices").get_json()["voices"]
    languages = {lang for voice in voices for lang in voice["languages"]}
    assert {"sv", "en"} <= languages
    health = client.get("/healthz").get_json()
    assert health["status"] == "ok" and health["speech"]["workers"] == 1


def test_cross_origin_preflight_is_allowed(client: FlaskClient) -> None:
    response = client.options(
        "/api/read",
        headers={"Origin": "https://www.ostersund.se", "Access-Control-Request-Method": "POST"},
    )
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "POST" in response.headers["Access-Control-Allow-Methods"]
    assert "Content-Type" in response.headers["Access-Control-Allow-Headers"]
    assert "Access-Control-Allow-Credentials" not in response.headers


def test_the_cli_config_file_reaches_the_app(tmp_path: Any) -> None:
    config_file = tmp_path / "reader.toml"
    config_file.write_text(
        'languages = ["sv", "en"]\nrate = 200\n[web]\nallowed_hosts = ["www.ostersund.se"]\n'
        f'cache_dir = "{tmp_path / "cache"}"\n',
        encoding="utf-8",
    )
    app = create_app(load_config(config_file))
    try:
        assert settings_of(app).web.allowed_hosts == ("www.ostersund.se",)
        assert settings_of(app).read.languages == ("sv", "en")
        assert service_of(app).options.words_per_minute == 200
        assert cache_of(app).directory == tmp_path / "cache"
    finally:
        service_of(app).close()


def test_over_a_real_server_a_visitor_gets_the_plan_and_the_first_clip(
    live_server: str, content_html: str
) -> None:
    body = json.dumps({"html": content_html, "url": PAGE_URL, "lang": "en"}).encode()
    posted = urllib.request.Request(
        f"{live_server}/api/read",
        data=body,
        headers={"Content-Type": "application/json", "Origin": "https://www.ostersund.se"},
    )
    with urllib.request.urlopen(posted, timeout=60) as response:
        assert response.headers["Access-Control-Allow-Origin"] == "*"
        plan = json.load(response)
    first = plan["blocks"][0]["sentences"][0]
    with urllib.request.urlopen(f"{live_server}{first['audio']}", timeout=60) as response:
        audio = response.read()
        assert response.headers["Content-Type"] == "audio/mpeg"
        assert int(response.headers["Content-Length"]) == len(audio)
        etag = response.headers["ETag"]
    assert MP3(io.BytesIO(audio)).info.length > 0.8
    again = urllib.request.Request(
        f"{live_server}{first['audio']}", headers={"If-None-Match": etag}
    )
    with pytest.raises(urllib.error.HTTPError) as not_modified:
        urllib.request.urlopen(again, timeout=60)
    assert not_modified.value.code == 304
    not_modified.value.close()
    ranged = urllib.request.Request(
        f"{live_server}{first['audio']}", headers={"Range": "bytes=0-99"}
    )
    with urllib.request.urlopen(ranged, timeout=60) as response:
        assert response.status == 206 and response.read() == audio[:100]


def test_a_redirect_to_a_host_outside_the_allow_list_is_refused(
    app_factory: Any, local_site: str
) -> None:
    client = app_factory(
        READER_ALLOWED_HOSTS=["127.0.0.1"], READER_ALLOW_PRIVATE=True
    ).test_client()
    assert client.get("/api/read", query_string={"url": local_site}).status_code == 200
    moved = local_site.replace("/hours.html", "/moved")
    response = client.get("/api/read", query_string={"url": moved})
    assert response.status_code == 403
    assert "localhost" in response.get_json()["error"]


def test_a_clip_evicted_from_a_small_cache_is_made_again(
    app_factory: Any, content_html: str
) -> None:
    app = app_factory(READER_CACHE_MAX_BYTES=400_000)
    client = app.test_client()
    plan = post(client, content_html)
    clips = sentences(plan)
    first = client.get(clips[0]["audio"]).data
    for sentence in clips[1:]:
        assert client.get(sentence["audio"]).status_code == 200
    cache = cache_of(app)
    assert cache.total_bytes <= 400_000 and cache.evictions > 0
    key = clips[0]["audio"].rsplit("/", 1)[1][:32]
    assert not cache.has(key, "mp3")
    made = service_of(app).snapshot()["synthesized"]
    again = client.get(clips[0]["audio"])
    assert again.status_code == 200
    length = MP3(io.BytesIO(again.data)).info.length
    assert length == pytest.approx(MP3(io.BytesIO(first)).info.length, abs=0.05)
    assert service_of(app).snapshot()["synthesized"] == made + 1
