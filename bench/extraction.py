"""Extraction quality and speed on a labelled corpus of real pages.

Scores the blocks' text against the hand-reviewed main content of each page as the WCXB
benchmark does (lowercase word tokens, bag-of-words precision, recall and F1, averaged
over pages), per page type and overall, and times the extraction in CPU seconds.

    python bench/extraction.py [--data DIR] [--limit N] [--type TYPE] [--worst N] [--page ID]
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from reader.errors import NoContentError  # noqa: E402
from reader.extract import extract_blocks  # noqa: E402
from reader.model import Document, Page  # noqa: E402
from reader.options import ReadOptions  # noqa: E402

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "extraction-dev"
TOKEN = re.compile(r"\w+")
META_CHARSET = re.compile(rb"""<meta[^>]+charset=["']?([\w-]+)""", re.I)


@dataclass(frozen=True, slots=True)
class Score:
    page: str
    kind: str
    precision: float
    recall: float
    f1: float


def tokens(text: str) -> Counter[str]:
    return Counter(TOKEN.findall(text.lower()))


def word_f1(predicted: str, reference: str) -> tuple[float, float, float]:
    """Precision, recall and F1 of word tokens, as the benchmark's evaluate.py computes them."""
    pred, ref = tokens(predicted), tokens(reference)
    if not ref:
        return (1.0, 1.0, 1.0) if not pred else (0.0, 0.0, 0.0)
    if not pred:
        return 0.0, 0.0, 0.0
    overlap = sum((pred & ref).values())
    precision, recall = overlap / sum(pred.values()), overlap / sum(ref.values())
    f1 = 2 * precision * recall / (precision + recall) if overlap else 0.0
    return precision, recall, f1


def loader() -> Callable[[bytes], Document]:
    """The project's loader when it exists, else a plain decode of the bytes."""
    try:
        from reader.load import load
    except ImportError:
        return fallback_load
    options = ReadOptions()
    return lambda raw: load(raw, options)


def fallback_load(raw: bytes) -> Document:
    match = META_CHARSET.search(raw[:4096])
    charset = match.group(1).decode("ascii") if match else "utf-8"
    try:
        return Document(html=raw.decode(charset, errors="replace"), charset=charset)
    except LookupError:
        return Document(html=raw.decode("utf-8", errors="replace"))


def language_stage() -> Callable[[Page], Page] | None:
    try:
        from reader.language import assign_languages
    except ImportError:
        return None
    options = ReadOptions()
    return lambda page: assign_languages(page, options)


def pages(data: Path, kind: str | None, limit: int | None) -> list[tuple[str, str]]:
    rows = [line.split("\t") for line in (data / "pages.tsv").read_text().splitlines()[1:]]
    chosen = [(page, page_kind.strip()) for page, page_kind in rows if kind in (None, page_kind.strip())]
    return chosen[:limit] if limit else chosen


def run(data: Path, chosen: list[tuple[str, str]]) -> tuple[list[Score], float, float | None]:
    load, languages = loader(), language_stage()
    documents = [(page, kind, load(gzip.decompress((data / "html" / f"{page}.html.gz").read_bytes())))
                 for page, kind in chosen]
    scores = []
    extract_seconds = 0.0
    for page, kind, document in documents:
        started = time.process_time()
        try:
            text = "\n".join(block.text for block in extract_blocks(document).blocks)
        except NoContentError:
            text = ""
        extract_seconds += time.process_time() - started
        truth = json.loads((data / "ground-truth" / f"{page}.json").read_text())["ground_truth"]
        scores.append(Score(page, kind, *word_f1(text, truth.get("main_content") or "")))
    if languages is None:
        return scores, extract_seconds, None
    started = time.process_time()
    for page, _, document in documents:
        try:
            languages(extract_blocks(load(gzip.decompress((data / "html" / f"{page}.html.gz").read_bytes()))))
        except NoContentError:
            pass
    return scores, extract_seconds, time.process_time() - started


def report(scores: list[Score], extract_seconds: float, read_seconds: float | None) -> None:
    by_kind: dict[str, list[Score]] = defaultdict(list)
    for score in scores:
        by_kind[score.kind].append(score)
    print(f"{'type':<15}{'n':>5}{'precision':>11}{'recall':>9}{'F1':>8}")
    for kind, group in sorted(by_kind.items(), key=lambda item: -len(item[1])):
        print(_row(kind, group))
    print(_row("overall", scores))
    print(f"\nextraction: {len(scores) / extract_seconds:.1f} pages per CPU-second")
    if read_seconds is not None:
        print(f"read_page (load, extract, languages): {len(scores) / read_seconds:.1f} pages per CPU-second")


def _row(name: str, group: list[Score]) -> str:
    n = len(group)
    p, r, f = (sum(getattr(s, field) for s in group) / n for field in ("precision", "recall", "f1"))
    return f"{name:<15}{n:>5}{p:>11.3f}{r:>9.3f}{f:>8.3f}"


def show_page(data: Path, page: str) -> None:
    """Print a page's blocks, then the words missed and the words read in excess."""
    raw = gzip.decompress((data / "html" / f"{page}.html.gz").read_bytes())
    result = extract_blocks(loader()(raw))
    for block in result.blocks:
        print(f"{block.index:>4} {block.kind:<12} {block.text[:110]}")
    truth = json.loads((data / "ground-truth" / f"{page}.json").read_text())["ground_truth"]
    got, want = tokens("\n".join(b.text for b in result.blocks)), tokens(truth["main_content"])
    print("\nmissed:", " ".join(t for t, _ in (want - got).most_common(60)))
    print("excess:", " ".join(t for t, _ in (got - want).most_common(60)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DATA, help="corpus directory")
    parser.add_argument("--limit", type=int, help="score only the first N pages")
    parser.add_argument("--type", dest="kind", help="score only pages of this type")
    parser.add_argument("--worst", type=int, default=0, help="list the N pages with the lowest F1")
    parser.add_argument("--page", help="show what is extracted from one page and how it differs")
    args = parser.parse_args()
    if args.page:
        show_page(args.data, args.page)
        return
    scores, extract_seconds, read_seconds = run(args.data, pages(args.data, args.kind, args.limit))
    report(scores, extract_seconds, read_seconds)
    if args.worst:
        print(f"\n{'page':<8}{'type':<15}{'precision':>10}{'recall':>8}{'F1':>7}")
        for s in sorted(scores, key=lambda s: s.f1)[: args.worst]:
            print(f"{s.page:<8}{s.kind:<15}{s.precision:>10.3f}{s.recall:>8.3f}{s.f1:>7.3f}")


if __name__ == "__main__":
    main()
