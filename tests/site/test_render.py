"""`reader render` as a user runs it: a sitemap served from loopback, rendered, rerun,
changed and interrupted (real eSpeak NG, real processes, real files)."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import mutagen
import pytest
import webvtt
from mutagen.id3 import ID3
from sitegen import XML, Site, add_pages, page_html, serve_site, sitemap


@pytest.fixture
def site() -> Iterator[Site]:
    with serve_site() as served:
        yield served


def render(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "reader", "render", *args],
        capture_output=True,
        text=True,
        timeout=600,
    )


def manifest(directory: Path) -> dict[str, dict[str, object]]:
    pages: dict[str, dict[str, object]] = json.loads(
        (directory / "manifest.json").read_text(encoding="utf-8")
    )["pages"]
    return pages


def counts(stderr: str) -> tuple[int, int, int]:
    """(rendered, skipped, failed) from the summary line."""
    line = next(line for line in stderr.splitlines() if re.search(r"\d+ pages? in ", line))
    found = {
        kind: int(m.group(1)) if (m := re.search(rf"(\d+) {kind}", line)) else 0
        for kind in ("rendered", "skipped", "failed")
    }
    return found["rendered"], found["skipped"], found["failed"]


def leftovers(directory: Path) -> list[str]:
    """Files that are not a finished page file or the manifest (temporary files)."""
    return [p.name for p in directory.iterdir() if p.name.startswith(".")]


def test_every_page_is_rendered_or_reported_and_a_rerun_renders_only_what_changed(
    site: Site, tmp_path: Path
) -> None:
    urls = add_pages(site, 6)
    missing, not_web = site.url("/gone.html"), "ftp://127.0.0.1/file.html"
    source = site.put("/sitemap.xml", sitemap([*urls, missing, not_web]), XML)
    out = tmp_path / "out"

    first = render(source, "-o", str(out), "--jobs", "2")
    assert first.returncode == 5, first.stderr
    assert "Traceback" not in first.stderr
    assert counts(first.stderr) == (6, 0, 2)
    assert f"failed {missing}: HTTP 404" in first.stderr
    assert f"failed {not_web}: not an http(s) URL" in first.stderr
    pages = manifest(out)
    assert sorted(pages) == sorted(urls)
    for number, url in enumerate(urls):
        entry = pages[url]
        audio = mutagen.File(out / str(entry["audio"]))
        assert audio is not None and audio.mime[0] == "audio/mp3"
        assert audio.info.length == pytest.approx(float(entry["duration"]), abs=0.1)  # type: ignore[arg-type]
        assert audio.info.length > 3.0
        # A chapter per heading: the title and "More of page N".
        chapters = ID3(out / str(entry["audio"])).getall("CHAP")
        assert len(chapters) == 2
        captions = webvtt.read(str(out / str(entry["captions"])))
        text = " ".join(" ".join(caption.text for caption in captions).split())
        assert text.startswith(f"Page {number} of the reader")
        assert f"More of page {number}" in text
        assert captions[-1].end_in_seconds <= audio.info.length + 0.05
    stamps = {p.name: p.stat().st_mtime_ns for p in out.iterdir()}

    second = render(source, "-o", str(out), "--jobs", "2")
    assert second.returncode == 5, second.stderr
    assert counts(second.stderr) == (0, 6, 2)
    assert "6 skipped (unchanged)" in second.stderr
    assert {p.name: p.stat().st_mtime_ns for p in out.iterdir()} == stamps

    changed = page_html(2, ["The town hall is closed on Friday because of the storm."])
    site.put("/page-2.html", changed)
    third = render(source, "-o", str(out), "--jobs", "2")
    assert counts(third.stderr) == (1, 5, 2), third.stderr
    assert f"rendered {urls[2]}" in third.stderr
    entry = manifest(out)[urls[2]]
    captions = webvtt.read(str(out / str(entry["captions"])))
    shown = " ".join(" ".join(c.text for c in captions).split())
    assert "closed on Friday because of the storm" in shown
    assert leftovers(out) == []


def interrupt_after_first_page(args: list[str], *, group: bool) -> subprocess.CompletedProcess[str]:
    """Run `reader render`, and as soon as one page is rendered send SIGINT: to the process,
    or (as Ctrl-C in a terminal does) to its whole process group."""
    process = subprocess.Popen(
        [sys.executable, "-m", "reader", "render", *args],
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=group,
    )
    assert process.stderr is not None
    lines = []
    for line in process.stderr:
        lines.append(line)
        if line.startswith("rendered "):
            break
    if group:
        os.killpg(process.pid, signal.SIGINT)
    else:
        process.send_signal(signal.SIGINT)
    rest = process.stderr.read()
    process.stderr.close()
    code = process.wait(timeout=120)
    return subprocess.CompletedProcess(args, code, "", "".join(lines) + rest)


def test_an_interrupted_run_leaves_whole_files_and_a_rerun_finishes_the_rest(
    site: Site, tmp_path: Path
) -> None:
    urls = add_pages(site, 8, sentences_per_page=6)
    source = site.put("/sitemap.xml", sitemap(urls), XML)
    out = tmp_path / "out"
    args = [source, "-o", str(out), "--jobs", "2"]
    done: set[str] = set()
    for group in (False, True):
        stopped = interrupt_after_first_page(args, group=group)
        assert stopped.returncode == 130, stopped.stderr
        assert "reader: interrupted" in stopped.stderr and "Traceback" not in stopped.stderr
        assert leftovers(out) == []
        pages = manifest(out)
        assert done < set(pages) < set(urls)
        done = set(pages)
        for entry in pages.values():  # every file the manifest names is whole
            audio = mutagen.File(out / str(entry["audio"]))
            assert audio.info.length == pytest.approx(float(entry["duration"]), abs=0.1)
            assert len(webvtt.read(str(out / str(entry["captions"])))) > 0
        finished = {p.name for p in out.glob("*.mp3")}
        assert finished >= {str(entry["audio"]) for entry in pages.values()}

    rerun = render(*args)
    assert rerun.returncode == 0, rerun.stderr
    assert counts(rerun.stderr) == (len(urls) - len(done), len(done), 0)
    assert sorted(manifest(out)) == sorted(urls)
    assert leftovers(out) == []
