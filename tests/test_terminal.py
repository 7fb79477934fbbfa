"""What `reader speak` leaves on a terminal screen: block texts, then one status line in place."""

from __future__ import annotations

import io
import os
import pty
import re
import select
import subprocess
import sys
import termios
import time
from collections.abc import Callable
from pathlib import Path

from reader.terminal import CLEAR_LINE, StatusLine


def screen(written: str) -> list[str]:
    """Replay what was written as a terminal would: \\r, erase to end of line, \\n."""
    rows, row, col = [""], 0, 0
    i = 0
    while i < len(written):
        if written.startswith(CLEAR_LINE, i):
            rows[row] = rows[row][:col]
            i += len(CLEAR_LINE)
            continue
        ch = written[i]
        if ch == "\r":
            col = 0
        elif ch == "\n":
            row, col = row + 1, 0
            if row == len(rows):
                rows.append("")
        else:
            line = rows[row]
            rows[row] = line[:col] + ch + line[col + 1 :]
            col += 1
        i += 1
    return rows


def test_on_a_terminal_the_status_is_redrawn_in_place_below_the_text() -> None:
    out = io.StringIO()
    lines = StatusLine(out, in_place=True)
    lines.show("[en] Opening hours")
    lines.status("block 1/3 · sentence 1/1 · 175 wpm · playing")
    lines.show("[en] The library opens at nine.")
    lines.status("block 2/3 · sentence 1/1 · 175 wpm · playing")
    lines.status("block 2/3 · sentence 1/1 · 200 wpm · paused")
    assert screen(out.getvalue()) == [
        "[en] Opening hours",
        "[en] The library opens at nine.",
        "block 2/3 · sentence 1/1 · 200 wpm · paused",
    ]
    lines.close()
    assert screen(out.getvalue())[-1] == ""  # the prompt comes back on a line of its own


def test_in_a_pipe_each_change_is_one_plain_line() -> None:
    out = io.StringIO()
    lines = StatusLine(out, in_place=False)
    lines.show("[en] Opening hours")
    lines.status("block 1/3 · sentence 1/1 · 175 wpm · playing")
    lines.status("block 1/3 · sentence 1/1 · 175 wpm · paused")
    lines.close()
    assert out.getvalue() == (
        "[en] Opening hours\n"
        "block 1/3 · sentence 1/1 · 175 wpm · playing\n"
        "block 1/3 · sentence 1/1 · 175 wpm · paused\n"
    )


PAGE = (
    "<html lang='en'><main><h1>Opening hours</h1><p>The library opens at nine. It closes at"
    " five. On Sundays it is closed all day, and on holidays it opens at noon.</p></main></html>"
)
# A cold start loads eSpeak NG and the language data before the first word.
SPEAK_WAIT_S = 60


def read_until(fd: int, out: bytearray, done: Callable[[str], bool], timeout: float) -> str:
    """Read a terminal's output into `out` until `done(text)`, or until the terminal is
    closed when `done` is None; return the text read so far."""
    end = time.monotonic() + timeout
    while done is None or not done(out.decode("utf-8", "replace")):
        shown = screen(out.decode("utf-8", "replace"))
        assert time.monotonic() < end, f"gave up waiting; the screen shows {shown}"
        ready, _, _ = select.select([fd], [], [], 0.1)
        if ready:
            try:
                chunk = os.read(fd, 4096)
            except OSError:  # closed at the other end (Linux says EIO): all has been read
                break
            if not chunk:
                break
            out += chunk
    return out.decode("utf-8", "replace")


def test_q_on_a_terminal_leaves_where_reading_stopped_and_the_terminal_as_it_was(
    tmp_path: Path,
) -> None:
    page = tmp_path / "hours.html"
    page.write_text(PAGE, encoding="utf-8")
    leader, follower = pty.openpty()
    before = termios.tcgetattr(follower)
    process = subprocess.Popen(
        [sys.executable, "-m", "reader", "speak", "--device", "null", str(page)],
        stdin=follower,
        stdout=follower,
        stderr=follower,
    )
    out = bytearray()
    try:
        read_until(leader, out, lambda text: "sentence 2/" in text, SPEAK_WAIT_S)
        # Keys are read one by one, without Enter and without being echoed.
        assert not termios.tcgetattr(follower)[3] & termios.ECHO
        os.write(leader, b"q")
        assert process.wait(timeout=SPEAK_WAIT_S) == 0
        after = termios.tcgetattr(follower)
    finally:
        process.kill()
        os.close(follower)
    rows = screen(read_until(leader, out, None, SPEAK_WAIT_S))
    os.close(leader)
    assert after == before
    assert rows[0] == "keys: space pause, n/p sentence, N/P block, +/- speed, q quit"
    assert rows[1:3] == ["[en] Opening hours", "[en] " + PAGE.split("<p>")[1].split("<")[0]]
    # The last status says the reading stopped, and where; the prompt gets a line of its own.
    assert re.fullmatch(r"block 2/2 · sentence [23]/3 · 175 wpm · stopped", rows[3]), rows
    assert rows[4:] == [""]
