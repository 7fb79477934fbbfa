"""Page plans: a page's blocks and sentences with the clip that speaks each sentence.

A plan is what `POST /api/read` answers, plus the synthesis jobs behind its clips and the
blocks needed to assemble the whole page again. It is stored in the cache under the page
key, so the page download and a repeated request need no parsing.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from reader.model import Block, Page, Utterance
from reader.options import SpeechOptions
from reader_web.worker import ClipJob, EngineInfo, Part, clip_key


@dataclass(frozen=True, slots=True, kw_only=True)
class Sentence:
    """One sentence of a block and the clip job that speaks it."""

    block: int
    index: int
    start: int
    end: int
    lang: str
    job: ClipJob


def page_key(*parts: Any) -> str:
    """Content address of a page plan (32 hex digits)."""
    blob = json.dumps(parts, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()[:32]


def sentences_of(
    utterances: Iterable[Utterance], info: EngineInfo, options: SpeechOptions
) -> list[Sentence]:
    """Group utterances into sentences (one clip each), in reading order."""
    groups: dict[tuple[int, int], list[Utterance]] = {}
    for utterance in utterances:
        groups.setdefault((utterance.block, utterance.sentence), []).append(utterance)
    sentences = []
    for (block, index), group in groups.items():
        group.sort(key=lambda u: u.part)
        parts = tuple(
            Part(text=u.text, voice=u.voice, lang=u.lang, char_map=_char_map(u)) for u in group
        )
        lang = max(group, key=lambda u: u.end - u.start).lang
        key = clip_key(info.id, options, parts)
        job = ClipJob(key=key, lang=lang, parts=parts)
        start, end = min(u.start for u in group), max(u.end for u in group)
        sentences.append(
            Sentence(block=block, index=index, start=start, end=end, lang=lang, job=job)
        )
    return sentences


def build_plan(key: str, page: Page, url: str, sentences: list[Sentence]) -> dict[str, Any]:
    """The plan record: the API response, the jobs, and the blocks in full."""
    by_block: dict[int, list[Sentence]] = {}
    for sentence in sentences:
        by_block.setdefault(sentence.block, []).append(sentence)
    blocks = []
    for block in page.blocks:
        entry = block.to_dict()
        entry.pop("confidence", None)
        entry["sentences"] = [
            _sentence_dict(block, s) for s in sorted(by_block.get(block.index, []), key=_order)
        ]
        blocks.append(entry)
    title = page.title or next((b.text for b in page.blocks if b.kind == "heading"), "")
    response = {
        "key": key,
        "title": title,
        "lang": page.lang,
        "url": url,
        "download": f"/api/page/{key}.mp3",
        "blocks": blocks,
    }
    return {
        "response": response,
        "jobs": [job_to_list(s.job) for s in sorted(sentences, key=_order)],
    }


def job_to_list(job: ClipJob) -> list[Any]:
    """A job as JSON-ready lists."""
    return [job.key, job.lang, [[p.text, p.voice, p.lang, list(p.char_map)] for p in job.parts]]


def job_from_list(data: list[Any]) -> ClipJob:
    """A job from `job_to_list`'s output."""
    key, lang, parts = data
    return ClipJob(
        key=key,
        lang=lang,
        parts=tuple(Part(text=t, voice=v, lang=pl, char_map=tuple(m)) for t, v, pl, m in parts),
    )


def page_from_plan(plan: dict[str, Any]) -> Page:
    """The Page a plan was made from (for assembling the download)."""
    response = plan["response"]
    blocks = tuple(
        Block(
            index=b["index"],
            kind=b["kind"],
            text=b["text"],
            locator=b["locator"],
            level=b.get("level", 0),
            lang=b["lang"],
            lang_source=b.get("lang_source", ""),
        )
        for b in response["blocks"]
    )
    return Page(url=response["url"], title=response["title"], lang=response["lang"], blocks=blocks)


def fill_timing(sentence: dict[str, Any], meta: dict[str, Any] | None) -> None:
    """Copy a cached clip's duration and word timings into a sentence entry."""
    if meta:
        sentence["duration"] = meta.get("duration")
        sentence["words"] = meta.get("words")


def _sentence_dict(block: Block, sentence: Sentence) -> dict[str, Any]:
    key = sentence.job.key
    return {
        "index": sentence.index,
        "start": sentence.start,
        "end": sentence.end,
        "text": block.text[sentence.start : sentence.end],
        "lang": sentence.lang,
        "audio": f"/api/audio/{key}.mp3",
        "timing": f"/api/audio/{key}.json",
        "duration": None,
        "words": None,
    }


def _order(sentence: Sentence) -> tuple[int, int]:
    return sentence.block, sentence.index


def _char_map(utterance: Utterance) -> tuple[int, ...]:
    if len(utterance.char_map) == len(utterance.text) + 1:
        return tuple(utterance.char_map)
    # Without a map, spread the spoken characters evenly over the displayed span.
    length = max(len(utterance.text), 1)
    span = utterance.end - utterance.start
    return tuple(utterance.start + round(i * span / length) for i in range(len(utterance.text) + 1))
