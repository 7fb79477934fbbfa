"""What real pages leak between their blocks: embeds, empty headings, repeated date lines."""

from __future__ import annotations

import pytest
from support import SAMPLES

from reader.extract.blocks import extract_blocks
from reader.load.source import load
from reader.model import Document, Page
from reader.options import ReadOptions

ARTICLE = "<p>Die Stadt plant neue Radwege in allen Stadtteilen bis zum Jahr 2030.</p>"


def read_html(html: str) -> Page:
    return extract_blocks(Document(html=html))


def texts(html: str) -> list[str]:
    return [block.text for block in read_html(html).blocks]


def test_the_news_sample_reads_its_article_and_nothing_it_embeds() -> None:
    page = extract_blocks(load(SAMPLES / "de-news-article.html", ReadOptions()))
    shown = [block.text for block in page.blocks]
    assert shown[0] == "Verbraucherschutz Mehr Transparenz bei Stromtarifen"
    assert shown[2] == "Von Anna Weber, 12. März 2025, 10:14 Uhr"
    assert shown[-2:] == [
        "Wie es weitergeht",
        "Bis Ende April können Verbände und Unternehmen Stellung nehmen. Die neuen Regeln "
        "könnten im Januar 2026 in Kraft treten.",
    ]
    assert len(shown) == 11
    everything = "\n".join(shown)
    for leak in ("Instagram", "post shared", "@vzbv", "Endlich klare", "Veröffentlicht",
                 "Aktualisiert", "Kommentare", "Impressum"):  # fmt: skip
        assert leak not in everything


@pytest.mark.parametrize(
    "embed",
    [
        '<blockquote class="instagram-media" data-instgrm-permalink="https://instagram.com/p/1">'
        '<div><a href="https://instagram.com/p/1">View this post on Instagram</a>'
        '<p><a href="https://instagram.com/p/1">A post shared by Stadt (@stadt)</a></p></div>'
        "</blockquote>",
        '<blockquote class="twitter-tweet"><p lang="en" dir="ltr">Big news for cyclists today!'
        ' <a href="https://t.co/x">pic.twitter.com/x</a></p>&mdash; City (@city) '
        '<a href="https://twitter.com/city/status/1">May 1, 2025</a></blockquote>',
        '<figure class="wp-block-embed is-provider-tiktok wp-block-embed-tiktok"><div>'
        '<blockquote class="tiktok-embed"><section><a href="/@city">@city</a> Radwege '
        "♬ original sound</section></blockquote></div></figure>",
        '<div class="fb-post" data-href="https://facebook.com/city/posts/1">'
        "<blockquote>Heute eröffnen wir den neuen Radweg. Posted by Stadt on Monday</blockquote>"
        "</div>",
    ],
)
def test_an_embedded_social_post_is_not_read(embed: str) -> None:
    html = f"<main><h1>Radwege</h1>{ARTICLE}{embed}<p>Mehr dazu im Sommer.</p></main>"
    assert texts(html) == ["Radwege", ARTICLE[3:-4], "Mehr dazu im Sommer."]


@pytest.mark.parametrize(
    "ending",
    [
        "<h2>Comments</h2>",
        "<h2>See also</h2><ul class='related'><li><a href='/a'>A</a></li></ul>",
        "<h2>Kommentare</h2><h3>Schreiben Sie einen Kommentar</h3><div id='comments'></div>",
    ],
)
def test_empty_headings_at_the_end_are_not_read(ending: str) -> None:
    html = f"<main><h1>Radwege</h1>{ARTICLE}{ending}</main>"
    assert texts(html) == ["Radwege", ARTICLE[3:-4]]


def test_a_listing_of_titles_keeps_its_headings() -> None:
    titles = "".join(f"<h3>Neuer Radweg in Stadtteil {n}</h3>" for n in range(1, 5))
    html = f"<main><h1>Nachrichten</h1>{ARTICLE}{titles}</main>"
    assert len(texts(html)) == 6


def test_a_heading_with_text_under_it_in_the_middle_is_kept() -> None:
    html = f"<main><h1>Radwege</h1><h2>Anna Weber</h2><h2>Planerin</h2>{ARTICLE}</main>"
    assert texts(html) == ["Radwege", "Anna Weber", "Planerin", ARTICLE[3:-4]]


@pytest.mark.parametrize(
    ("byline", "dateline"),
    [
        ("By Anna Weber, March 12, 2025", "Published: March 12, 2025 Updated: March 13, 2025"),
        ("Von Anna Weber, 12. März 2025", "Veröffentlicht am 12. März 2025, 10:14 Uhr"),
        ("Av Anna Weber, 2025-03-12", "Publicerad 2025-03-12 kl 10.14 Uppdaterad 2025-03-13"),
    ],
)
def test_a_date_line_that_repeats_the_byline_is_not_read(byline: str, dateline: str) -> None:
    html = f"<main><h1>Radwege</h1><p>{byline}</p><p>{dateline}</p>{ARTICLE}</main>"
    assert texts(html) == ["Radwege", byline, ARTICLE[3:-4]]


def test_a_date_line_of_its_own_and_an_event_date_are_read() -> None:
    html = (
        "<main><h1>Radwege</h1><p>Updated: March 13, 2025</p>"
        f"{ARTICLE}<p>Bürgerversammlung am 12. März 2025 um 18:00 Uhr</p></main>"
    )
    assert texts(html) == [
        "Radwege",
        "Updated: March 13, 2025",
        ARTICLE[3:-4],
        "Bürgerversammlung am 12. März 2025 um 18:00 Uhr",
    ]


@pytest.mark.parametrize(
    "heading",
    [
        '<h1><span class="kicker">Thema Verbraucherschutz</span> Mehr Transparenz</h1>',
        '<h1><span class="article-heading__kicker">Thema Verbraucherschutz</span>'
        '<span class="visually-hidden">: </span><span>Mehr Transparenz</span></h1>',
        '<h1 class="title"><span class="c-topline">Thema Verbraucherschutz</span>'
        "<span>Mehr Transparenz</span></h1>",
    ],
)
def test_a_kicker_in_a_heading_ends_a_part_of_its_own(heading: str) -> None:
    [title, _] = read_html(f"<main>{heading}{ARTICLE}</main>").blocks
    assert title.text.replace(":", "") == "Thema Verbraucherschutz Mehr Transparenz"
    assert title.breaks == (len("Thema Verbraucherschutz"),)


def test_a_heading_without_a_kicker_has_no_break() -> None:
    [title, _] = read_html(f"<main><h1><span>Mehr</span> Transparenz</h1>{ARTICLE}</main>").blocks
    assert title.breaks == ()
