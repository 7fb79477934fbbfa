"""One sentence, one clip: parts trimmed, joined with the rate-scaled pause, words on the text."""

from __future__ import annotations

import numpy as np
import pytest

from reader.audio.pauses import PAUSE_PART, part_pause, sentence_pause
from reader.audio.pcm import TRIM_MARGIN
from reader.audio.sentence import group_sentences, render_sentence, word_cues
from reader.errors import AudioError
from reader.model import Block, Clip, Page, Sentence, SentenceClip, Utterance, WordMark

SAMPLE_RATE = 22050
LEAD = 0.01  # silence before the tone in every synthetic clip (shorter than the margin)
TAIL = 0.3  # and after it, as eSpeak NG pads its clips
TONE = 0.5

TEXT = "Trondheim is in Norge today."
BLOCK = Block(index=0, kind="paragraph", text=TEXT, locator="p", lang="en")
PAGE = Page(url="", title="", lang="en", blocks=(BLOCK,))


def part(number: int, start: int, end: int, lang: str = "en", spoken: str = "") -> Utterance:
    text = spoken or TEXT[start:end]
    return Utterance(
        block=0, sentence=0, part=number, text=text, start=start, end=end, lang=lang,
        char_map=tuple(range(start, start + len(text))) + (end,),
    )  # fmt: skip


# "Norge" is an inline <span lang="nb">: three parts, the middle one spoken by another voice.
PARTS = (part(0, 0, 15, spoken="Trondheim is in,"), part(1, 16, 21, "nb"), part(2, 22, 28))
SENTENCE = Sentence(block=0, index=0, start=0, end=28, text=TEXT, parts=PARTS)


def tone_clip(text: str, sample_rate: int = SAMPLE_RATE) -> Clip:
    """A sine tone padded with silence, with one word mark per word spread over the tone."""
    t = np.arange(int(TONE * sample_rate)) / sample_rate
    sound = (8000 * np.sin(2 * np.pi * 220 * t)).astype(np.int16)
    pad = np.zeros(int(LEAD * sample_rate), np.int16), np.zeros(int(TAIL * sample_rate), np.int16)
    pcm = np.concatenate([pad[0], sound, pad[1]]).astype("<i2").tobytes()
    words, marks, pos = text.split(), [], 0
    for n, word in enumerate(words):
        pos = text.index(word, pos)
        step = TONE / len(words)
        marks.append(WordMark(start=pos, end=pos + len(word), t_start=LEAD + n * step,
                              t_end=LEAD + (n + 1) * step))  # fmt: skip
        pos += len(word)
    return Clip(pcm=pcm, sample_rate=sample_rate, words=tuple(marks))


def rendered(words_per_minute: int = 175, pause_after: float = 0.0) -> SentenceClip:
    clips = [tone_clip(u.text) for u in PARTS]
    return render_sentence(SENTENCE, clips, words_per_minute, pause_after=pause_after)


def silences(clip: SentenceClip) -> list[float]:
    """Seconds of each run of digital silence between two sounds."""
    loud = np.flatnonzero(np.frombuffer(clip.pcm, dtype="<i2") != 0)
    gaps = np.diff(loud)
    return [round((g - 1) / clip.sample_rate, 4) for g in gaps if g > 100]


def test_parts_are_trimmed_and_joined_with_the_part_pause() -> None:
    clip = rendered()
    between = TRIM_MARGIN + PAUSE_PART + LEAD  # tail margin, pause, the next part's own lead
    assert silences(clip) == pytest.approx([between, between], abs=1e-3)
    assert clip.duration == pytest.approx(
        3 * (LEAD + TONE + TRIM_MARGIN) + 2 * PAUSE_PART, abs=1e-3
    )


@pytest.mark.parametrize("words_per_minute", [100, 175, 350])
def test_the_part_pause_scales_with_the_speaking_rate(words_per_minute: int) -> None:
    slow, clip = rendered(175), rendered(words_per_minute)
    extra = part_pause(words_per_minute) - PAUSE_PART
    assert part_pause(350) == pytest.approx(PAUSE_PART / 2)
    assert silences(clip) == pytest.approx([s + extra for s in silences(slow)], abs=1e-3)
    assert clip.duration == pytest.approx(slow.duration + 2 * extra, abs=1e-3)


def test_words_are_whole_shown_words_in_their_part_language_and_time_order() -> None:
    words = rendered().words
    assert [w.text for w in words] == ["Trondheim", "is", "in", "Norge", "today"]
    assert [TEXT[w.start : w.end] for w in words] == [w.text for w in words]
    assert [w.lang for w in words] == ["en", "en", "en", "nb", "en"]
    assert [(w.block, w.sentence, w.kind) for w in words] == [(0, 0, "word")] * 5
    starts = [w.t_start for w in words]
    assert starts == sorted(starts) and words[0].t_start == pytest.approx(LEAD, abs=1e-3)
    # "Norge" starts after the first part, its pause and its own lead.
    norge = LEAD + TONE + TRIM_MARGIN + PAUSE_PART + LEAD
    assert words[3].t_start == pytest.approx(norge, abs=1e-3)


def test_a_pause_after_adds_silence_and_leaves_the_words_alone() -> None:
    plain, padded = rendered(), rendered(pause_after=sentence_pause(175))
    assert padded.duration == pytest.approx(plain.duration + 0.35, abs=1e-4)
    assert padded.pcm.startswith(plain.pcm) and padded.words == plain.words


def test_stored_word_timings_become_the_same_cues_again() -> None:
    words = rendered().words
    spans = [(w.start, w.end, w.t_start, w.t_end) for w in words]
    assert word_cues(SENTENCE, spans) == words


def test_consecutive_parts_of_a_sentence_are_one_sentence_in_its_main_language() -> None:
    second = Utterance(block=0, sentence=1, part=0, text="Ja.", start=29, end=32, lang="nb")
    block = Block(index=0, kind="paragraph", text=TEXT + " Ja.", locator="p", lang="en")
    page = Page(url="", title="", lang="en", blocks=(block,))
    sentences = list(group_sentences(page, [*PARTS, second]))
    assert [(s.index, s.text, s.lang, len(s.parts)) for s in sentences] == [
        (0, TEXT, "en", 3),
        (1, "Ja.", "nb", 1),
    ]
    assert sentences[0] == SENTENCE


def test_audio_that_is_not_16_bit_pcm_is_an_audio_error() -> None:
    bad = Clip(pcm=b"\0\0\0", sample_rate=SAMPLE_RATE)
    with pytest.raises(AudioError, match="16-bit"):
        render_sentence(SENTENCE, [bad, tone_clip("Norge"), tone_clip("today.")], 175)
