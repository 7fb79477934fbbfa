"""Where a page's text starts: the first heading (or block) of what the server reads on it.

The widget stands its Listen button just above the text that will be read. On a page with no
`main`, `article` or named area only the server knows where that text starts, so the widget
asks on page load, before anyone presses Listen:

    GET  /api/start/<digest>   {"start": [...]} when this version of the page has been read,
                               204 when not (cheap: a look-up in memory, nothing is parsed)
    POST /api/start            the page exactly as `POST /api/read` takes it: read, kept, answered

`<digest>` is the first 32 hex digits of the SHA-256 of the JSON body the widget posts (the
page's URL and markup among it), so one answer serves every visitor who sees that version of
the page, and a visitor is only ever answered from what was posted under the same digest.
Answers are kept in memory in front of the clip store (`start.json`), so every web node and
a restarted server know the page versions read.
Each mark is a block as `/api/read` lists it (kind, text, locator), in the order the widget
tries them against the live page: the first heading when the text opens with one, then the
first block.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from reader.errors import NoContentError
from reader.model import Block, Page
from reader_web.plan import page_key
from reader_web.posted import posted_page
from reader_web.reading import Reader
from reader_web.recent import Recent

# A heading among the text's first blocks is its title (a kicker or a date line may come
# before it); one further down heads a later section, and the text starts at its first block.
HEADING_REACH = 3
# Enough of a block's text to find it again in the page; a first paragraph can be long.
MARK_CHARS = 200
# Page versions remembered: each answer is a few hundred bytes.
STARTS_IN_MEMORY = 4096
DIGEST_CHARS = 32
# Part of the stored answer's key, bumped when what a start holds changes.
START_FORMAT = "1"


@dataclass(frozen=True, slots=True, kw_only=True)
class StartMark:
    """A block where the text may start: what it is, its text, where it is in the copy sent."""

    kind: str
    text: str
    locator: str

    @classmethod
    def of(cls, block: Block) -> StartMark:
        return cls(kind=block.kind, text=block.text[:MARK_CHARS], locator=block.locator)

    def to_json(self) -> dict[str, str]:
        return {"kind": self.kind, "text": self.text, "locator": self.locator}


def start_marks(page: Page) -> tuple[StartMark, ...]:
    """Where the page's text starts, most telling first: its opening heading, its first block."""
    opening = page.blocks[:HEADING_REACH]
    heading = next((block for block in opening if block.kind == "heading"), None)
    marks = [block for block in (heading, *page.blocks[:1]) if block is not None]
    unique = {block.index: block for block in marks}
    return tuple(StartMark.of(block) for block in unique.values())


def body_digest(data: bytes) -> str:
    """The digest a page version is known by: of the posted JSON body, as the widget sends it."""
    return hashlib.sha256(data).hexdigest()[:DIGEST_CHARS]


class Starts:
    """The start of each page version read, by digest of what the widget posted."""

    def __init__(self, reader: Reader) -> None:
        self.reader = reader
        self._known: Recent[str, tuple[StartMark, ...]] = Recent(STARTS_IN_MEMORY)

    def known(self, digest: str) -> dict[str, Any] | None:
        """The answer for a page version already read, or None."""
        marks = self._known.get(digest)
        if marks is None:
            marks = self._stored(digest)
        return None if marks is None else _answer(marks)

    def read(self, data: bytes, body: Any) -> dict[str, Any]:
        """Read a posted page (`data` its unpacked JSON body, `body` that JSON) and keep its
        start. A page with nothing to read has no start: the widget places its button itself."""
        digest = body_digest(data)
        marks = self._known.get(digest)
        if marks is None:
            try:
                page = self.reader.read_document(posted_page(body))
            except NoContentError:
                page = Page(url="", title="", lang="", blocks=())
            marks = start_marks(page)
            self._known.put(digest, marks)
            answer = json.dumps(_answer(marks), ensure_ascii=False).encode("utf-8")
            self.reader.cache.offer(_store_key(digest), "start.json", answer)
        return _answer(marks)

    def _stored(self, digest: str) -> tuple[StartMark, ...] | None:
        """The marks another node (or this one before a restart) kept, or None."""
        record: Any = self.reader.cache.read_json(_store_key(digest), "start.json")
        try:
            marks = tuple(
                StartMark(kind=m["kind"], text=m["text"], locator=m["locator"])
                for m in record["start"]
                if all(isinstance(m.get(f), str) for f in ("kind", "text", "locator"))
            )
        except (TypeError, KeyError, AttributeError):  # absent, or not an answer we write
            return None
        self._known.put(digest, marks)
        return marks


def _store_key(digest: str) -> str:
    return page_key("start", START_FORMAT, digest)


def _answer(marks: tuple[StartMark, ...]) -> dict[str, Any]:
    return {"start": [mark.to_json() for mark in marks]}
