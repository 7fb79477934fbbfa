"""Captions: WebVTT (checked by a spec-following parser and by Chromium) and the JSON timeline."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest
from playwright.sync_api import Route, sync_playwright

from reader.audio.assemble import assemble
from reader.audio.captions import write_captions, write_timeline
from reader.model import Block, Clip, Page, Track, Utterance, WordMark
from reader.options import SpeechOptions

RATE = 22050
TIMING = re.compile(r"^((?:\d{2,}:)?\d{2}:[0-5]\d\.\d{3}) --> ((?:\d{2,}:)?\d{2}:[0-5]\d\.\d{3})$")
LANG_SPAN = re.compile(r"^<lang ([a-z]{2,3}(?:-[A-Za-z0-9]+)*)>([^<>]*)</lang>$")
BLOCKS = (
    Block(index=0, kind="heading", text="Vänorter", locator="h1", lang="sv"),
    Block(index=1, kind="paragraph", text="We <3 towns & cities. Two.", locator="p", lang="en"),
)
SPOKEN = [(0, 0, 0, 8, "sv"), (1, 0, 0, 21, "en"), (1, 1, 22, 26, "en")]


def make_track(estimated: bool = False) -> Track:
    pairs = []
    for block, sentence, start, end, lang in SPOKEN:
        text = BLOCKS[block].text[start:end]
        u = Utterance(block=block, sentence=sentence, part=0, text=text, start=start, end=end,
                      lang=lang, char_map=tuple(range(start, end + 1)))  # fmt: skip
        sound = (5000 * np.sin(np.arange(int(0.6 * RATE)) / 7)).astype("<i2").tobytes()
        words = (WordMark(start=0, end=len(text.split()[0]), t_start=0.0, t_end=0.2),)
        clip = Clip(pcm=sound, sample_rate=RATE, words=words, words_estimated=estimated)
        pairs.append((u, clip))
    page = Page(url="https://example.org/p", title="Vänorter", lang="sv", blocks=BLOCKS)
    return assemble(page, pairs, SpeechOptions())


def seconds(stamp: str) -> float:
    parts = [float(p) for p in stamp.split(":")]
    return sum(p * 60**i for i, p in enumerate(reversed(parts)))


def parse_vtt(text: str) -> list[tuple[float, float, str]]:
    """WebVTT as the spec reads it: signature, header, then blank-line separated cues."""
    assert re.match(r"^WEBVTT([ \t][^\n]*)?\n", text)
    blocks = text.split("\n\n")[1:]
    cues = []
    for block in filter(None, (b.strip("\n") for b in blocks)):
        if re.match(r"NOTE($|[ \t\n])", block):
            continue  # a comment block
        lines = block.split("\n")
        if "-->" not in lines[0]:
            lines = lines[1:]  # the cue identifier
        timing = TIMING.match(lines[0])
        assert timing, lines[0]
        assert len(lines) >= 2 and all(line and "-->" not in line for line in lines[1:])
        cues.append((seconds(timing[1]), seconds(timing[2]), "\n".join(lines[1:])))
    return cues


def test_short_sentences_are_one_cue_and_only_another_language_is_marked(
    tmp_path: Path,
) -> None:
    track = make_track()
    cues = parse_vtt(write_captions(track, tmp_path / "page.vtt").read_text(encoding="utf-8"))
    assert len(cues) == len(track.timeline.of_kind("sentence")) == 3
    assert cues[0][2] == "Vänorter"  # the file's own language (sv) needs no span
    spans = [LANG_SPAN.match(text) for _, _, text in cues]
    assert [(m[1], m[2]) for m in spans if m] == [
        ("en", "We &lt;3 towns &amp; cities."),
        ("en", "Two."),
    ]
    times = [t for start, end, _ in cues for t in (start, end)]
    assert times == sorted(times) and times[0] < times[1]
    assert times[-1] == pytest.approx(track.duration, abs=0.001)


def test_chromium_reads_the_captions(tmp_path: Path) -> None:
    """The browser's own WebVTT parser: the cues a player would show."""
    track = make_track()
    vtt = write_captions(track, tmp_path / "page.vtt").read_bytes()
    html = b"<!doctype html><video><track kind=captions default src=page.vtt></video>"
    files = {"/": (html, "text/html"), "/page.vtt": (vtt, "text/vtt")}

    def serve(route: Route) -> None:
        body, kind = files[route.request.url.removeprefix("http://reader.test")]
        route.fulfill(body=body, content_type=kind)

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        try:
            page = browser.new_page()
            page.route("http://reader.test/**", serve)
            page.goto("http://reader.test/")
            page.wait_for_function("document.querySelector('track').readyState === 2")
            cues = page.evaluate(
                """() => [...document.querySelector('track').track.cues].map(c => [
                    c.startTime, c.endTime,
                    [...c.getCueAsHTML().childNodes].map(n => n.lang || '').join(','),
                    c.getCueAsHTML().textContent])"""
            )
        finally:
            browser.close()
    sentences = track.timeline.of_kind("sentence")
    assert [(lang, text) for _, _, lang, text in cues] == [
        ("", "Vänorter"), ("en", "We <3 towns & cities."), ("en", "Two.")
    ]  # fmt: skip
    assert [start for start, _, _, _ in cues] == pytest.approx(
        [cue.t_start for cue in sentences], abs=0.001
    )
    # A short sentence stays up for a second, into the pause after it, never over the next.
    ends = [end for _, end, _, _ in cues]
    assert ends[0] == pytest.approx(sentences[0].t_start + 1.0, abs=0.001)
    assert ends[1] == pytest.approx(sentences[2].t_start, abs=0.001)


def test_timeline_json_lists_every_cue(tmp_path: Path) -> None:
    track = make_track()
    data = json.loads(write_timeline(track, tmp_path / "t.json").read_text(encoding="utf-8"))
    assert (data["title"], data["lang"]) == ("Vänorter", "sv")
    assert data["duration"] == pytest.approx(track.duration, abs=0.001)
    kinds = [c["kind"] for c in data["cues"]]
    assert kinds.count("block") == 2 and kinds.count("sentence") == 3
    words = [c["text"] for c in data["cues"] if c["kind"] == "word"]
    assert words == ["Vänorter", "We", "Two"]
    assert all(c["t_start"] <= c["t_end"] <= data["duration"] for c in data["cues"])
    assert not list(tmp_path.glob(".*tmp*"))


def test_estimated_word_times_are_marked_in_the_timeline_and_the_captions(
    tmp_path: Path,
) -> None:
    exact, estimated = make_track(), make_track(estimated=True)
    exact_data = json.loads(write_timeline(exact, tmp_path / "a.json").read_text("utf-8"))
    data = json.loads(write_timeline(estimated, tmp_path / "b.json").read_text("utf-8"))
    assert exact_data["words_estimated"] is False and data["words_estimated"] is True
    marked = {c["kind"]: c["estimated"] for c in data["cues"]}
    assert marked == {"block": False, "sentence": False, "word": True}
    assert not any(c["estimated"] for c in exact_data["cues"])
    note = "NOTE Times inside a sentence are estimated"
    exact_vtt = write_captions(exact, tmp_path / "a.vtt").read_text("utf-8")
    vtt = write_captions(estimated, tmp_path / "b.vtt").read_text("utf-8")
    assert note not in exact_vtt and note in vtt
    # The note is a comment: the cues a player shows are the same.
    assert parse_vtt(vtt) == parse_vtt(exact_vtt)
