"""What an app made by `create_app` holds besides Flask: its checked settings, clip cache,
speech service and page reader, kept in `app.extensions` and found here by the blueprints
and the tests."""

from __future__ import annotations

from flask import Flask, current_app

from reader.settings import Config
from reader_web.backend import Speech, Store
from reader_web.reading import Reader
from reader_web.start import Starts

SETTINGS = "reader.settings"
CACHE = "reader.cache"
SERVICE = "reader.service"
READER = "reader.reader"
STARTS = "reader.starts"


def install(app: Flask, settings: Config, cache: Store, service: Speech, reader: Reader) -> None:
    """Give an app its settings, cache, speech service and page reader."""
    app.extensions[SETTINGS] = settings
    app.extensions[CACHE] = cache
    app.extensions[SERVICE] = service
    app.extensions[READER] = reader
    app.extensions[STARTS] = Starts(reader)


def settings_of(app: Flask | None = None) -> Config:
    """The checked settings of an app (the current one in a request)."""
    return (app or current_app).extensions[SETTINGS]  # type: ignore[no-any-return]


def cache_of(app: Flask | None = None) -> Store:
    """The clip cache of an app (the current one in a request)."""
    return (app or current_app).extensions[CACHE]  # type: ignore[no-any-return]


def service_of(app: Flask | None = None) -> Speech:
    """The synthesis pool of an app (the current one in a request)."""
    return (app or current_app).extensions[SERVICE]  # type: ignore[no-any-return]


def reader_of(app: Flask | None = None) -> Reader:
    """The page reader of an app (the current one in a request)."""
    return (app or current_app).extensions[READER]  # type: ignore[no-any-return]


def starts_of(app: Flask | None = None) -> Starts:
    """Where the text of each page version read starts (the current app's, in a request)."""
    return (app or current_app).extensions[STARTS]  # type: ignore[no-any-return]
