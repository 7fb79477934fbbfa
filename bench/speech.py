"""Speech speed on the Östersund sample, per engine, against plain `espeak-ng -w`.

For each engine, in a fresh process: time from the page being loaded to the first audio
(engine opened, voices planned, first sentence synthesized), synthesis real-time factor, and
per format the time and size of a streamed export (`reader.pipeline.export_page`: planning,
synthesis, encoding and tags, the page already read and the engine open). Then the issue's
floor, both ways, medians of N repeats in the same run against `espeak-ng -w` on the same
text (the blocks' text joined by newlines): the in-process MP3 export against the eSpeak NG
command, and the whole `reader export` command (start-up, reading the page, everything)
against the whole `espeak-ng -w` command, the two commands run alternately. CPU seconds
include the encoder's child process. Then the floors against what a user would otherwise
run: `reader export -o x.mp3` against `espeak-ng --stdout | lame -b 48` (Debian's lame) and
`reader export -o x.wav` against `espeak-ng -w`; where the WAV export's CPU goes, phase by
phase (interpreter start, imports, reading, planning, synthesis, writing); and the peak
memory of exporting a page of N paragraphs. Needs the `espeak-ng` program.

    python bench/speech.py [--sample FILE] [--engines espeak,pyttsx3] [--repeat N]
                           [--paragraphs N]

READER_ESPEAK_LIB=wheel measures with the espeakng-loader wheel's library instead of the
system one.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
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
from typing import Any

START = time.perf_counter()
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SAMPLE = ROOT / "samples" / "ostersund-international-cooperation.html"
FORMATS = ("wav", "mp3", "ogg", "flac")
# CPU seconds of planning measured for the throughput line.
PLANNING_CPU = 1.0
# The phases of a WAV export after the imports, measured one after another.
PHASES = ("read the page", "open eSpeak NG", "plan speech", "synthesize", "assemble and write")
# A command that imports the modules named after it (what an export loads) and does nothing.
IMPORT_ALL = (
    "import importlib, sys\n"
    "for name in sys.argv[1:]:\n"
    "    try:\n"
    "        importlib.import_module(name)\n"
    "    except ImportError:\n"
    "        pass"
)


@dataclass(frozen=True, slots=True)
class Timing:
    wall: float
    cpu: float


def child(engine_name: str, sample: Path, repeat: int, out: Path) -> dict[str, object]:
    """Measure one engine in this process (a fresh one: the engine is per process)."""
    from reader.audio.encode import encode_bytes
    from reader.options import SpeechOptions
    from reader.pipeline import export_page, plan_speech, read_page, render
    from reader.speech import open_engine

    page = read_page(sample)
    loaded = time.perf_counter()
    options = SpeechOptions(engine=engine_name)
    engine = open_engine(options)
    opened = time.perf_counter()
    utterances = plan_speech(page, engine, options)
    first = engine.synthesize(utterances[0].text, utterances[0].voice, options.words_per_minute)
    first_audio = time.perf_counter()
    audio_seconds = first.duration
    began, cpu = time.perf_counter(), time.process_time()
    for u in utterances:
        audio_seconds += engine.synthesize(
            u.text, u.voice, options.words_per_minute, options.volume
        ).duration
    synth_seconds, synth_cpu = time.perf_counter() - began, time.process_time() - cpu
    audio_seconds -= first.duration
    formats = {}
    for fmt in FORMATS:
        runs, cpus, sizes = [], [], []
        for _ in range(repeat):
            path = out / f"page.{fmt}"
            began, cpu = time.perf_counter(), cpu_seconds()
            export_page(page, path, options, engine)
            runs.append(time.perf_counter() - began)
            cpus.append(cpu_seconds() - cpu)
            sizes.append(path.stat().st_size)
        formats[fmt] = {
            "seconds": statistics.median(runs),
            "cpu": statistics.median(cpus),
            "bytes": sizes[-1],
        }
    track = render(page, options, engine)
    lame = []
    for _ in range(repeat):
        cpu = time.process_time()
        encode_bytes("mp3", track.pcm, track.sample_rate)
        lame.append(time.process_time() - cpu)
    planned_bytes, planning_cpu = planning_throughput(page, engine, options)
    result = {
        "engine": engine.version,
        "planned_bytes": planned_bytes,
        "planning_cpu": planning_cpu,
        "lame_cpu": statistics.median(lame),
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


def planning_throughput(page: Any, engine: Any, options: Any) -> tuple[int, float]:
    """Bytes of text planned (sentences, normalisation, voices) and the CPU seconds it took,
    planning the page over and over for at least PLANNING_CPU seconds."""
    from reader.pipeline import plan_speech

    size = sum(len(block.text.encode("utf-8")) for block in page.blocks)
    plan_speech(page, engine, options)  # rule tables compiled once, as a server has them
    planned, began = 0, time.process_time()
    while time.process_time() - began < PLANNING_CPU:
        plan_speech(page, engine, options)
        planned += size
    return planned, time.process_time() - began


def cpu_seconds() -> float:
    """User + system CPU of this process and its finished children (the forked encoder)."""
    own, kids = (
        resource.getrusage(who) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
    )
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def timed_runs(commands: dict[str, list[str]], repeat: int, out: Path) -> dict[str, Timing]:
    """Median wall and CPU seconds (user + system) of each command, run in turn N times.

    One untimed run of each first. Python runs with a byte-code cache, as an installed
    package has (pip compiles it); a source tree with PYTHONDONTWRITEBYTECODE set would
    recompile every module on every start.
    """
    env = bench_env(out)
    for command in commands.values():
        subprocess.run(command, check=True, cwd=ROOT, capture_output=True, env=env)
    walls: dict[str, list[float]] = {name: [] for name in commands}
    cpus: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(repeat):
        for name, command in commands.items():
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            began = time.perf_counter()
            subprocess.run(command, check=True, cwd=ROOT, capture_output=True, env=env)
            walls[name].append(time.perf_counter() - began)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpus[name].append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return {
        name: Timing(wall=statistics.median(walls[name]), cpu=statistics.median(cpus[name]))
        for name in commands
    }


def bench_env(out: Path) -> dict[str, str]:
    """The environment of every timed command: a byte-code cache, as an installed package has."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(out / "pycache")
    return env


