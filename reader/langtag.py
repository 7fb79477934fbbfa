"""Language tags: one spelling, one check, one way to take them apart.

A tag comes from a page (`<html lang="sv-SE">`), a widget's request, a config file or a flag.
`normalise` gives every one of them the same spelling (lower case, hyphens: `sv-se`) and
turns anything that is not shaped like a tag into `NO_TAG`, so that junk never reaches voice
tables, lexicon file names or per-language caches. `primary` is the language without region
or script, `fallback` the tags to try for a voice, `rules_language` the language whose text
rules (numbers, abbreviations, lexicon) a tag is read with. `parse` is for settings: it also
refuses a tag whose language ISO 639 does not know (`xx`).
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources
from typing import NewType

from reader.errors import UsageError

LangTag = NewType("LangTag", str)
NO_TAG = LangTag("")
# A language tag as BCP 47 spells it: letters, then subtags of letters and digits, at most
# 35 characters (RFC 5646 §4.4.1). Anything else in a `lang` attribute ("{{ lang }}", a
# megabyte of junk, "../x") declares no language.
PATTERN = re.compile(r"(?=.{1,35}\Z)[a-z]{1,8}(?:-[a-z0-9]{1,8})*")
# Tags whose text rules are those of a close relative: "no" is written Bokmål far more often
# than Nynorsk, and Nynorsk shares its abbreviations and numbers closely enough.
RULES_OF = {"no": "nb", "nn": "nb"}
# After dropping subtags, a language falls back to its macrolanguage: Bokmål is Norwegian.
# Nynorsk is deliberately absent: eSpeak NG has no Nynorsk voice, and reading Nynorsk with
# the Bokmål voice would be a silent misreading; it follows the missing-voice policy.
MACROLANGUAGES = {"nb": "no"}
# The language of text whose language is unknown (ISO 639-2 "undetermined").
UNDETERMINED = "und"


def normalise(value: object) -> LangTag:
    """The tag in lower case with hyphens (`SV_se` -> `sv-se`); NO_TAG when malformed (or not
    a string: a JSON request may hold anything)."""
    if not isinstance(value, str):
        return NO_TAG
    tag = value.strip().replace("_", "-").lower()
    return LangTag(tag) if PATTERN.fullmatch(tag) else NO_TAG


def parse(value: object, where: str) -> LangTag:
    """A tag from a setting, normalised; UsageError naming `where` when it is not a tag of a
    language ISO 639 knows."""
    tag = normalise(value)
    if not tag:
        raise UsageError(f"{where}: expected a language code such as sv or en-GB, not {value!r}")
    if primary(tag) not in known_languages():
        raise UsageError(f"{where}: unknown language code {primary(tag)!r} (ISO 639, e.g. sv, en)")
    return tag


def primary(tag: str) -> str:
    """The primary language subtag in lower case: "sv-SE" -> "sv"; "" for no tag."""
    return tag.replace("_", "-").split("-", 1)[0].strip().lower()


def fallback(tag: str) -> tuple[LangTag, ...]:
    """Tags to try for a language, most specific first: nb-NO -> nb-no, nb, no."""
    canonical = normalise(tag)
    if not canonical:
        return ()
    parts = canonical.split("-")
    chain = ["-".join(parts[:n]) for n in range(len(parts), 0, -1)]
    if parts[0] in MACROLANGUAGES:
        chain.append(MACROLANGUAGES[parts[0]])
    return tuple(LangTag(t) for t in dict.fromkeys(chain))


def rules_language(tag: str) -> str:
    """The language whose text rules read this tag: "sv-SE" -> "sv", "no" -> "nb"."""
    code = primary(tag) or UNDETERMINED
    return RULES_OF.get(code, code)


@cache
def known_languages() -> frozenset[str]:
    """The ISO 639-1 and ISO 639-3 codes a tag may start with."""
    text = resources.files("reader").joinpath("language_codes.txt").read_text(encoding="utf-8")
    return frozenset(
        code for line in text.splitlines() if not line.startswith("#") for code in line.split()
    )
