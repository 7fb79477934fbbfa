from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from support import SAMPLES, Scenario


@pytest.fixture
def samples() -> Path:
    return SAMPLES


@pytest.fixture
def scenario(record_property: Callable[[str, object], None]) -> Scenario:
    return Scenario(record_property)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # Every test that reports a scenario is one: `pytest -m scenario` runs the whole report.
    for item in items:
        if "scenario" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.scenario)
