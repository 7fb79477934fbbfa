"""`reader export` interrupted or out of disk, as a user runs it: the installed command in a
subprocess. It ends with its documented exit code and one line, leaves no partial or temp
file, and a file already at the output path stays as it was."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from reader.cli import EXIT_INTERRUPTED
from reader.errors import AudioError

# A page long enough (~2 minutes of speech) that a signal surely arrives mid-export.
PARAGRAPH = (
    "<p>Paragraph {n} tells visitors when the library, the swimming hall and the recycling"
    " station are open, and how to book a time for bulky waste.</p>"
)
LONG_PAGE = (
    '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Opening hours</title>'
    "</head><body><main><h1>Opening hours</h1>{}</main></body></html>"
)
OLD_FILE = b"ID3 an earlier export the user wants to keep" * 100
# The shell's convention for a command ended by SIGTERM (128 + 15).
EXIT_TERMINATED = 128 + signal.SIGTERM


@pytest.fixture
def long_page(tmp_path: Path) -> Path:
    page = tmp_path / "long.html"
    body = "\n".join(PARAGRAPH.format(n=n) for n in range(150))
    page.write_text(LONG_PAGE.format(body), encoding="utf-8")
    return page


@contextmanager
def exporting(source: Path, output: Path) -> Iterator[subprocess.Popen[str]]:
    """`reader export` in its own process group, as a terminal runs a foreground command;
    the group is killed on the way out if the command is still running."""
    process = subprocess.Popen(
        [sys.executable, "-m", "reader", "export", str(source), "-o", str(output)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        yield process
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()


def assert_only_the_old_file(scenario: Any, pgid: int, out: Path, target: Path) -> None:
    """No process of the export is left, and the output folder holds the old file as it was."""
    assert group_gone(pgid)
    scenario.recovered()
    assert [p.name for p in out.iterdir()] == [target.name]
    assert target.read_bytes() == OLD_FILE
    scenario.lost("none")


def writing(directory: Path, name: str) -> bool:
    """True once the export's temp file beside `name` holds some audio."""
    return any(
        p.name.startswith(f".{name}.tmp-") and p.stat().st_size > 64_000
        for p in directory.iterdir()
    )


def group_gone(pgid: int, timeout: float = 10) -> bool:
    """True when no process of the group is left (no encoder child outlives the command)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.05)
    return False


def one_line(stderr: str) -> str:
    assert "Traceback" not in stderr and "Exception ignored" not in stderr, stderr
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    return lines[0]


@pytest.mark.parametrize(
    ("sig", "code", "message"),
    [
        (signal.SIGINT, EXIT_INTERRUPTED, "reader: interrupted"),
        (signal.SIGTERM, EXIT_TERMINATED, "reader: terminated"),
    ],
    ids=["ctrl-c", "sigterm"],
)
def test_a_signal_during_export_leaves_the_old_file_and_nothing_else(
    long_page: Path, tmp_path: Path, sig: int, code: int, message: str, scenario: Any
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    target = out / "page.mp3"
    target.write_bytes(OLD_FILE)
    with exporting(long_page, target) as process:
        deadline = time.monotonic() + 60
        while not writing(out, target.name):
            assert process.poll() is None, process.communicate()
            assert time.monotonic() < deadline, "the export never started writing"
            time.sleep(0.01)
        os.killpg(process.pid, sig)  # Ctrl-C reaches the whole foreground group
        scenario.inject(f"{signal.Signals(sig).name} while `reader export` writes its MP3")
        _, stderr = process.communicate(timeout=60)
    line = one_line(stderr)
    scenario.saw(f"exit {process.returncode}: {line}")
    assert process.returncode == code and line == message
    assert_only_the_old_file(scenario, process.pid, out, target)


def test_a_full_disk_during_export_is_exit_4_and_leaves_the_old_file(
    long_page: Path, tmpfs: Callable[[str], Path], scenario: Any
) -> None:
    out = tmpfs("64k")
    target = out / "page.mp3"
    target.write_bytes(OLD_FILE)  # ~4 KB; the new file needs megabytes
    scenario.inject("output directory on a 64 KB tmpfs (the MP3 needs ~2 MB)")
    with exporting(long_page, target) as process:
        _, stderr = process.communicate(timeout=120)
    line = one_line(stderr)
    scenario.saw(f"exit {process.returncode}: {line.replace(str(out), '<tmpfs>')}")
    assert process.returncode == AudioError.exit_code
    assert line == f"reader: cannot write {target}: No space left on device"
    assert_only_the_old_file(scenario, process.pid, out, target)


def test_a_full_disk_leaves_no_file_where_there_was_none(
    tmpfs: Callable[[str], Path], scenario: Any
) -> None:
    out = tmpfs("64k")
    source = Path(__file__).resolve().parents[2] / "samples"
    page = source / "ostersund-international-cooperation.html"
    scenario.inject("export of the sample page (1.2 MB MP3) to a 64 KB tmpfs")
    result = subprocess.run(
        [sys.executable, "-m", "reader", "export", str(page), "-o", str(out / "page.mp3")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    line = one_line(result.stderr)
    scenario.saw(f"exit {result.returncode}: {line.replace(str(out), '<tmpfs>')}")
    assert result.returncode == AudioError.exit_code and "No space left on device" in line
    scenario.recovered()
    assert list(out.iterdir()) == []
    scenario.lost("none")
