"""The reliability report: every fault and load scenario of the test suite in one table.

    python bench/reliability.py [PYTEST ARGS...]     e.g. -k cache, or tests/web

Runs `pytest -m scenario` in this process with a small plugin that reads what each scenario
test recorded through the `scenario` fixture (tests/conftest.py: injected, saw, recovery_s,
lost) and its outcome, then prints one row per scenario: what was injected, what the user
saw, data lost (must be none), time to recover, pass/fail; and a total line. Exits non-zero
if any scenario failed or lost data. Any test that takes the `scenario` fixture is picked up.
"""

from __future__ import annotations

import os
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# Column caps (characters) so a row fits a wide terminal; `--wide` prints everything.
CAPS = {"scenario": 46, "injected": 46, "saw": 58, "lost": 8, "recover": 8, "result": 6}


@dataclass(slots=True)
class Row:
    nodeid: str
    outcome: str = "passed"
    injected: str = ""
    saw: str = ""
    recovery_s: str = ""
    lost: str = ""


class Collector:
    """Pytest plugin: each scenario test's recorded properties and worst outcome."""

    def __init__(self) -> None:
        self.rows: dict[str, Row] = {}

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        row = self.rows.setdefault(report.nodeid, Row(nodeid=report.nodeid))
        # A row shows the worst of the test's phases (setup, call, teardown).
        if report.failed:
            row.outcome = "failed" if report.when == "call" else "error"
        elif report.skipped and row.outcome == "passed":
            row.outcome = "skipped"
        for name, value in report.user_properties:
            if name in ("injected", "saw", "recovery_s", "lost"):
                setattr(row, name, str(value))


def short_name(nodeid: str) -> str:
    """`tests/web/test_faults.py::test_a_hung_engine[x]` → `web/faults: a hung engine [x]`."""
    path, _, test = nodeid.partition("::")
    module = path.removeprefix("tests/").removesuffix(".py").replace("test_", "")
    name, _, params = test.partition("[")
    words = name.removeprefix("test_").replace("_", " ")
    return f"{module}: {words}" + (f" [{params}" if params else "")


def cells(row: Row) -> dict[str, str]:
    """A row's text per column, each on one line."""
    return {
        "scenario": short_name(row.nodeid),
        "injected": one_line(row.injected) or "?",
        "saw": one_line(row.saw) or "?",
        "lost": one_line(row.lost) or "?",
        "recover": f"{row.recovery_s} s" if row.recovery_s else "-",
        "result": "pass" if row.outcome == "passed" else row.outcome.upper(),
    }


def one_line(text: str) -> str:
    return " ".join(text.split())


def table(rows: list[Row], wide: bool) -> list[str]:
    """The report's lines: header, one line per scenario, total."""
    lines = [cells(row) for row in rows]
    widths = {
        column: min(
            max([len(column)] + [len(line[column]) for line in lines]),
            10_000 if wide else cap,
        )
        for column, cap in CAPS.items()
    }

    def fit(text: str, width: int) -> str:
        if len(text) <= width:
            return text
        # Keep a parametrized test's id: it is what tells its rows apart.
        tail = text[text.rfind(" [") :] if text.endswith("]") and " [" in text else ""
        return text[: max(width - len(tail) - 1, 1)] + "…" + tail

    out = ["  ".join(column.ljust(widths[column]) for column in CAPS).rstrip()]
    out.append("  ".join("-" * widths[column] for column in CAPS))
    for line in lines:
        out.append("  ".join(fit(line[c], widths[c]).ljust(widths[c]) for c in CAPS).rstrip())
    failed = sum(row.outcome != "passed" for row in rows)
    lost = sum(row.lost not in ("", "none") for row in rows)
    unchecked = sum(row.lost == "" for row in rows)
    out.append(
        f"total: {len(rows)} scenarios, {failed} failed, {lost} with data lost"
        + (
            f", {unchecked} where loss was not checked (the test stopped first)"
            if unchecked
            else ""
        )
    )
    return out


def main(argv: list[str]) -> int:
    wide = "--wide" in argv
    extra = [arg for arg in argv if arg != "--wide"]
    collector = Collector()
    os.chdir(ROOT)
    # Run as `python bench/reliability.py`, this folder comes first on the path, where its
    # scripts (web.py, speech.py, ...) could shadow a module of the same name.
    here = Path(__file__).resolve().parent
    sys.path[:] = [str(ROOT)] + [p for p in sys.path if Path(p or ".").resolve() != here]
    code = pytest.main(["-m", "scenario", "-q", "-p", "no:cacheprovider", *extra], [collector])
    rows = sorted(collector.rows.values(), key=lambda row: row.nodeid)
    if not rows:
        print("reliability: no scenario tests ran", file=sys.stderr)
        return 1
    width = shutil.get_terminal_size((200, 24)).columns
    print(f"\nreader reliability report ({len(rows)} scenarios)")
    for line in table(rows, wide or width > 240):
        print(line)
    bad = any(row.outcome != "passed" or row.lost != "none" for row in rows)
    return 1 if bad or code != pytest.ExitCode.OK else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
