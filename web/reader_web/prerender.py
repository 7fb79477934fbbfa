"""Pages rendered ahead for the web service (`reader render`), so it plays them without
synthesis.

- `CacheFiller` (`--cache-dir DIR`): every sentence a render process speaks is also kept in
  the clip cache, as the speech service would have made it, so a server using that cache
  directory finds every clip of a rendered page made.
- `RedisSpeaker` (`--redis URL`): the sentences are made by the `reader worker` processes,
  on the lowest-priority queue (a listener's clips overtake them), and the page file is
  assembled from the clips as they come back. The clips stay in Redis, where every
  `reader serve --redis` node finds them.

Either way a clip is the sentence with the pause after it that the widget's back-to-back
playback needs (what `render_clip` makes), under the same content address: engine and
version, speech options, the sentence and its parts.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from reader.audio.pauses import sentence_pause
from reader.audio.pcm import samples, silence
from reader.audio.sentence import word_cues
from reader.model import Page, Sentence, SentenceClip
from reader.options import SpeechOptions
from reader.site.page import Speaker, engine_id
from reader_web.cache import ClipCache
from reader_web.clips import ClipJob, ClipTiming, clip_key
from reader_web.clipstore import ClipStore
from reader_web.worker import clip_from_wav, clip_result

if TYPE_CHECKING:
    from reader.pipeline import Progress
    from reader.speech import Engine

# Rank of a rendered page's clips: behind every listener's reading order (`reader-later`).
RENDER_RANK = 1_000_000


@dataclass(frozen=True, slots=True, kw_only=True)
class CacheFiller:
    """Made in `reader render --cache-dir`, called in each render process beside its engine."""

    directory: Path
    max_bytes: int

    def __call__(self, options: SpeechOptions) -> Speaker:
        from reader.speech import open_engine

        engine = open_engine(options, 1)
        store = ClipStore(ClipCache(self.directory, self.max_bytes))
        made_by = engine_id(engine)
        pause = sentence_pause(options.words_per_minute)

        def keep(sentence: Sentence, clip: SentenceClip) -> None:
            key = clip_key(made_by, options, sentence)
            if store.finished(key) is not None:
                return
            spaced = replace(clip, pcm=clip.pcm + silence(pause, clip.sample_rate))
            store.keep(key, clip_result(spaced, sentence.lang))

        return Speaker(engine=engine, observe=keep)


@dataclass(frozen=True, slots=True, kw_only=True)
class RedisSpeaker:
    """Made in `reader render --redis`, called in each render process: plans with the
    workers' voices, has them make the clips."""

    url: str
    ttl: int
    job_timeout: float

    def __call__(self, options: SpeechOptions) -> Speaker:
        from reader_web.clipqueue import ClipQueue
        from reader_web.redisstore import RedisCache, connect

        queue = ClipQueue(
            RedisCache(connect(self.url), self.ttl), options, job_timeout=self.job_timeout
        )
        engine = queue.engine()  # waits for a worker to say what it speaks with
        made_by = engine_id(engine)

        def spoken(
            page: Page, planner: Engine, opts: SpeechOptions, progress: Progress | None
        ) -> Iterator[tuple[Sentence, SentenceClip]]:
            from reader.pipeline import plan_sentences

            sentences = plan_sentences(page, planner, opts)
            jobs = [ClipJob.of(made_by, opts, sentence) for sentence in sentences]
            for job in jobs:  # all at once: the workers share them out
                queue.submit(job, RENDER_RANK)
            for done, job in enumerate(jobs, 1):
                meta, wav = queue.made(job, "wav")
                timing = ClipTiming.from_json(meta)
                yield job.sentence, stored_clip(job.sentence, wav, timing, opts.words_per_minute)
                if progress:
                    progress(done, len(jobs))

        return Speaker(engine=engine, spoken=spoken, closing=(queue.close,))


def stored_clip(
    sentence: Sentence, wav: bytes, timing: ClipTiming, words_per_minute: int
) -> SentenceClip:
    """A stored clip as the exporter takes it: without the pause after it (the page's own
    pauses go there), its words on the sentence's shown text."""
    clip = clip_from_wav(wav)
    pause = 2 * samples(sentence_pause(words_per_minute), clip.sample_rate)
    return SentenceClip(
        pcm=clip.pcm[: max(0, len(clip.pcm) - pause)],
        sample_rate=clip.sample_rate,
        words=word_cues(sentence, timing.words),
        words_estimated=timing.estimated,
    )


def reachable(url: str) -> None:
    """SpeechError (one line, exit 4) unless the Redis at `url` answers."""
    import redis

    from reader_web.redisstore import connect, unreachable

    try:
        connect(url).ping()
    except redis.RedisError as exc:
        raise unreachable(exc) from exc
