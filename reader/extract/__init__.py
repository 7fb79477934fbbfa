"""Extract: a `Document` into the blocks a listener hears, in reading order."""

from __future__ import annotations

from reader.extract.blocks import extract_blocks

__all__ = ["extract_blocks"]
