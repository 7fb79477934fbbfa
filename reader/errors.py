"""Errors raised by reader.

    ReaderError                  base of everything reader raises on purpose
    ├── UsageError               bad option or argument            (CLI exit 1, HTTP 400)
    ├── SourceError              a source that cannot be loaded or decoded (exit 2, HTTP 400/502)
    │   └── BlockedSourceError   a URL refused by policy (allow-list, private address) (HTTP 403)
    ├── NoContentError           nothing readable on the page      (exit 3, HTTP 422)
    ├── SpeechError              the speech engine failed or has no voice (exit 4, HTTP 503)
    ├── AudioError               audio could not be played or written     (exit 4, HTTP 500)
    └── IncompleteError          some pages of a site failed, the others were rendered (exit 5)

Third-party exceptions are wrapped where they enter (``raise SourceError(...) from exc``),
so callers only ever catch ``ReaderError``.
"""

from __future__ import annotations


class ReaderError(Exception):
    """Base class: the message is one line a user can act on."""

    exit_code = 1


class UsageError(ReaderError):
    """A bad option or argument."""

    exit_code = 1


class SourceError(ReaderError):
    """The source could not be loaded or decoded."""

    exit_code = 2


class BlockedSourceError(SourceError):
    """The source is refused by policy (host not allowed, private address)."""


class NoContentError(ReaderError):
    """The page has nothing readable."""

    exit_code = 3


class SpeechError(ReaderError):
    """The speech engine failed, or no voice can speak the text."""

    exit_code = 4


class AudioError(ReaderError):
    """Audio could not be played or written."""

    exit_code = 4


class IncompleteError(ReaderError):
    """Some pages of a site could not be rendered; the others were (each failure is listed)."""

    exit_code = 5
