"""Assembly: pauses, silence trimming, resampling and the block/sentence/word timeline."""

from __future__ import annotations

import numpy as np
import pytest

from reader.audio.assemble import TRIM_MARGIN, assemble
from reader.audio.pauses import (
    PAUSE_AFTER_HEADING,
    PAUSE_BEFORE_HEADING,
    PAUSE_BLOCK,
    PAUSE_PART,
    PAUSE_SENTENCE,
)
from reader.errors import AudioError
from reader.model import Block, Clip, Page, Track, Utterance, WordMark
from reader.options import SpeechOptions
from reader.speech import open_engine, plan_voices

RATE = 22050
LEAD = 0.01  # silence before the sound in every synthetic clip
TAIL = 0.3  # and after it, as eSpeak NG pads its clips
TONE = 0.5


def tone_clip(text: str, seconds: float = TONE, sample_rate: int = RATE) -> Clip:
    """A sine tone padded with silence, with one word mark per word spread over the tone."""
    t = np.arange(int(seconds * sample_rate)) / sample_rate
    sound = (8000 * np.sin(2 * np.pi * 220 * t)).astype(np.int16)
    pad = np.zeros(int(LEAD * sample_rate), np.int16), np.zeros(int(TAIL * sample_rate), np.int16)
    pcm = np.concatenate([pad[0], sound, pad[1]]).astype("<i2").tobytes()
    marks, pos = [], 0
    words = text.split()
    for n, word in enumerate(words):
        pos = text.index(word, pos)
        step = seconds / len(words)
        marks.append(
            WordMark(
                start=pos, end=pos + len(word), t_start=LEAD + n * step, t_end=LEAD + (n + 1) * step
            )
        )
        pos += len(word)
    return Clip(pcm=pcm, sample_rate=sample_rate, words=tuple(marks))


def utterance(
    block: Block, sentence: int, part: int, start: int, end: int, lang: str = ""
) -> Utterance:
    text = block.text[start:end]
    return Utterance(
        block=block.index, sentence=sentence, part=part, text=text, start=start, end=end,
        lang=lang or block.lang, char_map=tuple(range(start, end + 1)),
    )  # fmt: skip


HEAD = Block(index=0, kind="heading", text="International cooperation", locator="h1", lang="en")
PARA = Block(
    index=1, kind="paragraph", text="We work with towns. Trondheim is in Norge today.",
    locator="p", lang="en",
)  # fmt: skip
HEAD2 = Block(index=2, kind="heading", text="Sundsvall och Trondheim", locator="h2", lang="sv")
LAST = Block(index=3, kind="list_item", text="Contact us.", locator="li", lang="en")
PAGE = Page(url="https://www.ostersund.se/x", title="Cooperation", lang="en",
            blocks=(HEAD, PARA, HEAD2, LAST))  # fmt: skip
UTTERANCES = [
    utterance(HEAD, 0, 0, 0, 25),
    utterance(PARA, 0, 0, 0, 19),
    utterance(PARA, 1, 0, 20, 36),
    utterance(PARA, 1, 1, 36, 41, lang="nb"),  # "Norge", an inline <span lang="nb">
    utterance(PARA, 1, 2, 41, 48),
    utterance(HEAD2, 0, 0, 0, 23),
    utterance(LAST, 0, 0, 0, 11),
]


def synthetic_track(words_per_minute: int = 175) -> Track:
    pairs = [(u, tone_clip(u.text)) for u in UTTERANCES]
    return assemble(PAGE, pairs, SpeechOptions(words_per_minute=words_per_minute))


def samples(track: Track) -> np.ndarray:
    return np.frombuffer(track.pcm, dtype="<i2").astype(np.float64)


def rms(track: Track, t0: float, t1: float) -> float:
    part = samples(track)[int(t0 * track.sample_rate) : int(t1 * track.sample_rate)]
    return float(np.sqrt(np.mean(part**2))) if len(part) else 0.0


def gaps(track: Track) -> list[float]:
    cues = track.timeline.of_kind("sentence")
    return [round(b.t_start - a.t_end, 4) for a, b in zip(cues, cues[1:], strict=False)]


def test_pauses_follow_the_page_structure() -> None:
    # heading → paragraph, sentence → sentence, paragraph → heading, heading → list item.
    assert gaps(synthetic_track()) == pytest.approx(
        [PAUSE_AFTER_HEADING, PAUSE_SENTENCE, PAUSE_BEFORE_HEADING, PAUSE_AFTER_HEADING], abs=1e-3
    )
    assert PAUSE_BEFORE_HEADING > PAUSE_BLOCK > PAUSE_SENTENCE > PAUSE_PART


def test_pauses_scale_with_the_rate() -> None:
    slow, fast = (
        gaps(synthetic_track(words_per_minute=175)),
        gaps(synthetic_track(words_per_minute=350)),
    )
    assert fast == pytest.approx([g / 2 for g in slow], abs=1e-3)


