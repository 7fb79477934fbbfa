"""Fixtures for the web app: the Flask app and client, and a real waitress server."""

from __future__ import annotations

import functools
import http.server
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup
from cluster import Cluster, RedisServer
from flask import Flask
from flask.testing import FlaskClient
from liveserver import start_server
from playwright.sync_api import Browser, BrowserContext, sync_playwright
from support import serving

from reader_web import create_app
from reader_web.extensions import service_of

ROOT = Path(__file__).resolve().parents[2]
OSTERSUND = ROOT / "samples" / "ostersund-international-cooperation.html"


def make_app(cache_dir: Path, **settings: object) -> Flask:
    """An app with its own cache directory and one synthesis process unless told otherwise."""
    config = {"TESTING": True, "READER_CACHE_DIR": str(cache_dir), "READER_WORKERS": 1}
    config.update(settings)
    return create_app(config)


@pytest.fixture
def app(tmp_path: Path) -> Iterator[Flask]:
    """A fresh app with an empty cache in a temporary directory."""
    application = make_app(tmp_path / "cache")
    yield application
    service_of(application).close()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def app_factory(tmp_path: Path) -> Iterator[Callable[..., Flask]]:
    """Make apps with other settings (READER_* keys); each gets its own cache, closed after."""
    made: list[Flask] = []

    def factory(**settings: object) -> Flask:
        application = make_app(tmp_path / f"cache-{len(made)}", **settings)
        made.append(application)
        return application

    yield factory
    for application in made:
        service_of(application).close()


@pytest.fixture(scope="session")
def live_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """The app behind `live_server` (one per test session; its cache persists across tests)."""
    application = make_app(tmp_path_factory.mktemp("live-cache"), READER_WORKERS=2)
    yield application
    service_of(application).close()


@pytest.fixture(scope="session")
def live_server(live_app: Flask) -> Iterator[str]:
    """A real waitress server on 127.0.0.1 (a free port); yields its base URL."""
    server = start_server(live_app, host="127.0.0.1", port=0)
    yield server.url
    server.stop()


def numbered_area(html: str, selector: str = "#content") -> str:
    """The reading area's outerHTML with every element numbered, as the widget sends it."""
    soup = BeautifulSoup(html, "lxml")
    area = soup.select_one(selector)
    assert area is not None, f"no {selector} in the page"
    for number, element in enumerate([area, *area.find_all(True)]):
        element["data-reader-node"] = str(number)
    return str(area)


@pytest.fixture(scope="session")
def content_html() -> str:
    """The Östersund sample's `#content`, numbered with data-reader-node."""
    return numbered_area(OSTERSUND.read_text(encoding="utf-8"))


LOCAL_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Library opening hours</title></head>
<body><nav><a href="/">Home</a></nav>
<main>
<h1>Library opening hours</h1>
<p>The library is open every weekday. Type &lt;script&gt;alert("x")&lt;/script&gt; to test.</p>
<h2>Summer</h2>
<p>In July the library closes at four.</p>
</main>
</body></html>
"""


class _SiteHandler(http.server.SimpleHTTPRequestHandler):
    """Serves the directory; `/moved` redirects to the same server under the name localhost."""

    def do_GET(self) -> None:
        if self.path == "/moved":
            self.send_response(302)
            self.send_header(
                "Location", f"http://localhost:{self.server.server_address[1]}/hours.html"
            )
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        super().do_GET()

    def log_message(self, format: str, *args: Any) -> None:
        return None


@pytest.fixture
def local_site(tmp_path: Path) -> Iterator[str]:
    """A plain HTTP server on 127.0.0.1 serving one page; yields the page URL."""
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "hours.html").write_text(LOCAL_PAGE, encoding="utf-8")
    handler = functools.partial(_SiteHandler, directory=str(tmp_path / "site"))
    with serving(http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)) as port:
        yield f"http://127.0.0.1:{port}/hours.html"


# Debian's Chromium, driven by Playwright. No autoplay flag on purpose: playback must start
# from the visitor's own click or key press.
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        yield chromium
        chromium.close()


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="en-GB")
    yield context
    context.close()


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[RedisServer]:
    """A redis-server of this test's own on a free loopback port, stopped after."""
    server = RedisServer(tmp_path)
    yield server
    server.stop()


@pytest.fixture
def cluster(tmp_path: Path, redis_server: RedisServer) -> Iterator[Cluster]:
    """Web nodes and workers the test starts on its Redis, all ended after."""
    made = Cluster(tmp_path, redis_server)
    yield made
    made.stop()


def long_markup(characters: int) -> str:
    """A reading area (`#content`) of at least `characters` characters of text: the sample's
    paragraphs again and again, each round under its own heading and every sentence made
    distinct by its round, so that no two sentences share a clip."""
    soup = BeautifulSoup(OSTERSUND.read_text(encoding="utf-8"), "lxml")
    area = soup.select_one("#content")
    assert area is not None
    paragraphs = [p.get_text(" ", strip=True) for p in area.find_all("p")]
    paragraphs = [p for p in paragraphs if p.endswith(".")]
    parts, length, number = [], 0, 0
    while length < characters:
        number += 1
        parts.append(f"<h2>Round {number} of the cooperation</h2>")
        for text in paragraphs:
            said = text.replace(". ", f" in round {number}. ")[:-1] + f" in round {number}."
            parts.append(f"<p>{said}</p>")
            length += len(said)
    return f'<div id="content">{"".join(parts)}</div>'
