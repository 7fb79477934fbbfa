"""`reader render --redis`: a site's sentences made by `reader worker` processes on Redis,
the files assembled by render, the clips left in Redis for the web nodes."""

from __future__ import annotations

import json
import subprocess
import urllib.parse
from pathlib import Path

import mutagen
import pytest
import webvtt
from cluster import READER, Cluster, RedisServer, call, sentences
from sitegen import add_pages, serve_site

from reader_web.clipqueue import SYNTHESIZED_KEY


def render(cluster: Cluster, *args: str) -> subprocess.CompletedProcess[str]:
    command = [*READER, "--config", str(cluster.config), "render", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=300)


def durations(directory: Path) -> dict[str, float]:
    pages = json.loads((directory / "manifest.json").read_text(encoding="utf-8"))["pages"]
    return {url: float(entry["duration"]) for url, entry in pages.items()}


def test_pages_rendered_on_redis_workers_are_played_by_the_nodes_without_synthesis(
    cluster: Cluster, redis_server: RedisServer, tmp_path: Path
) -> None:
    with cluster.config.open("a", encoding="utf-8") as config:
        config.write('allowed_hosts = ["127.0.0.1"]\nallow_private = true\n')
    cluster.worker(processes=2)
    client = redis_server.client()
    with serve_site() as site:
        urls = add_pages(site, 3)
        listed = tmp_path / "pages.txt"
        listed.write_text("\n".join(urls) + "\n", encoding="utf-8")
        out = tmp_path / "out"
        result = render(cluster, str(listed), "-o", str(out), "--redis", redis_server.url)
        assert result.returncode == 0, result.stderr
        made = int(client.get(SYNTHESIZED_KEY) or 0)
        assert made > 0

        # The files are as long as rendering in this process makes them, within eSpeak NG's
        # carry-over between utterances (~10 ms each: a worker spoke other sentences before).
        local = tmp_path / "local"
        alone = render(cluster, str(listed), "-o", str(local))
        assert alone.returncode == 0, alone.stderr
        assert durations(out) == pytest.approx(durations(local), abs=0.15)
        pages = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["pages"]
        for url in urls:
            audio = mutagen.File(out / pages[url]["audio"])
            assert audio.info.length == pytest.approx(pages[url]["duration"], abs=0.1)
            captions = webvtt.read(str(out / pages[url]["captions"]))
            assert " ".join(captions[0].text.split()).startswith("Page ")

        node = cluster.node()
        heard = 0
        for url in urls:
            status, body = call(f"{node}/api/read?url={urllib.parse.quote(url, safe='')}")
            assert status == 200, body
            for sentence in sentences(json.loads(body)):
                assert sentence["duration"]  # known from Redis before any audio is asked for
                status, audio_body = call(node + sentence["audio"])
                assert status == 200 and len(audio_body) > 1000
                heard += 1
        assert heard == made
        assert int(client.get(SYNTHESIZED_KEY) or 0) == made


def test_render_on_a_redis_that_does_not_answer_is_one_line_and_exit_4(tmp_path: Path) -> None:
    listed = tmp_path / "pages.txt"
    listed.write_text("https://example.org/a\n", encoding="utf-8")
    result = subprocess.run(
        [*READER, "render", str(listed), "-o", str(tmp_path / "out"), "--redis",
         "redis://127.0.0.1:9/0"],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 4
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "the clip store (Redis) cannot be reached" in lines[0]
