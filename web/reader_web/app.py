"""The app factory, its settings, and the waitress server that runs it."""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import waitress
from flask import Flask
from waitress.server import BaseWSGIServer

from reader.errors import UsageError
from reader.options import DEFAULT_LANGUAGES, WORDS_PER_MINUTE, SpeechOptions
from reader_web.cache import ClipCache
from reader_web.reading import Reader
from reader_web.service import SpeechService

WEB_DIR = Path(__file__).resolve().parent
SAMPLE_NAME = "ostersund-international-cooperation.html"
# A checkout keeps the samples beside the package; an installed wheel carries them inside it.
SAMPLE_CANDIDATES = (
    WEB_DIR.parents[1] / "samples" / SAMPLE_NAME,
    WEB_DIR / "samples" / SAMPLE_NAME,
)
# Request threads of waitress: clip requests mostly wait on the synthesis processes, so a few
# more threads than cores keep listeners flowing without oversubscribing the CPU.
SERVER_THREADS = 16
# Request heads past this are refused by waitress (431): a page URL is a few KB at most.
MAX_HEADER_BYTES = 64 * 1024


def _default_cache_dir() -> str:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return str(Path(base) / "reader" / "web")


def default_settings() -> dict[str, Any]:
    """Every setting the app reads, with its default (the web contract's list)."""
    sample = next((p for p in SAMPLE_CANDIDATES if p.is_file()), SAMPLE_CANDIDATES[0])
    return {
        "READER_CACHE_DIR": _default_cache_dir(),
        "READER_CACHE_MAX_BYTES": 500 * 1024 * 1024,
        "READER_WORKERS": 2,
        "READER_ALLOWED_HOSTS": [],
        "READER_ALLOW_PRIVATE": False,  # only tests serving a page from 127.0.0.1 turn it on
        "READER_MAX_BODY": 2 * 1024 * 1024,
        # Characters of readable text a page may have: planning costs ~25 ms per KB and every
        # sentence is queued, so one huge post must not hold a core for minutes. 100,000
        # characters are about 90 minutes of speech; a municipal page has a few thousand.
        "READER_MAX_TEXT": 100_000,
        "READER_LANGUAGES": list(DEFAULT_LANGUAGES),
        "READER_RATE": WORDS_PER_MINUTE,
        "READER_VOLUME": 1.0,
        "READER_VOICES": (),
        "READER_MISSING_VOICE": "page",
        "READER_LEXICON_DIR": None,
        "READER_ENGINE": "auto",
        "READER_SAMPLE_PAGE": str(sample),
        "READER_JOB_TIMEOUT": 20.0,
        "READER_FETCH_TIMEOUT": 10.0,
    }


def settings_from(config: Any) -> dict[str, Any]:
    """Flask settings from a mapping of READER_* keys or from the CLI's `reader.config.Config`."""
    if config is None:
        return {}
    if isinstance(config, Mapping):
        return dict(config)
    read, speech = config.read, config.speech
    settings: dict[str, Any] = {
        "READER_LANGUAGES": list(read.languages),
        "READER_RATE": speech.words_per_minute,
        "READER_VOLUME": speech.volume,
        "READER_VOICES": tuple(speech.voices),
        "READER_MISSING_VOICE": speech.missing_voice,
        "READER_LEXICON_DIR": speech.lexicon_dir,
        "READER_ENGINE": speech.engine,
    }
    for key, value in dict(config.web).items():
        settings[f"READER_{key.upper()}"] = value
    return settings


def speech_options(settings: Mapping[str, Any]) -> SpeechOptions:
    """The speech options every synthesis of this app uses."""
    lexicon = settings["READER_LEXICON_DIR"]
    return SpeechOptions(
        words_per_minute=int(settings["READER_RATE"]),
        volume=float(settings["READER_VOLUME"]),
        engine=str(settings["READER_ENGINE"]),
        voices=tuple(tuple(pair) for pair in settings["READER_VOICES"]),  # type: ignore[misc]
        missing_voice=str(settings["READER_MISSING_VOICE"]),
        lexicon_dir=Path(lexicon) if lexicon else None,
    )


