"""A content-addressed file cache on disk: atomic writes, a size bound, LRU eviction.

Files live at `<dir>/<key[:2]>/<key>.<ext>`. A key is 32 lowercase hex digits and the
extension comes from a fixed set, both checked before any path is built, so no name a
request carries can reach a file outside the directory.

Each file starts with a header (magic, payload length, BLAKE2b digest of the payload keyed
with the entry's name) written in the same atomic write as the payload. A read checks it: a
file cut short, zeroed, with flipped bytes or copied from another entry counts as absent and
is removed, so it is made again and never served. Sizes and the bound count payload bytes.

When the disk refuses a write (full, read-only), `offer` keeps the entry in a bounded memory
store instead, so listeners are still served; reads look there after the disk.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import os
import re
import struct
import tempfile
import threading
from collections import OrderedDict
from pathlib import Path
from typing import Any, BinaryIO

KEY_PATTERN = re.compile(r"[0-9a-f]{32}")
# What the cache holds per key: a clip's audio in each format and its timing, a page's plan
# and its assembled download, and where a page version's text starts (start.py).
EXTENSIONS = frozenset({"wav", "mp3", "ogg", "json", "plan.json", "page.mp3", "start.json"})
# Temporary files start with a dot so a scan never mistakes one for a finished entry.
TEMP_PREFIX = ".tmp-"
# The integrity header: magic (bumped if the layout changes), payload length, payload digest.
# BLAKE2b reads ~400 MB/s here, a fraction of a millisecond for a clip.
HEADER = struct.Struct("<4sQ16s")
MAGIC = b"RDC1"
DIGEST_SIZE = 16
# Entries kept in memory while the disk refuses writes: a few hundred clips, the pages being
# listened to now; older ones are dropped and made again when asked for.
SPILL_BYTES = 64 * 1024 * 1024

log = logging.getLogger("reader.web")


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
        self.damaged = 0
        self.spill_bytes = SPILL_BYTES
        self._spilled: OrderedDict[tuple[str, str], bytes] = OrderedDict()
        self._spilled_total = 0
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            self._scan()
        except OSError as exc:  # a read-only or missing disk: clips are served from memory
            log.warning("cannot use the audio cache %s: %s", self.directory, exc.strerror or exc)

    def path(self, key: str, ext: str) -> Path:
        """Where an entry lives; ValueError for a malformed key or an unknown extension."""
        if not is_key(key) or ext not in EXTENSIONS:
            raise ValueError(f"not a cache entry: {key!r}.{ext!r}")
        return Path(f"{self._root}/{key[:2]}/{key}.{ext}")

    def has(self, key: str, ext: str) -> bool:
        """True if the entry is on disk (or kept in memory while the disk refuses writes)."""
        return self.path(key, ext).is_file() or (key, ext) in self._spilled

    def open(self, key: str, ext: str) -> BinaryIO | None:
        """An entry's checked bytes as a readable stream, or None if it is not cached."""
        data = self.read(key, ext)
        return None if data is None else io.BytesIO(data)

    def read(self, key: str, ext: str) -> bytes | None:
        """The entry's bytes (it counts as used), or None if it is not cached or was damaged."""
        path = self.path(key, ext)
        try:
            with open(path, "rb") as handle:
                blob = handle.read()
                inode = os.fstat(handle.fileno()).st_ino
        except FileNotFoundError:
            return self._recall(key, ext)
        except OSError as exc:  # an I/O error reads as a miss: the clip is made again
            log.warning("cannot read cache entry %s: %s", path.name, exc.strerror or exc)
            return self._recall(key, ext)
        data = unwrap(path.name, blob)
        if data is None:
            self._discard(path, inode)
            return self._recall(key, ext)
        self._touch(path)
        return data

    def read_json(self, key: str, ext: str = "json") -> Any | None:
        """A JSON entry decoded, or None if it is not cached (or not JSON)."""
        data = self.read(key, ext)
        if data is None:
            return None
        try:
            return json.loads(data)
        except ValueError:
            self._discard(self.path(key, ext), None)
            return None

    def put(self, key: str, ext: str, data: bytes) -> Path:
        """Write an entry atomically (temp file, fsync, rename), then evict above the bound."""
        path = self.path(key, ext)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(prefix=TEMP_PREFIX, dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(header(path.name, data))
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

    def offer(self, key: str, ext: str, data: bytes) -> bool:
        """Write an entry if the disk lets us; False (and a log line) if it is full or read-only."""
        try:
            self.put(key, ext, data)
        except OSError as exc:
            if not self._spilled:  # one line when the disk starts refusing, not one per clip
                log.warning("cannot write the audio cache, keeping clips in memory: %s", exc)
            self._spill(key, ext, data)
            return False
        if self._spilled:
            with self._lock:
                self._spilled_total -= len(self._spilled.pop((key, ext), b""))
        return True

    @property
    def total_bytes(self) -> int:
        """Bytes the cache holds on disk now."""
        return self._total

    @property
    def spilled_bytes(self) -> int:
        """Bytes kept in memory because the disk refused them."""
        return self._spilled_total

    def _spill(self, key: str, ext: str, data: bytes) -> None:
        with self._lock:
            self._spilled_total += len(data) - len(self._spilled.pop((key, ext), b""))
            self._spilled[(key, ext)] = data
            while self._spilled_total > self.spill_bytes and len(self._spilled) > 1:
                _, dropped = self._spilled.popitem(last=False)
                self._spilled_total -= len(dropped)

    def _recall(self, key: str, ext: str) -> bytes | None:
        if not self._spilled:
            return None
        with self._lock:
            data = self._spilled.get((key, ext))
            if data is not None:
                self._spilled.move_to_end((key, ext))
            return data

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

    def _discard(self, path: Path, inode: int | None) -> None:
        """Remove a damaged entry (unless a writer has just replaced it with a whole one)."""
        name = self._relative(path)
        with self._lock:
            self.damaged += 1
            try:
                if inode is None or os.stat(path).st_ino == inode:
                    path.unlink()
                    self._total -= self._entries.pop(name, 0)
            except FileNotFoundError:
                self._total -= self._entries.pop(name, 0)
            except OSError:
                pass  # a read-only disk: the file stays, and every read finds it damaged
        log.warning("damaged cache entry %s removed; it will be made again", name)

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
                    try:
                        entry.unlink(missing_ok=True)  # left by a crash mid-write
                    except OSError:
                        pass  # a read-only disk: a temp name is never served anyway
                    continue
                key, _, ext = entry.name.partition(".")
                if is_key(key) and ext in EXTENSIONS and key[:2] == sub.name:
                    stat = entry.stat()
                    size = max(stat.st_size - HEADER.size, 0)
                    found.append((stat.st_mtime, self._relative(entry), size))
        for _, name, size in sorted(found):
            self._entries[name] = size
            self._total += size


def header(name: str, data: bytes) -> bytes:
    """The integrity header written before the payload of the entry `name` (key.ext)."""
    return HEADER.pack(MAGIC, len(data), _digest(name, data))


def unwrap(name: str, blob: bytes) -> bytes | None:
    """The payload of a file whose header matches it, else None (cut short, zeroed, flipped,
    or another entry's file put in its place)."""
    if len(blob) < HEADER.size:
        return None
    magic, length, digest = HEADER.unpack_from(blob)
    data = blob[HEADER.size :]
    if magic != MAGIC or length != len(data) or _digest(name, data) != digest:
        return None
    return data


def _digest(name: str, data: bytes) -> bytes:
    # Keyed with the entry's name, so a whole file of another entry does not pass for this one.
    return hashlib.blake2b(data, digest_size=DIGEST_SIZE, key=name.encode("ascii")).digest()
