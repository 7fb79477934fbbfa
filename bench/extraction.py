"""Extraction quality and speed on a labelled corpus of real pages.

Scores the blocks' text against the hand-reviewed main content of each page as the WCXB
benchmark does (lowercase word tokens, bag-of-words precision, recall and F1, averaged
over pages), per page type and overall, and times the extraction in CPU seconds.

The pages are split for tuning, deterministically and per page type: about 60% are the
tune part, rules are adjusted by looking at them only; the rest are held back, to check
that what was tuned holds on pages the tuning never looked at. Both tables are printed.

    python bench/extraction.py [--data DIR] [--split tune|held|all] [--limit N] [--type TYPE]
                               [--worst N] [--page ID] [--repeat N]
                               [--paths [--browser]]

`--paths` reads every page through the CLI path and through the Listen button's path (what
the widget posts, made by `reader_web.posted.widget_payload`, rebuilt and read by the server
code) and counts the pages whose block texts or languages differ (floor: 0), with the bytes
the widget posts per page, raw and gzipped. `--paths --browser` has the widget's own code
make each post in Chromium from the saved page (its scripts off, nothing fetched).

It also counts kept blocks that lose words: every word of a kept block's element (less what
skip markup hides, what block children and `<br>` put in blocks of their own, and footnote
marks) must be in the block made of that stretch of text. The floor is 0.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import re
import statistics
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from lxml import etree  # noqa: E402

from reader.errors import NoContentError, ReaderError  # noqa: E402
from reader.extract.blocks import _parse, extract_blocks  # noqa: E402
from reader.extract.locate import Locator  # noqa: E402
from reader.extract.measure import Measures, measure  # noqa: E402
from reader.extract.rules import is_block_tag  # noqa: E402
from reader.model import Document, Page  # noqa: E402
from reader.options import ReadOptions  # noqa: E402

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "extraction-dev"
TOKEN = re.compile(r"\w+")
INVISIBLE = re.compile("[\u200b\u00ad\ufeff]")  # as extraction drops them inside words
META_CHARSET = re.compile(rb"""<meta[^>]+charset=["']?([\w-]+)""", re.I)
TUNE_SHARE = 0.6  # of each page type's pages, chosen by a hash of the page id
SPLITS = ("tune", "held")
PART_TITLES = {
    "tune": "tune part (rules are tuned on these pages)",
    "held": "held-back part (never looked at while tuning)",
    "all": "all pages",
}


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
        from reader.load.source import load
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
        from reader.language.assign import assign_languages
    except ImportError:
        return None
    options = ReadOptions()
    return lambda page: assign_languages(page, options)


def pages(
    data: Path, kind: str | None, limit: int | None, split: str = "all"
) -> list[tuple[str, str]]:
    rows = [line.split("\t") for line in (data / "pages.tsv").read_text().splitlines()[1:]]
    chosen = [
        (page, page_kind.strip()) for page, page_kind in rows if kind in (None, page_kind.strip())
    ]
    if split != "all":
        parts = split_pages(chosen)
        chosen = [row for row in chosen if parts[row[0]] == split]
    return chosen[:limit] if limit else chosen


def split_pages(rows: list[tuple[str, str]]) -> dict[str, str]:
    """Each page's part, "tune" or "held": per page type, the first 60% by a hash of the id."""
    by_kind: dict[str, list[str]] = defaultdict(list)
    for page, kind in rows:
        by_kind[kind].append(page)
    parts = {}
    for group in by_kind.values():
        group.sort(key=lambda page: hashlib.sha256(page.encode()).hexdigest())
        tuned = round(TUNE_SHARE * len(group))
        parts |= {page: SPLITS[i >= tuned] for i, page in enumerate(group)}
    return parts


def run(data: Path, chosen: list[tuple[str, str]]) -> list[Score]:
    """Score the extracted text of every chosen page against its main content."""
    load = loader()
    scores = []
    for page, kind in chosen:
        try:
            blocks = extract_blocks(load(raw_page(data, page))).blocks
        except NoContentError:
            blocks = ()
        text = "\n".join(block.text for block in blocks)
        truth = json.loads((data / "ground-truth" / f"{page}.json").read_text())["ground_truth"]
        scores.append(Score(page, kind, *word_f1(text, truth.get("main_content") or "")))
    return scores


