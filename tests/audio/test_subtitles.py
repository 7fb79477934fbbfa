"""Captions people can read: two lines of 42 characters, 1 to 7 seconds a cue, split at
phrases; checked with webvtt-py (a maintained WebVTT parser) and Chromium's <track>."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator

import pytest
import webvtt
from playwright.sync_api import Browser, Route, sync_playwright
from support import OSTERSUND, SAMPLES

from reader.audio.captions import vtt
from reader.audio.subtitles import MAX_LINE, captions, wrap
from reader.model import Block, Cue, Page, Timeline, Track
from reader.options import SpeechOptions
from reader.pipeline import read_page, render
from reader.speech import open_engine

NORWEGIAN = SAMPLES / "inline-lang-norwegian.html"
TAG = re.compile(r"</?lang[^>]*>")


@pytest.fixture(scope="module")
def tracks() -> dict[str, Track]:
    engine = open_engine(SpeechOptions())
    try:
        return {
            p.name: render(read_page(p), SpeechOptions(), engine) for p in (OSTERSUND, NORWEGIAN)
        }
    finally:
        engine.close()


def parsed(text: str) -> list[webvtt.Caption]:
    return list(webvtt.from_buffer(io.StringIO(text)))


def seconds(stamp: str) -> float:
    """A WebVTT timestamp in seconds (the parser's *_in_seconds drop the milliseconds)."""
    return sum(float(part) * 60**i for i, part in enumerate(reversed(stamp.split(":"))))


def span(caption: webvtt.Caption) -> tuple[float, float]:
    return seconds(caption.start), seconds(caption.end)


def plain(caption: webvtt.Caption) -> list[str]:
    return [TAG.sub("", line) for line in caption.raw_text.split("\n")]


@pytest.mark.parametrize("name", [OSTERSUND.name, NORWEGIAN.name])
def test_every_cue_follows_the_subtitle_rules(tracks: dict[str, Track], name: str) -> None:
    track = tracks[name]
    cues = parsed(vtt(track))
    assert len(cues) > len(track.timeline.of_kind("sentence"))  # long sentences were split
    for cue in cues:
        lines = plain(cue)
        assert 1 <= len(lines) <= 2 and all(0 < len(line) <= MAX_LINE for line in lines), lines
        start, end = span(cue)
        assert 1.0 - 1e-3 <= end - start <= 7.0 + 1e-3
    times = [t for cue in cues for t in span(cue)]
    assert times == sorted(times)
    # Every word of the page is shown once, in order.
    shown = " ".join(" ".join(plain(c)) for c in cues).split()
    sentences = " ".join(c.text for c in track.timeline.of_kind("sentence")).split()
    assert shown == [w.replace("&", "&amp;").replace("<", "&lt;") for w in sentences]


def test_long_sentences_break_at_phrases(tracks: dict[str, Track]) -> None:
    texts = [" ".join(plain(c)) for c in parsed(vtt(tracks[OSTERSUND.name]))]
    assert "Co-operation with other cities, regions and countries" in texts
    assert "has become an increasingly important feature in the Municipality´s work." in texts


def test_only_cues_in_another_language_carry_a_lang_span(tracks: dict[str, Track]) -> None:
    track = tracks[NORWEGIAN.name]
    text = vtt(track)
    own = track.lang.split("-")[0]
    marked = [c for c in parsed(text) if "<lang" in c.raw_text]
    others = [c for c in track.timeline.of_kind("sentence") if c.lang.split("-")[0] != own]
    assert f"Language: {track.lang}" in text and others
    assert len(marked) >= len(others)
    assert all(re.fullmatch(r"(<lang nb>[^<]*</lang>\n?)+", c.raw_text) for c in marked)
    assert not any(f"<lang {own}" in c.raw_text for c in parsed(text))


def test_two_lines_are_even_and_do_not_end_on_an_article() -> None:
    assert wrap("Short enough.") == ("Short enough.",)
    top, bottom = wrap("The network consists of cities all across the world", "en")
    assert (top, bottom) == ("The network consists of", "cities all across the world")
    top, bottom = wrap("the office works with influencing the process of decision-making", "en")
    assert not top.endswith(" the") and max(len(top), len(bottom)) <= MAX_LINE


def test_without_word_timings_a_sentence_is_split_by_its_length() -> None:
    text = (
        "Kommunen har tagit fram en ny strategi för internationellt arbete, och den gäller "
        "för alla förvaltningar och bolag."
    )
    block = Block(index=0, kind="paragraph", text=text, locator="p", lang="sv")
    sentence = Cue(kind="sentence", block=0, sentence=0, t_start=0.0, t_end=9.0, start=0,
                   end=len(text), lang="sv", text=text)  # fmt: skip
    page = Page(url="", title="", lang="sv", blocks=(block,))
    track = Track(pcm=bytes(2 * 22050 * 9), sample_rate=22050, page=page, lang="sv",
                  timeline=Timeline(cues=(sentence,), duration=9.0))  # fmt: skip
    cues = captions(track)
    assert len(cues) == 2 and cues[0].lines[-1].endswith("arbete,")
    assert cues[0].t_start == 0.0 and cues[-1].t_end == 9.0


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield chromium
        chromium.close()


@pytest.fixture
def served_vtt(browser: Browser, tracks: dict[str, Track]) -> Iterator[list[list[object]]]:
    text = vtt(tracks[OSTERSUND.name]).encode("utf-8")
    html = b"<!doctype html><video><track kind=captions default src=page.vtt></video>"
    files = {"/": (html, "text/html"), "/page.vtt": (text, "text/vtt")}

    def serve(route: Route) -> None:
        body, kind = files[route.request.url.removeprefix("http://reader.test")]
        route.fulfill(body=body, content_type=kind)

    page = browser.new_page()
    try:
        page.route("http://reader.test/**", serve)
        page.goto("http://reader.test/")
        page.wait_for_function("document.querySelector('track').readyState === 2")
        yield page.evaluate(
            """() => [...document.querySelector('track').track.cues].map(c => [
                c.startTime, c.endTime, c.getCueAsHTML().textContent])"""
        )
    finally:
        page.close()


def test_chromium_shows_the_same_cues_as_the_parser(
    served_vtt: list[list[object]], tracks: dict[str, Track]
) -> None:
    expected = parsed(vtt(tracks[OSTERSUND.name]))
    assert len(served_vtt) == len(expected) > 30
    for (start, end, text), cue in zip(served_vtt, expected, strict=True):
        assert (start, end) == pytest.approx(span(cue), abs=1e-3)
        assert text == "\n".join(plain(cue)).replace("&amp;", "&").replace("&lt;", "<")
