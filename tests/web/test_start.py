"""Where a page's text starts, as the server answers the widget before anyone presses Listen."""

from __future__ import annotations

import gzip
import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from reader_web import create_app
from reader_web.extensions import cache_of, service_of
from reader_web.plan import page_key
from reader_web.posted import widget_payload
from reader_web.start import START_FORMAT

# A council page with no `main`: a cookie banner and a promotion (each with a heading) come
# before the text, which opens with a kicker line and then its heading.
COUNCIL_PAGE = """<!DOCTYPE html><html lang="en"><head><title>Bins | Ostbury</title></head>
<body>
<div class="cookies"><h2>Cookies on this site</h2><p>We use cookies.</p></div>
<div class="promo"><h2>Sign up for our newsletter</h2><a href="/news">Subscribe</a></div>
<div class="content">
<p>News from the council, 18 December</p>
<h2>Bin collections over the holidays</h2>
<p>Bins are collected two days later than usual in the week after Christmas.</p>
<p>Garden waste is not collected between 24 December and 2 January.</p>
</div></body></html>"""
# Text that opens with paragraphs: a heading further down heads a later section.
LONG_LEAD = """<html lang="en"><body><div>
<p>The library on Main Street is open every weekday from nine in the morning.</p>
<p>On Saturdays it opens at ten and closes at two in the afternoon.</p>
<p>It is closed on Sundays and on public holidays all year round.</p>
<h2>Contact</h2><p>Call the front desk during opening hours for anything else.</p>
</div></body></html>"""


def body_of(html: str, url: str = "https://ostbury.example/bins") -> bytes:
    """The JSON body the widget posts for a page (as it would send it, uncompressed)."""
    return json.dumps(widget_payload(html, url=url)).encode("utf-8")


def digest(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()[:32]


def post(client: FlaskClient, body: bytes, **headers: str) -> Any:
    response = client.post(
        "/api/start", data=body, headers={"Content-Type": "application/json", **headers}
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()["start"]


def test_the_text_starts_at_its_heading_after_a_kicker_not_at_the_banners(
    client: FlaskClient,
) -> None:
    start = post(client, body_of(COUNCIL_PAGE))
    assert [(mark["kind"], mark["text"]) for mark in start] == [
        ("heading", "Bin collections over the holidays"),
        ("paragraph", "News from the council, 18 December"),
    ]
    assert start[0]["locator"].endswith("h2:nth-of-type(1)")
    assert start[0]["locator"].startswith("body > div:nth-of-type(3)")


def test_text_opening_with_paragraphs_starts_at_its_first_block(client: FlaskClient) -> None:
    start = post(client, body_of(LONG_LEAD))
    assert [mark["text"] for mark in start] == [
        "The library on Main Street is open every weekday from nine in the morning."
    ]


def test_a_page_version_once_read_is_answered_by_digest_without_a_body(
    client: FlaskClient,
) -> None:
    body = body_of(COUNCIL_PAGE)
    unknown = client.get(f"/api/start/{digest(body)}")
    # Not an error (browsers would log one on every new page): no content, and not kept.
    assert unknown.status_code == 204
    assert unknown.get_data() == b""
    assert unknown.headers["Cache-Control"] == "no-store"
    # Posted gzipped, as browsers do: the digest is of the JSON before compression.
    posted = post(client, gzip.compress(body), **{"Content-Encoding": "gzip"})
    known = client.get(f"/api/start/{digest(body)}")
    assert known.status_code == 200
    assert known.get_json() == {"start": posted}
    assert known.headers["Access-Control-Allow-Origin"] == "*"
    assert "public" in known.headers["Cache-Control"]
    assert "max-age=86400" in known.headers["Cache-Control"]
    # Another version of the page (one more paragraph) is another digest, not yet known.
    changed = body_of(COUNCIL_PAGE.replace("</div></body>", "<p>Thank you.</p></div></body>"))
    assert client.get(f"/api/start/{digest(changed)}").status_code == 204


def test_a_page_with_nothing_to_read_has_no_start(client: FlaskClient) -> None:
    body = body_of("<html><body><nav><a href='/'>Home</a></nav></body></html>")
    assert post(client, body) == []
    assert client.get(f"/api/start/{digest(body)}").get_json() == {"start": []}


@pytest.mark.parametrize("name", ["A" * 32, "1234", "..%2Fx", "0" * 33])
def test_a_malformed_digest_is_a_json_404(client: FlaskClient, name: str) -> None:
    response = client.get(f"/api/start/{name}")
    assert response.status_code == 404
    assert response.get_json() == {"error": "not found"}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"{not json", "the request body is not valid JSON"),
        (b'{"html": "<p>x</p>", "colour": "red"}', "unknown key 'colour'"),
        (b'{"url": "https://ostbury.example/"}', "the JSON body needs 'html'"),
    ],
)
def test_a_malformed_page_is_a_400_naming_what_is_wrong(
    client: FlaskClient, data: bytes, message: str
) -> None:
    response = client.post("/api/start", data=data, headers={"Content-Type": "application/json"})
    assert response.status_code == 400
    assert message in response.get_json()["error"]


def test_another_node_on_the_same_store_knows_a_version_read_here(tmp_path: Path) -> None:
    body = body_of(COUNCIL_PAGE)
    # Two apps on one cache directory: two web nodes on one store, or a restarted server.
    config = {"TESTING": True, "READER_CACHE_DIR": str(tmp_path / "store"), "READER_WORKERS": 1}
    here, there = create_app(config), create_app(config)
    try:
        posted = post(here.test_client(), body)
        known = there.test_client().get(f"/api/start/{digest(body)}")
        assert known.status_code == 200
        assert known.get_json() == {"start": posted}
    finally:
        service_of(here).close()
        service_of(there).close()


def test_a_stored_answer_of_another_shape_is_not_known(client: FlaskClient, app: Flask) -> None:
    body = body_of(LONG_LEAD)
    store_key = page_key("start", START_FORMAT, digest(body))
    cache_of(app).offer(store_key, "start.json", b'{"start": "somewhere"}')
    assert client.get(f"/api/start/{digest(body)}").status_code == 204
    assert len(post(client, body)) == 1
