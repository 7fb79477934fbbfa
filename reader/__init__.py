"""reader: offline text-to-speech for web pages.

from reader import read_page, ReadOptions
page = read_page("https://www.example.org/", ReadOptions(languages=("sv", "en")))
for block in page.blocks:
    print(block.index, block.kind, block.lang, block.text)

The public names load on first use (PEP 562): `import reader`, or taking only the model or
the options from it, does not load the stages (lxml, numpy, the language profiles), so a
front end that imports a stage late really does start faster.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from reader.errors import ReaderError
    from reader.model import Block, Page
    from reader.options import ReadOptions, SpeechOptions
    from reader.pipeline import export_page, read_page, render

# Each public name and the module it comes from.
_HOMES = {
    "Block": "reader.model",
    "Page": "reader.model",
    "ReadOptions": "reader.options",
    "ReaderError": "reader.errors",
    "SpeechOptions": "reader.options",
    "export_page": "reader.pipeline",
    "read_page": "reader.pipeline",
    "render": "reader.pipeline",
}

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


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'reader' has no attribute {name!r}")
    value = getattr(importlib.import_module(home), name)
    globals()[name] = value  # once loaded, later look-ups skip this function
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
