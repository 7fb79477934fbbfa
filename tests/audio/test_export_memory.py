from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import soundfile

from reader.pipeline import read_page

# Peak resident memory an export may reach, whatever the page's length.
BOUND_MB = 100
# Enough paragraphs for over half an hour of speech: holding its PCM (and its clips, and the
# joined track) in memory would go far past the bound.
PARAGRAPHS = 200
# Runs an export in a child and prints the peak RSS (KiB) of the child and its encoder.
PROBE = (
    "import resource, subprocess, sys; subprocess.run(sys.argv[1:], check=True, "
    "capture_output=True); print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
)


def test_exporting_a_long_page_keeps_memory_under_the_bound(samples: Path, tmp_path: Path) -> None:
    texts = [b.text for b in read_page(samples / "ostersund-international-cooperation.html").blocks]
    body = "".join(f"<p>Part {n}. {texts[n % len(texts)]}</p>" for n in range(PARAGRAPHS))
    page = tmp_path / "long.html"
    page.write_text(f"<html lang=sv><body><main>{body}</main></body></html>", encoding="utf-8")
    out = tmp_path / "long.wav"
    export = [sys.executable, "-m", "reader", "export", str(page), "-o", str(out)]
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *export], capture_output=True, text=True, check=True
    )
    peak_mb = int(done.stdout) / 1024
    info = soundfile.info(out)
    assert info.duration > 30 * 60  # the whole page was spoken ...
    assert peak_mb < BOUND_MB  # ... without its audio held in memory
