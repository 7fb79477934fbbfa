"""The `reader` package: its public names, loaded on first use."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from support import ROOT

import reader
import reader.errors
import reader.model
import reader.options
import reader.pipeline

# What the stages pull in: none of it may load before a stage is used.
HEAVY = ("numpy", "lxml", "bs4", "langdetect", "soundfile", "lameenc", "pyttsx3", "onnxruntime")
STAGES = ("pipeline", "load", "extract", "language", "text", "speech", "audio")


def loaded_after(code: str) -> set[str]:
    """The modules a fresh interpreter holds after running `code`."""
    script = f"{code}\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))"
    out = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True
    )
    return set(json.loads(out.stdout))


def test_importing_reader_loads_no_stage() -> None:
    modules = loaded_after("import reader\nfrom reader import ReadOptions, SpeechOptions, Page")
    heavy = {m for m in modules if m.split(".")[0] in HEAVY}
    stages = {m for m in modules if m.split(".")[:2] in [["reader", s] for s in STAGES]}
    assert heavy == set() and stages == set()
    assert {"reader", "reader.model", "reader.options"} <= modules


def test_the_first_use_of_read_page_loads_the_stages() -> None:
    modules = loaded_after("from reader import read_page")
    assert {"reader.pipeline", "reader.extract", "lxml"} <= modules


def test_every_public_name_is_the_one_its_module_defines() -> None:
    homes = {
        "Block": reader.model,
        "Page": reader.model,
        "ReadOptions": reader.options,
        "SpeechOptions": reader.options,
        "ReaderError": reader.errors,
        "export_page": reader.pipeline,
        "read_page": reader.pipeline,
        "render": reader.pipeline,
    }
    assert sorted(reader.__all__) == sorted(homes)
    star: dict[str, object] = {}
    exec("from reader import *", star)
    for name, module in homes.items():
        assert getattr(reader, name) is getattr(module, name)
        assert star[name] is getattr(module, name)
    assert set(reader.__all__) <= set(dir(reader))


def test_an_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no attribute 'read_pages'"):
        reader.read_pages  # noqa: B018
    with pytest.raises(ImportError):
        exec("from reader import read_pages", {})
