"""The page download: a page's sentence clips joined into one MP3 with chapters."""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from reader.audio.assemble import assemble
from reader.audio.export import export
from reader.model import Clip, Utterance, WordMark
from reader.options import SpeechOptions
from reader_web.plan import page_from_plan
from reader_web.service import SpeechService
from reader_web.worker import ClipJob, clip_from_wav


def page_mp3(
    record: dict[str, Any], jobs: Sequence[ClipJob], service: SpeechService, options: SpeechOptions
) -> bytes:
    """Assemble a planned page from its clips (making any missing) and encode it as MP3."""
    page = page_from_plan(record)
    by_key = {job.key: job for job in jobs}
    pairs: list[tuple[Utterance, Clip]] = []
    for block in record["response"]["blocks"]:
        for sentence in block["sentences"]:
            job = by_key[sentence["audio"].rsplit("/", 1)[1][:32]]
            pairs.append(_pair(block, sentence, job, service))
    track = assemble(page, pairs, options)
    # The system's temp directory, not the cache's: a full or read-only cache disk must not
    # stop the download (the bytes are read back at once; nothing is renamed into the cache).
    with tempfile.TemporaryDirectory(prefix="reader-page-") as temp:
        return export(track, Path(temp) / "page.mp3").read_bytes()


def _pair(
    block: dict[str, Any], sentence: dict[str, Any], job: ClipJob, service: SpeechService
) -> tuple[Utterance, Clip]:
    meta, wav = service.made(job)
    start, end = sentence["start"], sentence["end"]
    # The sentence is one utterance whose characters are the displayed ones, so the word
    # offsets (block offsets in the timing record) map back one to one.
    words = tuple(
        WordMark(start=s - start, end=e - start, t_start=t0, t_end=t1)
        for s, e, t0, t1 in meta.get("words") or ()
    )
    utterance = Utterance(
        block=block["index"],
        sentence=sentence["index"],
        part=0,
        text=block["text"][start:end],
        start=start,
        end=end,
        lang=sentence["lang"],
        char_map=tuple(range(start, end + 1)),
        voice=job.parts[0].voice if job.parts else "",
    )
    return utterance, clip_from_wav(wav, words)