def test_duration_is_clips_trimmed_plus_pauses() -> None:
    track = synthetic_track()
    clip = LEAD + TONE + TRIM_MARGIN  # the lead is shorter than the margin, so it stays
    pauses = [PAUSE_AFTER_HEADING, PAUSE_SENTENCE, PAUSE_PART, PAUSE_PART]
    pauses += [PAUSE_BEFORE_HEADING, PAUSE_AFTER_HEADING]
    assert track.duration == pytest.approx(len(UTTERANCES) * clip + sum(pauses), abs=0.002)
    assert track.timeline.duration == pytest.approx(track.duration)
    assert track.sample_rate == RATE
    assert (track.title, track.lang, track.page) == ("Cooperation", "en", PAGE)


def test_silence_only_between_cues() -> None:
    track = synthetic_track()
    sentences = track.timeline.of_kind("sentence")
    for a, b in zip(sentences, sentences[1:], strict=False):
        assert rms(track, a.t_end, b.t_start) == 0.0
    for cue in sentences:
        assert rms(track, cue.t_start + TRIM_MARGIN, cue.t_end - TRIM_MARGIN) > 1000
    assert np.abs(samples(track)).max() < 32767


def test_parts_of_a_sentence_make_one_sentence_cue_in_its_first_language() -> None:
    cues = [c for c in synthetic_track().timeline.of_kind("sentence") if c.block == 1]
    assert [(c.sentence, c.text, c.lang) for c in cues] == [
        (0, "We work with towns.", "en"),
        (1, "Trondheim is in Norge today.", "en"),
    ]
    blocks = synthetic_track().timeline.of_kind("block")
    assert [(c.block, c.text, c.lang) for c in blocks] == [
        (0, HEAD.text, "en"), (1, PARA.text, "en"), (2, HEAD2.text, "sv"), (3, LAST.text, "en")
    ]  # fmt: skip


def test_word_cues_point_at_displayed_words_in_time_order() -> None:
    words = synthetic_track().timeline.of_kind("word")
    assert [w.text for w in words] == " ".join(b.text for b in PAGE.blocks).replace(".", "").split()
    assert [w.lang for w in words if w.text == "Norge"] == ["nb"]
    starts = [w.t_start for w in words]
    assert starts == sorted(starts)
    for w in words:
        assert PAGE.blocks[w.block].text[w.start : w.end] == w.text


def test_word_times_shift_with_the_clip_and_the_trimmed_lead() -> None:
    block = Block(index=0, kind="paragraph", text="One two.", locator="p", lang="en")
    u = utterance(block, 0, 0, 0, 8)
    padded = tone_clip(u.text)
    lead = np.zeros(int(0.5 * RATE), np.int16).tobytes()  # 0.5 s more silence before the tone
    late = Clip(
        pcm=lead + padded.pcm,
        sample_rate=RATE,
        words=tuple(
            WordMark(start=m.start, end=m.end, t_start=m.t_start + 0.5, t_end=m.t_end + 0.5)
            for m in padded.words
        ),
    )
    page = Page(url="", title="", lang="en", blocks=(block,))
    a = assemble(page, [(u, padded)], SpeechOptions()).timeline
    b = assemble(page, [(u, late)], SpeechOptions()).timeline
    # Both start where the tone starts: the lead (shorter than the margin) is kept in one,
    # and the long lead is cut down to the margin in the other.
    assert a.of_kind("word")[0].t_start == pytest.approx(LEAD, abs=1e-3)
    assert b.of_kind("word")[0].t_start == pytest.approx(TRIM_MARGIN, abs=1e-3)
    assert b.of_kind("word")[1].t_start - b.of_kind("word")[0].t_start == pytest.approx(TONE / 2)
    assert b.duration == pytest.approx(a.duration - LEAD + TRIM_MARGIN, abs=1e-3)