def raw_page(data: Path, page: str) -> bytes:
    return gzip.decompress((data / "html" / f"{page}.html.gz").read_bytes())


def pages_per_second(stage: Callable[[bytes], object], raws: list[bytes], repeat: int) -> float:
    """Pages per CPU-second of a stage, the best of `repeat` runs (other load only slows)."""
    best = float("inf")
    for _ in range(repeat):
        started = time.process_time()
        for raw in raws:
            try:
                stage(raw)
            except NoContentError:
                pass
        best = min(best, time.process_time() - started)
    return len(raws) / best


def speeds(data: Path, chosen: list[tuple[str, str]], repeat: int) -> list[tuple[str, float]]:
    load, languages = loader(), language_stage()
    raws = [raw_page(data, page) for page, _ in chosen]
    documents = {id(raw): load(raw) for raw in raws}
    found = [
        (
            "extraction",
            pages_per_second(lambda raw: extract_blocks(documents[id(raw)]), raws, repeat),
        )
    ]
    if languages is not None:
        stage = lambda raw: languages(extract_blocks(load(raw)))  # noqa: E731
        found.append(
            ("read_page (load, extract, languages)", pages_per_second(stage, raws, repeat))
        )
    return found


def lost_words(data: Path, chosen: list[tuple[str, str]]) -> list[tuple[str, str, str]]:
    """Kept blocks missing words of their element's text: (page, block text, words lost)."""
    load, found = loader(), []
    for page, _ in chosen:
        document = load(raw_page(data, page))
        try:
            blocks = extract_blocks(document).blocks
        except NoContentError:
            continue
        root = _parse(document.html)
        body = root.find("body")
        measures = measure(root if body is None else body)
        locate = Locator(root)
        by_locator: dict[str, etree._Element] = {}
        for el in root.iter():
            if isinstance(el.tag, str):
                by_locator.setdefault(locate(el), el)
        by_element: dict[etree._Element, list[str]] = defaultdict(list)
        for block in blocks:
            if block.kind != "image" and block.locator in by_locator:
                by_element[by_locator[block.locator]].append(block.text)
        for element, texts in by_element.items():
            runs = _runs(element, measures)
            for text, lost in _losses(texts, runs):
                found.append((page, text, lost))
    return found


def _runs(element: etree._Element, measures: Measures) -> list[Counter[str]]:
    """The words of each stretch of an element's own inline text, as a listener should get it."""
    skipped, headings = measures.skipped, measures.headings
    runs: list[list[str]] = [[]]

    def walk(el: etree._Element) -> None:
        runs[-1].append(el.text or "")
        for child in el:
            tag = child.tag
            note = tag == "sup" and len(child) == 1 and child[0].get("href", "").startswith("#")
            if child in skipped or note or not isinstance(tag, str):
                pass
            elif tag == "br" or is_block_tag(tag) or child in headings:
                runs.append([])
            else:
                walk(child)
            runs[-1].append(child.tail or "")

    walk(element)
    words = (Counter(TOKEN.findall(INVISIBLE.sub("", "".join(run)))) for run in runs)
    return [run for run in words if run]


def _losses(texts: list[str], runs: list[Counter[str]]) -> list[tuple[str, str]]:
    """Match an element's blocks to its stretches in order; the words each block left out."""
    losses, position = [], 0
    for text in texts:
        words = Counter(TOKEN.findall(text))
        for index in range(position, len(runs)):
            # The stretch the block was read from holds most of the block's words.
            if 2 * sum((runs[index] & words).values()) > sum(words.values()):
                lost = runs[index] - words
                if lost:
                    losses.append((text, " ".join(lost.elements())))
                position = index + 1
                break
    return losses


def report(scores: list[Score]) -> None:
    by_kind: dict[str, list[Score]] = defaultdict(list)
    for score in scores:
        by_kind[score.kind].append(score)
    print(f"{'type':<15}{'n':>5}{'precision':>11}{'recall':>9}{'F1':>8}")
    for kind, group in sorted(by_kind.items(), key=lambda item: -len(item[1])):
        print(_row(kind, group))
    print(_row("overall", scores))


