"""Audio: clips joined into a track with its timeline, and written out as files."""

from __future__ import annotations

from reader.audio.assemble import assemble

__all__ = ["assemble"]
