"""The clip cache: layout, key checks, atomic writes, LRU eviction under a size bound."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest

from reader_web.cache import ClipCache

KEY_A = "a" * 32
KEY_B = "b" * 32
KEY_C = "c" * 32
KEY_D = "d" * 32


def test_entries_live_under_their_key_prefix_and_read_back(tmp_path: Path) -> None:
    cache = ClipCache(tmp_path, 10_000)
    path = cache.put(KEY_A, "mp3", b"ID3 audio")
    assert path == tmp_path / "aa" / f"{KEY_A}.mp3"
    assert cache.read(KEY_A, "mp3") == b"ID3 audio"
    assert cache.read(KEY_A, "ogg") is None
    assert cache.total_bytes == len(b"ID3 audio")


@pytest.mark.parametrize(
    ("key", "ext"),
    [
        ("../../etc/passwd", "mp3"),
        ("..", "mp3"),
        ("A" * 32, "mp3"),  # upper case is not what the server names files
        ("a" * 31, "mp3"),
        ("a" * 33, "mp3"),
        ("a" * 31 + "/", "mp3"),
        (KEY_A, "mp3/../../x"),
        (KEY_A, "py"),
        (KEY_A, ""),
    ],
)
def test_malformed_names_never_become_paths(tmp_path: Path, key: str, ext: str) -> None:
    cache = ClipCache(tmp_path, 10_000)
    with pytest.raises(ValueError):
        cache.path(key, ext)
    with pytest.raises(ValueError):
        cache.read(key, ext)
    with pytest.raises(ValueError):
        cache.put(key, ext, b"x")
    assert list(tmp_path.iterdir()) == []


def test_a_failed_write_leaves_no_entry_and_no_temp_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = ClipCache(tmp_path, 10_000)
    cache.put(KEY_A, "mp3", b"complete old audio")

    def crash(*args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OSError):
        cache.put(KEY_A, "mp3", b"new audio that never lands")
    with pytest.raises(OSError):
        cache.put(KEY_B, "mp3", b"never lands either")
    monkeypatch.undo()
    assert cache.read(KEY_A, "mp3") == b"complete old audio"
    assert cache.read(KEY_B, "mp3") is None
    assert sorted(p.name for p in tmp_path.rglob("*") if p.is_file()) == [f"{KEY_A}.mp3"]


def test_temp_files_left_by_a_crash_are_removed_and_never_served(tmp_path: Path) -> None:
    (tmp_path / "aa").mkdir()
    half = tmp_path / "aa" / ".tmp-x1y2z3"
    half.write_bytes(b"half a file")
    cache = ClipCache(tmp_path, 10_000)
    assert not half.exists()
    assert cache.read(KEY_A, "mp3") is None
    assert cache.total_bytes == 0


def test_readers_see_whole_entries_while_it_is_rewritten(tmp_path: Path) -> None:
    cache = ClipCache(tmp_path, 10_000_000)
    versions = [bytes([n]) * 200_000 for n in range(1, 6)]
    cache.put(KEY_A, "wav", versions[0])
    seen: list[bytes] = []
    stop = threading.Event()

    def read() -> None:
        while not stop.is_set():
            data = cache.read(KEY_A, "wav")
            assert data is not None
            seen.append(data)

    reader = threading.Thread(target=read)
    reader.start()
    for _ in range(4):
        for version in versions:
            cache.put(KEY_A, "wav", version)
    stop.set()
    reader.join()
    assert seen, "the reader never ran"
    assert all(data in versions for data in seen)


def test_least_recently_used_entries_go_first_above_the_bound(tmp_path: Path) -> None:
    cache = ClipCache(tmp_path, 3_000)
    cache.put(KEY_A, "mp3", b"a" * 1_000)
    cache.put(KEY_B, "mp3", b"b" * 1_000)
    cache.put(KEY_C, "mp3", b"c" * 1_000)
    assert cache.read(KEY_A, "mp3") is not None  # A is now the most recently used
    cache.put(KEY_D, "mp3", b"d" * 1_000)
    assert cache.read(KEY_B, "mp3") is None
    assert not (tmp_path / "bb" / f"{KEY_B}.mp3").exists()
    assert [cache.has(k, "mp3") for k in (KEY_A, KEY_C, KEY_D)] == [True, True, True]
    assert cache.total_bytes == 3_000
    assert cache.evictions == 1


def test_recency_survives_a_restart_through_file_times(tmp_path: Path) -> None:
    first = ClipCache(tmp_path, 10_000)
    for age, key in enumerate((KEY_A, KEY_B, KEY_C)):
        path = first.put(key, "mp3", b"x" * 1_000)
        stamp = time.time() - 1_000 + age * 100
        os.utime(path, (stamp, stamp))
    assert first.read(KEY_A, "mp3") is not None  # touched: now the newest on disk
    second = ClipCache(tmp_path, 3_000)
    assert second.total_bytes == 3_000
    second.put(KEY_D, "mp3", b"y" * 1_000)
    assert second.has(KEY_A, "mp3")
    assert not second.has(KEY_B, "mp3")
    assert second.has(KEY_C, "mp3") and second.has(KEY_D, "mp3")
