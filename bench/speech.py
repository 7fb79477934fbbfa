"""Speech speed on the Östersund sample, per engine, against plain `espeak-ng -w`.

For each engine, in a fresh process: time from the page being loaded to the first audio
(engine opened, voices planned, first sentence synthesized), synthesis real-time factor,
export time and size per format, and the ratio of our MP3 export to `espeak-ng -w` on the
same text (the blocks' text joined by newlines) measured in the same run. The `reader
export` command line is timed too, start-up included. Needs the `espeak-ng` program.

    python bench/speech.py [--sample FILE] [--engines espeak,pyttsx3] [--repeat N]

READER_ESPEAK_LIB=wheel measures with the espeakng-loader wheel's library instead of the
system one.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

START = time.perf_counter()
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SAMPLE = ROOT / "samples" / "ostersund-international-cooperation.html"
FORMATS = ("wav", "mp3", "ogg", "flac")


@dataclass(frozen=True, slots=True)
class Timing:
    wall: float
    cpu: float


def child(engine_name: str, sample: Path, repeat: int, out: Path) -> dict[str, object]:
    """Measure one engine in this process (a fresh one: the engine is per process)."""
    from reader.export import export
    from reader.options import SpeechOptions
    from reader.pipeline import plan_speech, read_page, render
    from reader.speech import open_engine

    page = read_page(sample)
    loaded = time.perf_counter()
    options = SpeechOptions(engine=engine_name)
    engine = open_engine(options)
    opened = time.perf_counter()
    utterances = plan_speech(page, engine, options)
    first = engine.synthesize(utterances[0].text, utterances[0].voice, options.rate)
    first_audio = time.perf_counter()
    audio_seconds = first.duration
    began, cpu = time.perf_counter(), time.process_time()
    for u in utterances:
        audio_seconds += engine.synthesize(u.text, u.voice, options.rate, options.volume).duration
    synth_seconds, synth_cpu = time.perf_counter() - began, time.process_time() - cpu
    audio_seconds -= first.duration
    formats = {}
    for fmt in FORMATS:
        runs, cpus, sizes = [], [], []
        for _ in range(repeat):
            began, cpu = time.perf_counter(), time.process_time()
            path = export(render(page, options, engine), out / f"page.{fmt}")
            runs.append(time.perf_counter() - began)
            cpus.append(time.process_time() - cpu)
            sizes.append(path.stat().st_size)
        formats[fmt] = {
            "seconds": statistics.median(runs),
            "cpu": statistics.median(cpus),
            "bytes": sizes[-1],
        }
    result = {
        "engine": engine.version,
        "utterances": len(utterances),
        "import_and_load": loaded - START,
        "open": opened - loaded,
        "first_audio_after_load": first_audio - loaded,
        "first_audio_from_start": first_audio - START,
        "synth_seconds": synth_seconds,
        "synth_cpu": synth_cpu,
        "audio_seconds": audio_seconds,
        "formats": formats,
        "text": "\n".join(block.text for block in page.blocks),
    }
    engine.close()
    return result


def timed_runs(command: list[str], repeat: int) -> Timing:
    """Median wall and CPU seconds (user + system) of running a command."""
    walls, cpus = [], []
    for _ in range(repeat):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        began = time.perf_counter()
        subprocess.run(command, check=True, cwd=ROOT, capture_output=True)
        walls.append(time.perf_counter() - began)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return Timing(wall=statistics.median(walls), cpu=statistics.median(cpus))


def espeak_cli_seconds(text: str, repeat: int, out: Path) -> Timing:
    """Plain `espeak-ng -w` speaking the text into a WAV file."""
    program = shutil.which("espeak-ng")
    if program is None:
        raise SystemExit("bench/speech.py needs the espeak-ng program (apt install espeak-ng)")
    source = out / "page.txt"
    source.write_text(text, encoding="utf-8")
    return timed_runs([program, "-w", str(out / "plain.wav"), "-f", str(source)], repeat)


def cli_seconds(engine: str, sample: Path, repeat: int, out: Path) -> Timing:
    """The whole `reader export` command, Python start-up included."""
    command = [sys.executable, "-m", "reader", "export", str(sample), "-o", str(out / "c.mp3")]
    return timed_runs([*command, "--engine", engine], repeat)


def measure(engine: str, sample: Path, repeat: int, out: Path) -> dict[str, object]:
    command = [sys.executable, __file__, "--child", engine, "--sample", str(sample)]
    command += ["--repeat", str(repeat), "--out", str(out)]
    done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT)
    if done.returncode != 0:
        raise SystemExit(f"{engine}: {done.stderr.strip().splitlines()[-1:]}")
    result: dict[str, object] = json.loads(done.stdout)
    return result


def report(results: dict[str, dict], plain: Timing, cli: dict[str, Timing]) -> None:
    first = next(iter(results.values()))
    print(f"Östersund sample: {first['utterances']} utterances, {first['audio_seconds']:.1f} s")
    print(f"plain espeak-ng -w on the same text: {plain.wall:.3f} s wall, {plain.cpu:.3f} s CPU")
    print("(wall times depend on the machine's load; CPU seconds much less)\n")
    head = f"{'engine':<34}{'first audio':>12}{'from start':>11}{'per sentence':>13}"
    print(head + f"{'synth CPU':>10}{'vs plain':>9}{'RTF':>8}")
    for r in results.values():
        per = 1000 * r["synth_seconds"] / r["utterances"]
        print(
            f"{r['engine']:<34}{r['first_audio_after_load']:>11.3f}s"
            f"{r['first_audio_from_start']:>10.3f}s{per:>11.1f}ms"
            f"{r['synth_cpu']:>9.3f}s{r['synth_cpu'] / plain.cpu:>9.2f}"
            f"{r['synth_cpu'] / r['audio_seconds']:>8.4f}"
        )
    print(f"\n{'MP3 export vs espeak-ng -w':<34}{'wall':>8}{'ratio':>7}{'CPU':>8}{'ratio':>7}")
    for name, r in results.items():
        mp3 = r["formats"]["mp3"]
        rows = [("in process", Timing(wall=mp3["seconds"], cpu=mp3["cpu"])), ("CLI", cli[name])]
        for label, t in rows:
            print(
                f"{name + ' ' + label:<34}{t.wall:>7.3f}s{t.wall / plain.wall:>7.2f}"
                f"{t.cpu:>7.3f}s{t.cpu / plain.cpu:>7.2f}"
            )
    print(f"\n{'engine':<10}{'format':>8}{'wall s':>9}{'CPU s':>8}{'KiB':>8}")
    for name, r in results.items():
        for fmt, f in r["formats"].items():
            print(
                f"{name:<10}{fmt:>8}{f['seconds']:>9.3f}{f['cpu']:>8.3f}{f['bytes'] / 1024:>8.0f}"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sample", type=Path, default=SAMPLE)
    parser.add_argument("--engines", default="espeak,pyttsx3")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.sample, args.repeat, args.out)))
        return
    os.environ.setdefault("PYTHONPATH", str(ROOT))
    with tempfile.TemporaryDirectory(prefix="reader-bench-") as folder:
        out = Path(folder)
        engines = [e.strip() for e in args.engines.split(",") if e.strip()]
        results = {e: measure(e, args.sample.resolve(), args.repeat, out) for e in engines}
        text = str(next(iter(results.values()))["text"])
        plain = espeak_cli_seconds(text, args.repeat, out)
        cli = {e: cli_seconds(e, args.sample.resolve(), args.repeat, out) for e in engines}
        report(results, plain, cli)


if __name__ == "__main__":
    main()
