"""The render manifest: what `reader render` made for each URL, and from what content.

One JSON file in the output directory, rewritten atomically after every page, so an
interrupted run leaves it describing exactly the files that are whole. A page whose content
key is unchanged (and whose files are still there) is not rendered again.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from reader.audio.encode import write_text
from reader.audio.export import slug
from reader.errors import AudioError

MANIFEST_NAME = "manifest.json"
# Bumped when the manifest's layout changes: a manifest of another version is started afresh.
MANIFEST_FORMAT = 1


@dataclass(frozen=True, slots=True, kw_only=True)
class Entry:
    """One rendered page: its content key, its files (names in the directory), its length."""

    key: str
    audio: str
    captions: str
    title: str = ""
    duration: float = 0.0


class Manifest:
    """Entries by URL, loaded from and saved to `<directory>/manifest.json`."""

    def __init__(self, directory: Path, entries: dict[str, Entry] | None = None) -> None:
        self.directory = Path(directory)
        self.entries: dict[str, Entry] = entries or {}

    @property
    def path(self) -> Path:
        return self.directory / MANIFEST_NAME

    @classmethod
    def load(cls, directory: Path) -> Manifest:
        """The directory's manifest; empty when there is none (or it is not one we wrote)."""
        try:
            data = json.loads((Path(directory) / MANIFEST_NAME).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return cls(directory)
        return cls(directory, _entries(data))

    def get(self, url: str) -> Entry | None:
        """The entry of a URL rendered before, if its files are still there."""
        entry = self.entries.get(url)
        if entry is None:
            return None
        if not all((self.directory / name).is_file() for name in (entry.audio, entry.captions)):
            return None
        return entry

    def record(self, url: str, entry: Entry) -> None:
        """Remember a rendered page and save at once."""
        self.entries[url] = entry
        self.save()

    def save(self) -> None:
        """Write the manifest atomically."""
        pages = {url: asdict(entry) for url, entry in sorted(self.entries.items())}
        text = json.dumps({"format": MANIFEST_FORMAT, "pages": pages}, ensure_ascii=False, indent=1)
        try:
            write_text(self.path, text + "\n")
        except OSError as exc:
            raise AudioError(f"cannot write {self.path}: {exc.strerror or exc}") from exc

    def __iter__(self) -> Iterator[str]:
        return iter(self.entries)


def file_stem(url: str) -> str:
    """A page's file name stem: the URL path as a slug and a short hash, unique per URL."""
    parts = urlsplit(url)
    path = parts.path.rstrip("/").rsplit("/", 1)[-1].rsplit(".", 1)[0]
    words = slug(path) or slug(parts.hostname or "") or "page"
    return f"{words}-{hashlib.sha256(url.encode('utf-8')).hexdigest()[:8]}"


def _entries(data: Any) -> dict[str, Entry]:
    if not isinstance(data, dict) or data.get("format") != MANIFEST_FORMAT:
        return {}
    pages = data.get("pages")
    if not isinstance(pages, dict):
        return {}
    entries: dict[str, Entry] = {}
    for url, record in pages.items():
        try:
            entries[url] = Entry(
                key=str(record["key"]),
                audio=_name(record["audio"]),
                captions=_name(record["captions"]),
                title=str(record.get("title", "")),
                duration=float(record.get("duration", 0.0)),
            )
        except (KeyError, TypeError, ValueError):
            continue  # an entry edited by hand: that page is rendered again
    return entries


def _name(value: Any) -> str:
    """A file name inside the directory (never a path that leaves it)."""
    name = str(value)
    if not name or "/" in name or "\\" in name or name.startswith("."):
        raise ValueError(f"not a file name: {name!r}")
    return name
