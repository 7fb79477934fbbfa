"""The Listen button: a Flask app serving the widget, its API and the sample page."""

from __future__ import annotations

from web.app import create_app, serve

__all__ = ["create_app", "serve"]
