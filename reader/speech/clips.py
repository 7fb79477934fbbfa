"""What every engine checks before speaking and how its output becomes a Clip."""

from __future__ import annotations

import re
from collections.abc import Sequence

from reader.errors import SpeechError
from reader.model import Clip, WordMark
from reader.options import WORDS_PER_MINUTE_MAX, WORDS_PER_MINUTE_MIN
from reader.speech.espeak_ffi import WordEvent

# One call speaks one sentence; pyttsx3's driver crashed the process at about 14 KB, so a
# call is refused well before that. The utterance stage keeps sentences far shorter.
MAX_TEXT_BYTES = 4096
# A word for estimated timings: a run of non-space characters.
WORD = re.compile(r"\S+")
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
    """Word marks from eSpeak NG word events (1-based character positions, sample offsets)."""
    spans: list[tuple[int, int, int]] = []
    for event in events:
        start = min(max(event.position - 1, 0), len(text))
        end = min(start + max(event.length, 0), len(text))
        # eSpeak sometimes reports the space after a symbol it spoke as a word of its own.
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        sample = min(max(event.sample, 0), samples)
        # eSpeak repeats or reorders positions around numbers and abbreviations it expands;
        # keep the marks monotone so highlighting only ever moves forward.
        if end <= start or (spans and (start < spans[-1][1] or sample < spans[-1][2])):
            continue
        spans.append((start, end, sample))
    marks = []
    for i, (start, end, sample) in enumerate(spans):
        until = spans[i + 1][2] if i + 1 < len(spans) else samples
        marks.append(
            WordMark(start=start, end=end, t_start=sample / sample_rate, t_end=until / sample_rate)
        )
    return tuple(marks)


def estimated_marks(text: str, duration: float) -> tuple[WordMark, ...]:
    """Word marks spread over the clip in proportion to each word's length in characters."""
    words = list(WORD.finditer(text))
    total = sum(len(w.group()) for w in words)
    if not total or duration <= 0:
        return ()
    marks = []
    done = 0
    for word in words:
        size = len(word.group())
        marks.append(
            WordMark(
                start=word.start(),
                end=word.end(),
                t_start=duration * done / total,
                t_end=duration * (done + size) / total,
            )
        )
        done += size
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
