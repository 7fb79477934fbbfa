"""Page plans: a page's blocks and sentences with the clip job that speaks each sentence.

A plan is what `POST /api/read` answers (`PagePlan.answer`), the jobs behind its clips and
the page needed to assemble the whole download again. It is stored in the cache under the
page key (`PagePlan.to_json`), so the page download and a repeated request need no parsing.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from reader.model import Block, LangSpan, Page, Sentence
from reader.options import SpeechOptions
from reader_web.clips import ClipJob, ClipTiming, json_field

# Part of every page key, bumped when the stored plan's layout changes: a plan written by
# another version is never looked up (2: typed records, jobs as objects).
PLAN_FORMAT = "2"


def page_key(*parts: Any) -> str:
    """Content address of a page plan (32 hex digits)."""
    blob = json.dumps([PLAN_FORMAT, *parts], ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()[:32]


@dataclass(frozen=True, slots=True, kw_only=True)
class SentenceEntry:
    """A sentence as the plan's answer lists it: its place, its clip and, once made, its timing."""

    job: ClipJob
    timing: ClipTiming | None = None

    def to_json(self) -> dict[str, Any]:
        sentence, key, timing = self.job.sentence, self.job.key, self.timing
        return {
            "index": sentence.index,
            "start": sentence.start,
            "end": sentence.end,
            "text": sentence.text,
            "lang": sentence.lang,
            "audio": f"/api/audio/{key}.mp3",
            "timing": f"/api/audio/{key}.json",
            "duration": timing.duration if timing else None,
            "words": [list(word) for word in timing.words] if timing else None,
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class PagePlan:
    """A planned page: the page as answered (its URL and title) and its clip jobs in order."""

    key: str
    page: Page
    jobs: tuple[ClipJob, ...]

    @property
    def download(self) -> str:
        return f"/api/page/{self.key}.mp3"

    def answer(self, timings: Mapping[str, ClipTiming]) -> dict[str, Any]:
        """The JSON answer of `/api/read`, with the timings of the clips already made."""
        by_block: dict[int, list[dict[str, Any]]] = {}
        for job in self.jobs:
            entry = SentenceEntry(job=job, timing=timings.get(job.key))
            by_block.setdefault(job.sentence.block, []).append(entry.to_json())
        blocks = []
        for block in self.page.blocks:
            shown = block.to_dict()
            del shown["confidence"]
            shown["sentences"] = by_block.get(block.index, [])
            blocks.append(shown)
        return {
            "key": self.key,
            "title": self.page.title,
            "lang": self.page.lang,
            "url": self.page.url,
            "download": self.download,
            "blocks": blocks,
            "complete": True,
        }

    def to_json(self) -> dict[str, Any]:
        return {
            "format": PLAN_FORMAT,
            "key": self.key,
            "page": self.page.to_dict(),
            "jobs": [job.to_json() for job in self.jobs],
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> PagePlan:
        if json_field(data, "format", str) != PLAN_FORMAT:
            raise ValueError("a page plan of another format")
        page = json_field(data, "page", dict)
        return cls(
            key=json_field(data, "key", str),
            page=Page(
                url=json_field(page, "url", str),
                title=json_field(page, "title", str),
                lang=json_field(page, "lang", str),
                blocks=tuple(_block_from_json(b) for b in json_field(page, "blocks", list)),
            ),
            jobs=tuple(ClipJob.from_json(job) for job in json_field(data, "jobs", list)),
        )


def plan_page(
    key: str,
    page: Page,
    url: str,
    sentences: Iterable[Sentence],
    engine_id: str,
    options: SpeechOptions,
) -> PagePlan:
    """The plan of a read page: titled as a listener knows it, a clip job per sentence."""
    title = page.title or next((b.text for b in page.blocks if b.kind == "heading"), "")
    jobs = tuple(ClipJob.of(engine_id, options, s) for s in sentences)
    return PagePlan(key=key, page=replace(page, url=url, title=title), jobs=jobs)


def _block_from_json(data: Any) -> Block:
    return Block(
        index=json_field(data, "index", int),
        kind=json_field(data, "kind", str),
        level=json_field(data, "level", int),
        text=json_field(data, "text", str),
        lang=json_field(data, "lang", str),
        lang_source=json_field(data, "lang_source", str),
        confidence=json_field(data, "confidence", float),
        locator=json_field(data, "locator", str),
        spans=tuple(_span_from_json(span) for span in json_field(data, "spans", list)),
    )


def _span_from_json(data: Any) -> LangSpan:
    return LangSpan(
        start=json_field(data, "start", int),
        end=json_field(data, "end", int),
        lang=json_field(data, "lang", str),
    )