def create_app(config: Mapping[str, Any] | Any | None = None) -> Flask:
    """Build the app: settings, the clip cache, the synthesis pool and the one blueprint."""
    from reader_web import api, pages, security  # noqa: F401  (pages adds its routes to api.bp)

    app = Flask(__name__, static_folder=None)
    app.config.update(default_settings())
    app.config.update(settings_from(config))
    app.config["MAX_CONTENT_LENGTH"] = int(app.config["READER_MAX_BODY"])
    app.json.sort_keys = False  # type: ignore[attr-defined]
    cache = ClipCache(
        Path(app.config["READER_CACHE_DIR"]), int(app.config["READER_CACHE_MAX_BYTES"])
    )
    service = SpeechService(
        cache,
        speech_options(app.config),
        workers=int(app.config["READER_WORKERS"]),
        job_timeout=float(app.config["READER_JOB_TIMEOUT"]),
    )
    app.extensions["reader.cache"] = cache
    app.extensions["reader.service"] = service
    app.extensions["reader.reader"] = Reader(app.config, cache, service)
    app.register_blueprint(api.bp)
    security.install(app)
    return app


def service_of(app: Flask) -> SpeechService:
    """The synthesis pool of an app made by `create_app`."""
    return app.extensions["reader.service"]  # type: ignore[no-any-return]


def cache_of(app: Flask) -> ClipCache:
    """The clip cache of an app made by `create_app`."""
    return app.extensions["reader.cache"]  # type: ignore[no-any-return]


def limits(app: Flask) -> dict[str, int]:
    """Waitress's request limits for an app: its body limit is enforced before buffering."""
    # Waitress reads a whole body (to disk, up to 1 GB by default) before the app sees the
    # request, so the app's own limit would come too late: a client announcing 3 MB and
    # sending one byte would hold a connection until waitress gave up on it.
    return {
        "max_request_body_size": int(app.config["MAX_CONTENT_LENGTH"]),
        "max_request_header_size": MAX_HEADER_BYTES,
    }


def serve(
    host: str, port: int, workers: int, config: Mapping[str, Any] | Any | None = None
) -> None:
    """Run the app on waitress until interrupted (`reader serve`)."""
    settings = settings_from(config)
    settings["READER_WORKERS"] = workers
    app = create_app(settings)
    try:
        server = waitress.create_server(
            app, host=host, port=port, threads=SERVER_THREADS, ident="reader", **limits(app)
        )
    except OSError as exc:
        raise UsageError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from exc
    service = service_of(app)
    service.start()  # the first visitor should not wait for the engines to load
    try:
        app.extensions["reader.reader"].warm_up()
        server.run()
    finally:
        service.close()


@dataclass(frozen=True, slots=True, kw_only=True)
class LiveServer:
    """A waitress server running in a background thread (tests and benchmarks)."""

    url: str
    server: BaseWSGIServer
    thread: threading.Thread

    def stop(self) -> None:
        """Close every connection, stop the loop and the request threads."""
        server: Any = self.server
        server.logger.setLevel(logging.CRITICAL)

        # Closing every dispatcher in waitress's map ends its loop. Done in the loop's own
        # thread (a trigger thunk): closed from here, a socket the loop is selecting on
        # ends the loop thread with EBADF now and then.
        def close_all() -> None:
            for dispatcher in list(server._map.values()):
                dispatcher.handle_close()

        server.trigger.pull_trigger(close_all)
        self.thread.join(timeout=10)
        server.task_dispatcher.shutdown()


def start_server(app: Flask, host: str = "127.0.0.1", port: int = 0) -> LiveServer:
    """Start waitress on `host:port` (0 = a free port) in a thread; returns its base URL."""
    server = waitress.create_server(
        app, host=host, port=port, threads=SERVER_THREADS, **limits(app)
    )
    bound_port = server.effective_port  # type: ignore[union-attr]
    thread = threading.Thread(target=server.run, name="reader-waitress", daemon=True)
    thread.start()
    return LiveServer(url=f"http://{host}:{bound_port}", server=server, thread=thread)  # type: ignore[arg-type]
