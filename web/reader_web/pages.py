"""The HTML routes: the sample page with the widget, the no-script reader, the widget files."""

from __future__ import annotations

import functools
import hashlib
import re
from pathlib import Path

from bs4 import BeautifulSoup
from flask import Response, abort, render_template, request

from reader.errors import ReaderError
from reader_web.api import bp, reader
from reader_web.security import status_of

STATIC_DIR = Path(__file__).resolve().parent / "static"
# The widget's files: `widget.js` imports its sibling modules by relative URL, so they are
# served beside it at the root. Names are checked before the disk is touched.
WIDGET_FILE = re.compile(r"[a-z][a-z0-9-]*\.(?P<ext>js|css)")
WIDGET_TYPES = {"js": "text/javascript", "css": "text/css"}
# The widget changes with releases; embedding sites revalidate it every few minutes.
WIDGET_MAX_AGE = 300
# Where the widget goes when the sample has no ReadSpeaker button to replace.
READSPEAKER_BUTTON = "#readspeaker_button1"
READING_AREA = "#content"


@bp.get("/")
def index() -> Response:
    """The sample municipal page with our Listen button where ReadSpeaker's was."""
    path = reader().settings.web.sample_page
    if path is None:
        abort(404)
    try:
        stat = path.stat()
    except OSError:
        abort(404)
    page = _sample_with_widget(str(path), stat.st_mtime_ns)
    return Response(page, mimetype="text/html")


@bp.get("/read")
def read_page_view() -> tuple[str, int] | str:
    """An allowed page's blocks and its audio, usable without JavaScript."""
    url = request.args.get("url", "").strip()
    if not url:
        return render_template("reader/read.html", plan=None, url="", error="")
    try:
        plan = reader().read_url(url)
    except ReaderError as exc:
        status = status_of(exc)
        return render_template("reader/read.html", plan=None, url=url, error=str(exc)), status
    return render_template("reader/read.html", plan=plan, url=url, error="")


@bp.get("/<name>")
def widget_file(name: str) -> Response:
    """The embeddable widget: its ES modules and its stylesheet, for any site to load."""
    match = WIDGET_FILE.fullmatch(name)
    if match is None:
        abort(404)
    try:
        data = (STATIC_DIR / name).read_bytes()
    except OSError:
        abort(404)
    response = Response(data, mimetype=WIDGET_TYPES[match["ext"]])
    response.set_etag(hashlib.sha256(data).hexdigest()[:32])
    response.cache_control.public = True
    response.cache_control.max_age = WIDGET_MAX_AGE
    response.make_conditional(request)
    return response


@functools.lru_cache(maxsize=4)
def _sample_with_widget(path: str, mtime_ns: int) -> str:
    """The sample page rewritten once per file version (mtime in the cache key)."""
    soup = BeautifulSoup(Path(path).read_text(encoding="utf-8"), "lxml")
    widget = soup.new_tag("div", attrs={"class": "reader-widget", "data-reader-widget": ""})
    button = soup.select_one(READSPEAKER_BUTTON)
    if button is not None:
        button.replace_with(widget)
    else:
        area = soup.select_one(READING_AREA) or soup.body
        if area is soup.body and area is not None:
            area.insert(0, widget)
        elif area is not None:
            area.insert_before(widget)
    # Inline scripts would be refused by our Content-Security-Policy anyway.
    for script in soup.find_all("script"):
        if not script.get("src"):
            script.decompose()
    if soup.head is not None:
        soup.head.append(soup.new_tag("link", attrs={"rel": "stylesheet", "href": "/widget.css"}))
    if soup.body is not None:
        script = soup.new_tag(
            "script",
            attrs={"type": "module", "src": "/widget.js", "data-reader-area": READING_AREA},
        )
        soup.body.append(script)
    return str(soup)
