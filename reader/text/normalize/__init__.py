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

from reader.text.lexicon import apply_lexicon, load_lexicon
from reader.text.normalize.common import CLEANUP, symbol_rules, text_rules, web_rules
from reader.text.spoken import Language, Rule, Spoken, apply_rules, identity, tidy

# Languages whose tables stay loaded: page tags are untrusted input, so the caches keyed by
# them are bounded (a site has a handful of languages).
LANGUAGES_KEPT = 64

# Languages with their own rules, each in reader/text/normalize/<code>.py: a page only pays for
# compiling the rules of the languages it is read in.
LANGUAGES = ("sv", "en", "nb", "fi", "de")
# Tags whose rules are those of a close relative: "no" is written Bokmål far more often than
# Nynorsk, and Nynorsk shares its abbreviations and numbers closely enough.
ALIASES = {"no": "nb", "nn": "nb"}


def base_language(lang: str) -> str:
    """The primary language subtag, lower case: "sv-SE" -> "sv", "no" -> "nb"."""
    primary = lang.replace("_", "-").split("-")[0].lower() or "und"
    return ALIASES.get(primary, primary)


@lru_cache(maxsize=LANGUAGES_KEPT)
def language_for(lang: str) -> Language:
    """Normalisation tables for a BCP 47 tag; languages without tables get an empty set."""
    code = base_language(lang)
    if code not in LANGUAGES:
        return Language(code=code)
    language: Language = import_module(f"reader.text.normalize.{code}").LANGUAGE
    return language


def normalize(text: str, lang: str, *, offset: int = 0, lexicon_dir: Path | None = None) -> Spoken:
    """Text to speak for `text` (which starts at `offset` in its block), in language `lang`."""
    spoken = apply_rules(identity(text, offset), _rules(base_language(lang)))
    spoken = tidy(spoken)
    spoken = apply_lexicon(spoken, load_lexicon(base_language(lang), lexicon_dir), text, offset)
    return tidy(spoken)


@lru_cache(maxsize=LANGUAGES_KEPT)
def _rules(code: str) -> tuple[Rule, ...]:
    language = language_for(code)
    return (
        *CLEANUP,
        *web_rules(language),
        *language.rules,
        *text_rules(language),
        *symbol_rules(language),
    )
