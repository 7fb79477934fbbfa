"""Assembly: join the clips of a page into one track, with pauses and a timeline of cues."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from itertools import groupby

from reader.audio.pauses import pause_between
from reader.errors import AudioError
from reader.model import Block, Clip, Cue, Page, Timeline, Track, Utterance, WordMark
from reader.options import SpeechOptions

# eSpeak NG pads every clip with ~0.3 s of digital silence: trimmed to this margin so the
# pauses between clips (pauses.py) are what the listener hears. Samples within ±64 (about
# -54 dBFS) count as silence (QUIET_RUN below); the margin keeps soft onsets and decays.
TRIM_MARGIN = 0.03
DEFAULT_SAMPLE_RATE = 22050  # eSpeak NG's sample rate; used for a page with nothing to say
# A run of quiet 16-bit little-endian samples (-64..64), and the same read backwards: the
# trim scans only the silence at each end of a clip, at C speed, with no array library
# (importing numpy would cost an export more than the whole scan).
QUIET_RUN = re.compile(rb"(?:[\x00-\x40]\x00|[\xc0-\xff]\xff)*")
QUIET_RUN_REVERSED = re.compile(rb"(?:\x00[\x00-\x40]|\xff[\xc0-\xff])*")
TAIL_WINDOW = 4096  # bytes read backwards at a time: more than a clip's usual soft tail


@dataclass(frozen=True, slots=True, kw_only=True)
class _Placed:
    """One utterance's clip, placed in the track."""

    utterance: Utterance
    clip: Clip
    t_start: float
    t_end: float
    lead: float  # seconds trimmed from the clip's start (word times shift by this)


def assemble(page: Page, pairs: list[tuple[Utterance, Clip]], options: SpeechOptions) -> Track:
    """Join the clips with pauses into one track and build its block/sentence/word timeline."""
    assembler = Assembler(page, options)
    for utterance, clip in pairs:
        assembler.add(utterance, clip)
    return assembler.track()


class Assembler:
    """Joins clips one at a time, so a writer can encode while later clips are synthesized.

    The track takes the first clip's sample rate; a clip at another rate is resampled.
    """

    def __init__(self, page: Page, options: SpeechOptions) -> None:
        self.page = page
        self.options = options
        self.sample_rate = 0
        self._chunks: list[bytes] = []
        self._placed: list[_Placed] = []
        self._length = 0  # samples so far

    def add(self, utterance: Utterance, clip: Clip) -> bytes:
        """Append a clip (after its pause); return the PCM (16-bit LE) it added to the track."""
        if clip.sample_rate <= 0:
            raise AudioError("a clip has no sample rate; the speech engine returned bad audio")
        if len(clip.pcm) % 2:
            raise AudioError("a clip has an odd number of bytes; expected 16-bit PCM")
        sample_rate = self.sample_rate = self.sample_rate or clip.sample_rate
        pcm, lead = trim(resample(clip.pcm, clip.sample_rate, sample_rate), sample_rate)
        gap = 0
        if self._placed:
            # The same pauses as live playback (reader.audio.play), scaled with the speaking rate.
            before = self._placed[-1].utterance
            gap = int(
                round(
                    pause_between(self.page, before, utterance, self.options.words_per_minute)
                    * sample_rate
                )
            )
            pcm = bytes(2 * gap) + pcm
        start = (self._length + gap) / sample_rate
        self._chunks.append(pcm)
        self._length += len(pcm) // 2
        end = self._length / sample_rate
        self._placed.append(
            _Placed(utterance=utterance, clip=clip, t_start=start, t_end=end, lead=lead)
        )
        return pcm

    def track(self) -> Track:
        """The track so far, with its timeline."""
        sample_rate = self.sample_rate or DEFAULT_SAMPLE_RATE
        blocks = {b.index: b for b in self.page.blocks}
        return Track(
            pcm=b"".join(self._chunks),
            sample_rate=sample_rate,
            timeline=Timeline(
                cues=_cues(self._placed, blocks), duration=self._length / sample_rate
            ),
            title=self.page.title,
            lang=self.page.lang,
            page=self.page,
        )


def resample(pcm: bytes, source: int, target: int) -> bytes:
    """Linear interpolation: enough for speech from one engine at a nearby rate."""
    if source == target or not pcm:
        return pcm
    import numpy as np  # only here: a clip at another rate is rare, and numpy is slow to load

    samples = np.frombuffer(pcm, dtype="<i2").astype(np.float64)
    count = int(round(len(samples) * target / source))
    positions = np.arange(count) * (source / target)
    values = np.interp(positions, np.arange(len(samples)), samples)
    return np.clip(np.round(values), -32768, 32767).astype("<i2").tobytes()


def trim(
    pcm: bytes, sample_rate: int, lead: float = TRIM_MARGIN, tail: float = TRIM_MARGIN
) -> tuple[bytes, float]:
    """Cut leading and trailing silence down to `lead`/`tail` seconds; return the PCM and the
    seconds cut from the start."""
    count = len(pcm) // 2
    quiet_head = _quiet_head(pcm)
    if quiet_head == count:
        return b"", count / sample_rate
    first = max(quiet_head - int(lead * sample_rate), 0)
    last = min(count - _quiet_tail(pcm) + int(tail * sample_rate), count)
    return pcm[2 * first : 2 * last], first / sample_rate


