"""The one place where the stages are chained; each stage is one module with one verb.

The speech stages load numpy and libespeak-ng, so they are imported on first use: listing a
page's blocks (`reader blocks`, the web API) never pays for them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from reader.extract import extract_blocks
from reader.language import assign_languages
from reader.load import load
from reader.model import Page, Sentence, SentenceClip, Track, Utterance
from reader.options import ReadOptions, SpeechOptions

if TYPE_CHECKING:
    from reader.speech import Engine

Source = str | bytes | Path
Progress = Callable[[int, int], None]
# Speaks a page's sentences in reading order (`spoken_sentences` here, with the engine in this
# process; `reader render --redis` has them made by workers elsewhere).
SpokenSentences = Callable[
    [Page, "Engine", SpeechOptions, Progress | None], Iterator[tuple[Sentence, SentenceClip]]
]
# Called with each sentence as soon as it is spoken (`reader render` counts the audio made and
# keeps the sentence clips for the web service).
Observer = Callable[[Sentence, SentenceClip], None]


def read_page(source: Source, options: ReadOptions | None = None) -> Page:
    """Load a source (URL, path, `-`, or HTML text/bytes) into language-tagged blocks."""
    options = options or ReadOptions()
    return assign_languages(extract_blocks(load(source, options)), options)


def plan_speech(page: Page, engine: Engine, options: SpeechOptions) -> tuple[Utterance, ...]:
    """Turn a page's blocks into utterances, each with the voice that will speak it."""
    from reader.speech import plan_voices
    from reader.text import to_utterances

    return plan_voices(to_utterances(page, options), page, engine, options)


def plan_sentences(page: Page, engine: Engine, options: SpeechOptions) -> tuple[Sentence, ...]:
    """A page's sentences in reading order, each part with the voice that will speak it."""
    from reader.audio.sentence import group_sentences

    return tuple(group_sentences(page, plan_speech(page, engine, options)))


def speak_sentence(
    sentence: Sentence,
    engine: Engine,
    options: SpeechOptions,
    *,
    words_per_minute: int | None = None,
    pause_after: float = 0.0,
    on_audio: Callable[[bytes, int], None] | None = None,
) -> SentenceClip:
    """Synthesize a sentence's parts and join them into its clip (see render_sentence).

    `words_per_minute` overrides the options' rate (a listener changing speed);
    `pause_after` is silence at the end, for clips that are played back to back;
    `on_audio(pcm, sample_rate)` is handed the clip's audio as it is made, from its start
    (a neural voice makes a long sentence clause by clause: see render_streaming).
    """
    from reader.audio.sentence import render_sentence, render_streaming
    from reader.speech import speak_in_pieces

    wpm = words_per_minute or options.words_per_minute
    if on_audio is not None:
        parts = (
            speak_in_pieces(engine, u.text, u.voice, wpm, options.volume) for u in sentence.parts
        )
        return render_streaming(sentence, parts, wpm, on_audio, pause_after=pause_after)
    clips = [engine.synthesize(u.text, u.voice, wpm, options.volume) for u in sentence.parts]
    return render_sentence(sentence, clips, wpm, pause_after=pause_after)


def spoken_sentences(
    page: Page, engine: Engine, options: SpeechOptions, progress: Progress | None = None
) -> Iterator[tuple[Sentence, SentenceClip]]:
    """Plan a page's sentences and speak them in order, reporting progress as it goes."""
    sentences = plan_sentences(page, engine, options)
    for done, sentence in enumerate(sentences, 1):
        clip = speak_sentence(sentence, engine, options)
        if progress:
            progress(done, len(sentences))
        yield sentence, clip


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
    from reader.audio.assemble import assemble_sentences

    options = options or SpeechOptions()
    with engine_for(options, engine) as active:
        return assemble_sentences(page, spoken_sentences(page, active, options, progress), options)


def export_page(
    page: Page,
    path: Path,
    options: SpeechOptions | None = None,
    engine: Engine | None = None,
    progress: Progress | None = None,
    *,
    fmt: str | None = None,
    keep_audio: bool = True,
    spool: BinaryIO | None = None,
    observe: Observer | None = None,
    spoken: SpokenSentences | None = None,
) -> Track:
    """Speak a page straight into an audio file (encoding overlaps synthesis); the format
    follows the extension unless `fmt` names one. Without `keep_audio` the track returned
    holds the timeline but no PCM, and memory stays flat however long the page; `spool` gets
    a copy of the PCM as it is made (see export_split); `observe` sees each sentence as it
    is spoken; `spoken` makes them (default: `spoken_sentences`, in this process)."""
    from reader.audio.export import export_sentences

    options = options or SpeechOptions()
    with engine_for(options, engine) as active:
        sentences = (spoken or spoken_sentences)(page, active, options, progress)
        if observe is not None:
            sentences = _observed(sentences, observe)
        return export_sentences(
            page, sentences, options, path, fmt=fmt, keep_audio=keep_audio, spool=spool
        )


def _observed(
    sentences: Iterator[tuple[Sentence, SentenceClip]], observe: Observer
) -> Iterator[tuple[Sentence, SentenceClip]]:
    for sentence, clip in sentences:
        observe(sentence, clip)
        yield sentence, clip
