"""Assembly: join a page's sentence clips into one track, with pauses and a timeline of cues."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

from reader.audio.pauses import pause_between
from reader.audio.pcm import DEFAULT_SAMPLE_RATE, TRIM_MARGIN, resample, samples, trim
from reader.audio.sentence import cue, render_pairs
from reader.errors import AudioError
from reader.model import Block, Clip, Cue, Page, Sentence, SentenceClip, Timeline, Track, Utterance
from reader.options import SpeechOptions

__all__ = ["TRIM_MARGIN", "Assembler", "assemble", "assemble_sentences"]


@dataclass(frozen=True, slots=True, kw_only=True)
class _Placed:
    """One sentence's clip, placed in the track."""

    sentence: Sentence
    words: tuple[Cue, ...]  # on the track's clock
    t_start: float
    t_end: float


def assemble(page: Page, pairs: Iterable[tuple[Utterance, Clip]], options: SpeechOptions) -> Track:
    """Join part clips (in reading order) into one track with its timeline, sentence by
    sentence (see reader.audio.sentence)."""
    sentences = render_pairs(page, pairs, options.words_per_minute)
    return assemble_sentences(page, sentences, options)


def assemble_sentences(
    page: Page, sentences: Iterable[tuple[Sentence, SentenceClip]], options: SpeechOptions
) -> Track:
    """Join sentence clips with the page's pauses into one track with its timeline."""
    assembler = Assembler(page, options)
    for sentence, clip in sentences:
        assembler.add(sentence, clip)
    return assembler.track()


class Assembler:
    """Joins sentence clips one at a time, so a writer can encode while later ones are made.

    The track takes the first clip's sample rate; a clip at another rate is resampled. An
    assembler that does not keep the audio (a streamed export: the encoder has it) keeps only
    the timeline, so its memory does not grow with the page's length.
    """

    def __init__(self, page: Page, options: SpeechOptions, *, keep_audio: bool = True) -> None:
        self.page = page
        self.options = options
        self.keep_audio = keep_audio
        self.sample_rate = 0
        self._chunks: list[bytes] = []
        self._placed: list[_Placed] = []
        self._length = 0  # samples so far

    def add(self, sentence: Sentence, clip: SentenceClip) -> bytes:
        """Append a sentence's clip (after its pause); return the PCM (16-bit LE) it added."""
        if clip.sample_rate <= 0 or len(clip.pcm) % 2:
            raise AudioError("a sentence clip is not 16-bit PCM at a known sample rate")
        sample_rate = self.sample_rate = self.sample_rate or clip.sample_rate
        # A clip made to be played on its own (the web's) ends in a pause of its own: the
        # track has its pauses from the page's structure instead.
        pcm, lead = trim(resample(clip.pcm, clip.sample_rate, sample_rate), sample_rate)
        gap = 0
        if self._placed:
            before = self._placed[-1].sentence
            pause = pause_between(self.page, before, sentence, self.options.words_per_minute)
            gap = samples(pause, sample_rate)
            pcm = bytes(2 * gap) + pcm
        start = (self._length + gap) / sample_rate
        if self.keep_audio:
            self._chunks.append(pcm)
        self._length += len(pcm) // 2
        end = self._length / sample_rate
        shift = start - lead
        words = tuple(
            replace(
                word,
                t_start=min(max(word.t_start + shift, start), end),
                t_end=min(max(word.t_end + shift, start), end),
            )
            for word in clip.words
        )
        self._placed.append(_Placed(sentence=sentence, words=words, t_start=start, t_end=end))
        return pcm

    def track(self) -> Track:
        """The track so far, with its timeline."""
        sample_rate = self.sample_rate or DEFAULT_SAMPLE_RATE
        blocks = {b.index: b for b in self.page.blocks}
        duration = self._length / sample_rate
        return Track(
            pcm=b"".join(self._chunks),
            sample_rate=sample_rate,
            timeline=Timeline(cues=_cues(self._placed, blocks), duration=duration),
            title=self.page.title,
            lang=self.page.lang,
            page=self.page,
        )


def _cues(placed: list[_Placed], blocks: dict[int, Block]) -> tuple[Cue, ...]:
    """Block, sentence and word cues, each block followed by its sentences and their words."""
    cues: list[Cue] = []
    i = 0
    while i < len(placed):
        j = i
        while j < len(placed) and placed[j].sentence.block == placed[i].sentence.block:
            j += 1
        cues.extend(_block_cues(placed[i:j], blocks.get(placed[i].sentence.block)))
        i = j
    return tuple(cues)


def _block_cues(group: list[_Placed], block: Block | None) -> list[Cue]:
    head = group[0].sentence
    lang = (block.lang if block else "") or head.lang
    start = min(p.sentence.start for p in group)
    end = max(p.sentence.end for p in group)
    text = block.text[start:end] if block else " ".join(p.sentence.text for p in group)
    times = (group[0].t_start, group[-1].t_end)
    out = [cue("block", head, (start, end), times, lang, text=text)]
    for p in group:
        s = p.sentence
        out.append(cue("sentence", s, (s.start, s.end), (p.t_start, p.t_end), s.lang or lang))
        out.extend(p.words)
    return out
