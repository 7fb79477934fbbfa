"""The test suite runs from a clean clone: it reads no file outside the repository."""

from __future__ import annotations

import re

from support import ROOT

# Ways a test could reach out of the checkout: the benchmark data beside it, or a path climbing
# above the repository root.
OUTSIDE = re.compile(r"\.\./shared|ROOT\.parent\b|/ [\"']shared[\"']|parents\[(\d+)\]")


def test_tests_read_nothing_outside_the_repository() -> None:
    offenders = []
    for path in sorted((ROOT / "tests").rglob("*.py")):
        depth = len(path.relative_to(ROOT).parts) - 1  # parents[depth] is the root
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            for match in OUTSIDE.finditer(line):
                if match.group(1) is not None and int(match.group(1)) <= depth:
                    continue
                offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert offenders == []
