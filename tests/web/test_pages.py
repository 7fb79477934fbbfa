"""The HTML pages: the sample with the widget, the no-script reader, headers."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup
from flask.testing import FlaskClient
from mutagen.mp3 import MP3

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; media-src 'self' blob:; connect-src 'self'; object-src 'none'; "
    "base-uri 'none'; frame-ancestors 'self'"
)


def soup_of(response: Any) -> BeautifulSoup:
    return BeautifulSoup(response.get_data(as_text=True), "lxml")


def test_the_sample_page_has_our_widget_where_readspeakers_button_was(
    client: FlaskClient,
) -> None:
    response = client.get("/")
    assert response.status_code == 200 and response.mimetype == "text/html"
    soup = soup_of(response)
    assert soup.html is not None and soup.html["lang"] == "en"
    assert soup.select_one("#readspeaker_button1") is None
    assert "readspeaker.com" not in response.get_data(as_text=True)
    widget = soup.select_one(".sv-readspeaker-portlet > div.reader-widget[data-reader-widget]")
    assert widget is not None
    script = soup.select_one('script[type="module"][src="/widget.js"]')
    assert script is not None and script["data-reader-area"] == "#content"
    assert script.parent is soup.body and soup.body.find_all(recursive=False)[-1] is script
    assert soup.head is not None
    assert soup.head.select_one('link[rel="stylesheet"][href="/widget.css"]') is not None
    assert [s for s in soup.find_all("script") if not s.get("src")] == []  # CSP forbids them
    assert soup.select_one("#content h1").get_text() == "International cooperation"


def test_our_pages_carry_the_security_headers(client: FlaskClient) -> None:
    for path in ("/", "/read"):
        response = client.get(path)
        assert response.headers["Content-Security-Policy"] == CSP
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"] == "same-origin"
    api = client.get("/healthz")
    assert api.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(
    ("name", "mimetype"), [("widget.js", "text/javascript"), ("widget.css", "text/css")]
)
def test_the_widget_files_can_be_embedded_anywhere(
    client: FlaskClient, name: str, mimetype: str
) -> None:
    response = client.get(f"/{name}")
    assert response.status_code == 200 and response.mimetype == mimetype
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "max-age=300" in response.headers["Cache-Control"]
    assert response.data.strip()


def test_the_reader_page_without_a_url_offers_a_form(client: FlaskClient) -> None:
    soup = soup_of(client.get("/read"))
    form = soup.select_one('form[action="/read"][method="get"]')
    assert form is not None and form.select_one('input[name="url"]') is not None
    assert soup.select_one('label[for="reader-url"]') is not None


def test_the_reader_page_refuses_hosts_outside_the_allow_list(client: FlaskClient) -> None:
    url = 'https://evil.example/"><script>alert(1)</script>'
    response = client.get("/read", query_string={"url": url})
    assert response.status_code == 403
    text = response.get_data(as_text=True)
    assert "<script>alert(1)</script>" not in text
    assert "&lt;script&gt;" in text
    soup = soup_of(response)
    assert "not in the allowed hosts" in soup.select_one('[role="alert"]').get_text()
    assert soup.select_one('input[name="url"]')["value"] == url


def test_the_reader_page_reads_an_allowed_page_without_javascript(
    app_factory: Any, local_site: str
) -> None:
    app = app_factory(READER_ALLOWED_HOSTS=["127.0.0.1"], READER_ALLOW_PRIVATE=True)
    client = app.test_client()
    response = client.get("/read", query_string={"url": local_site})
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    soup = soup_of(response)
    assert soup.select("script") == []
    assert soup.h1.get_text() == "Library opening hours"
    blocks = [p.get_text() for p in soup.select(".reader-read__block")]
    assert blocks == [
        "Library opening hours",
        'The library is open every weekday. Type <script>alert("x")</script> to test.',
        "Summer",
        "In July the library closes at four.",
    ]
    assert "&lt;script&gt;" in text  # the page's text, escaped, never markup
    audio = soup.select_one("audio[controls]")
    download = soup.select_one("a[download]")
    assert audio is not None and download is not None
    assert audio["src"] == download["href"]
    mp3 = client.get(audio["src"])
    assert mp3.status_code == 200 and mp3.mimetype == "audio/mpeg"
    assert MP3(io.BytesIO(mp3.data)).info.length > 4


def test_unknown_pages_are_404_html(client: FlaskClient) -> None:
    response = client.get("/no/such/page")
    assert response.status_code == 404 and response.mimetype == "text/html"
    assert response.headers["Content-Security-Policy"] == CSP


def test_every_widget_module_is_served_beside_widget_js(client: FlaskClient) -> None:
    # widget.js imports its sibling modules by relative URL; another site's page fetches them
    # in CORS mode, so each needs the same headers as widget.js.
    static = Path(__file__).resolve().parents[2] / "web" / "reader_web" / "static"
    names = sorted(p.name for p in static.iterdir() if p.suffix in (".js", ".css"))
    assert "widget.js" in names and "widget.css" in names
    for name in names:
        response = client.get(f"/{name}")
        assert response.status_code == 200, name
        assert response.data == (static / name).read_bytes()
        assert response.headers["Access-Control-Allow-Origin"] == "*"


@pytest.mark.parametrize(
    "path", ["/app.py", "/cache.js", "/..%2Fapp.py", "/.hidden.js", "/Widget.JS"]
)
def test_nothing_but_widget_files_is_served_from_the_root(client: FlaskClient, path: str) -> None:
    assert client.get(path).status_code == 404


LIST_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Bins | Example Council</title></head>
<body><main>
<h1>Bin collection</h1>
<p>Put these out on Monday morning:</p>
<ul><li>Food waste in the brown caddy.</li><li>Paper in the blue box.</li></ul>
<h2>Holidays</h2>
<p>Collections move one day later in holiday weeks.</p>
</main></body></html>
"""


def test_the_reader_page_keeps_the_pages_own_h1_and_its_lists(
    app_factory: Any, local_site: str, tmp_path: Path
) -> None:
    (tmp_path / "site" / "bins.html").write_text(LIST_PAGE, encoding="utf-8")
    client = app_factory(
        READER_ALLOWED_HOSTS=["127.0.0.1"], READER_ALLOW_PRIVATE=True
    ).test_client()
    response = client.get("/read", query_string={"url": local_site.replace("hours", "bins")})
    assert response.status_code == 200
    soup = soup_of(response)
    # One h1, the page's own; its <title> stays in the browser tab.
    assert [h.get_text() for h in soup.select("h1")] == ["Bin collection"]
    assert [h.get_text() for h in soup.select("h2")] == ["Holidays"]
    assert "Bins | Example Council" in soup.title.get_text()
    # The list is a list: a screen reader announces "list, 2 items".
    items = soup.select("ul > li")
    assert [li.get_text() for li in items] == [
        "Food waste in the brown caddy.",
        "Paper in the blue box.",
    ]
    assert not any(p.get_text().startswith("•") for p in soup.select("p"))
    assert soup.select_one("ul").find_previous_sibling("p").get_text() == (
        "Put these out on Monday morning:"
    )
