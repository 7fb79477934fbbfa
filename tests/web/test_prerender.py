"""A page rendered ahead with `reader render --cache-dir` is played by the server with no
synthesis: every clip of it is already in the clip cache the server uses."""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

from conftest import make_app
from liveserver import start_server
from sitegen import add_pages, serve_site

from reader_web.extensions import service_of


def get(url: str) -> tuple[str, bytes]:
    with urllib.request.urlopen(url, timeout=120) as response:
        return response.headers["Content-Type"], response.read()


def listen(server: str, page: str) -> list[dict[str, Any]]:
    """What the widget does for a page: plan it, then fetch every sentence clip and timing."""
    _, body = get(f"{server}/api/read?url={urllib.parse.quote(page, safe='')}")
    sentences = [s for block in json.loads(body)["blocks"] for s in block["sentences"]]
    for sentence in sentences:
        kind, audio = get(server + sentence["audio"])
        assert kind == "audio/mpeg" and len(audio) > 1000
        get(server + sentence["timing"])
    return sentences


def synthesized(server: str) -> int:
    _, body = get(f"{server}/healthz")
    return int(json.loads(body)["speech"]["synthesized"])


def test_a_rendered_page_is_served_without_synthesis(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    with serve_site() as site:
        rendered, other = add_pages(site, 2, sentences_per_page=3)
        listed = tmp_path / "pages.txt"
        listed.write_text(f"{rendered}\n", encoding="utf-8")
        result = subprocess.run(
            [sys.executable, "-m", "reader", "render", str(listed), "-o", str(tmp_path / "out"),
             "--cache-dir", str(cache)],
            capture_output=True, text=True, timeout=300,
        )  # fmt: skip
        assert result.returncode == 0, result.stderr

        app = make_app(cache, READER_ALLOWED_HOSTS=["127.0.0.1"], READER_ALLOW_PRIVATE=True)
        server = start_server(app)
        try:
            sentences = listen(server.url, rendered)
            assert len(sentences) >= 4  # two headings and three sentences
            # The plan already knows every clip's length: they were made by `reader render`.
            assert all(s["duration"] for s in sentences)
            assert synthesized(server.url) == 0

            # A page that was not rendered ahead is synthesized as usual.
            made = listen(server.url, other)
            assert synthesized(server.url) == len(made) > 0
        finally:
            server.stop()
            service_of(app).close()
