"""Sentence clips: the job that makes one, its content address, and its timing record.

Records are typed inside the server; `to_json`/`from_json` are used only where they meet the
cache and HTTP. `from_json` checks every field and raises ValueError on anything else, so a
record written by another version is never misread (the caller treats it as absent).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from reader.model import Sentence, SentenceClip, Utterance
from reader.options import SpeechOptions

# Bumped when the audio a clip holds, or the cache files holding it, change, so old cache
# entries are never looked up (3: cache files carry an integrity header; 4: a sentence is
# rendered by reader.audio.sentence, parts trimmed and joined with the rate-scaled pause).
FORMAT_VERSION = "4"

T = TypeVar("T")
# JSON numbers as decoded: a whole number of seconds comes back as an int.
NUMBERS = (int, float)


def json_field(data: Any, key: str, kind: type[T]) -> T:
    """A field of a decoded JSON object, checked to be of `kind` (ValueError otherwise)."""
    if not isinstance(data, Mapping):
        raise ValueError(f"expected an object holding {key!r}")
    return checked(data.get(key), kind, repr(key))


def checked(value: Any, kind: type[T], what: str) -> T:
    """A decoded JSON value checked to be of `kind`; an integer passes for a float."""
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        value = float(value)
    if not isinstance(value, kind) or (kind is not bool and isinstance(value, bool)):
        raise ValueError(f"{what} must be {kind.__name__}, not {type(value).__name__}")
    return value


@dataclass(frozen=True, slots=True, kw_only=True)
class ClipJob:
    """A sentence to speak as one clip, and the content address of that clip."""

    key: str
    sentence: Sentence

    @classmethod
    def of(cls, engine_id: str, options: SpeechOptions, sentence: Sentence) -> ClipJob:
        """The job for a sentence, addressed by what its clip is made from."""
        return cls(key=clip_key(engine_id, options, sentence), sentence=sentence)

    def to_json(self) -> dict[str, Any]:
        s = self.sentence
        return {
            "key": self.key,
            "block": s.block,
            "index": s.index,
            "start": s.start,
            "end": s.end,
            "text": s.text,
            "parts": [_part_to_json(u) for u in s.parts],
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ClipJob:
        block, index = json_field(data, "block", int), json_field(data, "index", int)
        parts = json_field(data, "parts", list)
        sentence = Sentence(
            block=block,
            index=index,
            start=json_field(data, "start", int),
            end=json_field(data, "end", int),
            text=json_field(data, "text", str),
            parts=tuple(_part_from_json(part, block, index) for part in parts),
        )
        if not sentence.parts:
            raise ValueError("a clip job needs at least one part")
        return cls(key=json_field(data, "key", str), sentence=sentence)


@dataclass(frozen=True, slots=True, kw_only=True)
class ClipTiming:
    """A made clip's length and word timings (`/api/audio/<key>.json`).

    `words` are (start, end, t_start, t_end): the word's span in the block's displayed text
    and its time in the clip, in seconds.
    """

    duration: float
    words: tuple[tuple[int, int, float, float], ...]
    lang: str
    estimated: bool
    sample_rate: int

    @classmethod
    def of(cls, clip: SentenceClip, lang: str) -> ClipTiming:
        """The timing record of a sentence clip, to the millisecond."""
        return cls(
            duration=round(clip.duration, 3),
            words=tuple(
                (w.start, w.end, round(w.t_start, 3), round(w.t_end, 3)) for w in clip.words
            ),
            lang=lang,
            estimated=clip.words_estimated,
            sample_rate=clip.sample_rate,
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "duration": self.duration,
            "words": [list(word) for word in self.words],
            "lang": self.lang,
            "estimated": self.estimated,
            "sample_rate": self.sample_rate,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ClipTiming:
        return cls(
            duration=json_field(data, "duration", float),
            words=tuple(_word(word) for word in json_field(data, "words", list)),
            lang=json_field(data, "lang", str),
            estimated=json_field(data, "estimated", bool),
            sample_rate=json_field(data, "sample_rate", int),
        )


def clip_key(engine_id: str, options: SpeechOptions, sentence: Sentence) -> str:
    """Content address of a clip: engine and version, words per minute, volume, the sentence
    as shown and every part's voice, language, text and offsets.

    The offsets and the shown text are part of the address because the timing record maps
    words to the block's displayed text; the same words elsewhere need their own record.
    """
    record = {
        "engine": engine_id,
        "format": FORMAT_VERSION,
        "words_per_minute": options.words_per_minute,
        "volume": round(options.volume, 3),
        "shown": [sentence.start, sentence.text],
        "parts": [[u.voice, u.lang, u.text, list(u.char_map)] for u in sentence.parts],
    }
    blob = json.dumps(record, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return hashlib.sha256(blob).hexdigest()[:32]


def _word(word: Any) -> tuple[int, int, float, float]:
    """A word timing checked field by field (every answer reads one per word: kept cheap)."""
    if type(word) is list and len(word) == 4:
        start, end, t_start, t_end = word
        if type(start) is int and type(end) is int and type(t_start) in NUMBERS:
            if type(t_end) in NUMBERS:
                return start, end, float(t_start), float(t_end)
    raise ValueError("a word timing is [start, end, t_start, t_end]")


def _part_to_json(u: Utterance) -> dict[str, Any]:
    return {
        "part": u.part,
        "text": u.text,
        "start": u.start,
        "end": u.end,
        "lang": u.lang,
        "voice": u.voice,
        "char_map": list(u.char_map),
    }


def _part_from_json(data: Mapping[str, Any], block: int, sentence: int) -> Utterance:
    char_map = json_field(data, "char_map", list)
    offsets = tuple(checked(at, int, "an offset in 'char_map'") for at in char_map)
    return Utterance(
        block=block,
        sentence=sentence,
        part=json_field(data, "part", int),
        text=json_field(data, "text", str),
        start=json_field(data, "start", int),
        end=json_field(data, "end", int),
        lang=json_field(data, "lang", str),
        char_map=offsets,
        voice=json_field(data, "voice", str),
    )
