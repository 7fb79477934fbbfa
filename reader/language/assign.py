"""Language per block: what the author declared, else what the text says.

Its place among the stages: docs/architecture.md, "Language".

Evidence, strongest first:

1. the nearest `lang`/`xml:lang` on the block or an ancestor below `<html>` ("attribute");
2. the text itself, among the site's languages plus the page's ("detected"), with the page
   language as a prior, so that a short block follows the page unless its words say
   otherwise;
3. the page language for blocks without letters, such as phone numbers ("page"), or the
   configured default when the page declares none and nothing can be detected ("default").

The page language is `ReadOptions.lang` when given, else what the page declares; a
declared language that the page's long blocks contradict with confidence is overridden
(sites serve English pages under `<html lang="sv">`), and `Page.lang` is the result.

Tags are lowercase BCP 47 as the page wrote them (`sv`, `en-gb`, `nb`): a block in the page's
language takes the page's tag with its region; a detected language takes the site's tag.
The speech layer maps tags to voices with region fallback (`en-gb` → `en`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from reader.langtag import normalise, primary
from reader.language.detect import Evidence, Guess, read_evidence
from reader.model import Block, Page
from reader.options import ReadOptions

# A block this long (in letters) speaks for the page: enough text for a confident guess.
LONG_BLOCK_LETTERS = 60
# How sure the long blocks must be, and how much of the page's text they must cover,
# before they overrule the language the page declares.
OVERRIDE_CONFIDENCE = 0.95
OVERRIDE_SHARE = 0.6
# On a page that declares no language and has only short blocks, a likelier-than-not guess
# per block is what there is to go on.
SHORT_BLOCK_CONFIDENCE = 0.5
# ... when they hold this many letters together: a word or two ("Kontakta oss"), not a
# stray letter of markup soup, which would make any candidate the page's language.
SHORT_PAGE_LETTERS = 8
# Nats of prior for the page language: a short ambiguous block ("Telefon", "Kontakt")
# follows the page, while a block whose words clearly say otherwise does not.
PAGE_PRIOR = 4.0


@dataclass(frozen=True, slots=True, kw_only=True)
class PageLanguage:
    """The language blocks fall back on, and where it came from."""

    tag: str
    source: str  # "page" | "default"
    confidence: float


def assign_languages(page: Page, options: ReadOptions) -> Page:
    """The page with a language, its source and a confidence on every block."""
    declared = normalise(options.lang or page.declared_lang or page.lang)
    candidates = _candidates(options.languages, declared)
    evidence = {
        block.index: read_evidence(_own_text(block), candidates)
        for block in page.blocks
        if not block.declared_lang
    }
    fallback = _page_language(declared, bool(options.lang), evidence, page.blocks, options)
    blocks = tuple(_assign(block, evidence.get(block.index), fallback) for block in page.blocks)
    return replace(page, lang=fallback.tag, blocks=blocks)


def _own_text(block: Block) -> str:
    """The block's text without its spans marked in another language: those say nothing of
    the language of the words around them ("run jointly by: <span lang=sv>Jämtlands län")."""
    text = block.text
    for span in sorted(block.spans, key=lambda s: s.start, reverse=True):
        text = text[: span.start] + " " + text[span.end :]
    return text


def _candidates(languages: tuple[str, ...], declared: str) -> tuple[str, ...]:
    tags: list[str] = [normalise(tag) for tag in languages if tag.strip()]
    if declared and primary(declared) not in {primary(t) for t in tags}:
        tags.append(declared)
    return tuple(dict.fromkeys(tags))


def _page_language(
    declared: str,
    forced: bool,
    evidence: dict[int, Evidence | None],
    blocks: tuple[Block, ...],
    options: ReadOptions,
) -> PageLanguage:
    if forced:
        return PageLanguage(tag=declared, source="page", confidence=1.0)
    dominant = _dominant(evidence, blocks, LONG_BLOCK_LETTERS, OVERRIDE_CONFIDENCE)
    if not dominant and not declared:
        # Nothing declared and no long block: the short blocks together are all there is,
        # once they hold a few words' worth of letters ("x" or "&#x;" tells nothing).
        dominant = _dominant(evidence, blocks, 1, SHORT_BLOCK_CONFIDENCE, SHORT_PAGE_LETTERS)
    if dominant and (not declared or primary(dominant.lang) != primary(declared)):
        return PageLanguage(tag=dominant.lang, source="page", confidence=dominant.confidence)
    if declared:
        return PageLanguage(tag=declared, source="page", confidence=1.0)
    return PageLanguage(tag=normalise(options.default_lang), source="default", confidence=0.0)


def _dominant(
    evidence: dict[int, Evidence | None],
    blocks: tuple[Block, ...],
    min_letters: int,
    min_confidence: float,
    min_total: int = 0,
) -> Guess | None:
    """The language the page's blocks of `min_letters` establish, when they agree enough."""
    letters: dict[str, int] = {}
    total = 0
    for block in blocks:
        found = evidence.get(block.index)
        count = sum(map(str.isalpha, block.text))
        if found is None or count < min_letters:
            continue
        total += count
        guess = found.guess()
        if guess.confidence >= min_confidence:
            letters[guess.lang] = letters.get(guess.lang, 0) + count
    if not letters or total < min_total:
        return None
    lang = max(sorted(letters), key=letters.__getitem__)
    share = letters[lang] / total
    if share < OVERRIDE_SHARE:
        return None
    return Guess(lang=lang, confidence=share, probabilities=((lang, share),), evidence=total)


def _assign(block: Block, evidence: Evidence | None, page: PageLanguage) -> Block:
    if block.declared_lang:
        return replace(
            block, lang=normalise(block.declared_lang), lang_source="attribute", confidence=1.0
        )
    if evidence is None:
        return replace(block, lang=page.tag, lang_source=page.source, confidence=page.confidence)
    text_only = evidence.guess()
    if page.source != "page":
        # No page language to lean on: the text alone decides.
        return replace(
            block, lang=text_only.lang, lang_source="detected", confidence=text_only.confidence
        )
    guess = evidence.guess({_candidate_for(page.tag, evidence): PAGE_PRIOR})
    lang = page.tag if primary(guess.lang) == primary(page.tag) else guess.lang
    # When the prior, not the text, decided, the block follows the page.
    source = "detected" if guess.lang == text_only.lang else page.source
    return replace(block, lang=lang, lang_source=source, confidence=guess.confidence)


def _candidate_for(tag: str, evidence: Evidence) -> str:
    code = primary(tag)
    return next((c for c in evidence.candidates if primary(c) == code), tag)
