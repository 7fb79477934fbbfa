"""Names of places and people do not decide the language a block is read in."""

from __future__ import annotations

import pytest

from reader.language.assign import assign_languages
from reader.language.detect import guess_language
from reader.model import Block, Page
from reader.options import ReadOptions

SITE = ReadOptions()  # sv, en, nb, fi, de, ar, so


def read_on_page(text: str, page_lang: str) -> Block:
    block = Block(index=0, kind="heading", text=text, locator="h2")
    page = Page(url="", title="", lang=page_lang, declared_lang=page_lang, blocks=(block,))
    return assign_languages(page, SITE).blocks[0]


@pytest.mark.parametrize(
    ("text", "page_lang", "expected"),
    [
        # Swedish places in English and German sentences and headings.
        ("Living in Östersund", "en", "en"),
        ("Visit the Jamtli museum in Östersund", "en", "en"),
        ("Moving to Östersund or Frösön", "en", "en"),
        ("The ski stadium in Åre opens in December", "en", "en"),
        ("Welcome to Jämtland Härjedalen", "en", "en"),
        ("Our office in Sundsvall is closed on Friday", "en", "en"),
        ("Trains from Trondheim to Storlien", "en", "en"),
        ("Anna Lindqvist, head of the culture department", "en", "en"),
        ("Tana Liu", "en", "en"),
        ("in Östersund", "en", "en"),
        ("Offices in Stockholm and Oslo", "en", "en"),
        ("Leben in Östersund", "de", "de"),
        ("Das Museum Jamtli in Östersund ist heute geöffnet", "de", "de"),
        ("Mit dem Zug von Stockholm nach Åre", "de", "de"),
        # ... and on a Swedish page a block of names follows the page.
        ("Sundsvall och Härnösand", "sv", "sv"),
        ("Jane Smith", "sv", "sv"),
    ],
)
def test_names_leave_the_block_in_the_language_of_its_words(
    text: str, page_lang: str, expected: str
) -> None:
    assert read_on_page(text, page_lang).lang == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Kontakta oss", "sv"),
        ("Lediga jobb", "sv"),
        ("Bygga och bo", "sv"),
        ("Öppettider", "sv"),
        ("Förskola och skola", "sv"),
        ("Barnehage og skole", "nb"),
        ("Ledige stillinger", "nb"),
        ("Søk om barnehageplass", "nb"),
        ("Aukioloajat", "fi"),
        ("Ota yhteyttä", "fi"),
        ("Varhaiskasvatus ja koulutus", "fi"),
    ],
)
def test_short_nordic_headings_on_an_english_page(text: str, expected: str) -> None:
    assert read_on_page(text, "en").lang == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("planering", "sv"),
        ("kommunstyrelsen", "sv"),
        ("behövs", "sv"),
        ("barnehageplass", "nb"),
        ("kommunestyret", "nb"),
        ("ikkje", "nb"),
        ("neighbourhood", "en"),
        ("Bürgeramt", "de"),
        ("Öffnungszeiten", "de"),
        ("kunnanvaltuusto", "fi"),
        ("waxbarashada", "so"),
    ],
)
def test_single_words_by_the_words_each_language_uses(text: str, expected: str) -> None:
    guess = guess_language(text, ("sv", "en", "nb", "fi", "de", "ar", "so"))
    assert guess is not None and guess.lang == expected


LONG_SV = (
    "Kommunen ansvarar för snöröjning och halkbekämpning på gator och cykelvägar i "
    "Östersund, och arbetet börjar när det har fallit fem centimeter snö."
)
LONG_EN = (
    "The municipality of Östersund clears snow from streets and cycle paths, and the "
    "work starts when five centimetres of snow have fallen in Jämtland."
)


@pytest.mark.parametrize(
    ("page_lang", "text", "expected"),
    [("en", LONG_SV, "sv"), ("sv", LONG_EN, "en"), ("de", LONG_SV, "sv")],
)
def test_a_long_block_with_names_still_overrides_the_page(
    page_lang: str, text: str, expected: str
) -> None:
    assert read_on_page(text, page_lang).lang == expected
