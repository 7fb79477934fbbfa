"""Made clips in the cache: their files on disk and their timing records kept in memory."""

from __future__ import annotations

import json

from reader_web.cache import ClipCache
from reader_web.jobqueue import Meta
from reader_web.recent import Recent
from reader_web.worker import ClipResult

# Timing records of made clips kept in memory (to answer without the disk): about 2 KB each,
# so at most ~40 MB; a page has 20-100 clips.
TIMINGS_IN_MEMORY = 20_000


class ClipStore:
    """Where the service puts a made clip and finds out whether a clip is made."""

    def __init__(self, cache: ClipCache) -> None:
        self.cache = cache
        # A made clip never changes, so its record is trusted without going to the disk; if
        # its audio was evicted meanwhile, the audio route makes it again from the known job.
        self._timings: Recent[str, Meta] = Recent(TIMINGS_IN_MEMORY)

    def timing(self, key: str) -> Meta | None:
        """A clip's timing record if the clip has been made (memory first, then the disk)."""
        meta = self._timings.get(key)
        if meta is not None:
            return meta
        # Both audio files: one removed as damaged means the clip is made again.
        if not (self.cache.has(key, "mp3") and self.cache.has(key, "wav")):
            return None
        meta = self.cache.read_json(key)
        if not isinstance(meta, dict):
            return None
        self._timings.put(key, meta)
        return meta

    def finished(self, key: str) -> Meta | None:
        """Like `timing`, but only touches the disk once the clip's record is written."""
        return self.timing(key) if self.cache.has(key, "json") else None

    def forget(self, key: str) -> None:
        """Drop the record of a clip whose files were evicted, so it is made again."""
        self._timings.pop(key)

    def keep(self, key: str, result: ClipResult) -> bool:
        """Store a made clip; False if the disk refused part of it (kept in memory instead).

        Raises OSError or ValueError when the clip cannot be stored at all.
        """
        meta = json.dumps(result.meta, ensure_ascii=False).encode("utf-8")
        stored = [
            self.cache.offer(key, "wav", result.wav),
            self.cache.offer(key, "mp3", result.mp3),
            self.cache.offer(key, "json", meta),  # last: it marks the clip complete
        ]
        self._timings.put(key, result.meta)
        return all(stored)
