"""HTML5's empty elements stay empty, as in browsers: nothing after them becomes their content."""

from __future__ import annotations

from reader.extract.blocks import extract_blocks
from reader.model import Document


def test_the_image_after_a_source_in_a_picture_is_read_as_a_browser_shows_it() -> None:
    html = (
        "<main><p>The new library opened in March, with room for twice as many books.</p>"
        '<picture><source srcset="hall.webp" type="image/webp"><source srcset="hall.png">'
        '<img alt="The reading hall of the new library, seen from the gallery"></picture>'
        "<p>Opening<wbr>hours are on the next page.</p>"
        '<video><track kind="captions" src="c.vtt"><p>Your browser cannot play it.</p></video>'
        "</main>"
    )
    texts = [block.text for block in extract_blocks(Document(html=html)).blocks]
    assert texts == [
        "The new library opened in March, with room for twice as many books.",
        "The reading hall of the new library, seen from the gallery",
        "Openinghours are on the next page.",
    ]
