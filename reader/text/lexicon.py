"""Pronunciation lexicons: plain TSV files a site owner can edit, applied last.

One file per language, `<lang>.tsv`, each line `written<TAB>spoken`; `#` starts a comment
line. A written form with capitals matches only as written; one in lower case matches any
case. Matches are whole words of the text as shown on the page. The defaults ship in
`reader/text/lexicons/`; a site's directory (`SpeechOptions.lexicon_dir`) holds files of the same
names whose entries win.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from reader.errors import UsageError
from reader.text.spoken import Replacement, Spoken, splice
from reader.text.triggers import scout_of

# Languages whose tables stay loaded: page tags are untrusted input, so the caches keyed by
# them are bounded (a site has a handful of languages).
LANGUAGES_KEPT = 64

DEFAULT_DIR = Path(__file__).with_name("lexicons")


@dataclass(frozen=True, slots=True, kw_only=True)
class Lexicon:
    """Written forms and how to say them, with one pattern that finds them all."""

    exact: dict[str, str]
    folded: dict[str, str]
    pattern: re.Pattern[str] | None


def load_lexicon(lang: str, lexicon_dir: Path | None = None) -> Lexicon:
    """The lexicon for a language: shipped defaults overridden by the site's file, if any."""
    site = Path(lexicon_dir) / f"{lang}.tsv" if lexicon_dir else None
    stamp = site.stat().st_mtime_ns if site and site.is_file() else 0
    return _build(lang, site if stamp else None, stamp)


def apply_lexicon(spoken: Spoken, lexicon: Lexicon, shown: str, offset: int = 0) -> Spoken:
    """Say each lexicon word found in the shown text as the lexicon says, whatever rules did.

    Written forms are matched in `shown` (the text as on the page, starting at `offset` in its
    block), so "ÖSK" matches even though the rules spelled it out; the character map finds
    the spoken stretch that stands for it.
    """
    if lexicon.pattern is None:
        return spoken
    scout = scout_of(lexicon.pattern)
    if scout is not None and scout.search(shown) is None:
        return spoken
    edits, done = [], 0
    for match in lexicon.pattern.finditer(shown):
        said = _lookup(lexicon, match[0])
        first = bisect_left(spoken.char_map, match.start() + offset)
        last = bisect_left(spoken.char_map, match.end() + offset)
        if said is not None and done <= first < last:
            edits.append((first, min(last, len(spoken.text)), said))
            done = last
    return splice(spoken, edits) if edits else spoken


def _lookup(lexicon: Lexicon, written: str) -> Replacement:
    if written in lexicon.exact:
        return lexicon.exact[written]
    return lexicon.folded.get(written.casefold())


@lru_cache(maxsize=LANGUAGES_KEPT)
def _build(lang: str, site: Path | None, stamp: int) -> Lexicon:
    # `stamp` (the site file's mtime) is part of the cache key, so edits are picked up.
    entries = _read(DEFAULT_DIR / f"{lang}.tsv")
    site_entries = _read(site) if site else []
    site_written = {w for w, _ in site_entries} | {w.casefold() for w, _ in site_entries}
    merged = site_entries + [
        (w, s) for w, s in entries if w not in site_written and w.casefold() not in site_written
    ]
    exact = {w: s for w, s in reversed(merged) if w != w.casefold()}
    folded = {w.casefold(): s for w, s in reversed(merged) if w == w.casefold()}
    if not merged:
        return Lexicon(exact=exact, folded=folded, pattern=None)
    # Site entries first: at the same position, the site's word wins over a default one.
    ordered = sorted(site_entries, key=lambda e: -len(e[0])) + sorted(
        merged[len(site_entries) :], key=lambda e: -len(e[0])
    )
    alternatives = [
        re.escape(w) if w != w.casefold() else f"(?i:{re.escape(w)})" for w, _ in ordered
    ]
    pattern = re.compile(rf"(?<!\w)(?:{'|'.join(alternatives)})(?!\w)")
    return Lexicon(exact=exact, folded=folded, pattern=pattern)


def _read(path: Path) -> list[tuple[str, str]]:
    if not path.is_file():
        return []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"cannot read lexicon {path}: {exc}") from exc
    entries = []
    for number, line in enumerate(lines, 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        written, tab, spoken = line.partition("\t")
        if not tab or not written.strip():
            raise UsageError(f"{path}:{number}: expected 'written<TAB>spoken', got {line!r}")
        entries.append((written.strip(), spoken.strip()))
    return entries
