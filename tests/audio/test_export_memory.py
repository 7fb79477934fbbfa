from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import soundfile

from reader.pipeline import read_page

# Peak resident memory an export may reach, whatever the page's length.
BOUND_MB = 100
# Enough paragraphs for over half an hour of speech: holding its PCM (and its clips, and the
# joined track) in memory would go far past the bound.
PARAGRAPHS = 200
# Seconds a decoded file may run past its timeline: LAME's encoder delay and last frame
# (~0.1 s at 22 kHz); a WAV file holds exactly the samples (the timeline rounds to 1 ms).
MP3_SLACK = {"wav": 0.001, "mp3": 0.15}
# Runs an export in a child and prints the peak RSS (KiB) of the child and its encoder.
PROBE = (
    "import resource, subprocess, sys; subprocess.run(sys.argv[1:], check=True, "
    "capture_output=True); print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
)


@pytest.mark.parametrize("ext", ["wav", "mp3"])
def test_exporting_a_long_page_keeps_memory_under_the_bound(
    samples: Path, tmp_path: Path, ext: str
) -> None:
    texts = [b.text for b in read_page(samples / "ostersund-international-cooperation.html").blocks]
    body = "".join(f"<p>Part {n}. {texts[n % len(texts)]}</p>" for n in range(PARAGRAPHS))
    page = tmp_path / "long.html"
    page.write_text(f"<html lang=sv><body><main>{body}</main></body></html>", encoding="utf-8")
    out, timeline = tmp_path / f"long.{ext}", tmp_path / "long.json"
    export = [sys.executable, "-m", "reader", "export", str(page), "-o", str(out)]
    export += ["--timeline", str(timeline), "--split", str(tmp_path / "parts")]
    export += ["--engine", "espeak"]
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *export], capture_output=True, text=True, check=True
    )
    peak_mb = int(done.stdout) / 1024
    cues = json.loads(timeline.read_text(encoding="utf-8"))
    spoken = {c["block"] for c in cues["cues"] if c["kind"] == "block"}
    seconds = decoded_seconds(out)
    assert len(spoken) == PARAGRAPHS  # every paragraph was spoken ...
    assert seconds > 30 * 60
    # ... the file holds all of it, as long as the timeline says (LAME adds its delay and
    # pads the last frame) ...
    assert cues["duration"] - 0.001 <= seconds <= cues["duration"] + MP3_SLACK[ext]
    (part,) = (tmp_path / "parts").glob(f"*.{ext}")  # no headings: one section, all of it
    assert decoded_seconds(part) == pytest.approx(seconds, abs=MP3_SLACK[ext] + 0.001)
    assert peak_mb < BOUND_MB  # ... without its audio held in memory


def decoded_seconds(path: Path) -> float:
    """The length of the audio a decoder gets out of a file (libsndfile's header estimate
    for an MP3 is off by seconds), read a block at a time."""
    decoded = 0
    with soundfile.SoundFile(path) as audio:
        while block := len(audio.read(1 << 16, dtype="int16")):
            decoded += block
        return decoded / audio.samplerate
