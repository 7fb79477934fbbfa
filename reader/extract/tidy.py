"""The last look at a page's blocks: what a listener would hear as clutter between them.

Two kinds of block survive the element rules on real pages: headings at the end with
nothing under them ("Comments" above a thread that scripts load, "See also" above a list of
links left out as furniture) and date lines that say again the date the byline already gave
("Published: 12 March 2025 Updated: 13 March 2025").
"""

from __future__ import annotations

import re
from dataclasses import replace

from reader.model import Block

# Dates and times as pages print them: "12. März 2025", "March 12, 2025", "12 March 2025",
# "2025-03-12", "12.03.2025", "03/12/2025", "10:14", "10:14 Uhr", "4:12 AM PST".
# Numeric dates are taken first, then times, then dates with a month's name.
NUMERIC_DATE = re.compile(r"\b(?:\d{4}-\d{1,2}-\d{1,2}|\d{1,2}[./]\d{1,2}[./]\d{2,4})\b")
NAMED_DATE = re.compile(
    r"\b(?:\d{1,2}\.?\s+[^\W\d_]{3,}\.?,?\s+\d{4}"
    r"|[^\W\d_]{3,}\.?\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{4})\b"
)
TIME = re.compile(
    r"\b\d{1,2}[:.]\d{2}(?::\d{2})?\s*(?:uhr|h|am|pm|a\.m\.|p\.m\.)?(?:\s+[A-Z]{2,4}\b)?",
    re.I,
)
# Words a date line is made of besides its dates, in the languages of the sites served.
DATE_LABELS = frozenset(
    {"published", "updated", "posted", "last", "modified", "on", "at", "am", "um", "uhr",
     "veröffentlicht", "aktualisiert", "zuletzt", "erstellt", "geändert", "stand",
     "publicerad", "publicerat", "uppdaterad", "uppdaterat", "senast", "ändrad", "den", "kl",
     "publisert", "oppdatert", "sist", "endret", "julkaistu", "päivitetty", "muokattu",
     "publié", "mis", "à", "jour", "le", "publicado", "actualizado", "el", "pubblicato",
     "aggiornato", "il", "gepubliceerd", "bijgewerkt", "op", "offentliggjort", "opdateret"}
)  # fmt: skip
# Words that make a date line what it is: without one, "12 March 2025" may be an event's date.
PUBLICATION_LABELS = DATE_LABELS - {"on", "at", "am", "um", "uhr", "den", "kl", "le", "el",
                                    "il", "op", "à", "mis", "jour", "last", "stand"}  # fmt: skip
PUBLICATION = re.compile(
    r"\b(?:" + "|".join(sorted(PUBLICATION_LABELS, key=len, reverse=True)) + r")\b", re.I
)
WORD = re.compile(r"[^\W_]+")
MAX_DATE_LINE = 120  # characters: "Published: 12 March 2025, 10:14 Updated: …" and the like
# A listing's titles are headings one after another (and a heading in the middle of a page
# with none under it is often a name above a role): only the last few are left out.
MAX_TRAILING_HEADINGS = 2
MAX_LABEL_WORDS = 6


def tidy(blocks: list[Block]) -> list[Block]:
    """The blocks without empty headings at the end and date lines that repeat the byline."""
    date_lines = {n: found for n, b in enumerate(blocks) if (found := _date_line(b))}
    said = [b.text for n, b in enumerate(blocks) if n not in date_lines]
    kept = []
    for number, block in enumerate(blocks):
        dates = date_lines.get(number, [])
        if dates and (
            any(date in text for date in dates for text in said)
            or any(b.text == block.text for b in blocks[:number])
        ):
            continue
        kept.append(block)
    kept = _without_trailing_headings(kept)
    return [replace(b, index=i) if b.index != i else b for i, b in enumerate(kept)]


def _without_trailing_headings(blocks: list[Block]) -> list[Block]:
    end = len(blocks)
    while end and blocks[end - 1].kind == "heading" and _is_label(blocks[end - 1].text):
        end -= 1
    if not end or len(blocks) - end > MAX_TRAILING_HEADINGS:
        return blocks  # a page of titles only, or a listing of them: they are the content
    return blocks[:end]


def _is_label(text: str) -> bool:
    # "Comments", "See also", "Leave a reply": a long heading is a statement, and is read.
    return text.count(" ") < MAX_LABEL_WORDS


def _date_line(block: Block) -> list[str]:
    """The dates of a block made only of publication labels, dates and times; else none."""
    if block.kind == "heading" or len(block.text) > MAX_DATE_LINE:
        return []
    if PUBLICATION.search(block.text) is None:
        return []  # most short blocks: no label, so no need to look for dates
    dates = NUMERIC_DATE.findall(block.text)
    rest = TIME.sub(" ", NUMERIC_DATE.sub(" ", block.text))
    dates += NAMED_DATE.findall(rest)
    if not dates:
        return []
    words = WORD.findall(NAMED_DATE.sub(" ", rest).lower())
    if not set(words) <= DATE_LABELS or PUBLICATION_LABELS.isdisjoint(words):
        return []
    return dates