def report_lost_words(lost: list[tuple[str, str, str]], show: int) -> None:
    pages = sorted({page for page, _, _ in lost})
    print(f"\nkept blocks that lose words: {len(lost)} (floor 0), on {len(pages)} pages")
    for page, text, words in lost[:show]:
        print(f"  {page}: lost {words!r} from {text[:80]!r}")


def _row(name: str, group: list[Score]) -> str:
    n = len(group)
    p, r, f = (sum(getattr(s, field) for s in group) / n for field in ("precision", "recall", "f1"))
    return f"{name:<15}{n:>5}{p:>11.3f}{r:>9.3f}{f:>8.3f}"


def show_page(data: Path, page: str) -> None:
    """Print a page's blocks, then the words missed and the words read in excess."""
    raw = raw_page(data, page)
    result = extract_blocks(loader()(raw))  # raw is read above
    for block in result.blocks:
        print(f"{block.index:>4} {block.kind:<12} {block.text[:110]}")
    truth = json.loads((data / "ground-truth" / f"{page}.json").read_text())["ground_truth"]
    got, want = tokens("\n".join(b.text for b in result.blocks)), tokens(truth["main_content"])
    print("\nmissed:", " ".join(t for t, _ in (want - got).most_common(60)))
    print("excess:", " ".join(t for t, _ in (got - want).most_common(60)))


@dataclass(frozen=True, slots=True)
class PathResult:
    page: str
    same: bool
    first_difference: str
    posted: int
    gzipped: int


def read_pairs(raw: bytes) -> list[tuple[str, str]]:
    """(text, language) of every block `reader blocks` reads from the page's bytes."""
    from reader.pipeline import read_page

    try:
        page = read_page(raw, ReadOptions())
    except NoContentError:
        return []
    return [(block.text, block.lang) for block in page.blocks]


Payloads = Callable[[str, bytes], "dict[str, str] | None"]


def python_payloads() -> Payloads:
    """What the widget posts, made in Python (`reader_web.posted.widget_payload`)."""
    from reader_web.posted import widget_payload

    load = loader()

    def payload(page: str, raw: bytes) -> dict[str, str] | None:
        try:
            return widget_payload(load(raw).html)
        except ReaderError:
            return None

    return payload


def compare_paths(
    data: Path, chosen: list[tuple[str, str]], payloads: Payloads
) -> list[PathResult]:
    """Each page read by the CLI path and by the Listen button's path, and what it posts."""
    from reader_web.posted import document_bytes, posted_page

    results = []
    for page, _ in chosen:
        raw = raw_page(data, page)
        cli = read_pairs(raw)
        payload = payloads(page, raw)
        if payload is None:
            results.append(PathResult(page, not cli, "the widget path found no markup", 0, 0))
            continue
        posted = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        widget = read_pairs(document_bytes(posted_page(payload)))
        pairs = enumerate(zip(cli, widget, strict=False))
        difference = next(
            (f"block {i}: {a!r:.80} != {b!r:.80}" for i, (a, b) in pairs if a != b),
            f"{len(cli)} blocks != {len(widget)} blocks",
        )
        results.append(
            PathResult(page, cli == widget, difference, len(posted), len(gzip.compress(posted)))
        )
    return results


BROWSER_ORIGIN = "https://saved.test"
STATIC = Path(__file__).resolve().parents[1] / "web" / "reader_web" / "static"
# The page's own scripts stay off (they would fetch and rewrite); the widget's module may load.
SAVED_PAGE_CSP = f"script-src {BROWSER_ORIGIN}/player.js"
CHROMIUM = "/usr/bin/chromium"


