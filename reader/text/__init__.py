"""Text: a page's blocks into sentences normalised for listening (`Utterance`s)."""

from __future__ import annotations

from reader.text.utterances import to_utterances

__all__ = ["to_utterances"]
