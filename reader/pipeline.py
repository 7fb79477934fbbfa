"""The one place where the stages are chained; each stage is one module with one verb.

The speech stages load numpy and libespeak-ng, so they are imported on first use: listing a
page's blocks (`reader blocks`, the web API) never pays for them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from reader.extract import extract_blocks
from reader.language import assign_languages
from reader.load import load
from reader.model import Clip, Page, Track, Utterance
from reader.options import ReadOptions, SpeechOptions

if TYPE_CHECKING:
    from reader.speech import Engine

Source = str | bytes | Path
Progress = Callable[[int, int], None]


def read_page(source: Source, options: ReadOptions | None = None) -> Page:
    """Load a source (URL, path, `-`, or HTML text/bytes) into language-tagged blocks."""
    options = options or ReadOptions()
    return assign_languages(extract_blocks(load(source, options)), options)


def plan_speech(page: Page, engine: Engine, options: SpeechOptions) -> tuple[Utterance, ...]:
    """Turn a page's blocks into utterances, each with the voice that will speak it."""
    from reader.speech import plan_voices
    from reader.text import to_utterances

    return plan_voices(to_utterances(page, options), page, engine, options)


def synthesize_all(
    utterances: tuple[Utterance, ...], engine: Engine, options: SpeechOptions
) -> Iterator[tuple[Utterance, Clip]]:
    """Synthesize utterances in order, yielding each clip as soon as it is made."""
    for utterance in utterances:
        clip = engine.synthesize(
            utterance.text, utterance.voice, options.words_per_minute, options.volume
        )
        yield utterance, clip


def spoken_pairs(
    page: Page, engine: Engine, options: SpeechOptions, progress: Progress | None = None
) -> Iterator[tuple[Utterance, Clip]]:
    """Plan a page's speech and synthesize it in order, reporting progress as it goes."""
    utterances = plan_speech(page, engine, options)
    for done, pair in enumerate(synthesize_all(utterances, engine, options), 1):
        if progress:
            progress(done, len(utterances))
        yield pair


@contextmanager
def engine_for(options: SpeechOptions, engine: Engine | None) -> Iterator[Engine]:
    """The engine given, or one opened (and closed) for this call."""
    if engine is not None:
        yield engine
        return
    from reader.speech import open_engine

    opened = open_engine(options)
    try:
        yield opened
    finally:
        opened.close()


def render(
    page: Page,
    options: SpeechOptions | None = None,
    engine: Engine | None = None,
    progress: Progress | None = None,
) -> Track:
    """Speak a whole page into one track with its timeline."""
    from reader.audio import assemble

    options = options or SpeechOptions()
    with engine_for(options, engine) as active:
        return assemble(page, list(spoken_pairs(page, active, options, progress)), options)


def export_page(
    page: Page,
    path: Path,
    options: SpeechOptions | None = None,
    engine: Engine | None = None,
    progress: Progress | None = None,
    *,
    fmt: str | None = None,
) -> Track:
    """Speak a page straight into an audio file (encoding overlaps synthesis); the format
    follows the extension unless `fmt` names one."""
    from reader.audio.export import export_stream

    options = options or SpeechOptions()
    with engine_for(options, engine) as active:
        pairs = spoken_pairs(page, active, options, progress)
        return export_stream(page, pairs, options, path, fmt=fmt)
