"""Page plans in the cache: a stored plan answers again as it did; any other is planned anew."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from mutagen.mp3 import MP3

from reader_web import create_app
from reader_web.extensions import cache_of, service_of

AREA = (
    "<h1>Opening hours</h1><p>The library opens at nine. It closes at five.</p>"
    '<p>Ask for <span lang="sv">Jämtlands län</span> at the desk.</p>'
)
BODY = {"html": AREA, "lang": "en", "url": "https://www.ostersund.se/library"}
# What the previous version stored: the answer beside its jobs as positional lists.
OLD_LAYOUT = {"response": {"blocks": []}, "jobs": [["0" * 32, "en", [["Hi", "en", "en", [0]]]]]}


def started(cache_dir: Path) -> Flask:
    config = {"TESTING": True, "READER_CACHE_DIR": str(cache_dir), "READER_WORKERS": 1}
    return create_app(config)


@pytest.fixture
def apps(tmp_path: Path) -> Iterator[list[Flask]]:
    """Apps made in turn on one cache directory, as a server restarted (or upgraded) is."""
    made: list[Flask] = []
    yield made
    for app in made:
        service_of(app).close()


def read(apps: list[Flask], cache_dir: Path) -> tuple[Flask, dict[str, Any]]:
    app = started(cache_dir)
    apps.append(app)
    response = app.test_client().post("/api/read", json=BODY)
    assert response.status_code == 200, response.get_data(as_text=True)
    return app, response.get_json()


def without_timings(answer: dict[str, Any]) -> dict[str, Any]:
    blocks = [
        {**b, "sentences": [{**s, "duration": None, "words": None} for s in b["sentences"]]}
        for b in answer["blocks"]
    ]
    return {**answer, "blocks": blocks}


def test_a_restarted_server_answers_a_page_from_its_stored_plan(
    apps: list[Flask], tmp_path: Path
) -> None:
    _, first = read(apps, tmp_path / "cache")
    app, again = read(apps, tmp_path / "cache")
    assert without_timings(again) == without_timings(first)
    entries = [s for b in again["blocks"] for s in b["sentences"]]
    assert [s["text"] for s in entries] == [
        "Opening hours",
        "The library opens at nine.",
        "It closes at five.",
        "Ask for Jämtlands län at the desk.",
    ]
    download = app.test_client().get(again["download"])
    assert download.status_code == 200
    assert MP3(io.BytesIO(download.data)).info.length > 4


@pytest.mark.parametrize(
    "stored",
    [OLD_LAYOUT, {"format": "1", "key": "", "page": {}, "jobs": []}, {"format": "2"}, [1, 2]],
    ids=["previous-layout", "other-format", "cut-short", "not-an-object"],
)
def test_a_stored_plan_of_another_shape_is_planned_again_never_misread(
    apps: list[Flask], tmp_path: Path, stored: Any
) -> None:
    app, first = read(apps, tmp_path / "cache")
    service_of(app).close()
    cache_of(app).put(first["key"], "plan.json", json.dumps(stored).encode("utf-8"))
    app, again = read(apps, tmp_path / "cache")
    assert without_timings(again) == without_timings(first)
    assert app.test_client().get(again["download"]).status_code == 200


def test_a_stored_plan_under_another_key_is_not_taken_for_this_page(
    apps: list[Flask], tmp_path: Path
) -> None:
    app, first = read(apps, tmp_path / "cache")
    cache = cache_of(app)
    stored = json.loads(cache.read(first["key"], "plan.json") or b"{}")
    other = "f" * 32
    cache.put(other, "plan.json", json.dumps(stored).encode("utf-8"))
    # No page was planned under `other`: its download is not found, the copy is not used.
    assert app.test_client().get(f"/api/page/{other}.mp3").status_code == 404
    assert app.test_client().get(first["download"]).status_code == 200
