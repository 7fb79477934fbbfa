"""What `reader speak` leaves on a terminal screen: block texts, then one status line in place."""

from __future__ import annotations

import io

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
