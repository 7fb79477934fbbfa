"""No word is lost inside a block: boilerplate is judged for blocks, never for inline text."""

from __future__ import annotations

import re
from collections import Counter

import pytest
from bs4 import BeautifulSoup
from support import SAMPLES

from reader.extract.blocks import extract_blocks
from reader.load.source import load
from reader.model import Document, Page
from reader.options import ReadOptions

MENU = (
    '<div class="site-menu"><a href="/">Start</a> <a href="/a">Aktuelles</a> '
    '<a href="/k">Kontakt</a></div>'
)
FILLER = "Die Stadt plant den Ausbau der Radwege in allen Stadtteilen bis zum Jahr 2030. " * 3


def texts(html: str) -> list[str]:
    return [block.text for block in extract_blocks(Document(html=html)).blocks]


def page(body: str) -> str:
    # No main/article: content scoring finds the text, and furniture rules apply.
    return f"<html><body>{MENU}<div class='story'><h1>Verkehr</h1>{body}</div></body></html>"


@pytest.mark.parametrize(
    "inline",
    [
        '<span><a href="/m">Madrid</a></span>',
        '<span class="share"><a href="/m">Madrid</a></span>',
        '<span class="related-link"><a href="/m">Madrid</a></span>',
        '<em><span><a href="/m">Madrid</a></span></em>',
        '<a href="/m"><span class="nav">Madrid</span></a>',
    ],
)
def test_a_link_in_a_span_inside_a_sentence_is_read(inline: str) -> None:
    html = page(f"<p>{FILLER}</p><p>Der Zug fährt zwischen {inline} und Köln.</p>")
    assert "Der Zug fährt zwischen Madrid und Köln." in texts(html)


def test_a_run_made_only_of_inline_furniture_is_left_out() -> None:
    html = page(
        f"<p>{FILLER}</p>"
        '<span class="share"><a href="/f">Facebook</a> <a href="/t">Twitter</a></span>'
        '<p>Letzter Absatz des Artikels.</p><span><a href="/x">Startseite</a> '
        '<a href="/y">Impressum</a> <a href="/z">Datenschutz</a></span>'
    )
    assert texts(html) == ["Verkehr", FILLER.strip(), "Letzter Absatz des Artikels."]


def test_inline_navigation_in_an_authored_area_is_read_inside_a_sentence() -> None:
    html = (
        "<div data-reader-area><p>Lesen Sie auch "
        '<span class="breadcrumb"><a href="/b">Bauen und Wohnen</a></span> zum Thema.</p>'
        '<p><span class="share"><a href="/f">Teilen</a></span></p><p>Ende.</p></div>'
    )
    assert texts(html) == ["Lesen Sie auch Bauen und Wohnen zum Thema.", "Ende."]


def test_inline_languages_are_kept_around_a_held_span() -> None:
    html = page(
        f"<p>{FILLER}</p><p>Das Fest heißt <span class='tags'><a href='/s' lang='sv'>"
        "Storsjöyran</a></span> auf Schwedisch.</p>"
    )
    blocks = extract_blocks(Document(html=html)).blocks
    block = next(b for b in blocks if "Storsjöyran" in b.text)
    assert block.text == "Das Fest heißt Storsjöyran auf Schwedisch."
    assert [(block.text[s.start : s.end], s.lang) for s in block.spans] == [("Storsjöyran", "sv")]


def words(text: str) -> Counter[str]:
    return Counter(re.findall(r"\w+", text))


def read(path_name: str) -> tuple[Page, BeautifulSoup]:
    path = SAMPLES / path_name
    soup = BeautifulSoup(path.read_bytes(), "lxml")
    return extract_blocks(load(path, ReadOptions())), soup


@pytest.mark.parametrize("name", ["de-news-article.html", "no-main-scoring.html"])
def test_every_word_of_a_kept_paragraph_is_read(name: str) -> None:
    result, soup = read(name)
    paragraphs = [b for b in result.blocks if b.kind == "paragraph"]
    assert paragraphs
    for block in paragraphs:
        element = soup.select_one(block.locator)
        assert element is not None, block.locator
        assert words(block.text) == words(element.get_text()), block.text
