"""Sections about other pages and calls to action are left out by their heading."""

from __future__ import annotations

import pytest

from reader.extract.blocks import extract_blocks
from reader.model import Document

PROSE = (
    "The swimming hall is open every day from six in the morning, and the sauna is open "
    "in the evenings on weekdays, with separate times for women and men."
)
TEASER = "A short summary of another story from the same site, told in one sentence."


def read_html(html: str) -> list[str]:
    return [block.text for block in extract_blocks(Document(html=html)).blocks]


@pytest.mark.parametrize(
    "heading",
    [
        "Related articles", "You may also like", "Read more", "Let's talk!",
        "Subscribe to our newsletter", "Läs också", "Relaterade nyheter", "Lue myös",
        "Das könnte Sie auch interessieren", "À lire aussi", "Artículos relacionados",
    ],
)  # fmt: skip
def test_a_section_headed_as_boilerplate_is_left_out(heading: str) -> None:
    texts = read_html(
        f"<main><h1>Swimming hall</h1><p>{PROSE}</p><p>{PROSE.upper()}</p>"
        f'<section class="block"><div><h2>{heading}</h2></div>'
        f'<div class="card"><h3>Another story</h3><p>{TEASER}</p></div></section></main>'
    )
    assert texts == ["Swimming hall", PROSE, PROSE.upper()]


def test_a_heading_among_paragraphs_leaves_out_its_section_up_to_the_next_heading() -> None:
    texts = read_html(
        f"<main><h1>Swimming hall</h1><p>{PROSE}</p><p>{PROSE.upper()}</p>"
        f"<h2>Related articles</h2><p>{TEASER}</p><ul><li>{TEASER}</li></ul>"
        "<h2>Prices</h2><p>Adults pay 60 kronor, children 30.</p></main>"
    )
    assert texts == [
        "Swimming hall",
        PROSE,
        PROSE.upper(),
        "Prices",
        "Adults pay 60 kronor, children 30.",
    ]


def test_a_section_that_is_most_of_the_page_is_read_whatever_its_heading() -> None:
    news = "".join(f"<article><h3>News {i}</h3><p>{i}: {TEASER}</p></article>" for i in range(4))
    texts = read_html(f"<main><section><h2>Latest news</h2>{news}</section></main>")
    assert texts[0] == "Latest news" and len(texts) == 9


def test_a_heading_that_only_starts_like_boilerplate_is_content() -> None:
    texts = read_html(
        f"<main><h1>Swimming hall</h1><p>{PROSE}</p><p>{PROSE.upper()}</p>"
        f"<section><h2>Related costs of a season ticket</h2><p>{TEASER}</p></section></main>"
    )
    assert texts[-2:] == ["Related costs of a season ticket", TEASER]