def wav_export(sample: Path, out: Path) -> list[str]:
    """The `reader export -o x.wav` command whose cost is split into phases."""
    return ["-m", "reader", "export", str(sample), "-o", str(out / "c.wav"), "--engine", "espeak"]


def loaded_modules(sample: Path, out: Path) -> list[str]:
    """The modules `reader export -o x.wav` loads, in the order it loads them."""
    command = [sys.executable, "-X", "importtime", *wav_export(sample, out)]
    done = subprocess.run(
        command, check=True, cwd=ROOT, capture_output=True, text=True, env=bench_env(out)
    )
    rows = (line.rsplit("|", 1) for line in done.stderr.splitlines())
    return [row[1].strip() for row in rows if len(row) == 2 and "imported package" not in row[1]]


def phase_child(sample: Path, out: Path) -> dict[str, float]:
    """CPU seconds of each phase of a WAV export, in this fresh process, the modules the
    command loads imported first (their cost is the `imports` command's)."""
    for name in (out / "modules.txt").read_text(encoding="utf-8").split():
        with contextlib.suppress(ImportError):
            importlib.import_module(name)
    from reader.audio.export import export_sentences
    from reader.options import SpeechOptions
    from reader.pipeline import plan_sentences, read_page, speak_sentence
    from reader.speech import open_engine

    options = SpeechOptions(engine="espeak")
    clock = [time.process_time()]
    page = read_page(sample)
    clock.append(time.process_time())
    engine = open_engine(options)
    clock.append(time.process_time())
    sentences = plan_sentences(page, engine, options)
    clock.append(time.process_time())
    spoken = [(sentence, speak_sentence(sentence, engine, options)) for sentence in sentences]
    clock.append(time.process_time())
    export_sentences(page, spoken, options, out / "p.wav", keep_audio=False)
    clock.append(time.process_time())
    return {name: b - a for name, a, b in zip(PHASES, clock[:-1], clock[1:], strict=True)}


def phases(sample: Path, repeat: int, out: Path) -> dict[str, float]:
    """Median CPU seconds of each phase over `repeat` fresh processes."""
    (out / "modules.txt").write_text("\n".join(loaded_modules(sample, out)), encoding="utf-8")
    command = [sys.executable, __file__, "--phases", "--sample", str(sample), "--out", str(out)]
    runs = [
        json.loads(
            subprocess.run(
                command, check=True, cwd=ROOT, capture_output=True, text=True, env=bench_env(out)
            ).stdout
        )
        for _ in range(repeat)
    ]
    return {name: statistics.median(run[name] for run in runs) for name in PHASES}


