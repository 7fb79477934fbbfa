from __future__ import annotations

import re
from pathlib import Path

import pytest

from reader.pipeline import read_page
from reader.text import lexicon, triggers
from reader.text.gates import Gated
from reader.text.normalize import normalize
from reader.text.sentences import split_sentences
from reader.text.triggers import characters, scout_of, trigger_of

SAMPLES = Path(__file__).resolve().parents[2] / "samples"
# Texts where a rule needs what an earlier rule wrote, or a character only a case fold or a
# Unicode digit class matches.
TRICKY = [
    "research & development, 10–12 °C, § 4 and page 3/4",
    "Call +46 63 14 30 00 or 063-14 30 00 before 2024-05-01 at 8.30 a.m.",
    "Besök oss på www.ostersund.se eller skriv till kommun@ostersund.se",
    "STRASSE ẞ and ſ; Kelvin K; Arabic-Indic ٢٠٢٤ and Devanagari २०२४",
    "Der 2. Weltkrieg, z.B. um 8.30 Uhr; 1. Mai; usw.",
    "EU:s och FN:s mål, t.ex. 15 000 kr – 20 000 kr, kl. 08.00–16.30",
    "“Quoted” — with a dash ,, and double commas ; e.g. Mr. Smith’s",
    "See HTTPS://Example.ORG/a, WWW.zeit.de, kommun.SE. and ostersund.se/bygglov today",
    "Karl XII and World War II; Part IV ➡️➡️ ☎ 063-14 30 00 ✉ 🇸🇪 done",
    "Kontakt: t ex bl a c:a 5 st., nr 4, jfr. pga. z.B. u.a. bzw. ca. osv.",
]


def _sentences() -> list[str]:
    texts = list(TRICKY)
    for sample in sorted(SAMPLES.glob("*.html")):
        if sample.name == "nothing-readable.html":
            continue
        for block in read_page(sample).blocks:
            texts += [block.text[a:b] for a, b in split_sentences(block.text, "en", block.kind)]
    return texts


@pytest.mark.parametrize("lang", ["en", "sv", "de", "nb", "fi", "fr"])
def test_skipping_rules_by_their_characters_never_changes_what_is_said(
    lang: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    texts = _sentences()
    filtered = [normalize(t, lang) for t in texts]
    # Every rule wanted, every gate open and no scout sent ahead, as if there were no
    # pre-filter.
    monkeypatch.setattr(triggers.RuleIndex, "wanted", lambda self, chars: self.every)
    monkeypatch.setattr(Gated, "finditer", lambda self, text: self.inner.finditer(text))
    monkeypatch.setattr(triggers, "scout_for", lambda pattern: None)
    monkeypatch.setattr(lexicon, "scout_of", lambda pattern: None)
    monkeypatch.setattr(triggers, "_INDEXES", {})
    unfiltered = [normalize(t, lang) for t in texts]
    assert len(texts) > 100
    assert filtered == unfiltered


def test_a_trigger_holds_a_character_of_every_match() -> None:
    patterns = [r"\d{4}", r"(?i:approx\.)|Prof\.", r"\s*&\s*", r"[A-ZÅÄÖ]{2,}", r"e-?mail"]
    texts = ["In 1999.", "approx. five", "APPROX. five", "Prof. X", "a&b", "the EU", "E-mail"]
    for source in patterns:
        pattern = re.compile(source, re.IGNORECASE if source == "e-?mail" else 0)
        trigger = trigger_of(pattern)
        assert trigger is not None
        for text in texts:
            if pattern.search(text):
                assert not trigger.isdisjoint(characters(text)), (source, text)


def test_what_a_lookaround_or_a_run_of_pictographs_needs_is_a_trigger() -> None:
    patterns = [r"(?<=\d )(Jan|Feb)\b", r"\b(Mon)\.?(?= \d)", r"(?=[IVX]{2,}\b)[IVX]+",
                r"\s*([\u2600-\u27bf\U0001f000-\U0001faff])"]  # fmt: skip
    texts = ["on 5 Jan", "Jan 5", "Mon 5", "Mon, Tue", "Karl XII", "Karl", "go ➡️", "ok 😀", "ok ⁉"]
    for source in patterns:
        pattern = re.compile(source)
        trigger = trigger_of(pattern)
        assert trigger is not None
        for text in texts:
            if pattern.search(text):
                assert not trigger.isdisjoint(characters(text)), (source, text)
    # A plain text without a digit, a capital I, V or X, or a pictograph needs none of them.
    for source in patterns:
        assert trigger_of(re.compile(source)).isdisjoint(characters("plain words, é and ’"))


def test_a_pattern_that_can_match_anything_always_runs() -> None:
    assert trigger_of(re.compile(r"\s{2,}")) is None
    assert trigger_of(re.compile(r"x?")) is None
    assert trigger_of(re.compile(r"[^a]")) is None


def test_a_scout_finds_something_in_every_text_its_pattern_matches() -> None:
    patterns = [r"(?<![\d.,/-])(\d{4})[–-](\d{2})(?![\d.,/-])", r"\bSt\.(?!\w)",
                r"\b(Mon|Tue)\.?(?= \d)", r"(?<=[^\W\d_])/(?=[^\W\d_])",
                r"\b(\d+)(?:st|nd)\b"]  # fmt: skip
    texts = ["season 2011-12", "x2011-12", "St. Paul", "Main St.", "Mon 5", "Mon.", "and/or",
             "1/2", "the 1st and 22nd", "1stly"]  # fmt: skip
    for source in patterns:
        pattern = re.compile(source)
        scout = scout_of(pattern)
        assert scout is not None, source
        for text in texts:
            if pattern.search(text):
                assert scout.search(text), (source, text)
    assert scout_of(re.compile(r"(?<![\d.,/-])(\d{4})")).search("x2011")  # finds more
    # A pattern that starts with a class already lets the engine skip ahead.
    assert scout_of(re.compile(r"[A-Z][a-z]+")) is None
    assert scout_of(re.compile(r"(a)\1")) is None  # a back-reference is not scouted
