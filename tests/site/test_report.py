"""What `reader render` shows while it runs and when it ends."""

from __future__ import annotations

import io

from reader.site import Entry, PageResult, Progress, Summary
from reader.site.report import RenderDisplay, bar, duration, summary_lines

DONE = PageResult(
    url="https://example.org/hours",
    status="rendered",
    entry=Entry(key="k", audio="hours-1.mp3", captions="hours-1.vtt", duration=41.4),
)
GONE = PageResult(url="https://example.org/gone", status="failed", reason="HTTP 404 Not Found")
SAME = PageResult(url="https://example.org/same", status="skipped", reason="unchanged")


def test_the_bar_shows_pages_done_audio_made_and_time_left() -> None:
    progress = Progress(total=50, done=25, audio_seconds=250.0, elapsed=60.0)
    assert bar(progress) == (
        "[############------------] 25/50 pages · 4 min 10 s of audio · about 1 min 00 s left"
    )
    assert bar(Progress(total=50, done=0, audio_seconds=0.0, elapsed=3.0)).endswith(
        "0/50 pages · 0 s of audio"
    )


def test_durations_read_as_a_person_says_them() -> None:
    assert [duration(s) for s in (4.4, 61, 7325)] == ["4 s", "1 min 01 s", "2 h 02 min"]


def test_without_a_terminal_each_page_is_one_line() -> None:
    stream = io.StringIO()
    display = RenderDisplay(stream, in_place=False)
    for done, last in enumerate((None, DONE, SAME, GONE)):
        display(Progress(total=3, done=done, audio_seconds=41.4, elapsed=1.0, last=last))
    display.close()
    assert stream.getvalue().splitlines() == [
        "rendered https://example.org/hours → hours-1.mp3 (41 s of audio)",
        "skipped  https://example.org/same (unchanged)",
        "failed   https://example.org/gone: HTTP 404 Not Found",
    ]


def test_on_a_terminal_the_bar_is_redrawn_and_failures_stay_above_it() -> None:
    stream = io.StringIO()
    display = RenderDisplay(stream, in_place=True)
    display(Progress(total=2, done=1, audio_seconds=41.4, elapsed=1.0, last=DONE))
    display(Progress(total=2, done=2, audio_seconds=41.4, elapsed=2.0, last=GONE))
    display.close()
    shown = stream.getvalue()
    assert "rendered" not in shown and "failed   https://example.org/gone" in shown
    assert shown.count("\r") >= 2 and shown.endswith("2/2 pages · 41 s of audio\x1b[K\n")


def test_the_summary_counts_and_says_why() -> None:
    summary = Summary(
        rendered=[DONE], skipped=[SAME], failed=[GONE], audio_seconds=41.4, elapsed=75.0
    )
    assert summary_lines(summary) == [
        "3 pages in 1 min 15 s: 1 rendered (41 s of audio), 1 skipped (unchanged), 1 failed",
        "  failed https://example.org/gone: HTTP 404 Not Found",
    ]
