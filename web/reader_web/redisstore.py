"""The cache in Redis: the same content-addressed entries as the disk cache, shared by nodes.

Entries are `reader:file:<key>.<ext>` strings holding the disk cache's integrity header and
the payload (cache.header / cache.unwrap), so a read checks the same BLAKE2b digest and an
entry cut short or damaged counts as absent, is deleted and is made again. Each entry
expires `ttl` seconds after it was written; Redis may evict it sooner under `maxmemory`
(`volatile-lru` evicts only entries with an expiry, never the job queues). A clip's files
are written in one MULTI transaction, so no node ever sees half a clip.

A Redis that cannot be reached is a SpeechError (HTTP 503); redis-py reconnects on the next
command, so a restarted Redis is used again without restarting the node.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from typing import Any, BinaryIO

import redis

from reader.errors import SpeechError
from reader_web.cache import EXTENSIONS, header, is_key, unwrap

PREFIX = "reader:file:"
# Seconds a command may take before the store counts as unreachable.
SOCKET_TIMEOUT = 5.0

log = logging.getLogger("reader.web")


def connect(url: str) -> redis.Redis:
    """A Redis client for a URL; ValueError (from redis-py) for a malformed one."""
    return redis.Redis.from_url(
        url,
        socket_timeout=SOCKET_TIMEOUT,
        socket_connect_timeout=SOCKET_TIMEOUT,
        health_check_interval=10,
    )


def unreachable(exc: redis.RedisError) -> SpeechError:
    """What a listener is told when Redis does not answer."""
    return SpeechError(f"the clip store (Redis) cannot be reached: {exc}")


class RedisCache:
    """The ClipCache interface the web routes use, kept in Redis."""

    def __init__(self, client: redis.Redis, ttl: int) -> None:
        self.client = client
        self.ttl = ttl
        self.damaged = 0
        self.evictions = 0  # Redis evicts on its own; see INFO stats
        self.spilled_bytes = 0

    @staticmethod
    def name(key: str, ext: str) -> str:
        """The Redis key of an entry; ValueError for a malformed key or an unknown extension."""
        if not is_key(key) or ext not in EXTENSIONS:
            raise ValueError(f"not a cache entry: {key!r}.{ext!r}")
        return f"{PREFIX}{key}.{ext}"

    def has(self, key: str, ext: str) -> bool:
        """True if the entry is in Redis (not checked: `read` checks)."""
        try:
            return bool(self.client.exists(self.name(key, ext)))
        except redis.RedisError as exc:
            raise unreachable(exc) from exc

    def has_all(self, key: str, exts: tuple[str, ...]) -> bool:
        """True if every one of the key's entries is in Redis."""
        try:
            names = [self.name(key, ext) for ext in exts]
            return int(self.client.exists(*names)) == len(names)  # type: ignore[arg-type]
        except redis.RedisError as exc:
            raise unreachable(exc) from exc

    def read(self, key: str, ext: str) -> bytes | None:
        """The entry's checked bytes, or None if it is absent or damaged (then deleted)."""
        name = self.name(key, ext)
        try:
            blob = self.client.get(name)
        except redis.RedisError as exc:
            raise unreachable(exc) from exc
        if blob is None:
            return None
        data = unwrap(f"{key}.{ext}", bytes(blob))  # type: ignore[arg-type]
        if data is None:
            self._discard(name, bytes(blob))  # type: ignore[arg-type]
        return data

    def open(self, key: str, ext: str) -> BinaryIO | None:
        import io

        data = self.read(key, ext)
        return None if data is None else io.BytesIO(data)

    def read_json(self, key: str, ext: str = "json") -> Any | None:
        """A JSON entry decoded, or None if it is absent (or not JSON)."""
        data = self.read(key, ext)
        if data is None:
            return None
        try:
            return json.loads(data)
        except ValueError:
            self._discard(self.name(key, ext), None)
            return None

    def put_all(self, key: str, files: Mapping[str, bytes]) -> None:
        """Write several entries of one key in one transaction, each with its expiry."""
        try:
            with self.client.pipeline(transaction=True) as pipe:
                for ext, data in files.items():
                    pipe.set(self.name(key, ext), header(f"{key}.{ext}", data) + data, ex=self.ttl)
                pipe.execute()
        except redis.RedisError as exc:
            raise unreachable(exc) from exc

    def put(self, key: str, ext: str, data: bytes) -> None:
        self.put_all(key, {ext: data})

    def offer(self, key: str, ext: str, data: bytes) -> bool:
        """Write an entry; False (and a log line) if Redis refuses it (out of memory)."""
        try:
            self.put(key, ext, data)
        except SpeechError as exc:
            log.warning("cannot write %s.%s to Redis: %s", key, ext, exc)
            return False
        return True

    @property
    def total_bytes(self) -> int:
        """Bytes Redis uses for everything it holds (INFO memory), 0 when unreachable."""
        try:
            return int(self.client.info("memory").get("used_memory", 0))  # type: ignore[union-attr]
        except redis.RedisError:
            return 0

    def _discard(self, name: str, blob: bytes | None) -> None:
        """Delete a damaged entry unless a writer has just replaced it with a whole one."""
        self.damaged += 1
        try:
            if blob is None or self.client.get(name) == blob:
                self.client.delete(name)
        except redis.RedisError:
            pass
        log.warning("damaged entry %s removed from Redis; it will be made again", name)
