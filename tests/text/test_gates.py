from __future__ import annotations

import pytest

from reader.text.gates import Gated
from reader.text.normalize import language_for, normalize
from reader.text.normalize.common import URL, abbreviation_pattern

# Texts with and without web addresses and abbreviations, in several cases and spellings.
TEXTS = [
    "Read more at https://example.org/news/2024 today.",
    "Visit WWW.Example.com, or kommun.SE.",
    "Mail kommun@ostersund.se or see ostersund.se/bygglov.",
    "The file is report.pdf and the site is example.info/x",
    "Not an address: e.g. the end. Nor is information.systems or node.js.",
    "Mr. Smith, Dr. Jones and Prof. Lee met on Sept. 3 approx. at noon, i.e. late.",
    "E.G. in capitals, U.S. and the U.K., etc. and vs. but not Mrs Brown.",
    "Zum Beispiel z.B. und u.a. sowie bzw. Nr. 5 und ca. 10 usw.",
    "Till exempel t ex bl a c:a 20 kr, nr 4, jfr tfn 063-14 30 00 pga vädret.",
    "Plain words without any of them",
]


@pytest.mark.parametrize("lang", ["en", "sv", "de", "nb", "fi"])
def test_a_gate_is_open_for_every_text_its_pattern_matches(lang: str) -> None:
    abbreviations = abbreviation_pattern(language_for(lang))
    gated = [rule for rule in _rules(lang) if isinstance(rule, Gated)]
    assert {g.inner.pattern for g in gated} == {URL.pattern, abbreviations.pattern}
    for gate in gated:
        for text in TEXTS:
            found = [m.span() for m in gate.inner.finditer(text)]
            assert [m.span() for m in gate.finditer(text)] == found, (gate.pattern[:40], text)


def test_a_shut_gate_skips_the_scan() -> None:
    gated = [rule for rule in _rules("en") if isinstance(rule, Gated)]
    assert gated and all(not gate.gate("Plain words without any of them") for gate in gated)
    assert all(gate.gate(TEXTS[0]) or gate.inner is not URL for gate in gated)


@pytest.mark.parametrize(
    ("text", "lang", "said"),
    [
        ("See www.zeit.de/politik/2021/05 today", "en", "See zeit dot de today"),
        ("Dr. Jones, e.g. today", "en", "Doctor Jones, for example today"),
        ("Det kostar c:a 20 kr", "sv", "Det kostar cirka 20 kronor"),
    ],
)
def test_gated_rules_still_read_what_they_find(text: str, lang: str, said: str) -> None:
    assert normalize(text, lang).text == said


def _rules(lang: str) -> list[object]:
    from reader.text.normalize import _rules

    return [pattern for pattern, _repl in _rules(lang)]
