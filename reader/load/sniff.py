"""Whether bytes are a page at all: WHATWG MIME sniffing, reduced to what a page reader needs.

A file named `.html` may hold an image, and a server may send one without a type. Bytes
that start with markup are a page whatever follows; otherwise a byte that text never holds
(a control character) in the first bytes makes them binary, as browsers decide.
"""

from __future__ import annotations

import re

# Bytes that never occur in text (WHATWG "binary data byte").
BINARY_BYTES = frozenset(
    set(range(0x09)) | {0x0B} | set(range(0x0E, 0x1B)) | set(range(0x1C, 0x20))
)
SNIFF_BYTES = 1445
TEXT_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")
# The start of markup: a tag, a comment, a doctype or an XML declaration. WHATWG's list of
# HTML patterns is narrower (a page starting with `<meta>` is not on it); no image, archive
# or document format starts with one, so any tag will do.
MARKUP_START = re.compile(rb"[\t\n\x0c\r ]*<[A-Za-z!?]")


def looks_binary(data: bytes) -> bool:
    """True when the bytes are not text: no markup at the start, a binary byte in the first."""
    if data.startswith(TEXT_BOMS) or MARKUP_START.match(data[:SNIFF_BYTES]):
        return False
    return not BINARY_BYTES.isdisjoint(data[:SNIFF_BYTES])
