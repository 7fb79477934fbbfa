"""What every engine checks before speaking and how its output becomes a Clip."""

from __future__ import annotations

import re
from collections.abc import Sequence

from reader.errors import SpeechError
from reader.model import Clip, WordMark
from reader.options import WORDS_PER_MINUTE_MAX, WORDS_PER_MINUTE_MIN
from reader.speech.espeak_ffi import WordEvent
from reader.text.written import written_words

# One call speaks one sentence; pyttsx3's driver crashed the process at about 14 KB, so a
# call is refused well before that. The utterance stage keeps sentences far shorter.
MAX_TEXT_BYTES = 4096
# Text with none of these has nothing to say (punctuation only): an empty clip, not an error.
SPEAKABLE = re.compile(r"\w")


def check_request(text: str, words_per_minute: int, volume: float) -> bytes:
    """Validate one synthesis request; returns the text as UTF-8 with a closing NUL."""
    if not WORDS_PER_MINUTE_MIN <= words_per_minute <= WORDS_PER_MINUTE_MAX:
        raise SpeechError(
            f"rate must be {WORDS_PER_MINUTE_MIN}..{WORDS_PER_MINUTE_MAX} words per minute, "
            f"not {words_per_minute}"
        )
    if not 0.0 <= volume <= 1.0:
        raise SpeechError(f"volume must be between 0 and 1, not {volume}")
    data = text.encode("utf-8")
    if len(data) > MAX_TEXT_BYTES:
        raise SpeechError(
            f"text of {len(data)} bytes is too long for one utterance (max {MAX_TEXT_BYTES})"
        )
    if "\0" in text:
        raise SpeechError("text contains a NUL character")
    return data + b"\0"


def has_speech(text: str) -> bool:
    """Whether the text has anything an engine would say."""
    return SPEAKABLE.search(text) is not None


def exact_marks(
    text: str, events: Sequence[WordEvent], sample_rate: int, samples: int
) -> tuple[WordMark, ...]:
    """One mark per written word of `text`, timed by eSpeak NG's word events.

    eSpeak reports words its own way: one event for "Co-operation" covering "Co", none for
    the "the" it runs into "of", one for each piece of "32-year-old". Each written word gets
    the time from its first event to the next word's; words with no event of their own share
    the time of the word before them in proportion to their length.
    """
    starts = _event_starts(text, events, samples)
    words = written_words(text)
    if not starts or not words:
        return ()
    timed: list[int | None] = [None] * len(words)
    index = 0
    for position, sample in starts:
        while index < len(words) and words[index][1] <= position:
            index += 1
        if index == len(words):
            break
        if timed[index] is None:
            timed[index] = sample
    marks: list[WordMark] = []
    for group, t_start, t_end in _groups(timed, samples):
        sizes = [words[i][1] - words[i][0] for i in group]
        total, done = sum(sizes), 0
        for i, size in zip(group, sizes, strict=True):
            a = t_start + (t_end - t_start) * done / total
            done += size
            b = t_start + (t_end - t_start) * done / total
            marks.append(
                WordMark(
                    start=words[i][0],
                    end=words[i][1],
                    t_start=a / sample_rate,
                    t_end=b / sample_rate,
                )
            )
    return tuple(marks)


def _event_starts(text: str, events: Sequence[WordEvent], samples: int) -> list[tuple[int, int]]:
    """(character, sample) where eSpeak says a word starts, both only ever moving forward."""
    starts: list[tuple[int, int]] = []
    for event in events:
        start = min(max(event.position - 1, 0), len(text))
        end = min(start + max(event.length, 0), len(text))
        # eSpeak sometimes reports the space after a symbol it spoke as a word of its own.
        while start < end and text[start].isspace():
            start += 1
        sample = min(max(event.sample, 0), samples)
        # eSpeak repeats or reorders positions around numbers and abbreviations it expands;
        # keep the marks monotone so highlighting only ever moves forward.
        if end <= start or (starts and (start <= starts[-1][0] or sample < starts[-1][1])):
            continue
        starts.append((start, sample))
    return starts


def _groups(timed: list[int | None], samples: int) -> list[tuple[list[int], int, int]]:
    """Words grouped behind each timed word, with the samples the group is spoken in."""
    groups: list[tuple[list[int], int, int]] = []
    leading: list[int] = []
    for i, sample in enumerate(timed):
        if sample is None:
            (groups[-1][0] if groups else leading).append(i)
        else:
            groups.append(([*leading, i], sample, samples))
            leading = []
    # A group lasts until the next group starts.
    return [
        (group, start, groups[k + 1][1] if k + 1 < len(groups) else end)
        for k, (group, start, end) in enumerate(groups)
    ]


def estimated_marks(text: str, duration: float) -> tuple[WordMark, ...]:
    """Word marks spread over the clip in proportion to each word's length in characters."""
    words = written_words(text)
    return spread_marks(words, [end - start for start, end in words], duration)


def spread_marks(
    spans: Sequence[tuple[int, int]], weights: Sequence[float], duration: float
) -> tuple[WordMark, ...]:
    """Word marks over a clip, each word taking its weight's share of the duration."""
    total = sum(weights)
    if not total or duration <= 0:
        return ()
    marks = []
    done = 0.0
    for (start, end), weight in zip(spans, weights, strict=True):
        marks.append(
            WordMark(
                start=start,
                end=end,
                t_start=duration * done / total,
                t_end=duration * (done + weight) / total,
            )
        )
        done += weight
    return tuple(marks)


def make_clip(
    text: str, pcm: bytes, sample_rate: int, events: Sequence[WordEvent], voice: str
) -> Clip:
    """A clip with exact word marks when the engine reported words, estimated otherwise."""
    samples = len(pcm) // 2
    words = exact_marks(text, events, sample_rate, samples)
    estimated = not words and has_speech(text)
    if estimated:
        words = estimated_marks(text, samples / sample_rate)
    return Clip(
        pcm=pcm, sample_rate=sample_rate, words=words, words_estimated=estimated, voice=voice
    )


def join_clips(clips: Sequence[Clip]) -> Clip:
    """Clips of one voice one after another, as one clip; word marks moved onto its clock."""
    words: list[WordMark] = []
    offset = 0.0
    for clip in clips:
        words.extend(
            WordMark(start=w.start, end=w.end, t_start=w.t_start + offset, t_end=w.t_end + offset)
            for w in clip.words
        )
        offset += clip.duration
    head = clips[0]
    return Clip(
        pcm=b"".join(clip.pcm for clip in clips),
        sample_rate=head.sample_rate,
        words=tuple(words),
        words_estimated=any(clip.words_estimated for clip in clips),
        voice=head.voice,
    )
