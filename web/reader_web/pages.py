"""The pages blueprint: the sample page with the widget, and the reader that needs no script."""

from __future__ import annotations

import functools
from pathlib import Path

from bs4 import BeautifulSoup
from flask import Blueprint, Response, abort, render_template, request

from reader.errors import ReaderError
from reader_web.extensions import reader_of, settings_of
from reader_web.security import status_of

# Where the widget goes when the sample has no ReadSpeaker button to replace.
READSPEAKER_BUTTON = "#readspeaker_button1"
READING_AREA = "#content"

bp = Blueprint("pages", __name__)


@bp.get("/")
def index() -> Response:
    """The sample municipal page with our Listen button where ReadSpeaker's was."""
    path = settings_of().web.sample_page
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
        return render_template("pages/read.html", plan=None, url="", error="")
    try:
        plan = reader_of().read_url(url)
    except ReaderError as exc:
        status = status_of(exc)
        return render_template("pages/read.html", plan=None, url=url, error=str(exc)), status
    return render_template("pages/read.html", plan=plan, url=url, error="")


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
