"""What `reader render` shows: a progress bar on a terminal, one line per page otherwise, and
a summary of the pages rendered, skipped and failed (with why)."""

from __future__ import annotations

import time
from typing import TextIO

from reader.site.page import PageResult
from reader.site.runner import Progress, Summary
from reader.terminal import StatusLine

BAR_WIDTH = 24
# A terminal redraws the bar at most this often: audio ticks come many times a second.
REDRAW_SECONDS = 0.2
# Failed pages listed one by one in the summary; beyond that, the count (the lines above
# already named each one as it failed).
LISTED_FAILURES = 20


class RenderDisplay:
    """Turns progress into a bar redrawn in place (terminal) or a line per finished page."""

    def __init__(self, stream: TextIO, in_place: bool) -> None:
        self.in_place = in_place
        self.lines = StatusLine(stream, in_place=in_place)
        self._drawn = 0.0
        self._progress: Progress | None = None

    def __call__(self, progress: Progress) -> None:
        self._progress = progress
        last = progress.last
        if last is not None and (not self.in_place or last.status == "failed"):
            self.lines.show(page_line(last))
        if self.in_place:
            now = time.monotonic()
            if last is not None or now - self._drawn >= REDRAW_SECONDS:
                self._drawn = now
                self.lines.status(bar(progress))

    def close(self) -> None:
        self.lines.close()

    def stopped(self) -> str:
        """What an interrupted run had done, and how to finish it."""
        done, total = (self._progress.done, self._progress.total) if self._progress else (0, 0)
        return f"{done} of {total} pages done; the same command again renders the rest"


def bar(progress: Progress) -> str:
    """`[#########---------] 12/50 pages · 4 min 10 s of audio · about 1 min 20 s left`."""
    filled = BAR_WIDTH * progress.done // progress.total if progress.total else BAR_WIDTH
    left = progress.time_left
    parts = [
        f"[{'#' * filled}{'-' * (BAR_WIDTH - filled)}] {progress.done}/{progress.total} pages",
        f"{duration(progress.audio_seconds)} of audio",
    ]
    if left is not None and progress.done < progress.total:
        parts.append(f"about {duration(left)} left")
    return " · ".join(parts)


def page_line(result: PageResult) -> str:
    """One line for a finished page."""
    if result.status == "rendered" and result.entry is not None:
        entry = result.entry
        return f"rendered {result.url} → {entry.audio} ({duration(entry.duration)} of audio)"
    if result.status == "skipped":
        return f"skipped  {result.url} ({result.reason})"
    return f"failed   {result.url}: {result.reason}"


def summary_lines(summary: Summary) -> list[str]:
    """The summary: counts with the audio made, why pages were skipped, each failure."""
    counts = [f"{len(summary.rendered)} rendered ({duration(summary.audio_seconds)} of audio)"]
    if summary.skipped:
        reasons = sorted({r.reason for r in summary.skipped})
        counts.append(f"{len(summary.skipped)} skipped ({', '.join(reasons)})")
    counts.append(f"{len(summary.failed)} failed")
    pages = f"{summary.done} page{'' if summary.done == 1 else 's'}"
    lines = [f"{pages} in {duration(summary.elapsed)}: {', '.join(counts)}"]
    for result in summary.failed[:LISTED_FAILURES]:
        lines.append(f"  failed {result.url}: {result.reason}")
    if len(summary.failed) > LISTED_FAILURES:
        lines.append(f"  and {len(summary.failed) - LISTED_FAILURES} more failed (listed above)")
    return lines


def duration(seconds: float) -> str:
    """`35 s`, `4 min 10 s`, `2 h 05 min`."""
    whole = int(round(seconds))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours} h {minutes:02d} min"
    if minutes:
        return f"{minutes} min {secs:02d} s"
    return f"{secs} s"
