"""reader: offline text-to-speech for web pages.

from reader import read_page, ReadOptions
page = read_page("https://www.example.org/", ReadOptions(languages=("sv", "en")))
for block in page.blocks:
    print(block.index, block.kind, block.lang, block.text)
"""

from __future__ import annotations

from reader.errors import ReaderError
from reader.model import Block, Page
from reader.options import ReadOptions, SpeechOptions
from reader.pipeline import export_page, read_page, render

__all__ = [
    "Block",
    "Page",
    "ReadOptions",
    "ReaderError",
    "SpeechOptions",
    "export_page",
    "read_page",
    "render",
]
