"""Content scoring: page furniture is left out, content that only looks like it is read."""

from __future__ import annotations

from reader.extract.blocks import extract_blocks
from reader.model import Document, Page

PROSE = (
    "The library lends books, films and games to everyone who lives in the municipality, "
    "and a library card is free for children and adults alike."
)
MENU = "".join(f'<li><a href="/{i}">Menu item {i}</a></li>' for i in range(12))


def read_html(html: str) -> list[str]:
    page: Page = extract_blocks(Document(html=html))
    return [block.text for block in page.blocks]


def test_a_body_class_naming_navigation_does_not_hide_the_page() -> None:
    texts = read_html(
        '<body class="onenav-site-navigation"><div class="page-header"><h1>Borrowing</h1></div>'
        f'<div class="wrapper"><div class="text"><p>{PROSE}</p><p>Also: {PROSE}</p></div>'
        '<div class="box"><p>Open weekdays.</p></div></div></body>'
    )
    assert texts == ["Borrowing", PROSE, f"Also: {PROSE}"]


def test_an_advert_word_inside_another_class_name_is_not_an_advert() -> None:
    teasers = "".join(
        f'<div class="grid-items hide-read-more-ad"><h3><a href="/s/{i}">Story {i} of the '
        f"week</a></h3><p>Story {i}: {PROSE}</p></div>"
        for i in range(3)
    )
    texts = read_html(
        f'<body><main>{teasers}<div class="ad-slot"><p>Buy a new car today, low rates '
        "and free delivery to your door.</p></div></main></body>"
    )
    assert texts == [t for i in range(3) for t in (f"Story {i} of the week", f"Story {i}: {PROSE}")]


def test_a_form_wrapping_the_whole_page_is_not_a_form_to_leave_out() -> None:
    products = "".join(
        f'<div class="card"><a href="/p/{i}"><div class="name">Projector model {i}, 4K laser'
        f"</div><div>Manufacturer: Acme, item number AC-{i}, price ${i}99.00</div></a></div>"
        for i in range(20)
    )
    texts = read_html(
        f'<body><form id="MainForm" action="/"><h1>Projectors</h1><div>{products}</div>'
        '</form><form class="search"><p>Search the shop for products</p></form></body>'
    )
    assert texts[0] == "Projectors"
    assert "Projector model 0, 4K laser" in "\n".join(texts)
    assert "Search the shop" not in "\n".join(texts)


def test_a_section_header_with_its_heading_is_read_and_a_site_header_is_not() -> None:
    texts = read_html(
        f'<body><header class="site"><a href="/">Home</a><ul>{MENU}</ul><p>Call us</p></header>'
        "<main><h1>Screen recording</h1>"
        f"<section><header><h2>The easiest screen recorder</h2></header><p>{PROSE}</p></section>"
        "</main></body>"
    )
    assert texts == ["Screen recording", "The easiest screen recorder", PROSE]


def test_logo_and_icon_alt_texts_are_not_read() -> None:
    texts = read_html(
        f"<main><p>{PROSE}</p>"
        '<img src="a.png" alt="The New York Times logo">'
        '<img src="b.png" alt="Green check mark icon">'
        '<img src="c.png" alt="Jane Doe profile picture">'
        '<img src="d.jpg" alt="Children reading in the library garden">'
        "</main>"
    )
    assert texts == [PROSE, "Children reading in the library garden"]


def test_a_long_text_in_a_sidebar_named_container_is_read_and_comments_are_not() -> None:
    description = " ".join(
        f"Sentence {i} of the product description, with details." for i in range(20)
    )
    comments = " ".join(f"Comment {i} from a reader who liked the post a lot." for i in range(20))
    texts = read_html(
        f'<body><main><h1>Oil diffuser</h1><div class="sticky sidebar__inner"><p>{description}'
        f'</p></div><div class="comments"><p>{comments}</p></div></main></body>'
    )
    assert texts == ["Oil diffuser", description]
