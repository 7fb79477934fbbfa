"""Word cues on real pages: is every written word timed, in order, inside its sentence?

Speaks each page of a corpus of real pages (and the sample pages) with eSpeak NG and checks
the track's timeline: the share of written words (runs of non-space characters with a letter
or digit, stripped of the punctuation around them) that one word cue covers whole, the word
cues out of order, and those outside their sentence's time. Prints one row per source and
the words most often missed.

    python bench/cues.py [--data DIR] [--limit N] [--samples-only] [--missed N]
"""

from __future__ import annotations

import argparse
import gzip
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from reader.errors import NoContentError  # noqa: E402
from reader.model import Cue, Track  # noqa: E402
from reader.options import ReadOptions, SpeechOptions  # noqa: E402
from reader.pipeline import read_page, render  # noqa: E402
from reader.text.written import written_words  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data" / "extraction-dev"
SAMPLES = ROOT / "samples"
# Cue times are rounded nowhere in the library; this allows for float noise only.
EPSILON = 1e-6


@dataclass(slots=True)
class Tally:
    """Counts over one or more tracks."""

    pages: int = 0
    words: int = 0
    timed: int = 0
    out_of_order: int = 0
    outside_sentence: int = 0
    missed: Counter[str] = field(default_factory=Counter)

    def add(self, other: Tally) -> None:
        self.pages += other.pages
        self.words += other.words
        self.timed += other.timed
        self.out_of_order += other.out_of_order
        self.outside_sentence += other.outside_sentence
        self.missed.update(other.missed)

    def row(self, name: str) -> str:
        share = 100 * self.timed / self.words if self.words else 100.0
        return (
            f"{name:<16}{self.pages:>6}{self.words:>9}{self.timed:>9}{share:>9.2f}%"
            f"{self.out_of_order:>10}{self.outside_sentence:>9}"
        )


def check(track: Track) -> Tally:
    """Count the written words of every spoken sentence and the word cues that time them."""
    tally = Tally(pages=1)
    texts = {b.index: b.text for b in track.page.blocks} if track.page else {}
    sentences = [c for c in track.timeline.of_kind("sentence")]
    words_of: dict[tuple[int, int], list[Cue]] = {}
    previous: Cue | None = None
    for cue in track.timeline.of_kind("word"):
        words_of.setdefault((cue.block, cue.sentence), []).append(cue)
        if previous and (
            cue.t_start < previous.t_start - EPSILON
            or (cue.block == previous.block and cue.start < previous.end)
        ):
            tally.out_of_order += 1
        previous = cue
    for sentence in sentences:
        text = texts.get(sentence.block, "")
        cues = words_of.get((sentence.block, sentence.sentence), [])
        for cue in cues:
            if cue.t_start < sentence.t_start - EPSILON or cue.t_end > sentence.t_end + EPSILON:
                tally.outside_sentence += 1
        for start, end in written_words(text, sentence.start, sentence.end):
            if not any(c.isalnum() for c in text[start:end]):
                continue  # a symbol or pictograph alone may be skipped by rule
            tally.words += 1
            if any(c.start <= start and c.end >= end for c in cues):
                tally.timed += 1
            else:
                tally.missed[text[start:end]] += 1
    return tally


def speak(source: bytes | Path, options: SpeechOptions, engine: object) -> Tally:
    try:
        page = read_page(source, ReadOptions())
    except NoContentError:
        return Tally(pages=1)
    return check(render(page, options, engine))  # type: ignore[arg-type]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DATA, help="corpus directory")
    parser.add_argument("--limit", type=int, help="speak only the first N corpus pages")
    parser.add_argument("--samples-only", action="store_true", help="only the sample pages")
    parser.add_argument("--missed", type=int, default=15, help="list the N words most missed")
    args = parser.parse_args()
    from reader.speech import open_engine

    options = SpeechOptions()
    engine = open_engine(options)
    started = time.process_time()
    print(f"{'source':<16}{'pages':>6}{'words':>9}{'timed':>9}{'share':>10}{'unordered':>10}"
          f"{'outside':>9}")  # fmt: skip
    samples = Tally()
    for path in sorted(SAMPLES.glob("*.html")):
        samples.add(speak(path, options, engine))
    print(samples.row("samples"))
    total = Tally()
    total.add(samples)
    if not args.samples_only:
        if not (args.data / "pages.tsv").is_file():
            print(f"corpus not found: needs {args.data} (../shared/data/extraction-dev)")
        else:
            rows = (args.data / "pages.tsv").read_text().splitlines()[1:]
            ids = [line.split("\t")[0] for line in rows][: args.limit]
            corpus = Tally()
            for page in ids:
                raw = gzip.decompress((args.data / "html" / f"{page}.html.gz").read_bytes())
                corpus.add(speak(raw, options, engine))
            print(corpus.row("extraction-dev"))
            total.add(corpus)
    print(total.row("all"))
    print(f"\n{time.process_time() - started:.0f} CPU-seconds")
    if args.missed and total.missed:
        common = total.missed.most_common(args.missed)
        print("most missed:", ", ".join(f"{word!r} {n}" for word, n in common))
    engine.close()


if __name__ == "__main__":
    main()
