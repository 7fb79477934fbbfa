"""The one place where the stages are chained; each stage is one module with one verb."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from reader.audio import assemble
from reader.export import export_stream
from reader.extract import extract_blocks
from reader.language import assign_languages
from reader.load import load
from reader.model import Clip, Page, Track, Utterance
from reader.options import ReadOptions, SpeechOptions
from reader.speech import Engine, open_engine, plan_voices
from reader.utterances import to_utterances

Source = str | bytes | Path


def read_page(source: Source, options: ReadOptions | None = None) -> Page:
    """Load a source (URL, path, `-`, or HTML text/bytes) into language-tagged blocks."""
    options = options or ReadOptions()
    return assign_languages(extract_blocks(load(source, options)), options)


def plan_speech(page: Page, engine: Engine, options: SpeechOptions) -> tuple[Utterance, ...]:
    """Turn a page's blocks into utterances, each with the voice that will speak it."""
    return plan_voices(to_utterances(page, options), page, engine, options)


def synthesize_all(
    utterances: tuple[Utterance, ...], engine: Engine, options: SpeechOptions
) -> Iterator[tuple[Utterance, Clip]]:
    """Synthesize utterances in order, yielding each clip as soon as it is made."""
    for utterance in utterances:
        yield (
            utterance,
            engine.synthesize(utterance.text, utterance.voice, options.rate, options.volume),
        )


def spoken_pairs(
    page: Page,
    engine: Engine,
    options: SpeechOptions,
    progress: Callable[[int, int], None] | None = None,
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
    engine = open_engine(options)
    try:
        yield engine
    finally:
        engine.close()


def render(
    page: Page,
    options: SpeechOptions | None = None,
    engine: Engine | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Track:
    """Speak a whole page into one track with its timeline."""
    options = options or SpeechOptions()
    with engine_for(options, engine) as active:
        return assemble(page, list(spoken_pairs(page, active, options, progress)), options)


def export_page(
    page: Page,
    path: Path,
    options: SpeechOptions | None = None,
    engine: Engine | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Track:
    """Speak a page straight into an audio file (encoding overlaps synthesis)."""
    options = options or SpeechOptions()
    with engine_for(options, engine) as active:
        return export_stream(page, spoken_pairs(page, active, options, progress), options, path)
