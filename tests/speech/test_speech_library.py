"""Where libespeak-ng comes from: the wheel must serve both engines without a system install."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest
from support import ROOT

from reader.errors import SpeechError
from reader.speech import espeak_lib

# Runs in a fresh interpreter: the library choice is made once per process.
PROBE = textwrap.dedent(
    """
    import json
    from reader.options import SpeechOptions
    from reader.speech import espeak_lib, open_engine

    result = {}
    for name in ("pyttsx3", "espeak"):
        engine = open_engine(SpeechOptions(engine=name))
        clip = engine.synthesize("Välkommen till Östersund.", "gmq/sv", 175)
        result[name] = {"version": engine.version, "seconds": clip.duration,
                        "words": len(clip.words), "voices": len(engine.voices())}
        engine.close()
    result["files"] = espeak_lib.loaded_files()
    print(json.dumps(result))
    """
)


def probe(choice: str) -> dict[str, object]:
    env = {**os.environ, espeak_lib.LIB_ENV: choice, "PYTHONPATH": str(ROOT)}
    env.pop("ESPEAK_DATA_PATH", None)
    done = subprocess.run(
        [sys.executable, "-c", PROBE],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    result: dict[str, object] = json.loads(done.stdout)
    return result


def test_the_wheel_serves_both_engines_and_the_system_library_is_never_loaded() -> None:
    result = probe("wheel")
    files = result["files"]
    assert isinstance(files, list)
    assert not any(path.startswith(("/usr/", "/lib/")) for path in files), files
    assert any("espeakng_loader" in path for path in files), files
    for name in ("pyttsx3", "espeak"):
        engine = result[name]
        assert isinstance(engine, dict)
        assert "(wheel)" in engine["version"]
        assert engine["seconds"] > 0.8 and engine["words"] == 3 and engine["voices"] > 50


def test_auto_prefers_the_system_library_where_installed() -> None:
    result = probe("auto")
    files = result["files"]
    assert isinstance(files, list)
    assert any("libespeak-ng.so" in path and "espeakng_loader" not in path for path in files)
    engine = result["espeak"]
    assert isinstance(engine, dict) and "(system)" in engine["version"]


def test_wheel_library_has_its_data_directory() -> None:
    library = espeak_lib.locate("wheel")
    assert library.source == "wheel"
    assert (ROOT / library.path).exists()
    assert os.path.isdir(os.path.join(library.data_dir, "espeak-ng-data", "voices"))


def test_an_unknown_library_choice_is_refused() -> None:
    with pytest.raises(SpeechError, match=espeak_lib.LIB_ENV):
        espeak_lib.locate("homebrew")