def commands(text: str, engines: list[str], sample: Path, out: Path) -> dict[str, list[str]]:
    """Plain `espeak-ng -w` on the text, and the whole `reader export` command per engine."""
    program = shutil.which("espeak-ng")
    if program is None:
        raise SystemExit("bench/speech.py needs the espeak-ng program (apt install espeak-ng)")
    source = out / "page.txt"
    source.write_text(text, encoding="utf-8")
    found = {
        "plain": [program, "-w", str(out / "plain.wav"), "-f", str(source)],
        "python": [sys.executable, "-c", "pass"],
    }
    for engine in engines:
        command = [sys.executable, "-m", "reader", "export", str(sample), "-o", str(out / "c.mp3")]
        found[engine] = [*command, "--engine", engine]
    if "espeak" in engines:
        found["espeak wav"] = [sys.executable, *wav_export(sample, out)]
        modules = loaded_modules(sample, out)
        found["imports"] = [sys.executable, "-c", IMPORT_ALL, *modules]
    if shutil.which("lame"):
        # What a user would otherwise run for an MP3: eSpeak NG piped into Debian's LAME.
        pipeline = f"{program} --stdout -f '{source}' | lame --quiet -b 48 - '{out / 'l.mp3'}'"
        found["lame"] = ["sh", "-c", pipeline]
    return found


def export_peak_rss(sample: Path, paragraphs: int, out: Path) -> int:
    """Peak resident memory (bytes) of `reader export` of a page of `paragraphs` paragraphs
    cycling through the sample's blocks, the encoder's child process included."""
    from reader.pipeline import read_page

    texts = [block.text for block in read_page(sample).blocks]
    body = "".join(f"<p>Part {n}. {texts[n % len(texts)]}</p>" for n in range(paragraphs))
    page = out / "long.html"
    page.write_text(f"<html lang=sv><body><main>{body}</main></body></html>", encoding="utf-8")
    export = [sys.executable, "-m", "reader", "export", str(page), "-o", str(out / "long.mp3")]
    probe = (
        "import resource, subprocess, sys; subprocess.run(sys.argv[1:], check=True, "
        "capture_output=True); print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe, *export, "--engine", "espeak"],
        check=True, capture_output=True, text=True, cwd=ROOT,
    )  # fmt: skip
    return int(done.stdout) * 1024  # Linux reports kibibytes


def measure(engine: str, sample: Path, repeat: int, out: Path) -> dict[str, object]:
    command = [sys.executable, __file__, "--child", engine, "--sample", str(sample)]
    command += ["--repeat", str(repeat), "--out", str(out)]
    done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT)
    if done.returncode != 0:
        raise SystemExit(f"{engine}: {done.stderr.strip().splitlines()[-1:]}")
    result: dict[str, object] = json.loads(done.stdout)
    return result


def report_against_users(plain: Timing, cli: dict[str, Timing], repeat: int) -> None:
    """The whole `reader export` command against what a user would otherwise run."""
    print(f"\nFloors against the user's own commands (CPU seconds, medians of {repeat}, this run)")
    rows = [("reader export -o x.wav", "espeak wav", "espeak-ng -w", plain, 1.5)]
    if "lame" in cli:
        rows.insert(
            0, ("reader export -o x.mp3", "espeak", "espeak-ng | lame -b 48", cli["lame"], 1.0)
        )
    else:
        print("(the MP3 line needs Debian's lame: apt-get install lame)")
    for label, name, theirs, base, floor in rows:
        if name not in cli:
            continue
        ours = cli[name]
        print(
            f"{label:<24} {ours.cpu:.3f} s vs {theirs:<22} {base.cpu:.3f} s: "
            f"{ours.cpu / base.cpu:.2f}x CPU (floor {floor}x; wall {ours.wall / base.wall:.2f}x)"
        )


