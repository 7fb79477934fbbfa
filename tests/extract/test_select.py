"""The selector a site owner puts on the Listen button's script tag finds what a browser finds."""

from __future__ import annotations

import pytest
from lxml import etree

from reader.extract.blocks import extract_blocks
from reader.extract.select import select_first
from reader.model import Document

PAGE = """<html><body>
<header id="top"><p class="lead">Site name</p></header>
<main class="site-main"><article class="teaser"><p>Teaser</p></article>
<div class="text body-text" data-part="story"><p class="lead">Story</p></div></main>
<aside><div class="text"><p>Aside</p></div></aside>
</body></html>"""


def found(selectors: str) -> str | None:
    root = etree.fromstring(PAGE, etree.HTMLParser())
    el = select_first(root, selectors)
    return None if el is None else "".join(el.itertext()).strip()


@pytest.mark.parametrize(
    ("selectors", "text"),
    [
        ("main", "Teaser\nStory"),
        ("#top", "Site name"),
        (".text", "Story"),
        ("main .text", "Story"),
        ("aside > .text", "Aside"),
        ("main > p", None),
        ("div.text.body-text", "Story"),
        ('[data-part="story"]', "Story"),
        ("[data-part^=sto]", "Story"),
        ("p.lead", "Site name"),
        ("main p.lead", "Story"),
        # Parts are tried in order; the first that matches anything wins, as in the widget.
        ("#missing, aside .text, main", "Aside"),
        ("nav, article", "Teaser"),
        # Syntax the matcher lacks names no area rather than a wrong one.
        ("main :first-child", None),
        ("h1 + p", None),
    ],
)
def test_selectors_find_what_query_selector_finds(selectors: str, text: str | None) -> None:
    assert found(selectors) == text


def test_the_area_named_on_the_script_tag_is_read_and_only_it() -> None:
    page = extract_blocks(
        Document(
            html="<html><body><main><p>Opening hours of the town hall are nine to five on "
            "weekdays, and ten to two on Saturdays.</p></main><div id='notice'><p>Apply"
            "</p></div><script src='/widget.js' data-reader-area='#missing, #notice'>"
            "</script></body></html>"
        )
    )
    assert [block.text for block in page.blocks] == ["Apply"]
