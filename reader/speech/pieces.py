"""Where a neural voice cuts a sentence: clause by clause, no piece longer than MAX_PIECE.

A VITS model's working memory grows with the audio it makes in one go (about 30 MB a second
of speech, for its last convolutions, with onnxruntime): a 200-character sentence spoken in
one piece held ~520 MB in a worker, pieces of at most MAX_PIECE characters about 300 MB. And
a sentence spoken piece by piece can be heard from its first clause on, while the rest is
made. Clause punctuation is where the voice pauses anyway, so a cut there is not heard; a
clause too long for one piece is cut at the space nearest its middle, where the joint is
closed up (`Piece.joined`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Longest piece of text a neural voice speaks at once (see above).
MAX_PIECE = 100
# A clause shorter than this is said with the next one ("Yes," alone sounds clipped).
MIN_PIECE = 12
# The end of a clause: its punctuation, closing quotes or brackets, then a space.
CLAUSE_END = re.compile(r"[,;:.!?…]+[\"')\]»”’]*\s+")


@dataclass(frozen=True, slots=True, kw_only=True)
class Piece:
    """A stretch of an utterance spoken on its own: `text[start:end]`.

    `joined` says the piece goes on mid-clause into the next one, so the silence the voice
    leaves at the end of the one and the start of the other is closed up.
    """

    start: int
    end: int
    joined: bool = False


def pieces(text: str) -> tuple[Piece, ...]:
    """The pieces of an utterance, in order, covering all of it."""
    spans: list[tuple[int, int]] = []
    start = 0
    for match in CLAUSE_END.finditer(text):
        spans.append((start, match.end()))
        start = match.end()
    if start < len(text):
        spans.append((start, len(text)))
    merged: list[tuple[int, int]] = []
    for span in spans:
        short = merged and _said_length(text, *merged[-1]) < MIN_PIECE
        tail = merged and _said_length(text, *span) < MIN_PIECE and span[1] == len(text)
        if short or (tail and span[1] - merged[-1][0] <= MAX_PIECE):
            merged[-1] = (merged[-1][0], span[1])
        else:
            merged.append(span)
    out: list[Piece] = []
    for a, b in merged:
        out.extend(_cut(text, a, b))
    return tuple(out)


def _cut(text: str, start: int, end: int) -> list[Piece]:
    """A clause as the fewest pieces of at most MAX_PIECE characters, of about even length,
    cut at the spaces nearest the even cuts (one very long word is said whole)."""
    count = -(-(end - start) // MAX_PIECE)
    spaces = [start + m.end() for m in re.finditer(r"\s+", text[start:end].rstrip())]
    cuts: list[int] = []
    for k in range(1, count):
        target = start + k * (end - start) // count
        later = [at for at in spaces if at > (cuts[-1] if cuts else start)]
        if later:
            cuts.append(min(later, key=lambda at: abs(at - target)))
    bounds = [start, *cuts, end]
    return [
        Piece(start=a, end=b, joined=b != end) for a, b in zip(bounds, bounds[1:], strict=False)
    ]


def _said_length(text: str, start: int, end: int) -> int:
    return len(text[start:end].strip())
