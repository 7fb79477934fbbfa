"""Municipal-style blocks: headings and short lines with names, on pages of known language.

Built from the service pages of extraction-dev (`../shared/data/extraction-dev`): each
page's gold main text, one block per line, is a page declared in the language of its
`<html lang>`; the blocks scored are its short ones (at most `MAX_WORDS` words) that hold a
capitalised word after their first, a name or a title-case heading ("Tuition and Fees at
Liberty University"). The right answer for each is the page's language. Pages are split by
their id into a part to tune on (even ids) and a part held back (odd ids).
"""

from __future__ import annotations

import gzip
import json
import re
from dataclasses import dataclass
from pathlib import Path

from reader.language.assign import assign_languages
from reader.model import Block, Page
from reader.options import ReadOptions

MAX_WORDS = 8
HTML_LANG = re.compile(rb"<html[^>]*?\blang\s*=\s*[\"']?([A-Za-z]{2,3}(?:[-_][A-Za-z0-9]+)*)", re.I)
LIST_MARK = re.compile(r"^\s*(?:[-*+•]|#+|\d+[.)])\s+")
WORD = re.compile(r"[^\W\d_]{2,}")


@dataclass(frozen=True, slots=True, kw_only=True)
class Tally:
    """Blocks scored and blocks read in the page's language, per part of the data."""

    correct: dict[str, int]
    total: dict[str, int]
    misses: list[tuple[str, str, str]]  # page language, block language, text

    def of(self, part: str) -> float:
        return self.correct.get(part, 0) / max(1, self.total.get(part, 0))


def part_of(page_id: str) -> str:
    return "held-back" if int(page_id) % 2 else "tune"


def service_pages(data: Path) -> list[str]:
    rows = (line.split("\t") for line in (data / "pages.tsv").read_text().splitlines()[1:])
    return [row[0] for row in rows if len(row) > 1 and row[1] == "service"]


def page_blocks(data: Path, page_id: str) -> tuple[str, list[str]]:
    """The page's declared language and its gold main text as lines."""
    raw = gzip.decompress((data / "html" / f"{page_id}.html.gz").read_bytes())
    found = HTML_LANG.search(raw[:50_000])
    lang = found.group(1).decode("ascii").lower().replace("_", "-") if found else ""
    gold = json.loads((data / "ground-truth" / f"{page_id}.json").read_text(encoding="utf-8"))
    text = gold["ground_truth"]["main_content"]
    lines = [LIST_MARK.sub("", line).strip() for line in text.splitlines()]
    return lang, [line for line in lines if WORD.search(line)]


def is_scored(text: str) -> bool:
    words = text.split()
    return len(words) <= MAX_WORDS and any(w[:1].isupper() for w in words[1:])


def tally(data: Path, options: ReadOptions) -> Tally:
    correct: dict[str, int] = {}
    total: dict[str, int] = {}
    misses: list[tuple[str, str, str]] = []
    for page_id in service_pages(data):
        lang, lines = page_blocks(data, page_id)
        if not lang:
            continue  # the language must be known from the page
        blocks = tuple(
            Block(index=i, kind="paragraph", text=line, locator="") for i, line in enumerate(lines)
        )
        page = Page(url="", title="", lang=lang, declared_lang=lang, blocks=blocks)
        part = part_of(page_id)
        for block in assign_languages(page, options).blocks:
            if not is_scored(block.text):
                continue
            total[part] = total.get(part, 0) + 1
            if block.lang.split("-")[0] == lang.split("-")[0]:
                correct[part] = correct.get(part, 0) + 1
            else:
                misses.append((lang, block.lang, block.text))
    return Tally(correct=correct, total=total, misses=misses)
