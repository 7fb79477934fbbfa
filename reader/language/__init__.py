"""Languages: the language of every block and of the inline spans inside it."""

from __future__ import annotations

from reader.language.assign import assign_languages

__all__ = ["assign_languages"]
