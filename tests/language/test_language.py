"""Every block gets the language a listener expects to hear it in."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from support import OSTERSUND, ROOT, SAMPLES

from reader.language.assign import assign_languages
from reader.model import LANG_SOURCES, Block, Page
from reader.options import ReadOptions
from reader.pipeline import read_page

SITE = ReadOptions()  # sv, en, nb, fi, de, ar, so

LONG_EN = (
    "Household waste is sorted into food waste and residual waste, and the bins are "
    "emptied every second week by the municipality's own collection service."
)
LONG_SV = (
    "Kommunen ansvarar för snöröjning och halkbekämpning på gator och cykelvägar, och "
    "arbetet börjar när det har fallit fem centimeter snö."
)


def page_of(*texts: str, lang: str = "", declared: tuple[str, ...] = ()) -> Page:
    blocks = tuple(
        Block(
            index=i,
            kind="paragraph",
            text=text,
            locator=f"p:nth-of-type({i + 1})",
            declared_lang=declared[i] if i < len(declared) else "",
        )
        for i, text in enumerate(texts)
    )
    return Page(url="", title="", lang=lang, declared_lang=lang, blocks=blocks)


def langs(page: Page) -> list[str]:
    return [b.lang for b in page.blocks]


def test_lang_attribute_wins_over_the_text() -> None:
    page = assign_languages(page_of(LONG_EN, "Kontakt", lang="sv", declared=("nb", "en-GB")), SITE)
    first, second = page.blocks
    assert (first.lang, first.lang_source, first.confidence) == ("nb", "attribute", 1.0)
    assert (second.lang, second.lang_source) == ("en-gb", "attribute")


@pytest.mark.parametrize(
    "text",
    ["063-14 30 00", "2024-05-01", "831 82", "10–19", "+46 (0)63", "kommun@ostersund.se",
     "www.ostersund.se", "https://www.ostersund.se/english"],
)  # fmt: skip
def test_blocks_without_letters_take_the_page_language(text: str) -> None:
    block = assign_languages(page_of(text, lang="sv-SE"), SITE).blocks[0]
    assert (block.lang, block.lang_source) == ("sv-se", "page")


def test_without_any_page_language_the_default_is_used() -> None:
    page = assign_languages(page_of("063-14 30 00"), ReadOptions(default_lang="fi"))
    assert (page.lang, page.blocks[0].lang, page.blocks[0].lang_source) == ("fi", "fi", "default")
    assert page.blocks[0].confidence == 0.0


@pytest.mark.parametrize(
    ("text", "page_lang"),
    [
        ("Du är här:", "sv"),
        ("Du är här:", "en"),
        ("Lyssna", "en"),
        ("Lyssna", "sv"),
        ("Sundsvall, Östersund och Trondheim", "en"),
        ("Telefon: 063-14 30 00", "sv"),
        ("Bygglov", "sv"),
        ("Senast uppdaterad", "en"),
    ],
)
def test_short_swedish_blocks_are_swedish(text: str, page_lang: str) -> None:
    block = assign_languages(page_of(text, lang=page_lang), SITE).blocks[0]
    assert block.lang == "sv"
    assert block.lang_source in {"detected", "page"}


def test_english_page_marked_swedish_is_read_in_english() -> None:
    page = assign_languages(
        page_of(LONG_EN, "Gastronomy", LONG_EN, "063-14 30 00", lang="sv"), SITE
    )
    assert page.lang == "en"
    assert page.declared_lang == "sv"
    assert langs(page) == ["en", "en", "en", "en"]
    assert page.blocks[0].lang_source == "detected"
    assert page.blocks[3].lang_source == "page"


def test_a_short_block_alone_does_not_overrule_the_page() -> None:
    page = assign_languages(page_of(LONG_SV, "Read more", "063-14 30 00", lang="sv"), SITE)
    assert page.lang == "sv"
    assert langs(page) == ["sv", "en", "sv"]


def test_page_without_language_takes_the_one_its_text_is_in() -> None:
    page = assign_languages(page_of(LONG_SV, "Kontakt", "063-14 30 00"), SITE)
    assert page.lang == "sv"
    assert langs(page) == ["sv", "sv", "sv"]
    assert page.blocks[2].lang_source == "page"


def test_page_of_short_blocks_without_language_takes_theirs() -> None:
    page = assign_languages(page_of("Kontakta oss", "Öppettider", "063-14 30 00"), SITE)
    assert page.lang == "sv"
    assert langs(page) == ["sv", "sv", "sv"]


def test_norwegian_and_finnish_paragraphs_on_an_english_page() -> None:
    page = assign_languages(
        page_of(
            LONG_EN,
            "Målet er at det skal være enkelt å bo på den ene siden av grensen.",
            "Voit saada tietoa kunnan palveluista suomeksi.",
            lang="en",
        ),
        SITE,
    )
    assert langs(page) == ["en", "nb", "fi"]
    assert [b.lang_source for b in page.blocks] == ["detected"] * 3


def test_nynorsk_keeps_the_configured_tag() -> None:
    options = ReadOptions(languages=("nb", "nn", "sv", "en"))
    page = assign_languages(
        page_of(
            "Eg veit ikkje kva du meiner, men vi kan snakke om det i morgon.",
            "Jeg vet ikke hva du mener, men vi kan snakke om det i morgen.",
            lang="en",
        ),
        options,
    )
    assert langs(page) == ["nn", "nb"]


def test_only_the_site_languages_and_the_page_language_are_candidates() -> None:
    german = "Die Stadtverwaltung ist am Montag wegen einer Schulung geschlossen."
    restricted = ReadOptions(languages=("sv", "en"))
    for page_lang in ("sv", "en", ""):
        block = assign_languages(page_of(german, lang=page_lang), restricted).blocks[0]
        assert block.lang in {"sv", "en"}
    on_german_page = assign_languages(page_of(german, lang="de"), restricted).blocks[0]
    assert on_german_page.lang == "de"


def test_script_decides_arabic_and_a_script_the_site_lacks_is_not_misread() -> None:
    page = assign_languages(
        page_of("مرحبا بكم في البلدية", "Добро пожаловать в наш город", lang="sv"),
        ReadOptions(languages=("sv", "en", "ar")),
    )
    assert page.blocks[0].lang == "ar"
    assert page.blocks[1].lang not in {"sv", "en", "ar"}


def test_a_site_language_without_a_model_is_still_recognised() -> None:
    page = assign_languages(
        page_of(
            "Davvisámegiella lea stuorimus sámegiella, ja dan hállet Norggas, Ruoŧas ja Suomas.",
            "The municipality is responsible for clearing snow from the streets.",
            "Kommunen ansvarar för snöröjning på gatorna.",
            "063-14 30 00",
            lang="se",
        ),
        ReadOptions(languages=("sv", "en", "se")),
    )
    assert page.lang == "se"
    assert langs(page) == ["se", "en", "sv", "se"]


def test_the_page_language_override_is_kept() -> None:
    page = assign_languages(page_of(LONG_SV, "063-14 30 00", lang="sv"), ReadOptions(lang="en"))
    assert page.lang == "en"
    assert page.blocks[0].lang == "sv"
    assert (page.blocks[1].lang, page.blocks[1].lang_source) == ("en", "page")


DETERMINISM_SCRIPT = """
import json, sys
from reader.language.assign import assign_languages
from reader.model import Block, Page
from reader.options import ReadOptions
texts = json.loads(sys.argv[1])
blocks = tuple(Block(index=i, kind="paragraph", text=t, locator="") for i, t in enumerate(texts))
page = assign_languages(Page(url="", title="", lang="sv", blocks=blocks), ReadOptions())
print(json.dumps([(b.lang, b.lang_source, b.confidence) for b in page.blocks]))
"""


def test_same_answers_in_every_process() -> None:
    texts = ["Lyssna", "Kontakt", "Dag", "Gastronomy", "Om kommunen", "Skriv ut", "Meny",
             "Trondheim kommune", "Pris inkl. moms", "Alfa", LONG_EN, LONG_SV]  # fmt: skip
    outputs = set()
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        result = subprocess.run(
            [sys.executable, "-c", DETERMINISM_SCRIPT, json.dumps(texts)],
            capture_output=True, text=True, cwd=ROOT, env=env, check=True,
        )  # fmt: skip
        outputs.add(result.stdout)
    assert len(outputs) == 1
    assert len(json.loads(outputs.pop())) == len(texts)


def test_ostersund_sample_is_english_except_the_swedish_heading() -> None:
    page = read_page(OSTERSUND)
    assert page.lang == "en"
    by_text = {b.text: b for b in page.blocks}
    assert by_text["Sundsvall, Östersund och Trondheim"].lang == "sv"
    others = [b for b in page.blocks if b.text != "Sundsvall, Östersund och Trondheim"]
    assert others and {b.lang for b in others} == {"en"}


def test_english_sample_marked_swedish_comes_out_english() -> None:
    page = read_page(SAMPLES / "en-marked-sv.html")
    assert (page.lang, page.declared_lang) == ("en", "sv")
    assert {b.lang for b in page.blocks} == {"en"}


def test_norwegian_sample_paragraphs() -> None:
    page = read_page(SAMPLES / "inline-lang-norwegian.html")
    by_start = {b.text[:20]: b for b in page.blocks}
    declared = by_start["Trondheim kommune og"]
    detected = by_start["Målet er at det skal"]
    assert (declared.lang, declared.lang_source) == ("nb", "attribute")
    assert (detected.lang, detected.lang_source) == ("nb", "detected")
    assert page.lang == "en"


def test_phone_numbers_in_a_finnish_table_are_finnish() -> None:
    page = read_page(SAMPLES / "fi-table-and-list.html")
    phones = [b for b in page.blocks if b.text == "063-14 30 00"]
    assert phones and all((b.lang, b.lang_source) == ("fi", "page") for b in phones)
    assert {b.lang for b in page.blocks} == {"fi"}


def test_every_sample_block_has_a_language_source_and_confidence() -> None:
    for path in sorted(SAMPLES.glob("*.html")):
        if path.name == "nothing-readable.html":
            continue
        for block in read_page(path).blocks:
            assert block.lang, (path.name, block.text)
            assert block.lang_source in LANG_SOURCES
            assert 0.0 <= block.confidence <= 1.0
