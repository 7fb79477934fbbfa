"""Fixtures for the web app: the Flask app and client, and a real waitress server."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from flask import Flask
from flask.testing import FlaskClient

from web import create_app
from web.app import service_of, start_server

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