def _quiet_head(pcm: bytes) -> int:
    """Quiet samples at the start: zero bytes skipped at memchr speed, then the soft rest."""
    zeros = len(pcm) - len(pcm.lstrip(b"\0"))
    return QUIET_RUN.match(pcm, zeros - zeros % 2).end() // 2  # type: ignore[union-attr]


def _quiet_tail(pcm: bytes) -> int:
    """Quiet samples at the end, reading backwards through a window that grows as needed."""
    end = len(pcm.rstrip(b"\0"))
    end += end % 2  # from a sample boundary on, all zero
    window = TAIL_WINDOW
    while True:
        start = max(end - window, 0)
        run = QUIET_RUN_REVERSED.match(pcm[start:end][::-1]).end()  # type: ignore[union-attr]
        if run < end - start or start == 0:
            return (len(pcm) - end + run) // 2
        window *= 4


def _cues(placed: list[_Placed], blocks: dict[int, Block]) -> tuple[Cue, ...]:
    """Block, sentence and word cues, each block followed by its sentences and their words."""
    cues: list[Cue] = []
    i = 0
    while i < len(placed):
        j = i
        while j < len(placed) and placed[j].utterance.block == placed[i].utterance.block:
            j += 1
        cues.extend(_block_cues(placed[i:j], blocks.get(placed[i].utterance.block)))
        i = j
    return tuple(cues)


def _block_cues(group: list[_Placed], block: Block | None) -> list[Cue]:
    text = block.text if block else " ".join(p.utterance.text for p in group)
    lang = (block.lang if block else "") or group[0].utterance.lang
    out = [_span_cue("block", group, text, lang)]
    for _, parts in groupby(group, key=lambda p: p.utterance.sentence):
        out.extend(_sentence_cues(list(parts), text, lang))
    return out


def _span_cue(kind: str, parts: list[_Placed], text: str, lang: str) -> Cue:
    """One cue over consecutive placed utterances (a block's, or a sentence's parts)."""
    head = parts[0].utterance
    start = min(p.utterance.start for p in parts)
    end = max(p.utterance.end for p in parts)
    return Cue(
        kind=kind,
        block=head.block,
        sentence=head.sentence,
        t_start=parts[0].t_start,
        t_end=parts[-1].t_end,
        start=start,
        end=end,
        lang=lang,
        text=text[start:end],
    )


def _sentence_cues(parts: list[_Placed], text: str, block_lang: str) -> list[Cue]:
    sentence = _span_cue("sentence", parts, text, parts[0].utterance.lang or block_lang)
    words: list[Cue] = []
    for part in parts:
        for mark in part.clip.words:
            cue = _word_cue(part, mark, text, block_lang)
            if cue is None:
                continue
            if words and (words[-1].start, words[-1].end) == (cue.start, cue.end):
                # Several spoken words for one shown word (a phone number read in groups).
                words[-1] = replace(words[-1], t_end=max(words[-1].t_end, cue.t_end))
            else:
                words.append(cue)
    return [sentence, *words]


def _word_cue(part: _Placed, mark: WordMark, text: str, block_lang: str) -> Cue | None:
    """A word mark moved onto the track's clock and the block's displayed text."""
    u = part.utterance
    start, end = _display_span(u, mark.start, mark.end)
    start, end = _snap_to_word(text, start, end, u.start, u.end)
    if end <= start or not text[start:end].strip():
        return None
    t_start = min(max(part.t_start + mark.t_start - part.lead, part.t_start), part.t_end)
    t_end = min(max(part.t_start + mark.t_end - part.lead, t_start), part.t_end)
    return Cue(
        kind="word",
        block=u.block,
        sentence=u.sentence,
        t_start=t_start,
        t_end=t_end,
        start=start,
        end=end,
        lang=u.lang or block_lang,
        text=text[start:end],
    )


def _display_span(u: Utterance, start: int, end: int) -> tuple[int, int]:
    """Spoken character span → displayed span, through the char map (or proportionally)."""
    n = len(u.text)
    start, end = max(0, min(start, n)), max(0, min(end, n))
    if len(u.char_map) == n + 1:
        shown = u.char_map[start:end] or (u.char_map[start],)
        return min(shown), max(shown) + (1 if end > start else 0)
    scale = (u.end - u.start) / n if n else 0.0
    return u.start + int(start * scale), u.start + int(round(end * scale))


def _snap_to_word(text: str, start: int, end: int, low: int, high: int) -> tuple[int, int]:
    """Widen a span to whole displayed words and strip surrounding spaces and punctuation."""
    start, end = max(start, low), min(end, high)
    while start < end and not text[start].isalnum():
        start += 1
    while end > start and not text[end - 1].isalnum():
        end -= 1
    if start == end:
        return start, end
    while start > low and text[start - 1].isalnum():
        start -= 1
    while end < high and text[end].isalnum():
        end += 1
    return start, end
