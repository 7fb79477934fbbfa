"""Normalisation rules drawn from real pages (news, ministries, municipalities, Wikipedia),
one table per language: what a listener hears for what is written."""

from __future__ import annotations

from pathlib import Path

import pytest

from reader.text.normalize import normalize
from reader.text.sentences import split_sentences


def said(text: str, lang: str) -> str:
    return normalize(text, lang).text


GERMAN = [
    # Ordinals agree with case: a date alone is "erster", after a preposition "ersten".
    ("Berlin, 1. Februar 2022", "Berlin, erster Februar 2022"),
    ("bis einschließlich 9. November", "bis einschließlich neunten November"),
    ("am 3. Oktober", "am dritten Oktober"),
    ("Der 2. Weltkrieg", "Der zweite Weltkrieg"),
    ("den 2. Weltkrieg", "den zweiten Weltkrieg"),
    ("Wien, 10. Jänner 2022", "Wien, zehnter Jänner 2022"),
    ("Mo.–Fr. 8.30 Uhr", "Montag bis Freitag 8 Uhr 30"),
    ("Fr. Müller", "Frau Müller"),
    # Numeric dates are dates.
    ("Stand: 10.11.2021", "Stand: zehnter November 2021"),
    ("am 10.11.2021 beschlossen", "am zehnten November 2021 beschlossen"),
    ("vom 01.02.2022", "vom ersten Februar 2022"),
    ("Version 1.2.3", "Version 1.2.3"),
    # Paragraphs of law.
    ("§§ 305 ff. BGB", "Paragrafen 305 und folgende B G B"),
    ("§ 5 f. BGB", "Paragraf 5 und folgender B G B"),
    ("Art. 3 Abs. 1 GG", "Artikel 3 Absatz 1 G G"),
    ("i.V.m. § 2", "in Verbindung mit Paragraf 2"),
    # Regnal numbers and numbered books of law.
    ("Ludwig XIV. und Karl V", "Ludwig der vierzehnte und Karl V"),
    ("SGB II und SGB XII", "S G B 2 und S G B 12"),
    ("Teil III", "Teil 3"),
    # Web addresses: the site; e-mail addresses whole.
    (
        "https://www.bmjv.de/SharedDocs/Pressemitteilungen/DE/2022/0201.html",
        "bmjv Punkt de",
    ),  # fmt: skip
    ("poststelle@bmj.bund.de", "poststelle ät bmj Punkt bund Punkt de"),
    # Pictographs: named once or skipped.
    ("⚠️⚠️ Hinweis", "Achtung, Hinweis"),
    ("Jetzt lesen 👉👉", "Jetzt lesen"),
]

ENGLISH = [
    ("the 2011-12 season", "the twenty eleven to twelve season"),
    ("in 2017-18", "in twenty seventeen to eighteen"),
    ("the 2009-10 budget", "the two thousand and nine to ten budget"),
    ("pages 2011-2012", "pages twenty eleven to twenty twelve"),
    ("1999-00", "nineteen ninety-nine to two thousand"),
    ("scores 2011-45", "scores twenty eleven-45"),  # not the next year: no range of years
    ("Tue 28 Apr", "Tuesday the twenty-eighth of April"),
    ("Published Mon, 3 Feb 2020", "Published Monday, the third of February twenty twenty"),
    ("Sep 5, 2021", "September fifth, twenty twenty-one"),
    ("Open Mon-Fri", "Open Monday to Friday"),
    ("he sat in the Sun", "he sat in the Sun"),
    ("World War II", "World War two"),
    ("Elizabeth II and Henry VIII", "Elizabeth the second and Henry the eighth"),
    ("Karl XII of Sweden", "Karl the twelfth of Sweden"),
    ("Part IV", "Part four"),
    ("https://github.com/espeak-ng/espeak-ng/issues/1234", "github dot com"),
    ("see www.thelocal.se/20220201/news.", "see thelocal dot se."),
    ("ostersund.se/bygglov", "ostersund dot se slash bygglov"),
    ("Email news@thelocal.se today", "Email news at thelocal dot se today"),
    ("Read more ➡️➡️", "Read more"),
    ("Call ☎️ 063-14 30 00", "Call phone, zero six three, one four, three zero, zero zero"),
    ("Great 👍🏽👍🏽 work 🇸🇪", "Great work"),
]

SWEDISH = [
    ("Karl XII", "Karl den tolfte"),
    ("Gustav II Adolf", "Gustav den andre Adolf"),
    ("Gustav I", "Gustav I"),  # one letter: may be a pronoun or a grade
    ("del III", "del tre"),
    ("den 10.11.2021", "den tionde november 2021"),
    ("Läs mer ➡️➡️ här", "Läs mer här"),
    ("📞 063-14 30 00", "telefon, noll sex tre, fjorton trettio noll noll"),
    ("Mejla ✉️ kommun@ostersund.se", "Mejla e-post, kommun snabel-a ostersund punkt se"),
    ("§§ 3–5", "paragraferna 3 till 5"),
    ("https://www.ostersund.se/uppleva-och-gora/kultur.html", "ostersund punkt se"),
]

OTHERS = [
    ("nb", "17.05.2022", "syttende mai 2022"),
    ("nb", "Haakon VII", "Haakon den sjuende"),
    ("nb", "del II", "del 2"),
    ("fi", "6.12.2017", "kuudes joulukuuta 2017"),
    ("fi", "Kustaa III", "Kustaa kolmas"),
    ("nb", "⚠️ Viktig", "advarsel, Viktig"),
    ("fi", "⚠️ Huom", "varoitus, Huom"),
]


@pytest.mark.parametrize(("text", "expected"), GERMAN)
def test_german(text: str, expected: str) -> None:
    assert said(text, "de") == expected


@pytest.mark.parametrize(("text", "expected"), ENGLISH)
def test_english(text: str, expected: str) -> None:
    assert said(text, "en") == expected


@pytest.mark.parametrize(("text", "expected"), SWEDISH)
def test_swedish(text: str, expected: str) -> None:
    assert said(text, "sv") == expected


@pytest.mark.parametrize(("lang", "text", "expected"), OTHERS)
def test_norwegian_and_finnish(lang: str, text: str, expected: str) -> None:
    assert said(text, lang) == expected


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Es gelten die §§ 305 ff. BGB für alle Verträge.", "de"),
        ("Die Frist endet am 10.11.2021 um Mitternacht.", "de"),
        ("Das Gesetz gilt ab 1. Februar 2022 für alle.", "de"),
        ("Ludwig XIV. war König von Frankreich.", "de"),
    ],
)
def test_one_sentence_is_not_cut_at_a_dot_that_belongs_to_it(text: str, lang: str) -> None:
    assert split_sentences(text, lang) == ((0, len(text)),)


def test_a_site_lexicon_still_has_the_last_word(tmp_path: Path) -> None:
    (tmp_path / "de.tsv").write_text("BGB\tBürgerliches Gesetzbuch\n", "utf-8")
    spoken = normalize("§§ 305 ff. BGB", "de", lexicon_dir=tmp_path).text
    assert spoken == "Paragrafen 305 und folgende Bürgerliches Gesetzbuch"