def test_spoken_expansions_map_back_to_the_shown_number() -> None:
    pieces = [
        ("Ring ", "Ring "),
        ("noll sex tre", "063"),
        (", fjorton", "-14"),
        (" till oss.", " till oss."),
    ]
    shown, spoken = "".join(p[1] for p in pieces), "".join(p[0] for p in pieces)
    char_map, at = [], 0
    for say, show in pieces:  # each spoken character points into the text it stands for
        char_map += [at + i * len(show) // len(say) for i in range(len(say))]
        at += len(show)
    char_map.append(at)
    u = Utterance(block=0, sentence=0, part=0, text=spoken, start=0, end=21, lang="sv",
                  char_map=tuple(char_map))  # fmt: skip
    block = Block(index=0, kind="paragraph", text=shown, locator="p", lang="sv")
    page = Page(url="", title="", lang="sv", blocks=(block,))
    words = assemble(page, [(u, tone_clip(spoken))], SpeechOptions()).timeline.of_kind("word")
    # "063-14" is one written word: "noll sex tre, fjorton" is one cue spanning all of it.
    assert [w.text for w in words] == ["Ring", "063-14", "till", "oss"]
    assert words[1].t_end > words[1].t_start + 0.25


def test_a_clip_at_another_rate_is_resampled_keeping_its_length() -> None:
    block = Block(index=0, kind="paragraph", text="One. Two.", locator="p", lang="en")
    first, second = utterance(block, 0, 0, 0, 4), utterance(block, 1, 0, 5, 9)
    pairs = [(first, tone_clip("One.")), (second, tone_clip("Two.", sample_rate=16000))]
    track = assemble(Page(url="", title="", lang="en", blocks=(block,)), pairs, SpeechOptions())
    cues = track.timeline.of_kind("sentence")
    assert track.sample_rate == RATE
    assert cues[1].t_end - cues[1].t_start == pytest.approx(
        cues[0].t_end - cues[0].t_start, abs=0.01
    )


def test_bad_clip_audio_is_an_audio_error() -> None:
    block = Block(index=0, kind="paragraph", text="One.", locator="p", lang="en")
    page = Page(url="", title="", lang="en", blocks=(block,))
    with pytest.raises(AudioError, match="16-bit"):
        assemble(page, [(utterance(block, 0, 0, 0, 4), Clip(pcm=b"\0\0\0", sample_rate=RATE))],
                 SpeechOptions())  # fmt: skip


def test_a_page_with_nothing_to_say_is_an_empty_track() -> None:
    track = assemble(PAGE, [], SpeechOptions())
    assert (track.duration, track.timeline.cues) == (0.0, ())


def test_real_engine_speech_sits_inside_its_cues() -> None:
    """eSpeak NG through reader.speech: speech inside the cues, silence in the pauses."""
    options = SpeechOptions()
    engine = open_engine(options)
    try:
        planned = plan_voices(tuple(UTTERANCES), PAGE, engine, options)
        pairs = [(u, engine.synthesize(u.text, u.voice, options.words_per_minute)) for u in planned]
    finally:
        engine.close()
    track = assemble(PAGE, pairs, options)
    assert track.sample_rate == pairs[0][1].sample_rate
    sentences = track.timeline.of_kind("sentence")
    assert len(sentences) == 5
    for a, b in zip(sentences, sentences[1:], strict=False):
        assert rms(track, a.t_end, b.t_start) < 30, (a.text, b.text)
    for cue in sentences:
        windows = [rms(track, t, t + 0.05) for t in np.arange(cue.t_start, cue.t_end - 0.05, 0.05)]
        assert np.mean(np.array(windows) > 100) > 0.5, cue.text  # mostly speech
    heading_gap = sentences[3].t_start - sentences[2].t_end
    sentence_gap = sentences[2].t_start - sentences[1].t_end
    assert heading_gap > sentence_gap + 0.3
    assert np.abs(samples(track)).max() < 32767
    words = track.timeline.of_kind("word")
    shown = [w.text for w in words]
    assert shown[:4] == ["International", "cooperation", "We", "work"]
    displayed = " ".join(b.text for b in PAGE.blocks).replace(".", "").split()
    remaining = iter(displayed)
    assert all(word in remaining for word in shown)  # in order, each a displayed word
    assert len(shown) >= 0.9 * len(displayed)  # eSpeak NG may run two short words together
    for w in words:
        (sentence,) = [s for s in sentences if (s.block, s.sentence) == (w.block, w.sentence)]
        assert sentence.t_start <= w.t_start < w.t_end <= sentence.t_end


def test_a_kicker_is_heard_apart_from_the_title_it_tops() -> None:
    """Real eSpeak NG: a pause after "Verbraucherschutz", none run into "Mehr Transparenz"."""
    from reader.pipeline import read_page, render

    html = (
        '<html lang="de"><body><main><h1><span class="article-heading__kicker">Thema '
        'Verbraucherschutz</span><span class="article-heading__title">Mehr Transparenz bei '
        "Stromtarifen</span></h1><p>Die Bundesnetzagentur legt einen Entwurf vor.</p></main>"
        "</body></html>"
    )
    page = read_page(html)
    track = render(page, SpeechOptions())
    words = [w for w in track.timeline.of_kind("word") if w.block == 0]
    kicker = next(w for w in words if w.text == "Verbraucherschutz")
    title = next(w for w in words if w.text == "Mehr")
    assert title.t_start - kicker.t_end >= PAUSE_SENTENCE - 0.05
    assert rms(track, kicker.t_end + 0.05, title.t_start - 0.05) < 30  # silence between
    within = [b.t_start - a.t_end for a, b in zip(words[2:], words[3:], strict=False)]
    assert max(within) < PAUSE_SENTENCE - 0.1  # the title itself runs on
