"""Language accuracy by text length on langid-dev, against langdetect restricted the same way.

    python bench/languages.py [--languages sv,en,nb,fi,de,ar,so] [--per-language] [--data DIR]
        [--blocks DIR] [--misses]

Each file of the data is named by its language, the gold label of every line in it. Only
the files of the `--languages` are scored, and both detectors choose among those languages
only. Prints accuracy and items per second per length; the same figures on every run.

Then the language per block on municipal-style blocks (see bench/municipal.py): headings and
short lines with names on pages whose language is known, as `assign_languages` decides them
with the page language as prior, on the part tuned on and on the part held back.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

from langdetect.detector_factory import DetectorFactory
from langdetect.lang_detect_exception import LangDetectException
from langdetect.utils.lang_profile import LangProfile

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import municipal  # noqa: E402

from reader.language.detect import guess_language  # noqa: E402
from reader.language.profiles import profile_name  # noqa: E402
from reader.options import DEFAULT_LANGUAGES, ReadOptions  # noqa: E402

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "langid-dev"
BLOCKS = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "extraction-dev"
LENGTHS = ("single-words", "word-pairs", "sentences")

Detector = Callable[[str, tuple[str, ...]], str]


@dataclass(frozen=True, slots=True, kw_only=True)
class Score:
    """Correct answers per gold language, and the time taken."""

    correct: dict[str, int]
    total: dict[str, int]
    seconds: float

    @property
    def accuracy(self) -> float:
        return sum(self.correct.values()) / max(1, sum(self.total.values()))

    def of(self, lang: str) -> float:
        return self.correct.get(lang, 0) / max(1, self.total.get(lang, 0))


def ours(text: str, candidates: tuple[str, ...]) -> str:
    guess = guess_language(text, candidates)
    return guess.lang if guess else ""


@cache
def restricted_factory(names: tuple[str, ...]) -> DetectorFactory:
    """A langdetect factory that knows only the named profiles, seeded for repeatable runs."""
    factory = DetectorFactory()
    folder = resources.files("langdetect") / "profiles"
    for index, name in enumerate(names):
        data = json.loads((folder / name).read_text(encoding="utf-8"))
        factory.add_profile(LangProfile(**data), index, len(names))
    factory.set_seed(0)
    return factory


def langdetect_probabilities(text: str, names: tuple[str, ...]) -> dict[str, float]:
    """langdetect's own probabilities over the named profiles only."""
    detector = restricted_factory(tuple(sorted(set(names)))).create()
    detector.append(text)
    try:
        return {item.lang: item.prob for item in detector.get_probabilities()}
    except LangDetectException:
        return {}


def langdetect_restricted(text: str, candidates: tuple[str, ...]) -> str:
    by_profile = {profile_name(tag): tag for tag in reversed(candidates)}
    probabilities = langdetect_probabilities(text, tuple(by_profile))
    if not probabilities:
        return ""
    return by_profile[max(probabilities, key=probabilities.__getitem__)]


def read_items(folder: Path, languages: tuple[str, ...]) -> list[tuple[str, str]]:
    items: list[tuple[str, str]] = []
    for lang in languages:
        path = folder / f"{lang}.txt"
        if not path.is_file():
            raise SystemExit(f"no data for {lang!r}: {path} is missing")
        lines = path.read_text(encoding="utf-8").splitlines()
        items.extend((lang, line.strip()) for line in lines if line.strip())
    return items


def score(detect: Detector, items: list[tuple[str, str]], candidates: tuple[str, ...]) -> Score:
    correct: dict[str, int] = {}
    total: dict[str, int] = {}
    start = time.process_time()
    for gold, text in items:
        total[gold] = total.get(gold, 0) + 1
        if detect(text, candidates) == gold:
            correct[gold] = correct.get(gold, 0) + 1
    return Score(correct=correct, total=total, seconds=time.process_time() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--languages", default=",".join(DEFAULT_LANGUAGES))
    parser.add_argument("--per-language", action="store_true")
    parser.add_argument("--blocks", type=Path, default=BLOCKS)
    parser.add_argument("--misses", action="store_true", help="list the blocks read wrongly")
    args = parser.parse_args()
    languages = tuple(tag.strip() for tag in args.languages.split(",") if tag.strip())
    for needed in (args.data, args.blocks):
        if not needed.is_dir():
            raise SystemExit(f"needs the data in {needed} (langid-dev and extraction-dev)")

    results: dict[str, tuple[Score, Score]] = {}
    for length in LENGTHS:
        items = read_items(args.data / length, languages)
        results[length] = (
            score(ours, items, languages),
            score(langdetect_restricted, items, languages),
        )

    print(f"languages: {','.join(languages)}")
    print(f"{'length':<14}{'items':>7}{'ours':>9}{'langdetect':>12}{'ours/s':>10}{'ld/s':>9}")
    for length, (mine, base) in results.items():
        n = sum(mine.total.values())
        print(
            f"{length:<14}{n:>7}{mine.accuracy:>9.1%}{base.accuracy:>12.1%}"
            f"{n / mine.seconds:>10.0f}{n / base.seconds:>9.0f}"
        )
    if args.per_language:
        print()
        print(f"{'language':<10}" + "".join(f"{length:>21}" for length in LENGTHS))
        print(f"{'':<10}" + f"{'ours':>10}{'langdetect':>11}" * len(LENGTHS))
        for lang in languages:
            cells = "".join(
                f"{mine.of(lang):>10.1%}{base.of(lang):>11.1%}" for mine, base in results.values()
            )
            print(f"{lang:<10}{cells}")

    blocks = municipal.tally(args.blocks, ReadOptions(languages=languages))
    print()
    print("municipal-style blocks (extraction-dev service pages, language per block):")
    for part in ("tune", "held-back"):
        print(f"  {part:<10}{blocks.total.get(part, 0):>6} blocks{blocks.of(part):>9.1%}")
    if args.misses:
        for lang, got, text in blocks.misses:
            print(f"  {lang} -> {got}: {text}")


if __name__ == "__main__":
    main()
