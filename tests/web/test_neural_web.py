"""The Listen button with a neural voice: its clips, their timings and the workers' memory."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

from flask import Flask
from mutagen.mp3 import MP3

PAGE_URL = "https://www.ostersund.se/international-cooperation"
NEURAL_EN = "piper:en_US-joe-medium"
# A synthesis process holding eSpeak NG, onnxruntime and the English model stays under this.
WORKER_MB = 400


def test_a_neural_voice_reads_the_english_page_with_estimated_word_times(
    app_factory: Callable[..., Flask], content_html: str, neural_voices: Path
) -> None:
    app = app_factory(READER_ENGINE="piper", READER_VOICES_DIR=str(neural_voices))
    client = app.test_client()
    voices = {v["id"]: v for v in client.get("/api/voices").get_json()["voices"]}
    assert {NEURAL_EN, "piper:sv_SE-test-medium", "gmq/sv"} <= set(voices)
    answer = client.post("/api/read", json={"html": content_html, "url": PAGE_URL, "lang": "en"})
    assert answer.status_code == 200, answer.get_data(as_text=True)
    first = answer.get_json()["blocks"][0]["sentences"][0]
    audio = client.get(first["audio"])
    assert audio.status_code == 200
    timing = client.get(first["timing"]).get_json()
    length = MP3(io.BytesIO(audio.data)).info.length
    assert 1.0 < timing["duration"] < 4 and abs(length - timing["duration"]) < 0.15
    assert timing["estimated"] is True
    words = timing["words"]
    assert [w[0] for w in words] == [0, 14]  # "International", "cooperation"
    assert words[0][2] < 0.3 and words[-1][3] <= timing["duration"] + 0.01
    health = client.get("/healthz").get_json()["speech"]
    assert len(health["worker_rss_mb"]) == 1
    assert all(0 < mb <= WORKER_MB for mb in health["worker_rss_mb"]), health
