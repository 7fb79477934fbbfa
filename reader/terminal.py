"""Single keys from a terminal without Enter, restored on exit."""

from __future__ import annotations

import os
import select
import sys
import termios
import threading
import tty
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TextIO

# Erases from the cursor to the end of the line: a shorter status leaves no tail of a longer one.
CLEAR_LINE = "\x1b[K"


@contextmanager
def keypresses() -> Iterator[Callable[[float], str]]:
    """Yield a `read(timeout) -> key` function; the terminal is put back as it was after."""
    fd = sys.stdin.fileno()
    saved = termios.tcgetattr(fd)
    tty.setcbreak(fd)

    def read(timeout: float) -> str:
        ready, _, _ = select.select([fd], [], [], timeout)
        return os.read(fd, 8).decode("utf-8", "replace")[:1] if ready else ""

    try:
        yield read
    finally:
        termios.tcsetattr(fd, termios.TCSADRAIN, saved)


class StatusLine:
    """Lines of text plus one status line: redrawn in place on a terminal, else one per change.

    Called from the playback thread and the key thread alike, hence the lock.
    """

    def __init__(self, stream: TextIO, in_place: bool) -> None:
        self.stream, self.in_place = stream, in_place
        self.current = ""
        self.lock = threading.Lock()

    def show(self, line: str) -> None:
        """A line that stays (a block's text): written above the status line."""
        with self.lock:
            if self.in_place and self.current:
                self.stream.write(f"\r{CLEAR_LINE}{line}\n\r{self.current}{CLEAR_LINE}")
            else:
                self.stream.write(line + "\n")
            self.stream.flush()

    def status(self, line: str) -> None:
        """The status line now reads `line`."""
        with self.lock:
            self.current = line
            self.stream.write(f"\r{line}{CLEAR_LINE}" if self.in_place else line + "\n")
            self.stream.flush()

    def close(self) -> None:
        """Leave the last status on screen and the cursor on a fresh line."""
        with self.lock:
            if self.in_place and self.current:
                self.stream.write("\n")
                self.stream.flush()
            self.current = ""
