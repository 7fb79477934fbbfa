from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
OSTERSUND = SAMPLES / "ostersund-international-cooperation.html"


@pytest.fixture
def samples() -> Path:
    return SAMPLES
