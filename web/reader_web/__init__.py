"""The Listen button: a Flask app serving the widget, its API and the sample page."""

from __future__ import annotations

from typing import Any

__all__ = ["create_app", "serve"]


def __getattr__(name: str) -> Any:
    # Loaded on first use: synthesis processes import `reader_web.worker` and need none of Flask.
    if name in __all__:
        from reader_web import app

        return getattr(app, name)
    raise AttributeError(f"module 'reader_web' has no attribute {name!r}")
