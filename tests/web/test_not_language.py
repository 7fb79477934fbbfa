"""Over the real server: what is not language gets 422, never a minute of spoken noise."""

from __future__ import annotations

import json
import random
import urllib.error
import urllib.request

import pytest

ANGULAR_AREA = """<div ng-controller="contentDetailController as nrco.contentDetailController">
<h1>{{nrco.contentDetailController.content.title}}</h1>
<p>{{nrco.contentDetailController.content.status === "published" ? "Publisert " +
(nrco.contentDetailController.content.published | date:'dd.MM.yyyy') : "Utkast"}}</p>
<div ng-bind-html="nrco.contentDetailController.content.body">
{{ nrco.contentDetailController.content.body }}</div></div>"""


def post(live_server: str, html: str) -> tuple[int, dict[str, object]]:
    body = json.dumps({"html": html, "url": "https://www.example.org/page"}).encode()
    request = urllib.request.Request(
        f"{live_server}/api/read", data=body, headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:
        with error:
            return error.code, json.load(error)


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("decoding", ["latin-1", "utf-8"])
def test_random_bytes_posted_as_html_get_422(live_server: str, seed: int, decoding: str) -> None:
    noise = random.Random(seed).randbytes(300).decode(decoding, errors="replace")
    status, answer = post(live_server, noise)
    assert status == 422, answer
    assert answer["error"] == "no readable text found on the page"


def test_a_reading_area_of_unrendered_templates_gets_422(live_server: str) -> None:
    status, answer = post(live_server, ANGULAR_AREA)
    assert status == 422, answer


def test_a_sentence_beside_the_noise_is_still_read(live_server: str) -> None:
    status, answer = post(live_server, ANGULAR_AREA + "<p>Biblioteket är öppet alla dagar.</p>")
    assert status == 200, answer
    blocks = answer["blocks"]
    assert isinstance(blocks, list) and [b["text"] for b in blocks] == [
        "Biblioteket är öppet alla dagar."
    ]
