"""Response headers (CSP, nosniff, CORS) and the one place errors become HTTP responses."""

from __future__ import annotations

import logging

from flask import Flask, Response, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from reader.errors import (
    AudioError,
    BlockedSourceError,
    NoContentError,
    ReaderError,
    SourceError,
    SpeechError,
    UsageError,
)

# Our own pages load only our own script and style; audio may come from blob: URLs.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; media-src 'self' blob:; connect-src 'self'; object-src 'none'; "
    "base-uri 'none'; frame-ancestors 'self'"
)


class TooMuchText(UsageError):
    """A page with more text than the service reads aloud (READER_MAX_TEXT)."""


# Status per error class, most specific first (the first match wins).
ERROR_STATUS: tuple[tuple[type[ReaderError], int], ...] = (
    (TooMuchText, 413),
    (BlockedSourceError, 403),
    (SourceError, 502),
    (NoContentError, 422),
    (SpeechError, 503),
    (AudioError, 500),
    (UsageError, 400),
    (ReaderError, 400),
)
# What other sites load from their own pages: the API and the widget's files (module scripts
# and their imports are fetched in CORS mode).
CROSS_ORIGIN_PREFIX = "/api/"
CROSS_ORIGIN_ENDPOINTS = frozenset({"widget.widget_file"})

log = logging.getLogger("reader.web")


def install(app: Flask) -> None:
    """Add the security headers and the error handlers to an app."""
    app.after_request(add_headers)
    app.register_error_handler(ReaderError, _reader_error)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Exception, _unexpected_error)


def add_headers(response: Response) -> Response:
    """Headers every response carries, plus CSP on HTML and CORS on the API and widget."""
    response.headers["X-Content-Type-Options"] = "nosniff"
    if response.mimetype == "text/html":
        response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
        response.headers["Referrer-Policy"] = "same-origin"
    if request.path.startswith(CROSS_ORIGIN_PREFIX) or request.endpoint in CROSS_ORIGIN_ENDPOINTS:
        # Public, cookie-less resources: any site may embed the widget and call the API.
        response.headers["Access-Control-Allow-Origin"] = "*"
        response.headers["Access-Control-Allow-Methods"] = "GET, POST, OPTIONS"
        response.headers["Access-Control-Allow-Headers"] = "Content-Type, Content-Encoding, Range"
        response.headers["Access-Control-Expose-Headers"] = (
            "Content-Length, Content-Range, Accept-Ranges, ETag"
        )
        response.headers["Access-Control-Max-Age"] = "86400"
    return response


def status_of(error: ReaderError) -> int:
    """The HTTP status for a reader error."""
    return next(status for kind, status in ERROR_STATUS if isinstance(error, kind))


def error_response(message: str, status: int) -> tuple[Response | str, int]:
    """A JSON error on the API, a small escaped HTML page elsewhere."""
    line = " ".join(message.split()) or "error"
    if request.path.startswith("/api/"):
        return jsonify(error=line), status
    return render_template("error.html", message=line, status=status), status


def _reader_error(error: ReaderError) -> tuple[Response | str, int]:
    return error_response(str(error), status_of(error))


def _http_error(error: HTTPException) -> tuple[Response | str, int]:
    status = error.code or 500
    messages = {
        404: "not found",
        405: "method not allowed",
        413: "request body too large",
    }
    return error_response(messages.get(status, error.description or error.name), status)


def _unexpected_error(error: Exception) -> tuple[Response | str, int]:
    log.exception("unexpected error on %s", request.path, exc_info=error)
    return error_response("internal error", 500)