def report_phases(
    plain: Timing,
    python: Timing,
    imports: Timing,
    whole: Timing,
    split: dict[str, float],
    repeat: int,
) -> None:
    """Where the CPU of `reader export -o x.wav` goes, against the whole `espeak-ng -w`."""
    print(f"\nreader export -o x.wav, CPU seconds by phase (medians of {repeat}, fresh processes)")
    rows = [("interpreter start (python -c pass)", python.cpu)]
    rows.append(("imports (what the command loads)", imports.cpu - python.cpu))
    rows += list(split.items())
    rows.append(("the rest (flags, config, exit)", whole.cpu - sum(t for _, t in rows)))
    for label, seconds in [*rows, ("whole command", whole.cpu)]:
        print(f"  {label:<40}{seconds:>7.3f} s{seconds / plain.cpu:>7.2f}x espeak-ng -w")
    least = python.cpu + split["synthesize"]
    print(
        f"  interpreter start and synthesis alone: {least:.3f} s, {least / plain.cpu:.2f}x "
        f"espeak-ng -w's {plain.cpu:.3f} s (floor 1.5x)"
    )


def report(
    results: dict[str, dict], plain: Timing, python: Timing, cli: dict[str, Timing], repeat: int
) -> None:
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
    for name, r in results.items():
        rate = r["planned_bytes"] / r["planning_cpu"] / 1e6
        print(f"{name}: speech planning {rate:.2f} MB of text per CPU-second (floor 2)")
    print(f"\nFloor: reader export to MP3 <= 2x plain espeak-ng -w (medians of {repeat}, this run)")
    print(f"{'':<48}{'wall':>8}{'ratio':>7}{'CPU':>8}{'ratio':>7}")
    label = "espeak-ng -w (whole command)"
    print(f"{label:<48}{plain.wall:>7.3f}s{1:>7.2f}{plain.cpu:>7.3f}s{1:>7.2f}")
    for name, r in results.items():
        mp3 = r["formats"]["mp3"]
        rows = [
            (f"{name}: MP3 export in process (export_page)", Timing(mp3["seconds"], mp3["cpu"])),
            (f"{name}: reader export -o x.mp3 (whole command)", cli[name]),
        ]
        for label, t in rows:
            print(
                f"{label:<48}{t.wall:>7.3f}s{t.wall / plain.wall:>7.2f}"
                f"{t.cpu:>7.3f}s{t.cpu / plain.cpu:>7.2f}"
            )
    lame = first["lame_cpu"]
    print("\nWhat the floor leaves: the whole command starts a Python interpreter and encodes MP3")
    for label, seconds in (
        ("interpreter start (python -c pass), wall", python.wall),
        ("LAME alone on the whole track, one thread, CPU", lame),
    ):
        print(f"{label:<48}{seconds:>7.3f}s{seconds / plain.wall:>7.2f}")
    print(
        f"{'both, before a page is read or a word spoken':<48}{'':>8}"
        f"{(python.wall + lame) / plain.wall:>7.2f}"
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
    parser.add_argument("--paragraphs", type=int, default=600, help="0 skips the memory line")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--phases", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phases:
        print(json.dumps(phase_child(args.sample, args.out)))
        return
    if args.child:
        print(json.dumps(child(args.child, args.sample, args.repeat, args.out)))
        return
    os.environ.setdefault("PYTHONPATH", str(ROOT))
    with tempfile.TemporaryDirectory(prefix="reader-bench-") as folder:
        out = Path(folder)
        engines = [e.strip() for e in args.engines.split(",") if e.strip()]
        results = {e: measure(e, args.sample.resolve(), args.repeat, out) for e in engines}
        text = str(next(iter(results.values()))["text"])
        timed = timed_runs(commands(text, engines, args.sample.resolve(), out), args.repeat, out)
        plain, python = timed.pop("plain"), timed.pop("python")
        imports = timed.pop("imports", None)
        report(results, plain, python, timed, args.repeat)
        report_against_users(plain, timed, args.repeat)
        if imports is not None and "espeak wav" in timed:
            split = phases(args.sample.resolve(), args.repeat, out)
            report_phases(plain, python, imports, timed["espeak wav"], split, args.repeat)
        if args.paragraphs:
            peak = export_peak_rss(args.sample.resolve(), args.paragraphs, out)
            print(
                f"\nreader export of a {args.paragraphs}-paragraph page: peak memory "
                f"{peak / 2**20:.0f} MB (floor 100 MB)"
            )


if __name__ == "__main__":
    main()
