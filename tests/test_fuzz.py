"""Hostile HTML: any page is read or refused with a clear error, in bounded time and memory.

The property, for text and bytes: `read_page` gives a Page or raises `NoContentError` /
`SourceError` with a one-line message, never anything else (no RecursionError, no codec
error), and planning its speech (sentences, normalisation, voices) works on the Page.
The named monsters (100,000-level nesting, a 10 MB page, a 1 MB attribute, a 1 MB text
node, a 5,000 x 20 table) each finish within a budget linear in their size. Budgets are
CPU seconds, generous: they catch a quadratic walk, not a slow machine (bench/fuzz.py
prints the real figures).
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fuzz_html import (
    FUZZ_OPTIONS,
    deep_nesting,
    heavy_page,
    html_bytes,
    html_document,
    huge_attribute,
    huge_table,
    huge_text,
    read_and_plan,
)
from hypothesis import HealthCheck, Phase, given, settings
from support import ROOT, Scenario

from reader.errors import NoContentError, SourceError
from reader.load.charset import decode_html
from reader.model import Page
from reader.options import ReadOptions, SpeechOptions
from reader.pipeline import read_page
from reader.speech import Engine, open_engine
from reader.text.utterances import to_utterances

FUZZ = settings(
    max_examples=80,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    # The explain phase imports a module that warns (filterwarnings = error) on failure.
    phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.shrink],
)
# CPU seconds a page may take per MB of input, plus a fixed allowance. Measured figures are
# several times lower (bench/fuzz.py); a quadratic walk over a monster is many times higher.
SECONDS_PER_MB = 4.0
SECONDS_FIXED = 2.0
# A table is many small blocks: its budget is per thousand cells (measured: about 0.05 s).
SECONDS_PER_THOUSAND_BLOCKS = 0.5
# Peak memory of reading a page, as a multiple of its size plus a fixed allowance for the
# interpreter and the language models (bench/fuzz.py: at most 47x above the interpreter,
# for reading and planning speech together, on a table of 440,000 cells).
MEMORY_PER_BYTE = 60
MEMORY_FIXED_MB = 80


@pytest.fixture(scope="module")
def engine() -> Iterator[Engine]:
    opened = open_engine(SpeechOptions())
    yield opened
    opened.close()


@FUZZ
@given(html_document())
def test_any_html_text_is_read_or_refused_cleanly(engine: Engine, html: str) -> None:
    read_and_plan(html, engine)


@FUZZ
@given(html_bytes())
def test_any_html_bytes_are_read_or_refused_cleanly(engine: Engine, data: bytes) -> None:
    read_and_plan(data, engine)


@pytest.mark.parametrize(
    "label",
    ["rot13", "base64", "hex", "zlib", "undefined", "idna", "punycode", "utf-7", "cp037",
     "x-klingon", "utf\x00"],
)  # fmt: skip
def test_a_charset_no_browser_knows_is_ignored(label: str) -> None:
    # Codecs that are not text encodings, or that no browser decodes pages in, once crashed
    # the decoder (LookupError, UnicodeError); the page is UTF-8 and reads as such.
    meta = f'<meta charset="{label}">'.encode()
    page = read_page(meta + "<p>Välkommen till Östersund.</p>".encode(), FUZZ_OPTIONS)
    assert [b.text for b in page.blocks] == ["Välkommen till Östersund."]


@pytest.mark.parametrize(
    "label", ["rot13", "undefined", "utf\x00", "\udc80", "x" * 10_000], ids=range(5)
)
def test_a_bad_charset_in_the_http_header_is_ignored(label: str) -> None:
    assert decode_html("Östersund".encode(), label) == ("Östersund", "utf-8")


def test_a_lying_charset_still_gives_a_page() -> None:
    # Declared Latin-1, sent as UTF-8: the bytes disprove the label, and the listener hears
    # "Östersund", not the mojibake a browser would show.
    data = '<meta charset="iso-8859-1"><p>Östersund är en stad.</p>'.encode()
    page = read_page(data, FUZZ_OPTIONS)
    assert page.blocks[0].text == "Östersund är en stad."


def test_text_after_a_deep_element_is_not_lost() -> None:
    # The parser stops at nesting deeper than 256; the page was read up to there only.
    html = "<body>" + "<div>" * 300 + "Djupt." + "</div>" * 300 + "<p>Sedan detta.</p>"
    page = read_page(html, FUZZ_OPTIONS)
    assert [b.text for b in page.blocks] == ["Djupt.", "Sedan detta."]


def test_blocks_nested_too_deep_have_no_locator_but_are_read() -> None:
    html = "<body>" + "<section>" * 150 + "<p>Långt ner.</p>" + "</section>" * 150
    page = read_page(html, FUZZ_OPTIONS)
    assert [(b.text, b.locator) for b in page.blocks] == [("Långt ner.", "")]


def _budget(source: str | bytes) -> float:
    return SECONDS_PER_MB * len(source) / 1e6 + SECONDS_FIXED


def _read_monster(
    scenario: Scenario, what: str, source: str | bytes, budget: float | None = None
) -> Page:
    """Read a monster page as a fault scenario: a Page, within its CPU budget."""
    scenario.inject(what)
    started = time.process_time()
    try:
        page = read_page(source, FUZZ_OPTIONS)
    except (NoContentError, SourceError) as exc:
        scenario.saw(f"{type(exc).__name__} in {time.process_time() - started:.1f} s")
        raise
    seconds = time.process_time() - started
    scenario.saw(f"Page with {len(page.blocks)} blocks in {seconds:.1f} s")
    assert seconds < (_budget(source) if budget is None else budget)
    return page


def test_100000_level_nesting(scenario: Scenario) -> None:
    html = deep_nesting(100_000)
    page = _read_monster(scenario, "100,000-level nesting (1.1 MB)", html)
    texts = [b.text for b in page.blocks]
    assert texts == [
        "Djupt inne i sidan står en mening.",
        "Efter de djupa lagren kommer en vanlig mening om Östersund.",
    ]
    assert to_utterances(page, SpeechOptions())
    scenario.lost("none")
    scenario.recovered()


def test_10_mb_page(scenario: Scenario) -> None:
    data = heavy_page(10)
    page = _read_monster(
        scenario, "10 MB page: scripts, styles, SVG, data URIs, 1 MB of paragraphs", data
    )
    texts = [b.text for b in page.blocks]
    # Every paragraph is read, in order, and nothing of the scripts, styles or menu.
    assert len(texts) == data.count(b"<p>")
    assert all(text.startswith("Paragraf ") for text in texts)
    assert texts[0].startswith("Paragraf 0: Östersunds kommun")
    scenario.lost("none")
    scenario.recovered()


def test_1_mb_attribute(scenario: Scenario) -> None:
    html = huge_attribute(1)
    page = _read_monster(scenario, "two 1 MB attributes on one element", html)
    assert [b.text for b in page.blocks] == ["Här är en mening."]
    scenario.lost("none")
    scenario.recovered()


def test_1_mb_text_node(scenario: Scenario) -> None:
    html = huge_text(1)
    page = _read_monster(scenario, "one 1 MB text node without a sentence end", html)
    text = page.blocks[0].text
    assert len(text) == len("ord " * 250_000) - 1
    started = time.process_time()
    utterances = to_utterances(page, SpeechOptions())
    assert time.process_time() - started < _budget(html) * 2
    # Every word is spoken once, in order, in pieces short enough for eSpeak.
    assert " ".join(u.text for u in utterances).split() == text.split()
    assert max(len(u.text) for u in utterances) <= 400
    scenario.lost("none")
    scenario.recovered()


def test_5000_by_20_table(scenario: Scenario) -> None:
    html = huge_table(5000, 20)
    page = _read_monster(
        scenario,
        "a table of 5,000 rows x 20 cells",
        html,
        SECONDS_PER_THOUSAND_BLOCKS * 100 + SECONDS_FIXED,
    )
    blocks = page.blocks
    assert len(blocks) == 100_000
    assert (blocks[0].text, blocks[-1].text) == ("0:0 kronor", "4999:19 kronor")
    scenario.lost("none")
    scenario.recovered()


MEMORY_PROBE = textwrap.dedent(
    """
    import json, sys
    sys.path[:0] = [sys.argv[1], sys.argv[1] + "/tests"]
    import fuzz_html
    from reader.pipeline import read_page
    source = fuzz_html.MONSTERS[sys.argv[2]](float(sys.argv[3]))
    read_page(source, fuzz_html.FUZZ_OPTIONS)
    # VmHWM, not ru_maxrss: the latter keeps the peak of the process that started this one.
    status = open("/proc/self/status").read().split("VmHWM:")[1]
    print(json.dumps({"size": len(source), "peak_kb": int(status.split()[0])}))
    """
)


@pytest.mark.parametrize(
    ("monster", "megabytes"),
    [("deep nesting", 1), ("heavy page", 2), ("huge table", 0.3), ("huge text node", 1)],
)
def test_peak_memory_is_linear_in_page_size(monster: str, megabytes: float) -> None:
    # In a fresh process, so the peak is this page's alone.
    done = subprocess.run(
        [sys.executable, "-c", MEMORY_PROBE, str(ROOT), monster, str(megabytes)],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    measured = json.loads(done.stdout)
    peak_mb = measured["peak_kb"] / 1024
    assert peak_mb < MEMORY_PER_BYTE * measured["size"] / 1e6 + MEMORY_FIXED_MB


@pytest.mark.parametrize(
    ("name", "make"),
    [("nesting", lambda: deep_nesting(100_000)), ("attribute", lambda: huge_attribute(1))],
    ids=["nesting", "attribute"],
)
def test_cli_reads_a_monster_without_a_traceback(
    tmp_path: Path, scenario: Scenario, name: str, make: object
) -> None:
    page = tmp_path / f"{name}.html"
    page.write_text(make(), encoding="utf-8")  # type: ignore[operator]
    scenario.inject(f"reader blocks on a {name} monster ({page.stat().st_size // 1000} kB)")
    done = subprocess.run(
        [sys.executable, "-m", "reader", "blocks", str(page)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    scenario.saw(f"exit {done.returncode}, {len(done.stdout.splitlines())} blocks listed")
    assert done.returncode in (0, 3), done.stderr
    assert "Traceback" not in done.stderr
    assert done.returncode == 3 or done.stdout.strip()
    scenario.lost("none")
    scenario.recovered()


def test_html_text_over_the_size_cap_is_refused() -> None:
    # Bytes, files and URLs were capped at `max_bytes`; HTML given as text now is too.
    with pytest.raises(SourceError, match="^page larger than 1000 bytes$"):
        read_page("<p>" + "å" * 600, ReadOptions(max_bytes=1000))