def browser_payloads(stack: ExitStack) -> Payloads:
    """What the widget posts, made by the widget's own code in Chromium from each saved page."""
    from playwright.sync_api import Route, sync_playwright

    playwright = stack.enter_context(sync_playwright())
    browser = playwright.chromium.launch(
        executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"], headless=True
    )
    stack.callback(browser.close)
    load = loader()
    served: dict[str, bytes] = {}

    def serve(route: Route) -> None:
        url = route.request.url
        if url == f"{BROWSER_ORIGIN}/player.js":
            body = (STATIC / "player.js").read_bytes()
            route.fulfill(status=200, content_type="text/javascript", body=body)
        elif url.startswith(f"{BROWSER_ORIGIN}/page/"):
            charset = served["charset"].decode()
            route.fulfill(
                status=200,
                content_type=f"text/html; charset={charset}",
                headers={"Content-Security-Policy": SAVED_PAGE_CSP},
                body=served["page"],
            )
        else:
            route.abort()

    def payload(page: str, raw: bytes) -> dict[str, str] | None:
        served["page"], served["charset"] = raw, load(raw).charset.encode()
        context = browser.new_context()
        try:
            tab = context.new_page()
            tab.route("**/*", serve)
            tab.goto(f"{BROWSER_ORIGIN}/page/{page}", wait_until="domcontentloaded")
            posted = tab.evaluate(
                """async () => {
                  const { pageCopy, pagePayload } = await import('https://saved.test/player.js');
                  return document.body ? pagePayload(pageCopy().markup, '') : null;
                }"""
            )
        finally:
            context.close()
        return json.loads(posted) if posted else None

    return payload


def report_paths(results: list[PathResult]) -> None:
    differ = [r for r in results if not r.same]
    print(f"Listen path vs CLI: {len(differ)} of {len(results)} pages differ (floor: 0)")
    for result in differ[:10]:
        print(f"  {result.page}: {result.first_difference}")
    for name, sizes in (
        ("posted bytes, raw", [r.posted for r in results]),
        ("posted bytes, gzip", [r.gzipped for r in results]),
    ):
        ordered = sorted(sizes)
        p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
        print(
            f"  {name:<20} median {statistics.median(ordered) / 1024:7.1f} KB  "
            f"p95 {p95 / 1024:7.1f} KB  max {ordered[-1] / 1024:7.1f} KB"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DATA, help="corpus directory")
    parser.add_argument(
        "--split", choices=("tune", "held", "all"), help="score one part only (default: both)"
    )
    parser.add_argument("--limit", type=int, help="score only the first N pages")
    parser.add_argument("--type", dest="kind", help="score only pages of this type")
    parser.add_argument("--worst", type=int, default=0, help="list the N pages with the lowest F1")
    parser.add_argument("--page", help="show what is extracted from one page and how it differs")
    parser.add_argument(
        "--repeat", type=int, default=3, help="timing runs; the best counts (0: no timing)"
    )
    parser.add_argument(
        "--paths", action="store_true", help="compare the CLI and the Listen button's path"
    )
    parser.add_argument(
        "--browser", action="store_true", help="with --paths: the widget's code in Chromium"
    )
    args = parser.parse_args()
    if not (args.data / "pages.tsv").is_file():
        raise SystemExit(f"bench: needs the extraction-dev corpus in {args.data} (--data DIR)")
    if args.paths:
        with ExitStack() as stack:
            payloads = browser_payloads(stack) if args.browser else python_payloads()
            chosen = pages(args.data, args.kind, args.limit)
            report_paths(compare_paths(args.data, chosen, payloads))
        return
    if args.page:
        show_page(args.data, args.page)
        return
    if not (args.data / "pages.tsv").exists():
        print(f"needs the extraction-dev corpus (pages.tsv and html/) in {args.data}")
        return
    parts = [args.split] if args.split else list(SPLITS)
    scores: list[Score] = []
    for part in parts:
        part_scores = run(args.data, pages(args.data, args.kind, args.limit, part))
        print(PART_TITLES[part])
        report(part_scores)
        print()
        scores += part_scores
    chosen = pages(args.data, args.kind, args.limit)
    for name, rate in speeds(args.data, chosen, args.repeat) if args.repeat else ():
        print(f"{name}: {rate:.1f} pages per CPU-second (all {len(chosen)} pages)")
    report_lost_words(lost_words(args.data, chosen), args.worst)
    if args.worst:
        print(f"\n{'page':<8}{'type':<15}{'precision':>10}{'recall':>8}{'F1':>7}")
        for s in sorted(scores, key=lambda s: s.f1)[: args.worst]:
            print(f"{s.page:<8}{s.kind:<15}{s.precision:>10.3f}{s.recall:>8.3f}{s.f1:>7.3f}")


if __name__ == "__main__":
    main()
