from __future__ import annotations

import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from support import SAMPLES, Scenario, mount


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
