"""The data that flows through the pipeline: small frozen records, no behaviour.

source ──load──▶ Document ──extract_blocks──▶ Page ──assign_languages──▶ Page
   ──to_utterances──▶ [Utterance] ──group_sentences──▶ [Sentence]
   ──synthesize──▶ [Clip] per part ──render_sentence──▶ SentenceClip ──assemble──▶ Track(Timeline)
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

# Block kinds, as a listener would name them; a Block of any other kind is refused, since
# the widget, the no-script page and the pauses between blocks know only these.
BLOCK_KINDS = frozenset(
    {
        "heading",
        "paragraph",
        "list_item",
        "quote",
        "caption",
        "table_cell",
        "image",
        "term",
        "definition",
        "preformatted",
    }
)
# Where a block's language came from, strongest evidence first.
LANG_SOURCES = ("attribute", "detected", "page", "default")


@dataclass(frozen=True, slots=True, kw_only=True)
class Document:
    """A loaded page: decoded HTML and what the transport said about it."""

    html: str
    url: str = ""
    charset: str = "utf-8"
    content_language: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class LangSpan:
    """An inline fragment of a block's text that the author marked with its own `lang`."""

    start: int
    end: int
    lang: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Block:
    """One readable block of a page, as displayed, with its language once assigned.

    `locator` is a CSS selector that resolves to the block's element in the page
    (``[data-reader-node="12"]`` when the widget numbered the elements).
    `declared_lang` is the nearest `lang`/`xml:lang` on the element or an ancestor below
    `<html>`; `page_lang_inherited` is filled by language assignment. `breaks` are offsets
    in `text` where a part read on its own ends (a kicker before the title of a heading):
    the text shows a space there, speech pauses as after a sentence.
    """

    index: int
    kind: str
    text: str
    locator: str
    level: int = 0
    declared_lang: str = ""
    spans: tuple[LangSpan, ...] = ()
    breaks: tuple[int, ...] = ()
    lang: str = ""
    lang_source: str = ""
    confidence: float = 0.0

    def __post_init__(self) -> None:
        if self.kind not in BLOCK_KINDS:
            raise ValueError(f"unknown block kind {self.kind!r}")

    def to_dict(self) -> dict[str, Any]:
        return {
            "index": self.index,
            "kind": self.kind,
            "level": self.level,
            "text": self.text,
            "lang": self.lang,
            "lang_source": self.lang_source,
            "confidence": round(self.confidence, 3),
            "locator": self.locator,
            "spans": [
                {"start": s.start, "end": s.end, "lang": s.lang, "text": self.text[s.start : s.end]}
                for s in self.spans
            ],
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class Page:
    """The readable blocks of a page in reading order."""

    url: str
    title: str
    lang: str
    blocks: tuple[Block, ...]
    declared_lang: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "url": self.url,
            "title": self.title,
            "lang": self.lang,
            "blocks": [b.to_dict() for b in self.blocks],
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class Utterance:
    """One stretch of speech: a sentence, or the part of it in one language.

    `text` is what is spoken (normalised for speech); `start`/`end` is the span it covers in
    the block's displayed text; `char_map[i]` is the offset in the block's text of spoken
    character `i` (length ``len(text) + 1``), so word timings map back to what is shown.
    """

    block: int
    sentence: int
    part: int
    text: str
    start: int
    end: int
    lang: str
    char_map: tuple[int, ...] = ()
    voice: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class Sentence:
    """One sentence of a block as it is spoken: its parts, one per language, in order.

    `text` is the sentence as displayed (``Block.text[start:end]``); the parts' spans and
    character maps point into the block's text, so word timings map back to what is shown.
    """

    block: int
    index: int
    start: int
    end: int
    text: str
    parts: tuple[Utterance, ...]

    @property
    def lang(self) -> str:
        """The language most of the sentence is spoken in (the first one on a tie)."""
        if not self.parts:
            return ""
        return max(self.parts, key=lambda u: u.end - u.start).lang


@dataclass(frozen=True, slots=True, kw_only=True)
class Voice:
    """A voice an engine can speak with."""

    id: str
    name: str
    languages: tuple[str, ...]
    engine: str = ""
    quality: str = ""  # a neural voice's quality ("medium"); "" for eSpeak NG
    sample_rate: int = 0  # Hz; 0 = the engine's own rate


@dataclass(frozen=True, slots=True, kw_only=True)
class WordMark:
    """A spoken word: its character span in the utterance text and its time in the clip."""

    start: int
    end: int
    t_start: float
    t_end: float


@dataclass(frozen=True, slots=True, kw_only=True)
class Clip:
    """Synthesized speech: mono 16-bit little-endian PCM and word timings."""

    pcm: bytes
    sample_rate: int
    words: tuple[WordMark, ...] = ()
    words_estimated: bool = False
    voice: str = ""

    @property
    def duration(self) -> float:
        return len(self.pcm) / 2 / self.sample_rate


@dataclass(frozen=True, slots=True, kw_only=True)
class Cue:
    """A timed stretch of the track: a block, a sentence or a word.

    `start`/`end` are character offsets in the block's displayed text. `estimated` marks a
    word whose time was spread over its sentence's audio (a neural voice, or an engine that
    reported no words) rather than reported by the engine as it spoke.
    """

    kind: str  # "block" | "sentence" | "word"
    block: int
    sentence: int
    t_start: float
    t_end: float
    start: int
    end: int
    lang: str = ""
    text: str = ""
    estimated: bool = False

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True, kw_only=True)
class SentenceClip:
    """A sentence spoken: its parts joined into mono 16-bit PCM, and its word cues.

    The word cues point into the block's displayed text and are timed on the clip's own
    clock (0 is the clip's first sample).
    """

    pcm: bytes
    sample_rate: int
    words: tuple[Cue, ...] = ()
    words_estimated: bool = False

    @property
    def duration(self) -> float:
        return len(self.pcm) / 2 / self.sample_rate


@dataclass(frozen=True, slots=True, kw_only=True)
class Timeline:
    """All cues of a track, in time order."""

    cues: tuple[Cue, ...] = ()
    duration: float = 0.0

    def of_kind(self, kind: str) -> tuple[Cue, ...]:
        return tuple(c for c in self.cues if c.kind == kind)


@dataclass(frozen=True, slots=True, kw_only=True)
class Track:
    """A page's speech joined into one mono 16-bit PCM stream with its timeline."""

    pcm: bytes
    sample_rate: int
    timeline: Timeline = field(default_factory=Timeline)
    title: str = ""
    lang: str = ""
    page: Page | None = None

    @property
    def duration(self) -> float:
        # A streamed export's track leaves its audio in the file and keeps only the timeline.
        return len(self.pcm) / 2 / self.sample_rate if self.pcm else self.timeline.duration
