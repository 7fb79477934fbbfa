"""One page of a site: loaded, keyed by its content, spoken to MP3 with WebVTT captions.

The content key is what the audio is made from: the page's blocks (text, kind, language,
order), the engine and its version, and the speech options. An unchanged key means the
files already there are what rendering again would make.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal, Protocol

from reader.errors import ReaderError
from reader.model import Page, Sentence, SentenceClip
from reader.options import ReadOptions, SpeechOptions
from reader.site.manifest import Entry

if TYPE_CHECKING:
    from reader.pipeline import SpokenSentences
    from reader.speech import Engine

# Part of every content key, bumped when the same page would now be rendered differently.
KEY_FORMAT = "1"
Status = Literal["rendered", "skipped", "failed"]
Observer = Callable[[Sentence, SentenceClip], None]


@dataclass(frozen=True, slots=True, kw_only=True)
class Speaker:
    """What a render process speaks with: `engine` plans the voices (its name and version are
    part of the content key) and, unless `spoken` makes the clips elsewhere, speaks them;
    `observe` also sees each sentence clip (the web front end fills its clip cache this way)."""

    engine: Engine
    observe: Observer | None = None
    spoken: SpokenSentences | None = None
    closing: tuple[Callable[[], None], ...] = ()

    def close(self) -> None:
        """End what the speaker opened."""
        for close in (*self.closing, self.engine.close):
            close()


class SpeakerFactory(Protocol):
    """Sent to each render process and called there once, to open its speaker."""

    def __call__(self, options: SpeechOptions) -> Speaker: ...


def local_speaker(options: SpeechOptions) -> Speaker:
    """The engine the options name, opened in this process (one thread for a neural model:
    the render processes share the cores)."""
    from reader.speech import open_engine

    return Speaker(engine=open_engine(options, 1))


@dataclass(frozen=True, slots=True, kw_only=True)
class PageTask:
    """A page to render: its URL, its files' stem, and its content key when last rendered."""

    url: str
    stem: str
    previous_key: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class PageResult:
    """What became of a page: rendered (with its entry), skipped as unchanged, or failed."""

    url: str
    status: Status
    reason: str = ""
    entry: Entry | None = None


def engine_id(engine: Engine) -> str:
    """The engine's name and version, as the web service addresses its clips."""
    return f"{engine.name} {getattr(engine, 'version', '')}".strip()


def content_key(page: Page, engine: str, options: SpeechOptions) -> str:
    """The content address of a page's audio (32 hex digits)."""
    blocks = [
        [
            b.kind,
            b.level,
            b.text,
            b.lang,
            list(b.breaks),
            [[s.start, s.end, s.lang] for s in b.spans],
        ]
        for b in page.blocks
    ]
    speech = [
        options.words_per_minute,
        round(options.volume, 3),
        options.engine,
        [list(voice) for voice in options.voices],
        options.missing_voice,
        str(options.lexicon_dir or ""),
    ]
    record = [KEY_FORMAT, engine, speech, page.title, page.lang, blocks]
    blob = json.dumps(record, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return hashlib.sha256(blob).hexdigest()[:32]


def render_page(
    task: PageTask,
    directory: Path,
    speaker: Speaker,
    read_options: ReadOptions,
    speech_options: SpeechOptions,
    observe: Observer,
) -> PageResult:
    """Render one page into `directory` unless its content is unchanged; never raises for
    the page's own faults (they are the result)."""
    from reader.audio.export import write_captions
    from reader.pipeline import export_page, read_page

    try:
        page = read_page(task.url, read_options)
        key = content_key(page, engine_id(speaker.engine), speech_options)
        if key == task.previous_key:
            return PageResult(url=task.url, status="skipped", reason="unchanged")
        audio, captions = f"{task.stem}.mp3", f"{task.stem}.vtt"
        # The track keeps its timeline only (the audio is in the file): memory stays flat
        # however long the page, and the captions need no more.
        track = export_page(
            page,
            directory / audio,
            speech_options,
            speaker.engine,
            keep_audio=False,
            observe=observe,
            spoken=speaker.spoken,
        )
        write_captions(track, directory / captions)
    except ReaderError as exc:
        return PageResult(url=task.url, status="failed", reason=str(exc))
    except Exception as exc:  # noqa: BLE001 - one page's bug must not stop a site's run
        return PageResult(url=task.url, status="failed", reason=f"{type(exc).__name__}: {exc}")
    entry = Entry(
        key=key,
        audio=audio,
        captions=captions,
        title=track.title,
        duration=round(track.duration, 3),
    )
    return PageResult(url=task.url, status="rendered", entry=entry)
