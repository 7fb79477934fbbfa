"""The page download: a page's sentence clips joined into one MP3 with chapters."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path

from reader.audio.assemble import assemble_sentences
from reader.audio.export import export
from reader.audio.sentence import word_cues
from reader.model import Sentence, SentenceClip
from reader.options import SpeechOptions
from reader_web.backend import Speech
from reader_web.clips import ClipTiming
from reader_web.plan import PagePlan
from reader_web.worker import clip_from_wav


def page_mp3(plan: PagePlan, service: Speech, options: SpeechOptions) -> bytes:
    """Assemble a planned page from its clips (making any missing) and encode it as MP3."""
    track = assemble_sentences(plan.page, _sentence_clips(plan, service), options)
    # The system's temp directory, not the cache's: a full or read-only cache disk must not
    # stop the download (the bytes are read back at once; nothing is renamed into the cache).
    with tempfile.TemporaryDirectory(prefix="reader-page-") as temp:
        return export(track, Path(temp) / "page.mp3").read_bytes()


def _sentence_clips(plan: PagePlan, service: Speech) -> Iterator[tuple[Sentence, SentenceClip]]:
    """Each sentence with its clip as the cache holds it (the assembler trims the clip's own
    pause: the track has the page's pauses)."""
    for job in plan.jobs:
        meta, wav = service.made(job)
        timing = ClipTiming.from_json(meta)
        clip = clip_from_wav(wav)
        words = word_cues(job.sentence, timing.words, estimated=timing.estimated)
        spoken = SentenceClip(
            pcm=clip.pcm,
            sample_rate=clip.sample_rate,
            words=words,
            words_estimated=timing.estimated,
        )
        yield job.sentence, spoken
