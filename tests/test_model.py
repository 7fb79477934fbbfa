"""The model: a block's kind is one the front ends know."""

from __future__ import annotations

from dataclasses import replace

import pytest
from support import SAMPLES

from reader.extract import extract_blocks
from reader.load import load
from reader.model import BLOCK_KINDS, Block
from reader.options import ReadOptions


def test_a_block_of_an_unknown_kind_is_refused() -> None:
    block = Block(index=0, kind="paragraph", text="Öppet i dag.", locator="p")
    with pytest.raises(ValueError, match="unknown block kind 'para'"):
        Block(index=0, kind="para", text="Öppet i dag.", locator="p")
    with pytest.raises(ValueError, match="unknown block kind 'Heading'"):
        replace(block, kind="Heading")


def test_the_samples_read_as_blocks_of_the_known_kinds() -> None:
    kinds: set[str] = set()
    for sample in sorted(SAMPLES.glob("*.html")):
        if sample.name == "nothing-readable.html":
            continue
        kinds |= {b.kind for b in extract_blocks(load(str(sample), ReadOptions())).blocks}
    assert kinds <= BLOCK_KINDS
    assert {"heading", "paragraph", "list_item"} <= kinds
