"""Speech speed on the Östersund sample, per engine, against plain `espeak-ng -w`.

For each engine, in a fresh process: time from the page being loaded to the first audio
(engine opened, voices planned, first sentence synthesized), synthesis real-time factor,
export time and size per format, and the ratio of our MP3 export to `espeak-ng -w` on the
same text (the blocks' text joined by newlines) measured in the same run. The `reader
export` command line is timed too, start-up included. Needs the `espeak-ng` program.

    python bench/speech.py [--sample FILE] [--engines espeak,pyttsx3] [--repeat N]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

START = time.perf_counter()
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SAMPLE = ROOT / "samples" / "ostersund-international-cooperation.html"
FORMATS = ("wav", "mp3", "ogg", "flac")


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
    synth_seconds, audio_seconds = 0.0, first.duration
    for u in utterances[1:]:
        began = time.perf_counter()
        clip = engine.synthesize(u.text, u.voice, options.rate, options.volume)
        synth_seconds += time.perf_counter() - began
        audio_seconds += clip.duration
    synth_seconds += first_audio - opened
    formats = {}
    for fmt in FORMATS:
        runs, sizes = [], []
        for _ in range(repeat):
            began = time.perf_counter()
            path = export(render(page, options, engine), out / f"page.{fmt}")
            runs.append(time.perf_counter() - began)
            sizes.append(path.stat().st_size)
        formats[fmt] = {"seconds": statistics.median(runs), "bytes": sizes[-1]}
    result = {
        "engine": engine.version,
        "utterances": len(utterances),
        "import_and_load": loaded - START,
        "open": opened - loaded,
        "first_audio_after_load": first_audio - loaded,
        "first_audio_from_start": first_audio - START,
        "synth_seconds": synth_seconds,
        "audio_seconds": audio_seconds,
        "per_sentence_ms": 1000 * synth_seconds / len(utterances),
        "formats": formats,
        "text": "\n".join(block.text for block in page.blocks),
    }
    engine.close()
    return result


def espeak_cli_seconds(text: str, repeat: int, out: Path) -> float:
    """Median wall time of plain `espeak-ng -w` speaking the text into a WAV file."""
    program = shutil.which("espeak-ng")
    if program is None:
        raise SystemExit("bench/speech.py needs the espeak-ng program (apt install espeak-ng)")
    source = out / "page.txt"
    source.write_text(text, encoding="utf-8")
    runs = []
    for _ in range(repeat):
        began = time.perf_counter()
        subprocess.run([program, "-w", str(out / "plain.wav"), "-f", str(source)], check=True)
        runs.append(time.perf_counter() - began)
    return statistics.median(runs)


def cli_seconds(engine: str, sample: Path, repeat: int, out: Path) -> float:
    """Median wall time of the whole `reader export` command, Python start-up included."""
    runs = []
    for _ in range(repeat):
        began = time.perf_counter()
        command = [sys.executable, "-m", "reader", "export", str(sample), "-o", str(out / "c.mp3")]
        subprocess.run([*command, "--engine", engine], check=True, cwd=ROOT, capture_output=True)
        runs.append(time.perf_counter() - began)
    return statistics.median(runs)


def measure(engine: str, sample: Path, repeat: int, out: Path) -> dict[str, object]:
    command = [sys.executable, __file__, "--child", engine, "--sample", str(sample)]
    command += ["--repeat", str(repeat), "--out", str(out)]
    done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT)
    if done.returncode != 0:
        raise SystemExit(f"{engine}: {done.stderr.strip().splitlines()[-1:]}")
    result: dict[str, object] = json.loads(done.stdout)
    return result


def report(results: dict[str, dict], plain: float, cli: dict[str, float]) -> None:
    print(f"plain espeak-ng -w on the same text: {plain:.3f} s\n")
    head = f"{'engine':<34}{'first audio':>12}{'from start':>11}{'per sent.':>10}{'RTF':>8}"
    print(head + f"{'MP3 export':>11}{'ratio':>7}{'CLI':>7}{'ratio':>7}")
    for name, r in results.items():
        mp3 = r["formats"]["mp3"]["seconds"]
        rtf = r["synth_seconds"] / r["audio_seconds"]
        print(
            f"{r['engine']:<34}{r['first_audio_after_load']:>11.3f}s"
            f"{r['first_audio_from_start']:>10.3f}s{r['per_sentence_ms']:>8.1f}ms{rtf:>8.4f}"
            f"{mp3:>10.3f}s{mp3 / plain:>7.2f}{cli[name]:>6.2f}s{cli[name] / plain:>7.2f}"
        )
    print(f"\n{'engine':<10}{'format':>8}{'seconds':>10}{'KiB':>9}")
    for name, r in results.items():
        for fmt, f in r["formats"].items():
            print(f"{name:<10}{fmt:>8}{f['seconds']:>10.3f}{f['bytes'] / 1024:>9.0f}")
    first = next(iter(results.values()))
    print(f"\n{first['utterances']} utterances, {first['audio_seconds']:.1f} s of speech")


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
