"""Sentences: a sentence's parts spoken as one clip, with its words on the shown text.

Every way out (an exported file, the speakers, the web's sentence clips) speaks a page
sentence by sentence through `render_sentence`, so a sentence sounds and is timed the same
everywhere: each part trimmed to a short margin, the parts joined with the language-change
pause (scaled with the speaking rate), word marks moved onto the block's displayed text.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from itertools import groupby

from reader.audio.pauses import part_pause
from reader.audio.pcm import DEFAULT_SAMPLE_RATE, check_clip, resample, silence, trim
from reader.errors import AudioError
from reader.model import Clip, Cue, Page, Sentence, SentenceClip, Utterance, WordMark
from reader.speech.clips import join_clips
from reader.text.written import widen_to_words


@dataclass(frozen=True, slots=True, kw_only=True)
class _Placed:
    """One part's clip, placed in the sentence clip."""

    utterance: Utterance
    clip: Clip
    t_start: float
    t_end: float
    lead: float  # seconds trimmed from the clip's start (word times shift by this)


def group_sentences(page: Page, utterances: Iterable[Utterance]) -> Iterator[Sentence]:
    """Utterances in reading order gathered into sentences (consecutive parts of one)."""
    texts = {block.index: block.text for block in page.blocks}
    for _, parts in groupby(utterances, key=_sentence_of):
        yield sentence_from(texts, tuple(parts))


def render_pairs(
    page: Page, pairs: Iterable[tuple[Utterance, Clip]], words_per_minute: int
) -> Iterator[tuple[Sentence, SentenceClip]]:
    """Clips made part by part (in reading order), rendered sentence by sentence as they come."""
    texts = {block.index: block.text for block in page.blocks}
    for _, run in groupby(pairs, key=lambda pair: _sentence_of(pair[0])):
        parts, clips = zip(*run, strict=True)
        sentence = sentence_from(texts, parts)
        yield sentence, render_sentence(sentence, clips, words_per_minute)


def sentence_from(texts: dict[int, str], parts: Sequence[Utterance]) -> Sentence:
    """The Sentence of one sentence's parts; `texts` holds the blocks' displayed text."""
    parts = tuple(sorted(parts, key=lambda u: u.part))
    start, end = min(u.start for u in parts), max(u.end for u in parts)
    head = parts[0]
    text = texts.get(head.block, "")[start:end]
    return Sentence(
        block=head.block, index=head.sentence, start=start, end=end, text=text, parts=parts
    )


def render_sentence(
    sentence: Sentence, clips: Sequence[Clip], words_per_minute: int, *, pause_after: float = 0.0
) -> SentenceClip:
    """Join a sentence's part clips into one: each trimmed, with the part pause between.

    `words_per_minute` is the speaking rate of the clips (the pause scales with it);
    `pause_after` is silence added at the end, for clips that are played back to back.
    """
    for clip in clips:
        check_clip(clip)
    sample_rate = clips[0].sample_rate if clips else DEFAULT_SAMPLE_RATE
    gap = silence(part_pause(words_per_minute), sample_rate)
    chunks: list[bytes] = []
    placed: list[_Placed] = []
    length = 0  # samples so far
    for utterance, clip in zip(sentence.parts, clips, strict=True):
        pcm, lead = trim(resample(clip.pcm, clip.sample_rate, sample_rate), sample_rate)
        if chunks:
            chunks.append(gap)
            length += len(gap) // 2
        start = length / sample_rate
        chunks.append(pcm)
        length += len(pcm) // 2
        placed.append(
            _Placed(
                utterance=utterance,
                clip=clip,
                t_start=start,
                t_end=length / sample_rate,
                lead=lead,
            )
        )
    if pause_after > 0:
        chunks.append(silence(pause_after, sample_rate))
    return SentenceClip(
        pcm=b"".join(chunks),
        sample_rate=sample_rate,
        words=_word_cues(sentence, placed),
        words_estimated=any(clip.words_estimated for clip in clips),
    )


def render_streaming(
    sentence: Sentence,
    parts: Iterable[Iterable[Clip]],
    words_per_minute: int,
    emit: Callable[[bytes, int], None],
    *,
    pause_after: float = 0.0,
) -> SentenceClip:
    """`render_sentence` of clips that come in pieces (one iterable of pieces per part),
    handing `emit` the sentence's audio as soon as no later piece can change it.

    After each piece the sentence is rendered as far as it is known: the trim only ever cuts
    the silence at the ends of a part, so that rendering is the start of the final clip,
    which is checked (an AudioError, never a clip that differs from what was heard)."""
    done: list[Clip] = []
    heard: list[bytes] = []
    for spoken in parts:
        got: list[Clip] = []
        for piece in spoken:
            got.append(piece)
            clips = [*done, join_clips(got)]
            if any(clip.sample_rate != clips[0].sample_rate for clip in clips):
                continue  # audio to resample is final only once its part is whole
            known = replace(sentence, parts=sentence.parts[: len(clips)])
            pcm = render_sentence(known, clips, words_per_minute).pcm
            sent = sum(len(chunk) for chunk in heard)
            if len(pcm) > sent:
                heard.append(pcm[sent:])
                emit(heard[-1], clips[0].sample_rate)
        if not got:
            raise AudioError("the speech engine gave no audio for a part of a sentence")
        done.append(join_clips(got))
    clip = render_sentence(sentence, done, words_per_minute, pause_after=pause_after)
    sent = sum(len(chunk) for chunk in heard)
    if clip.pcm[:sent] != b"".join(heard):
        raise AudioError("the audio heard of a sentence is not the start of its clip")
    emit(clip.pcm[sent:], clip.sample_rate)
    return clip


