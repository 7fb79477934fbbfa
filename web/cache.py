"""A content-addressed file cache on disk: atomic writes, a size bound, LRU eviction.

Files live at `<dir>/<key[:2]>/<key>.<ext>`. A key is 32 lowercase hex digits and the
extension comes from a fixed set, both checked before any path is built, so no name a
request carries can reach a file outside the directory.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
import threading
from collections import OrderedDict
from pathlib import Path
from typing import Any, BinaryIO

KEY_PATTERN = re.compile(r"[0-9a-f]{32}")
# What the cache holds per key: a clip's audio in each format and its timing, a page's plan
# and its assembled download.
EXTENSIONS = frozenset({"wav", "mp3", "ogg", "json", "plan.json", "page.mp3"})
# Temporary files start with a dot so a scan never mistakes one for a finished entry.
TEMP_PREFIX = ".tmp-"


def is_key(key: str) -> bool:
    """True for a well-formed cache key (32 lowercase hex digits)."""
    return bool(KEY_PATTERN.fullmatch(key))


class ClipCache:
    """Content-addressed files with least-recently-used eviction above `max_bytes`."""

    def __init__(self, directory: Path, max_bytes: int) -> None:
        self.directory = Path(directory)
        self._root = str(self.directory)
        self.max_bytes = max_bytes
        self._lock = threading.Lock()
        self._entries: OrderedDict[str, int] = OrderedDict()  # relative name → size
        self._total = 0
        self.evictions = 0
        self.directory.mkdir(parents=True, exist_ok=True)
        self._scan()

    def path(self, key: str, ext: str) -> Path:
        """Where an entry lives; ValueError for a malformed key or an unknown extension."""
        if not is_key(key) or ext not in EXTENSIONS:
            raise ValueError(f"not a cache entry: {key!r}.{ext!r}")
        return Path(f"{self._root}/{key[:2]}/{key}.{ext}")

    def has(self, key: str, ext: str) -> bool:
        """True if the entry is on disk."""
        return self.path(key, ext).is_file()

    def open(self, key: str, ext: str) -> BinaryIO | None:
        """Open an entry for reading (it counts as used), or None if it is not cached."""
        path = self.path(key, ext)
        try:
            handle = open(path, "rb")  # noqa: SIM115  (the caller streams and closes it)
        except FileNotFoundError:
            return None
        self._touch(path)
        return handle

    def read(self, key: str, ext: str) -> bytes | None:
        """The entry's bytes, or None if it is not cached."""
        handle = self.open(key, ext)
        if handle is None:
            return None
        with handle:
            return handle.read()

    def read_json(self, key: str, ext: str = "json") -> Any | None:
        """A JSON entry decoded, or None if it is not cached."""
        data = self.read(key, ext)
        return None if data is None else json.loads(data)

    def put(self, key: str, ext: str, data: bytes) -> Path:
        """Write an entry atomically (temp file, fsync, rename), then evict above the bound."""
        path = self.path(key, ext)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(prefix=TEMP_PREFIX, dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
            os.chmod(temp, 0o644)
            os.replace(temp, path)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise
        self._account(path, len(data))
        return path

    def put_json(self, key: str, value: Any, ext: str = "json") -> Path:
        """Write a JSON entry atomically."""
        return self.put(key, ext, json.dumps(value, ensure_ascii=False).encode("utf-8"))

    @property
    def total_bytes(self) -> int:
        """Bytes the cache holds now."""
        return self._total

    def _relative(self, path: Path) -> str:
        return f"{path.parent.name}/{path.name}"

    def _touch(self, path: Path) -> None:
        name = self._relative(path)
        with self._lock:
            if name in self._entries:
                self._entries.move_to_end(name)
        # The mtime carries recency across restarts; a file evicted meanwhile is no error.
        try:
            os.utime(path)
        except OSError:
            pass

    def _account(self, path: Path, size: int) -> None:
        name = self._relative(path)
        doomed: list[Path] = []
        with self._lock:
            self._total += size - self._entries.pop(name, 0)
            self._entries[name] = size
            while self._total > self.max_bytes and len(self._entries) > 1:
                oldest, oldest_size = self._entries.popitem(last=False)
                self._total -= oldest_size
                doomed.append(self.directory / oldest)
                self.evictions += 1
        for victim in doomed:
            # A reader that already opened the file keeps reading it: unlink, not truncate.
            victim.unlink(missing_ok=True)

    def _scan(self) -> None:
        found: list[tuple[float, str, int]] = []
        for sub in self.directory.iterdir():
            if not (sub.is_dir() and len(sub.name) == 2):
                continue
            for entry in sub.iterdir():
                if entry.name.startswith(TEMP_PREFIX):
                    entry.unlink(missing_ok=True)  # left by a crash mid-write
                    continue
                key, _, ext = entry.name.partition(".")
                if is_key(key) and ext in EXTENSIONS and key[:2] == sub.name:
                    stat = entry.stat()
                    found.append((stat.st_mtime, self._relative(entry), stat.st_size))
        for _, name, size in sorted(found):
            self._entries[name] = size
            self._total += size
