"""The API blueprint: page plans as JSON, clips and page downloads as audio, health."""

from __future__ import annotations

import re

from flask import Blueprint, Response, abort, jsonify, request

from reader.audio.encode import encode_bytes
from reader.audio.export import slug
from reader.errors import UsageError
from reader_web.extensions import cache_of, reader_of, service_of, starts_of
from reader_web.posted import parse_json, request_json, unpacked_body
from reader_web.start import DIGEST_CHARS
from reader_web.worker import clip_from_wav

bp = Blueprint("api", __name__)

# A clip or page file name: the key is checked before anything touches the disk.
CLIP_NAME = re.compile(r"(?P<key>[0-9a-f]{32})\.(?P<ext>mp3|ogg|wav|json)")
PAGE_NAME = re.compile(r"(?P<key>[0-9a-f]{32})\.mp3")
START_DIGEST = re.compile(f"[0-9a-f]{{{DIGEST_CHARS}}}")
MIMETYPES = {
    "mp3": "audio/mpeg",
    "ogg": "audio/ogg",
    "wav": "audio/wav",
    "json": "application/json",
}
# A page key: the whole plan of a page answered in parts is found under it.
PAGE_KEY = re.compile(r"[0-9a-f]{32}")
# Content-addressed files never change: browsers and proxies may keep them for a year.
IMMUTABLE = "public, max-age=31536000, immutable"
# Where a page version's text starts changes only when the server's extraction does: a day.
START_MAX_AGE = 86400


@bp.post("/api/read")
def read_posted() -> Response:
    """Plan the posted page and queue its clips; returns without waiting for audio.

    `?first=1`: a long page may be answered with its first part and a `rest` URL (see
    `read_rest`), so that its first clip is asked for before the whole page is planned.
    """
    if not request.is_json:
        raise UsageError("send the page as JSON (Content-Type: application/json)")
    body = request_json(
        request.get_data(cache=False),
        request.headers.get("Content-Encoding", ""),
        reader_of().settings.web.max_markup,
    )
    first = request.args.get("first", "") in ("1", "true")
    return jsonify(reader_of().read_posted(body, first=first))


@bp.get("/api/read/<key>")
def read_rest(key: str) -> Response:
    """The whole plan of a page answered in parts, waiting for its planning to finish."""
    answer = reader_of().read_rest(key) if PAGE_KEY.fullmatch(key) else None
    if answer is None:
        abort(404)
    return jsonify(answer)


@bp.get("/api/read")
def read_url() -> Response:
    """Plan a page of an allowed host, fetched by the server."""
    return jsonify(reader_of().read_url(request.args.get("url", "")))


@bp.get("/api/start/<digest>")
def start_known(digest: str) -> Response:
    """Where the text starts on a page version already read (by digest of its posted body);
    204 when that version has not been read yet (no error: the widget posts it then)."""
    if START_DIGEST.fullmatch(digest) is None:
        abort(404)
    answer = starts_of().known(digest)
    if answer is None:
        response = Response(status=204)
        response.headers["Cache-Control"] = "no-store"  # it may be read a moment later
        return response
    response = jsonify(answer)
    response.cache_control.public = True
    response.cache_control.max_age = START_MAX_AGE
    return response


@bp.post("/api/start")
def start_posted() -> Response:
    """Read the posted page (as `POST /api/read` takes it) for where its text starts."""
    if not request.is_json:
        raise UsageError("send the page as JSON (Content-Type: application/json)")
    data = unpacked_body(
        request.get_data(cache=False),
        request.headers.get("Content-Encoding", ""),
        reader_of().settings.web.max_markup,
    )
    return jsonify(starts_of().read(data, parse_json(data)))


@bp.get("/api/audio/<name>")
def audio(name: str) -> Response:
    """A sentence clip (or its timing), waiting for synthesis when it is still being made."""
    match = CLIP_NAME.fullmatch(name)
    if match is None:
        abort(404)
    key, ext = match["key"], match["ext"]
    data = cache_of().read(key, ext)
    if data is None and ext == "mp3":
        streamed = _streamed(key)
        if streamed is not None:
            return streamed
    if data is None:
        data = _make(key, ext)
    return _immutable(data, MIMETYPES[ext], f"{key}.{ext}")


@bp.get("/api/page/<name>")
def page_audio(name: str) -> Response:
    """The whole page as one MP3 with a chapter per heading."""
    match = PAGE_NAME.fullmatch(name)
    if match is None:
        abort(404)
    key = match["key"]
    plan = reader_of().plan(key)
    data = reader_of().page_audio(key) if plan is not None else None
    if data is None or plan is None:
        abort(404)
    response = _immutable(data, "audio/mpeg", f"{key}.page.mp3")
    filename = f"{slug(plan.page.title) or 'page'}.mp3"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@bp.get("/api/voices")
def voices() -> Response:
    """The voices of the synthesis engine."""
    info = service_of().engine_info()
    return jsonify(
        voices=[{"id": v.id, "name": v.name, "languages": list(v.languages)} for v in info.voices]
    )


@bp.get("/healthz")
def health() -> Response:
    """Liveness and the synthesis pool's counters."""
    return jsonify(status="ok", speech=service_of().snapshot(), cache_bytes=cache_of().total_bytes)


def _make(key: str, ext: str) -> bytes:
    """Synthesize a clip the server knows how to make (404 otherwise), then read it."""
    wav = cache_of().read(key, "wav") if ext == "ogg" else None
    if wav is not None:
        return _encode_ogg(key, wav)
    job = service_of().known(key)
    if job is None:
        abort(404)
    _, data = service_of().made(job, "wav" if ext == "ogg" else ext)
    return _encode_ogg(key, data) if ext == "ogg" else data


def _streamed(key: str) -> Response | None:
    """A clip being made piece by piece, answered as its MP3 comes (chunked, no length): the
    listener hears its first clause while the rest is made. A synthesis that breaks off
    breaks the response off, so no browser keeps a partial clip."""
    job = service_of().known(key)
    chunks = service_of().stream(job) if job is not None else None
    if chunks is None:
        return None
    response = Response(chunks, mimetype=MIMETYPES["mp3"])
    response.set_etag(f"{key}.mp3")  # the same bytes as the finished clip's
    response.headers["Cache-Control"] = IMMUTABLE
    return response


def _encode_ogg(key: str, wav: bytes) -> bytes:
    clip = clip_from_wav(wav)
    data = encode_bytes("ogg", clip.pcm, clip.sample_rate)
    cache_of().offer(key, "ogg", data)  # a full or read-only disk keeps it in memory instead
    return data


def _immutable(data: bytes, mimetype: str, etag: str) -> Response:
    """A content-addressed file: strong ETag, cached for a year, 304 and 206 answered."""
    response = Response(data, mimetype=mimetype)
    response.set_etag(etag)
    response.headers["Cache-Control"] = IMMUTABLE
    response.make_conditional(request, accept_ranges=True, complete_length=len(data))
    return response
