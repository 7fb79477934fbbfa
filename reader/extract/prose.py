"""Whether a block's text is language a listener can follow, or code that reached a text node.

Pages rendered by client-side templates ship their placeholders as text
(`{{ article.title }}`, `{% if user %}`), broken markup leaves JSON or minified script in a
`<div>`, and bytes that are not a page at all decode to noise. Read aloud, each is a minute
of symbols. Text is language when most of it is made of words: tokens of letters and
digits with at most the punctuation words carry (hyphens, apostrophes, dots, commas in
numbers, CJK punctuation). URLs and e-mail addresses count for neither side.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Template placeholders and tags of the common client- and server-side template languages
# (Angular, Vue, Handlebars, Jinja, Liquid, ERB/EJS, JavaScript template literals).
TEMPLATE = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}|<%.*?%>|\$\{[^{}]*\}", re.S)
# Stripped from both ends of a token before it is judged: quotes, brackets, sentence marks.
EDGE = "\"'`“”‘’‚„«»‹›()[]<>¿¡.,;:!?…*•·–—-"
# Characters that occur inside a token only in code, and in all of JSON, script and style
# sheets. Those that documentation writes in prose too (`f(x)`, `snake_case`, `a=b`,
# `list[0]`, `Result<T, E>`) are not among them: a signature in a manual is read.
CODE_CHARACTERS = frozenset('{};\\|"`')
# Any character that can make a token code or noise; text without one is read at once.
SUSPECT = re.compile(
    "[{};\\\\|`^\x00-\x08\x0b\x0e-\x1f\x7f-\x9f\ufffd\ud800-\udfff"
    "\u00a8\u00af\u00b4\u00b8\u02c2-\u02ff]"
)
URL_OR_EMAIL = re.compile(r"^(?:[a-z][a-z0-9+.-]*://|www\.)\S+$|^[^@\s]+@[^@\s]+\.\w+$", re.I)
# Code is only judged by its share of a block once there is this much of it: a label like
# "C++" or "Q&A" is not a listing.
MIN_CODE_CHARACTERS = 16
MAX_CODE_SHARE = 0.5
# Characters no text holds: control characters, lone surrogates, and U+FFFD, which decoding
# puts for bytes that are not text (private-use code points are icon fonts' glyphs). A block
# this noisy is not read.
NOISE = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f\ufffd\ud800-\udfff]")
MAX_NOISE_SHARE = 0.05
MIN_NOISE = 2  # a stray control character in a sentence is a typing slip, not noise


def is_language(text: str) -> bool:
    """Whether text is mostly words (False for templates, code, JSON, minified script, noise)."""
    if SUSPECT.search(text) is None and "<%" not in text:
        return True  # most text: nothing in it could make a token code or noise
    if _is_noise(text):
        return False
    templates = sum(len(match) for match in TEMPLATE.findall(text))
    rest = TEMPLATE.sub(" ", text) if templates else text
    words = code = 0
    for token in rest.split():
        core = token.strip(EDGE)
        if not core or URL_OR_EMAIL.match(core):
            continue
        if _is_word(core):
            words += len(core)
        else:
            code += len(core)
    code += templates
    if templates:
        return words > code  # an unrendered placeholder is never language
    return code < MIN_CODE_CHARACTERS or code < MAX_CODE_SHARE * (code + words)


def _is_noise(text: str) -> bool:
    noise = len(NOISE.findall(text))
    return noise >= MIN_NOISE and noise > MAX_NOISE_SHARE * len(text)


def _is_word(core: str) -> bool:
    if len(core) <= 32:
        return _is_short_word(core)
    return all(_word_character(ch) for ch in core)


@lru_cache(maxsize=16384)
def _is_short_word(core: str) -> bool:
    return all(_word_character(ch) for ch in core)


def _word_character(ch: str) -> bool:
    if ch.isalnum():
        return True
    if ch in CODE_CHARACTERS:
        return False
    # Punctuation (hyphens, apostrophes, CJK commas), marks, signs (currency, arithmetic,
    # ®, ™, emoji), format marks (joiners, direction marks); not modifier symbols, control
    # characters or unassigned code points.
    category = unicodedata.category(ch)
    return category[0] in "PM" or category in ("Sc", "Sm", "So", "Cf")
