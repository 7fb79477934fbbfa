"""The bundled sample pages hold what samples/README.md promises."""

from __future__ import annotations

import re
from pathlib import Path

from bs4 import BeautifulSoup, Tag
from support import OSTERSUND, SAMPLES

from reader.load.source import load
from reader.options import ReadOptions

SEED = SAMPLES / "ostersund-international-cooperation.txt"
# Skip markup that author-area-skip.html must hold inside its reading area.
SKIP_SELECTORS = (
    ".rs_skip",
    ".no-read-aloud",
    ".skip-speech",
    "[data-reader-skip]",
    "[hidden]",
    '[aria-hidden="true"]',
    "[inert]",
    '[style*="display: none"]',
    "script",
    "style",
    "form",
    "svg title",
    "noscript",
    "template",
)


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(load(path, ReadOptions()).html, "lxml")


def lines(text: str) -> list[str]:
    # Only ASCII whitespace is folded: the seed's no-break space must survive.
    return [re.sub(r"[ \t\r\n]+", " ", t).strip() for t in text.splitlines() if t.strip()]


def test_readme_describes_every_sample_and_no_other() -> None:
    readme = (SAMPLES / "README.md").read_text(encoding="utf-8")
    described = set(re.findall(r"^\| `([^`]+\.html)` \|", readme, re.M))
    assert described == {p.name for p in SAMPLES.glob("*.html")}
    assert len(described) >= 7


def test_ostersund_article_is_the_seed_text_inside_content() -> None:
    page = soup(OSTERSUND)
    content = page.find(id="content")
    assert isinstance(content, Tag)
    blocks = [
        re.sub(r"[ \t\r\n]+", " ", el.get_text()).strip()
        for el in content.find_all(["h1", "h2", "p", "li"])
    ]
    seed = [line.lstrip("• ") for line in lines(SEED.read_text(encoding="utf-8"))]
    start = seed.index("International cooperation")
    assert blocks == seed[start : start + 18]
    assert blocks[-1].startswith("The aim of twin town co-operation")
    assert "Municipality´s" in blocks[1] and 'Brussels — known as the\xa0"Mid' in blocks[8]


def test_ostersund_chrome_is_outside_the_reading_area() -> None:
    page = soup(OSTERSUND)
    assert page.html is not None and page.html.get("lang") == "en"
    assert page.title is not None
    assert page.title.get_text() == "International cooperation - Östersunds kommun"
    button = page.find(id="readspeaker_button1")
    assert isinstance(button, Tag) and button.find_parent(id="content") is None
    assert "readid=content" in button.a["href"]
    heading = page.find("h2", string="Sundsvall, Östersund och Trondheim")
    assert isinstance(heading, Tag)
    assert all(not p.has_attr("lang") for p in heading.parents if p.name != "html")
    assert 25 <= len(page.select('nav[aria-label="Huvudmeny"] a')) <= 40
    for text in ("Du är här:", "Godkänn alla kakor", "831 82 Östersund", "063 14 30 00"):
        assert text in page.get_text() and text not in content_text(page)
    assert page.find("img", alt="Östersunds kommunvapen") is not None


def content_text(page: BeautifulSoup) -> str:
    content = page.find(id="content")
    assert isinstance(content, Tag)
    return content.get_text()


def test_latin1_sample_is_latin1_bytes_that_load_as_swedish() -> None:
    path = SAMPLES / "sv-latin1-bygglov.html"
    data = path.read_bytes()
    assert b"\xd6stersund" in data and "Östersund".encode() not in data
    html = load(path, ReadOptions()).html
    assert "Östersunds kommun" in html and "Ã" not in html


def test_scoring_sample_has_no_author_markup() -> None:
    page = soup(SAMPLES / "no-main-scoring.html")
    markers = "main, article, [role=main], [data-reader-area], .rsbtn, [id=content]"
    assert page.select(markers) == []
    assert len(page.select(".nav-menu a")) >= 10


def test_author_area_sample_holds_every_kind_of_skip_markup() -> None:
    area = soup(SAMPLES / "author-area-skip.html").select_one("[data-reader-area]")
    assert area is not None
    for selector in SKIP_SELECTORS:
        assert area.select(selector), selector
    for name in ("table", "blockquote", "figcaption", "dl", "br"):
        assert area.find(name) is not None, name
    assert area.find("img", alt="") is not None


def test_nothing_readable_sample_has_only_chrome() -> None:
    page = soup(SAMPLES / "nothing-readable.html")
    assert page.select("main, article, h1, h2, [data-reader-area]") == []
    paragraphs = [p.find_parent(class_="cookie-banner") for p in page.find_all("p")]
    assert paragraphs and all(paragraphs)
