"""What extraction reads from a page, in what order, and how each block leads back to it."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
from bs4 import BeautifulSoup, Tag
from support import OSTERSUND, SAMPLES

from reader.errors import NoContentError
from reader.extract.blocks import extract_blocks
from reader.extract.formulas import tex_text
from reader.load.source import load
from reader.model import Document, Page
from reader.options import ReadOptions

SEED = SAMPLES / "ostersund-international-cooperation.txt"
READABLE_SAMPLES = sorted(p for p in SAMPLES.glob("*.html") if p.name != "nothing-readable.html")


def read(path: Path) -> Page:
    return extract_blocks(load(path, ReadOptions()))


def read_html(html: str, **document: str) -> Page:
    return extract_blocks(Document(html=html, **document))


def texts(page: Page) -> list[str]:
    return [block.text for block in page.blocks]


def kinds(page: Page) -> list[tuple[str, str]]:
    return [(block.kind, block.text) for block in page.blocks]


def holds_words(element_text: str, block_text: str) -> bool:
    # The element's own text also holds what was skipped inside it (aria-hidden stars).
    words = Counter(re.findall(r"\w+", block_text))
    return not words - Counter(re.findall(r"\w+", element_text))


def page_text(page: Page) -> str:
    return "\n".join(texts(page))


def test_ostersund_reads_the_article_in_order_and_nothing_else() -> None:
    page = read(OSTERSUND)
    seed = [
        re.sub(r"[ \t]+", " ", line).strip().lstrip("• ")
        for line in SEED.read_text("utf-8").splitlines()
    ]
    seed = [line.replace("\u00a0", " ") for line in seed if line]
    start = seed.index("International cooperation")
    assert texts(page) == seed[start : start + 18]
    assert [(b.kind, b.level) for b in page.blocks[:5]] == [
        ("heading", 1), ("paragraph", 0), ("heading", 2), ("paragraph", 0), ("list_item", 0),
    ]  # fmt: skip
    assert sum(b.kind == "heading" for b in page.blocks) == 6
    assert sum(b.kind == "list_item" for b in page.blocks) == 6
    for unwanted in ("kommunvapen", "Du är här", "Lyssna", "kakor", "Senast", "Dela", "Sök"):
        assert unwanted not in page_text(page)
    assert "063" not in page_text(page) and "831 82" not in page_text(page)


def test_ostersund_page_metadata() -> None:
    page = read(OSTERSUND)
    assert page.title == "International cooperation - Östersunds kommun"
    assert page.lang == "en" and page.declared_lang == "en"
    # The <html lang> is the page's language, not a block's own declaration.
    assert all(block.declared_lang == "" for block in page.blocks)


def test_every_kind_of_skip_markup_is_left_out() -> None:
    page = read(SAMPLES / "author-area-skip.html")
    assert kinds(page) == [
        ("heading", "Stadsbiblioteket"),
        ("paragraph", "Välkommen till Stadsbiblioteket i Östersund. Här kan du låna böcker, "
         "tidningar, filmer och spel, studera i lugn och ro eller delta i våra evenemang."),
        ("image", "Bibliotekets entré med stora glasfönster mot Rådhusgatan"),
        ("paragraph", "Besökarna ger oss betyget fyra av fem i årets enkät."),
        ("heading", "Öppettider"),
        ("caption", "Öppettider vecka 12"),
        ("table_cell", "Dag"), ("table_cell", "Öppet"),
        ("table_cell", "Måndag till torsdag"), ("table_cell", "10–19"),
        ("table_cell", "Fredag"), ("table_cell", "10–18"),
        ("table_cell", "Lördag"), ("table_cell", "11–15"),
        ("heading", "Vad våra besökare säger"),
        ("quote", "Biblioteket är stadens vardagsrum, här träffas alla."),
        ("caption", "Barnavdelningen har fått nya sittplatser."),
        ("heading", "Bra att veta"),
        ("term", "Lånekort"),
        ("definition", "Lånekortet är gratis och du får det i informationsdisken."),
        ("term", "Omlån"),
        ("definition", "Du kan låna om dina böcker tre gånger via webben."),
        ("heading", "Adress"),
        ("paragraph", "Stadsbiblioteket"),
        ("paragraph", "Rådhusgatan 25"),
        ("paragraph", "831 80 Östersund"),
    ]  # fmt: skip


@pytest.mark.parametrize(
    "markup",
    [
        '<p class="rs_skip">Unwanted</p>',
        '<p class="no-read-aloud">Unwanted</p>',
        '<p class="skip-speech">Unwanted</p>',
        "<p data-reader-skip>Unwanted</p>",
        "<p hidden>Unwanted</p>",
        '<p aria-hidden="true">Unwanted</p>',
        "<div inert><p>Unwanted</p></div>",
        '<p style="color: red; display:none">Unwanted</p>',
        '<p style="visibility: hidden">Unwanted</p>',
        "<script>var Unwanted = 1;</script>",
        "<style>.Unwanted { color: red }</style>",
        "<noscript>Unwanted</noscript>",
        "<template><p>Unwanted</p></template>",
        "<svg><title>Unwanted</title></svg>",
        "<form><label>Unwanted</label><input value=Unwanted><button>Unwanted</button></form>",
        "<select><option>Unwanted</option></select><textarea>Unwanted</textarea>",
        "<iframe>Unwanted</iframe><video>Unwanted</video><audio>Unwanted</audio>",
        '<nav aria-label="Brödsmulor">Unwanted</nav>',
    ],
)
def test_skip_markup_inside_a_reading_area_is_not_read(markup: str) -> None:
    page = read_html(f"<main><h1>Kept heading</h1>{markup}<p>Kept paragraph after it.</p></main>")
    assert texts(page) == ["Kept heading", "Kept paragraph after it."]


def test_data_reader_area_wins_over_a_bigger_main() -> None:
    page = read_html(
        "<main><div data-reader-area><h1>Chosen</h1><p>Short text.</p></div>"
        "<p>" + "Long text outside the area, never read. " * 20 + "</p></main>"
    )
    assert texts(page) == ["Chosen", "Short text."]


def test_readspeaker_readid_names_the_area_outside_its_button() -> None:
    page = read_html(
        '<div class="rs_skip rsbtn"><a class="rsbtn_play" '
        'href="https://app-eu.readspeaker.com/cgi-bin/rsent?customerid=1&amp;readid=text">'
        "<span>Lyssna</span></a></div>"
        "<main><p>Main but not the area.</p><div id='text'><p>The named area.</p></div></main>"
    )
    assert texts(page) == ["The named area."]


def test_readspeaker_readclass_reads_every_named_area_in_order() -> None:
    page = read(SAMPLES / "sv-latin1-bygglov.html")
    assert texts(page)[0] == "Bygglov"
    assert page.blocks[0].kind == "heading"
    assert texts(page)[-1] == "Miljö- och samhällsnämnden, Östersunds kommun, telefon 063-14 30 00."
    assert "Kontakt" in texts(page)
    assert "Senast ändrad" not in page_text(page)
    assert sum(b.kind == "list_item" for b in page.blocks) == 4


def test_scoring_finds_the_content_of_a_page_without_main() -> None:
    page = read(SAMPLES / "no-main-scoring.html")
    assert [b.kind for b in page.blocks] == [
        "heading", "paragraph", "paragraph", "heading", "paragraph", "paragraph", "heading",
        "paragraph",
    ]  # fmt: skip
    assert texts(page)[0] == "Snöröjning och halkbekämpning"
    assert texts(page)[-1].startswith("Ser du en gata") and texts(page)[-1].endswith("0640-161 00.")
    for unwanted in ("Du är här", "Aktuellt", "Dela på Facebook", "Kontakt", "Krokoms kommun,"):
        assert unwanted not in page_text(page)


def test_scoring_drops_menus_cookie_banner_sidebar_and_footer() -> None:
    menu = "".join(f'<li><a href="/{i}">Menu item {i}</a></li>' for i in range(12))
    page = read_html(
        f'<div class="cookie-banner"><p>We use cookies to make the site work.</p></div>'
        f'<div class="top"><ul>{menu}</ul></div>'
        '<div class="layout"><div class="text">'
        "<h1>Parking permits</h1>"
        "<p>You can apply for a parking permit if you live in the city centre, and the "
        "permit is valid for one year.</p><p>The fee is paid in advance, by card or invoice, "
        "and the permit is sent to you by post.</p></div>"
        '<div class="sidebar"><p>Latest news, events, and more, all in one place.</p></div></div>'
        '<div class="site-footer"><p>City Hall, Main Street 1, 123 45 Town.</p></div>'
    )
    assert texts(page) == [
        "Parking permits",
        "You can apply for a parking permit if you live in the city centre, and the permit is "
        "valid for one year.",
        "The fee is paid in advance, by card or invoice, and the permit is sent to you by post.",
    ]


def test_several_articles_are_read_in_order_on_a_listing_page() -> None:
    articles = "".join(
        f"<article><h2>News {i}</h2><p>Story number {i} about the town, told briefly.</p></article>"
        for i in range(3)
    )
    page = read_html(f"<body><div>{articles}</div></body>")
    assert texts(page) == [
        t
        for i in range(3)
        for t in (f"News {i}", f"Story number {i} about the town, told briefly.")
    ]


def test_the_page_heading_above_the_content_is_read_first() -> None:
    prose = "Bins are emptied every other week, and the schedule follows the district. " * 4
    page = read_html(
        '<body><div class="page-header"><h1>Waste collection</h1></div>'
        f'<div class="wrapper"><div class="text"><p>{prose}</p><p>Also {prose}</p></div>'
        '<div class="box"><p>Open weekdays.</p></div></div></body>'
    )
    assert texts(page)[0] == "Waste collection"
    assert page.blocks[0].kind == "heading" and len(page.blocks) == 3


def test_link_labels_footnote_marks_and_anchor_symbols_are_not_read() -> None:
    page = read_html(
        '<main><h2>Opening hours<a class="headerlink" href="#hours">¶</a></h2>'
        '<p>Open every day<sup><a href="#note-1">[1]</a></sup> from 9 to 17 m<sup>2</sup>.</p>'
        '<p><a href="/more">Read more</a></p><div><a href="/r">Reply</a></div>'
        '<ul><li><a href="/news/1">New library opens in the city centre next spring</a></li>'
        '<li><a href="/news/2">Swimming hall closed for repairs during the summer</a></li></ul>'
        "</main>"
    )
    assert texts(page) == [
        "Opening hours",
        "Open every day from 9 to 17 m2.",
        "New library opens in the city centre next spring",
        "Swimming hall closed for repairs during the summer",
    ]


def test_an_author_area_keeps_its_short_links() -> None:
    page = read_html('<div data-reader-area><p><a href="/apply">Apply online</a></p></div>')
    assert texts(page) == ["Apply online"]


def test_overlays_are_never_read_however_long() -> None:
    policy = "We process personal data for the purposes described in this policy. " * 40
    page = read_html(
        "<body><div class='text'><h1>Shoes</h1><p>Light, warm and made of wool, for every "
        "day of the year.</p></div><footer><div role='dialog' aria-modal='true'>"
        f"<p>{policy}</p></div></footer><div class='cookie-consent'><p>{policy}</p></div></body>"
    )
    assert texts(page) == ["Shoes", "Light, warm and made of wool, for every day of the year."]


def test_a_long_text_said_twice_is_read_once_and_short_repeats_stay() -> None:
    slide = "<p>Our libraries lend books, films and games to everyone who lives in town.</p>"
    page = read_html(
        f"<main><div class='slide'>{slide}</div><div class='slide clone'>{slide}</div>"
        "<p>Price: free</p><p>Price: free</p>"
        "<table><tr><td>063-14 30 00</td></tr><tr><td>063-14 30 00</td></tr></table></main>"
    )
    assert texts(page) == [
        "Our libraries lend books, films and games to everyone who lives in town.",
        "Price: free", "Price: free", "063-14 30 00", "063-14 30 00",
    ]  # fmt: skip
    assert [b.index for b in page.blocks] == list(range(5))


def test_meaningful_image_alt_is_read_and_decorative_ones_are_not() -> None:
    page = read_html(
        "<main><p>Before.</p>"
        '<img src="a.jpg" alt="The library entrance seen from the square">'
        '<img src="b.jpg" alt=""><img src="c.jpg" alt="IMG_2034.jpg"><img src="d.jpg" alt="logo">'
        '<img src="e.jpg" alt="A row of bicycles" role="presentation">'
        '<a href="/x"><img src="f.jpg" alt="Thumbnail of the next story here"></a>'
        "<p>After.</p></main>"
    )
    assert kinds(page) == [
        ("paragraph", "Before."),
        ("image", "The library entrance seen from the square"),
        ("paragraph", "After."),
    ]


def test_nested_lists_read_each_item_once_in_order() -> None:
    page = read_html(
        "<main><ul><li>Fruit<ul><li>Apples</li><li>Pears <em>(ripe)</em></li></ul></li>"
        "<li><p>Vegetables</p></li></ul></main>"
    )
    assert kinds(page) == [
        ("list_item", "Fruit"),
        ("list_item", "Apples"),
        ("list_item", "Pears (ripe)"),
        ("list_item", "Vegetables"),
    ]


def test_br_splits_lines_and_inline_markup_is_flattened() -> None:
    page = read_html(
        "<main><p>Town Hall<br>Main <b>Street</b> 1<br/><br> 123 45  Town</p>"
        "<div>Loose <a href='/x'>text</a> in a div<p>and a paragraph</p>after it</div></main>"
    )
    assert texts(page) == [
        "Town Hall", "Main Street 1", "123 45 Town",
        "Loose text in a div", "and a paragraph", "after it",
    ]  # fmt: skip


def test_whitespace_is_normalised() -> None:
    page = read_html("<main><p>\n  A\u00a0no-break\tspace,\u200b and   runs  \n</p></main>")
    assert texts(page) == ["A no-break space, and runs"]


def test_headings_by_role_and_layout_table_cells_as_paragraphs() -> None:
    page = read_html(
        '<main><div role="heading" aria-level="3">Role heading</div>'
        "<table><tr><td><p>Layout cell text.</p></td></tr></table>"
        "<table><tr><th>Key</th><td>Value</td></tr></table><pre>a   b\n c</pre></main>"
    )
    assert [(b.kind, b.level, b.text) for b in page.blocks] == [
        ("heading", 3, "Role heading"),
        ("paragraph", 0, "Layout cell text."),
        ("table_cell", 0, "Key"),
        ("table_cell", 0, "Value"),
        ("preformatted", 0, "a b c"),
    ]


@pytest.mark.parametrize("sample", READABLE_SAMPLES, ids=lambda p: p.name)
def test_every_locator_resolves_to_the_blocks_element(sample: Path) -> None:
    page = read(sample)
    soup = BeautifulSoup(load(sample, ReadOptions()).html, "lxml")
    for block in page.blocks:
        element = soup.select_one(block.locator)
        assert isinstance(element, Tag), block.locator
        if block.kind == "image":
            assert element.get("alt") == block.text
        else:
            # Formulas are read by their alt text (reader.extract.formulas), not their markup.
            formulas = [
                tex_text(str(el.get("alttext") or el.get("alt") or ""))
                for el in element.find_all(["math", "img"])
            ]
            shown = " ".join([element.get_text(" "), *formulas])
            assert holds_words(shown, block.text), block.locator


def test_locators_escape_ids_and_reach_rows_without_tbody() -> None:
    html = (
        '<body><div id="1st item"><p>Escaped id.</p></div><div id="a:b"><p>Colon id.</p></div>'
        '<div id="dup"><p>x</p></div><div id="dup"><p>Duplicate id.</p></div>'
        "<table><tr><td>Cell one</td><td>Cell two</td></tr></table></body>"
    )
    page = read_html(html)
    soup = BeautifulSoup(html, "lxml")
    for block in page.blocks:
        element = soup.select_one(block.locator)
        assert element is not None and holds_words(element.get_text(), block.text), block.locator
    assert page.blocks[0].locator == "#\\31 st\\ item > p:nth-of-type(1)"


def test_data_reader_node_locators_point_at_the_numbered_elements() -> None:
    page = read_html(
        '<main data-reader-node="0"><h1 data-reader-node="1">Title</h1>'
        '<p data-reader-node="2">First <a href="/x">link</a>.</p><ul data-reader-node="3">'
        '<li data-reader-node="4">Item</li></ul><p>Unnumbered.</p></main>'
    )
    assert [b.locator for b in page.blocks] == [
        '[data-reader-node="1"]',
        '[data-reader-node="2"]',
        '[data-reader-node="4"]',
        '[data-reader-node="0"] > p:nth-of-type(2)',
    ]


def test_inline_lang_spans_point_at_their_text() -> None:
    page = read(SAMPLES / "inline-lang-norwegian.html")
    first, second = page.blocks[1], page.blocks[2]
    assert [(first.text[s.start : s.end], s.lang) for s in first.spans] == [
        ("Gränslöst samarbete", "sv"),
        ("Grenseløst samarbeid", "no"),
    ]
    assert [(second.text[s.start : s.end], s.lang) for s in second.spans] == [
        ("Storsjöyran", "sv"),
        ("Olavsfestdagene", "nb"),
    ]
    assert [b.declared_lang for b in page.blocks[3:6]] == ["", "nb", ""]
    assert page.blocks[4].spans == ()


def test_spans_survive_whitespace_and_nesting_and_skip_the_block_language() -> None:
    page = read_html(
        '<main><p lang="en-GB">  Say   <span lang="sv-SE"> <b>hej</b>  då </span> and '
        '<span lang="en-gb">bye</span> <i lang="de">auf <span lang="fr">bientôt</span>'
        "</i>.</p></main>"
    )
    block = page.blocks[0]
    assert block.text == "Say hej då and bye auf bientôt."
    assert block.declared_lang == "en-gb"
    assert [(block.text[s.start : s.end], s.lang) for s in block.spans] == [
        ("hej då", "sv-se"),
        ("auf", "de"),
        ("bientôt", "fr"),
    ]


def test_page_language_falls_back_to_meta_then_http_header() -> None:
    meta = '<meta http-equiv="Content-Language" content="sv-SE, en"><main><p>Hej.</p></main>'
    assert read_html(meta).lang == "sv-se"
    assert read_html(meta).declared_lang == ""
    assert read_html("<main><p>Hei.</p></main>", content_language="fi, sv").lang == "fi"
    assert read_html("<main><p>Hello.</p></main>").lang == ""


def test_title_falls_back_to_the_first_h1() -> None:
    assert read_html("<title> </title><main><h1>Heading</h1><p>Text.</p></main>").title == "Heading"
    assert (
        read_html("<title>A  page\n title</title><main><p>Text.</p></main>").title == "A page title"
    )


def test_text_shown_only_by_scripts_is_read_when_nothing_else_is() -> None:
    page = read_html(
        '<body><div style="visibility:hidden"><h1>Hidden until scripts run</h1>'
        "<p>But still the text of the page.</p></div></body>"
    )
    assert texts(page) == ["Hidden until scripts run", "But still the text of the page."]


@pytest.mark.parametrize(
    "html",
    [
        (SAMPLES / "nothing-readable.html").read_text(encoding="utf-8"),
        "",
        "<html><body>   </body></html>",
        "<body><script>document.write('x')</script><p>– · –</p></body>",
    ],
    ids=["sample", "empty", "blank", "punctuation"],
)
def test_a_page_with_nothing_readable_raises_no_content(html: str) -> None:
    with pytest.raises(NoContentError, match="^no readable text found on the page$"):
        read_html(html)


def test_documents_with_an_xml_declaration_or_control_characters_parse() -> None:
    page = read_html(
        '<?xml version="1.0" encoding="utf-8"?>'
        "<html><body><p>Tab\x0bbed\x00 text.</p></body></html>"
    )
    assert re.findall(r"\w+", texts(page)[0]) == ["Tab", "bed", "text"]


def test_an_inline_lang_equal_to_a_wrong_page_lang_is_still_a_span() -> None:
    # English page wrongly marked Swedish: the author's <span lang="sv"> must survive, so the
    # name is read by the Swedish voice once the block is found to be English.
    html = (
        '<html lang="sv"><body><main><p>The municipality of <span lang="sv">Östersund</span>'
        " welcomes visitors.</p></main></body></html>"
    )
    block = extract_blocks(Document(html=html)).blocks[0]
    assert block.declared_lang == ""
    assert [(block.text[s.start : s.end], s.lang) for s in block.spans] == [("Östersund", "sv")]
