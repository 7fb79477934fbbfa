"""The render manifest: file names per URL, and what a rerun trusts."""

from __future__ import annotations

import json
from pathlib import Path

from reader.site import MANIFEST_NAME, Entry, Manifest
from reader.site.manifest import file_stem


def test_file_names_come_from_the_url_and_differ_for_every_url() -> None:
    stems = [
        file_stem(url)
        for url in (
            "https://www.ostersund.se/kommun/öppettider.html",
            "https://www.ostersund.se/kommun/oppettider",
            "https://www.ostersund.se/",
            "https://www.ostersund.se/?page=2",
        )
    ]
    assert stems[0].startswith("oppettider-") and stems[1].startswith("oppettider-")
    assert stems[2].startswith("www-ostersund-se-")
    assert len(set(stems)) == 4


def test_an_entry_counts_only_while_its_files_are_there(tmp_path: Path) -> None:
    manifest = Manifest(tmp_path)
    entry = Entry(key="k1", audio="a.mp3", captions="a.vtt", title="A", duration=3.0)
    (tmp_path / "a.mp3").write_bytes(b"x")
    (tmp_path / "a.vtt").write_text("WEBVTT\n")
    manifest.record("https://example.org/a", entry)
    assert Manifest.load(tmp_path).get("https://example.org/a") == entry
    (tmp_path / "a.vtt").unlink()
    assert Manifest.load(tmp_path).get("https://example.org/a") is None


def test_a_damaged_or_edited_manifest_renders_again_and_never_points_outside(
    tmp_path: Path,
) -> None:
    (tmp_path / MANIFEST_NAME).write_text("{not json", encoding="utf-8")
    assert list(Manifest.load(tmp_path)) == []
    pages = {
        "https://example.org/a": {"key": "k", "audio": "../../etc/passwd", "captions": "a.vtt"},
        "https://example.org/b": {"key": "k", "audio": "b.mp3", "captions": "b.vtt"},
    }
    (tmp_path / MANIFEST_NAME).write_text(json.dumps({"format": 1, "pages": pages}))
    assert list(Manifest.load(tmp_path)) == ["https://example.org/b"]
