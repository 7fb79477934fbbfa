"""Load: a URL, a file, standard input or HTML text into a decoded `Document`."""

from __future__ import annotations

from reader.load.source import load

__all__ = ["load"]
