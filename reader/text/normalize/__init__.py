"""Speech normalisation: the text eSpeak should say for a stretch of a block's text.

Order matters: clean-up first (apostrophes, quotes), then addresses (their dots are not
sentence ends or abbreviations), then the language's numbers, dates and times, then dashes,
acronyms and abbreviations, then symbols, and the pronunciation lexicon last so a site owner
has the final word.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import import_module
from pathlib import Path

from reader.langtag import rules_language
from reader.text.lexicon import apply_lexicon, load_lexicon
from reader.text.normalize.common import (
    CLEANUP,
    pictograph_rules,
    symbol_rules,
    text_rules,
    web_rules,
)
from reader.text.spoken import Language, Rule, Spoken, apply_rules, identity, tidy

# Languages whose tables stay loaded: page tags are untrusted input, so the caches keyed by
# them are bounded (a site has a handful of languages).
LANGUAGES_KEPT = 64

# Languages with their own rules, each in reader/text/normalize/<code>.py: a page only pays for
# compiling the rules of the languages it is read in.
LANGUAGES = ("sv", "en", "nb", "fi", "de")


@lru_cache(maxsize=LANGUAGES_KEPT)
def language_for(lang: str) -> Language:
    """Normalisation tables for a BCP 47 tag; languages without tables get an empty set."""
    code = rules_language(lang)
    if code not in LANGUAGES:
        return Language(code=code)
    language: Language = import_module(f"reader.text.normalize.{code}").LANGUAGE
    return language


def normalize(text: str, lang: str, *, offset: int = 0, lexicon_dir: Path | None = None) -> Spoken:
    """Text to speak for `text` (which starts at `offset` in its block), in language `lang`."""
    code = rules_language(lang)
    spoken = tidy(apply_rules(identity(text, offset), _rules(code)))
    spoken = apply_lexicon(spoken, load_lexicon(code, lexicon_dir), text, offset)
    return tidy(spoken)


@lru_cache(maxsize=LANGUAGES_KEPT)
def _rules(code: str) -> tuple[Rule, ...]:
    language = language_for(code)
    return (
        *CLEANUP,
        *pictograph_rules(language),
        *web_rules(language),
        *language.rules,
        *text_rules(language),
        *symbol_rules(language),
    )