def word_cues(
    sentence: Sentence, spans: Iterable[tuple[int, int, float, float]], *, estimated: bool = False
) -> tuple[Cue, ...]:
    """Word cues again from their spans in the block and times in the clip (a stored record)."""
    cues = []
    for start, end, t_start, t_end in spans:
        part = next((u for u in sentence.parts if u.start <= start < u.end), None)
        lang = part.lang if part else ""
        times = (t_start, t_end)
        cues.append(cue("word", sentence, (start, end), times, lang, estimated=estimated))
    return tuple(cues)


def cue(
    kind: str,
    sentence: Sentence,
    span: tuple[int, int],
    times: tuple[float, float],
    lang: str = "",
    *,
    text: str | None = None,
    estimated: bool = False,
) -> Cue:
    """A cue in a sentence's block: a word, the sentence, or (with its `text`) the block.

    `span` is in the block's displayed text, `times` on the clip's or the track's clock; the
    text is what the sentence shows at the span unless given, the language the sentence's
    unless given."""
    (start, end), (t_start, t_end) = span, times
    if text is None:
        text = sentence.text[start - sentence.start : end - sentence.start]
    return Cue(
        kind=kind,
        block=sentence.block,
        sentence=sentence.index,
        t_start=t_start,
        t_end=t_end,
        start=start,
        end=end,
        lang=lang or sentence.lang,
        text=text,
        estimated=estimated,
    )


def _sentence_of(utterance: Utterance) -> tuple[int, int]:
    return utterance.block, utterance.sentence


def _word_cues(sentence: Sentence, placed: list[_Placed]) -> tuple[Cue, ...]:
    words: list[Cue] = []
    for part in placed:
        for mark in part.clip.words:
            word = _word_cue(sentence, part, mark)
            if word is None:
                continue
            if words and word.start < words[-1].end:
                # Several spoken words for one written word ("F D P Chef" for "FDP-Chef", a
                # phone number read in groups): one cue from the first to the last.
                last = words[-1]
                start, end = min(last.start, word.start), max(last.end, word.end)
                shown = sentence.text[start - sentence.start : end - sentence.start]
                t_end = max(last.t_end, word.t_end)
                estimated = last.estimated or word.estimated
                words[-1] = replace(
                    last, t_end=t_end, start=start, end=end, text=shown, estimated=estimated
                )
            else:
                words.append(word)
    return tuple(words)


def _word_cue(sentence: Sentence, part: _Placed, mark: WordMark) -> Cue | None:
    """A word mark moved onto the sentence clip's clock and the block's displayed text."""
    u = part.utterance
    start, end = _display_span(u, mark.start, mark.end)
    start, end = _snap_to_word(sentence, start, end, u.start, u.end)
    shown = sentence.text[start - sentence.start : end - sentence.start]
    if end <= start or not shown.strip():
        return None
    t_start = min(max(part.t_start + mark.t_start - part.lead, part.t_start), part.t_end)
    t_end = min(max(part.t_start + mark.t_end - part.lead, t_start), part.t_end)
    estimated = part.clip.words_estimated
    return cue("word", sentence, (start, end), (t_start, t_end), u.lang, estimated=estimated)


def _display_span(u: Utterance, start: int, end: int) -> tuple[int, int]:
    """Spoken character span → displayed span, through the char map (or proportionally)."""
    n = len(u.text)
    start, end = max(0, min(start, n)), max(0, min(end, n))
    if len(u.char_map) == n + 1:
        shown = u.char_map[start:end] or (u.char_map[start],)
        return min(shown), max(shown) + (1 if end > start else 0)
    scale = (u.end - u.start) / n if n else 0.0
    return u.start + int(start * scale), u.start + int(round(end * scale))


def _snap_to_word(sentence: Sentence, start: int, end: int, low: int, high: int) -> tuple[int, int]:
    """Widen a span to the whole written words it touches ("Co" to "Co-operation", "F" to
    "FDP-Chef") and strip the spaces and punctuation around them.

    Offsets are the block's; `low`/`high` bound the span to its part of the sentence.
    """
    offset = sentence.start
    low, high = max(low, offset) - offset, min(high, offset + len(sentence.text)) - offset
    start, end = widen_to_words(sentence.text, start - offset, end - offset, low, high)
    return start + offset, end + offset
