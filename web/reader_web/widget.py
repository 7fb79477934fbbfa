"""The widget blueprint: the embeddable Listen button's ES modules and stylesheet."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from flask import Blueprint, Response, abort, request

STATIC_DIR = Path(__file__).resolve().parent / "static"
# The widget's files: `widget.js` imports its sibling modules by relative URL, so they are
# served beside it at the root. Names are checked before the disk is touched.
WIDGET_FILE = re.compile(r"[a-z][a-z0-9-]*\.(?P<ext>js|css)")
WIDGET_TYPES = {"js": "text/javascript", "css": "text/css"}
# The widget changes with releases; embedding sites revalidate it every few minutes.
WIDGET_MAX_AGE = 300

bp = Blueprint("widget", __name__)


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
