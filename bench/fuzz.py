"""The long fuzz run: many hostile pages, and the named monsters at growing sizes.

Runs the strategies of `tests/fuzz_html.py` with a large budget (the test suite runs the
same ones with a small fixed budget), then reads each monster at 1, 2, 5 and 10 MB in a
fresh process and prints a table: case, size, CPU seconds, wall seconds, peak memory,
outcome. Ends with the totals; any crash is printed with its input and makes the exit
status 1.

    python bench/fuzz.py [--examples N] [--sizes 1,2,5,10] [--monsters NAME,...] [--seed N]
"""

from __future__ import annotations

import argparse
import json
import logging
import subprocess
import sys
import textwrap
import time
import traceback
from collections import Counter
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

import fuzz_html  # noqa: E402
from hypothesis import HealthCheck, Phase, given, seed, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from reader.options import SpeechOptions  # noqa: E402
from reader.speech import Engine, open_engine  # noqa: E402

# One monster read in a fresh process, so its peak memory is its own (VmHWM, not ru_maxrss,
# which keeps the peak of the process that started it).
PROBE = textwrap.dedent(
    """
    import json, sys, time
    sys.path[:0] = [sys.argv[1], sys.argv[1] + "/tests"]
    import fuzz_html
    from reader.errors import NoContentError, SourceError
    from reader.options import SpeechOptions
    from reader.pipeline import read_page
    from reader.text.utterances import to_utterances
    def peak_kb():
        return int(open("/proc/self/status").read().split("VmHWM:")[1].split()[0])
    read_page("<p>Ladda språkmodellerna en gång.</p>", fuzz_html.FUZZ_OPTIONS)
    base = peak_kb()
    source = fuzz_html.MONSTERS[sys.argv[2]](float(sys.argv[3]))
    cpu, wall = time.process_time(), time.perf_counter()
    try:
        page = read_page(source, fuzz_html.FUZZ_OPTIONS)
        outcome = f"{len(page.blocks)} blocks"
    except (NoContentError, SourceError) as exc:
        page, outcome = None, type(exc).__name__
    read_cpu, read_wall = time.process_time() - cpu, time.perf_counter() - wall
    speech_cpu = 0.0
    if page is not None and sys.argv[4] == "yes":
        cpu = time.process_time()
        outcome += f", {len(to_utterances(page, SpeechOptions()))} utterances"
        speech_cpu = time.process_time() - cpu
    print(json.dumps({"size": len(source), "read_cpu": read_cpu, "read_wall": read_wall,
                      "speech_cpu": speech_cpu, "peak_kb": peak_kb(), "base_kb": base,
                      "outcome": outcome}))
    """
)


def fuzz(
    name: str, strategy: st.SearchStrategy[str] | st.SearchStrategy[bytes], examples: int,
    engine: Engine, number: int,
) -> tuple[int, Counter[str], list[str]]:  # fmt: skip
    """Run one strategy; return the examples run, outcomes by kind, and crash reports."""
    outcomes: Counter[str] = Counter()
    crashes: list[str] = []
    count = 0

    @seed(number)
    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(strategy)
    def run(source: str | bytes) -> None:
        nonlocal count
        count += 1
        try:
            outcome = fuzz_html.read_and_plan(source, engine)
        except Exception as exc:  # noqa: BLE001 - every crash is reported, not raised
            where = traceback.extract_tb(exc.__traceback__)[-1]
            crashes.append(
                f"{name}: {type(exc).__name__} at {Path(where.filename).name}:{where.lineno}: "
                f"{str(exc)[:200]}\n    input: {source[:300]!r}"
            )
            outcomes["crash"] += 1
            return
        outcomes[outcome.split(":")[0].split(" with")[0]] += 1

    run()
    return count, outcomes, crashes


def monster_row(name: str, megabytes: float, speech: bool) -> dict[str, object]:
    """Read one monster in a fresh process; its measurements, or the crash it ended in."""
    done = subprocess.run(
        [sys.executable, "-c", PROBE, str(ROOT), name, str(megabytes), "yes" if speech else "no"],
        capture_output=True,
        text=True,
        timeout=1800,
    )
    if done.returncode != 0:
        return {"crash": done.stderr.strip().splitlines()[-1] if done.stderr else "no output"}
    result: dict[str, object] = json.loads(done.stdout)
    return result


def print_monsters(names: list[str], sizes: list[float], speech: bool) -> int:
    """Print the monster table; return the number of crashes."""
    # "added MB": the peak above the warmed-up interpreter (language models loaded), so
    # it includes the page itself; "x size" is that over the page's size.
    print(
        f"\n{'case':<16} {'MB':>6} {'read cpu s':>10} {'s/MB':>6} {'wall s':>7} "
        f"{'speech cpu s':>12} {'peak MB':>8} {'added MB':>8} {'x size':>7}  outcome"
    )
    crashes = 0
    for name in names:
        for megabytes in sizes:
            row = monster_row(name, megabytes, speech)
            if "crash" in row:
                crashes += 1
                print(f"{name:<16} {megabytes:>6} CRASH {row['crash']}")
                continue
            size = float(row["size"]) / 1e6  # type: ignore[arg-type]
            peak = float(row["peak_kb"]) / 1024  # type: ignore[arg-type]
            added = peak - float(row["base_kb"]) / 1024  # type: ignore[arg-type]
            read_cpu = float(row["read_cpu"])  # type: ignore[arg-type]
            print(
                f"{name:<16} {size:>6.2f} {read_cpu:>10.2f} {read_cpu / size:>6.2f} "
                f"{float(row['read_wall']):>7.2f} {float(row['speech_cpu']):>12.2f} "  # type: ignore[arg-type]
                f"{peak:>8.0f} {added:>8.0f} {added / size:>7.1f}  {row['outcome']}",
                flush=True,
            )
    return crashes


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=2000, help="examples per strategy")
    parser.add_argument("--sizes", default="1,2,5,10", help="monster sizes in MB")
    parser.add_argument("--monsters", default=",".join(fuzz_html.MONSTERS))
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--no-speech", action="store_true", help="monsters: skip utterances")
    args = parser.parse_args()
    # Voices missing for fuzzed languages are reported per page; here only crashes count.
    logging.getLogger("reader").setLevel(logging.ERROR)
    engine = open_engine(SpeechOptions())
    strategies: dict[str, Callable[[], object]] = {
        "html text": fuzz_html.html_document,
        "html bytes": fuzz_html.html_bytes,
    }
    total, crashes, outcomes = 0, [], Counter[str]()
    started = time.perf_counter()
    for number, (name, make) in enumerate(strategies.items()):
        count, found, crashed = fuzz(name, make(), args.examples, engine, args.seed + number)  # type: ignore[arg-type]
        total += count
        outcomes += found
        crashes += crashed
        print(f"{name:<12} {count:>6} examples  " + ", ".join(f"{k} {v}" for k, v in found.items()))
    engine.close()
    print(f"fuzzing: {total} examples in {time.perf_counter() - started:.0f} s")

    sizes = [float(s) for s in args.sizes.split(",") if s]
    names = [n for n in args.monsters.split(",") if n]
    monster_crashes = print_monsters(names, sizes, not args.no_speech)

    for report in crashes:
        print("\n" + report)
    print(f"\nexamples run: {total}   crashes: {len(crashes) + monster_crashes}")
    return 1 if crashes or monster_crashes else 0


if __name__ == "__main__":
    sys.exit(main())
