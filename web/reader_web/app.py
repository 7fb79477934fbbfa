"""The app factory, its settings, and the waitress server that runs it."""

from __future__ import annotations

import json
import logging
import os
import threading
from collections.abc import Callable, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

import waitress
from flask import Config as FlaskConfig
from flask import Flask
from waitress.channel import HTTPChannel
from waitress.task import ErrorTask

from reader.errors import ReaderError, UsageError
from reader.settings import SETTINGS, WEB_SETTINGS, Config, apply
from reader_web import api, extensions, pages, security, widget
from reader_web.access import access_log
from reader_web.backend import Speech, Store
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
# What waitress's own refusals say: the app's words where the app has the same refusal.
SERVER_ERRORS = {
    413: "request body too large",
    431: "request header too large",
}


def _default_cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "reader" / "web"


def _setting_name(key: str) -> str:
    return f"READER_{key.upper()}"


def app_settings(config: Mapping[str, Any] | Config | None = None) -> Config:
    """The option records of an app, from the CLI's Config or a mapping of READER_* settings.

    Every READER_* key is a setting of reader.settings (`READER_LANGUAGES`, `READER_WORKERS`):
    checked by name and type like a config file's, so a bad one stops the app from starting.
    """
    if isinstance(config, Mapping):
        flask_config = FlaskConfig(WEB_DIR)
        flask_config.update(config)
        values = flask_config.get_namespace("READER_")
        config = apply(Config(), values, _setting_name, SETTINGS | WEB_SETTINGS)
    config = config or Config()
    web = config.web
    sample = next((p for p in SAMPLE_CANDIDATES if p.is_file()), SAMPLE_CANDIDATES[0])
    return replace(
        config,
        web=replace(
            web,
            cache_dir=web.cache_dir or _default_cache_dir(),
            sample_page=web.sample_page or sample,
            fetch_timeout=web.fetch_timeout or config.read.timeout,
        ),
    )


def create_app(config: Mapping[str, Any] | Config | None = None) -> Flask:
    """Build the app: settings, the clip cache, the synthesis pool, a blueprint per feature."""
    settings = app_settings(config)
    app = Flask(__name__, static_folder=None)
    if isinstance(config, Mapping):
        app.config.update(config)
    web = settings.web
    app.config["MAX_CONTENT_LENGTH"] = web.max_body
    app.json.sort_keys = False  # type: ignore[attr-defined]
    cache: Store
    service: Speech
    if web.redis:
        cache, service = _on_redis(settings)
    else:
        cache = ClipCache(web.cache_dir or _default_cache_dir(), web.cache_max_bytes)
        service = SpeechService(
            cache, settings.speech, workers=web.workers, job_timeout=web.job_timeout
        )
    extensions.install(app, settings, cache, service, Reader(settings, cache, service))
    app.register_blueprint(pages.bp)  # the sample page and the no-script reader
    app.register_blueprint(api.bp)  # the JSON and audio API the widget calls
    app.register_blueprint(widget.bp)  # the widget's own files, for any site to load
    security.install(app)
    return app


def _on_redis(settings: Config) -> tuple[Store, Speech]:
    """The clip store and speech service of a node that keeps its state in Redis."""
    try:
        from reader_web.clipqueue import ClipQueue
        from reader_web.redisstore import RedisCache, connect
    except ImportError as exc:
        raise UsageError(
            f"--redis needs the distributed extra: pip install 'reader[distributed]' ({exc})"
        ) from exc
    web = settings.web
    try:
        client = connect(web.redis)
    except ValueError as exc:
        raise UsageError(f"not a Redis URL: {web.redis}: {exc}") from exc
    cache = RedisCache(client, web.redis_ttl)
    return cache, ClipQueue(cache, settings.speech, job_timeout=web.job_timeout)


def limits(app: Flask) -> dict[str, int]:
    """Waitress's request limits for an app: its body limit is enforced before buffering."""
    # Waitress reads a whole body (to disk, up to 1 GB by default) before the app sees the
    # request, so the app's own limit would come too late: a client announcing 3 MB and
    # sending one byte would hold a connection until waitress gave up on it.
    return {
        "max_request_body_size": int(app.config["MAX_CONTENT_LENGTH"]),
        "max_request_header_size": MAX_HEADER_BYTES,
    }


class JSONErrorTask(ErrorTask):
    """Waitress's refusals (body or header too large, malformed request) as JSON, like the
    app's own errors: a client reads `{"error": ...}` whichever layer refused it."""

    def execute(self) -> None:
        error = self.request.error
        message = SERVER_ERRORS.get(error.code) or " ".join(f"{error.reason}: {error.body}".split())
        body = json.dumps({"error": message.lower()}).encode()
        self.status = f"{error.code} {error.reason}"
        self.response_headers.extend(
            [
                ("Content-Type", "application/json"),
                ("X-Content-Type-Options", "nosniff"),
                ("Access-Control-Allow-Origin", "*"),
            ]
        )
        self.set_close_on_finish()
        self.content_length = len(body)
        self.write(body)


class JSONErrorChannel(HTTPChannel):
    """A waitress connection whose refusals are JSON."""

    error_task_class = JSONErrorTask


def create_server(app: Flask, wsgi: Any = None, **kwargs: Any) -> Any:
    """A waitress server for the app (or `wsgi` wrapping it) with the app's limits; its own
    refusals answer in JSON."""
    server = waitress.create_server(wsgi or app, threads=SERVER_THREADS, **limits(app), **kwargs)
    server.channel_class = JSONErrorChannel
    return server


def _warm_up(app: Flask) -> None:
    try:
        extensions.reader_of(app).warm_up()
    except ReaderError as exc:
        logging.getLogger("reader.web").warning("cannot warm up: %s", exc)


def serve(
    host: str,
    port: int,
    workers: int | None = None,
    config: Mapping[str, Any] | Config | None = None,
    *,
    log_requests: bool = False,
    on_listening: Callable[[str], None] | None = None,
) -> None:
    """Run the app on waitress until interrupted (`reader serve`).

    The port is bound before `on_listening` is told the URL, so nothing announces a server
    that cannot listen; `log_requests` writes one Common Log Format line per request to stderr.
    """
    settings = apply(app_settings(config), {"workers": workers}, _setting_name, WEB_SETTINGS)
    app = create_app(settings)
    wsgi: Any = access_log(app) if log_requests else app
    try:
        server = create_server(app, wsgi, host=host, port=port, ident="reader")
    except OSError as exc:
        raise UsageError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from exc
    if on_listening is not None:
        bound_port = getattr(server, "effective_port", port)  # several sockets: as asked
        on_listening(f"http://{host}:{bound_port}/")
    service = extensions.service_of(app)
    service.start()  # the first visitor should not wait for the engines to load
    try:
        if settings.web.redis:
            # The workers may start later: the node listens meanwhile, and warms up after.
            threading.Thread(target=_warm_up, args=(app,), daemon=True).start()
        else:
            extensions.reader_of(app).warm_up()
        server.run()
    finally:
        service.close()
