"""The neural engine: Piper-format VITS voices run on onnxruntime.

Phonemes come from the libespeak-ng the project already loads (IPA for the voice's eSpeak NG
voice) and become model inputs through the voice's own `phoneme_id_map`, as the format
specifies: BOS, then each phoneme followed by the pad id, then EOS. An utterance is spoken
clause by clause (reader.speech.pieces), which bounds the model's memory and lets the first
clause be heard before the rest is made. The model gives audio only, so word marks are
spread over each piece by each word's share of phonemes and marked estimated
(docs/voices.md).
"""

from __future__ import annotations

import os
import re
import threading
import unicodedata
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import numpy as np
import onnxruntime

from reader.audio.pcm import TRIM_MARGIN, trim
from reader.errors import SpeechError
from reader.langtag import primary
from reader.model import Clip, Voice, WordMark
from reader.options import WORDS_PER_MINUTE
from reader.speech.clips import check_request, has_speech, join_clips, spread_marks
from reader.speech.pieces import pieces
from reader.speech.piper_voice import ENGINE_NAME, PiperVoice
from reader.text.written import written_words

BOS, EOS, PAD = "^", "$", "_"
# A clause and the punctuation that ends it: the model was trained with it in the phonemes.
# A clause ends at punctuation before a space or the end: inside "1,000", "4.9" or "N.P.A" it
# is part of the number or acronym, which eSpeak reads whole ("one thousand", not "one, zero
# zero zero").
CLAUSE = re.compile(r"((?:[^,.;:!?]|[,.;:!?]+(?=[^\s,.;:!?]))+)([,.;:!?]*)")
# Clause punctuation between two words: the voice pauses there.
PUNCTUATION = re.compile(r"[,.;:!?]")
# Such a pause counts as this many phonemes of time when words are spread over a clip.
PAUSE_WEIGHT = 2.0
# Silence kept at each end of a piece where the text pauses (more than the voice ever leaves).
MAX_SILENCE = 10.0


class PiperEngine:
    """Speaks with Piper-format voices; a model is loaded on first use and kept."""

    name = ENGINE_NAME

    def __init__(self, voices: tuple[PiperVoice, ...], threads: int = 0) -> None:
        self._voices = {voice.id.lower(): voice for voice in voices}
        self._closed = False
        self._sessions: dict[str, Any] = {}
        self._threads = threads or max(1, os.cpu_count() or 1)
        self._lock = threading.Lock()
        self.version = f"piper (onnxruntime {onnxruntime.__version__})"

    def voices(self) -> tuple[Voice, ...]:
        """The installed neural voices."""
        return tuple(
            Voice(
                id=v.id,
                name=v.name,
                languages=_languages(v.language),
                engine=ENGINE_NAME,
                quality=v.quality,
                sample_rate=v.sample_rate,
            )
            for v in self._voices.values()
        )

    def digests(self) -> str:
        """Digests of every model: a new or changed voice gives new cache keys."""
        return ",".join(f"{v.name}={v.digest()}" for v in self._voices.values())

    def synthesize(self, text: str, voice: str, words_per_minute: int, volume: float = 1.0) -> Clip:
        """Speak one utterance with a neural voice id ("piper:NAME")."""
        return join_clips(list(self.stream(text, voice, words_per_minute, volume)))

    def stream(
        self, text: str, voice: str, words_per_minute: int, volume: float = 1.0
    ) -> Iterator[Clip]:
        """Speak one utterance piece by piece (reader.speech.pieces), each piece as it is made.

        Joined (`join_clips`), the pieces are the utterance's clip; each piece's word marks
        are offsets in `text`, timed on the piece's own clock."""
        check_request(text, words_per_minute, volume)
        if self._closed:
            raise SpeechError("the speech engine is closed")
        chosen = self._voices.get(voice.lower())
        if chosen is None:
            raise SpeechError(f"neural voice {voice!r} is not installed")
        if not has_speech(text):
            yield Clip(pcm=b"", sample_rate=chosen.sample_rate, voice=chosen.id)
            return
        rate, after_joint = chosen.sample_rate, False
        for piece in pieces(text):
            said = text[piece.start : piece.end]
            if not has_speech(said):
                continue
            ids = phoneme_ids(phonemes(said, chosen), chosen)
            audio = self._infer(chosen, ids, WORDS_PER_MINUTE / words_per_minute)
            pcm = (np.clip(audio * volume, -1.0, 1.0) * 32767).astype("<i2").tobytes()
            # A joint inside a clause is closed up: the voice's silence at each side would
            # be heard as a pause where the text has none.
            pcm, _ = trim(
                pcm,
                rate,
                lead=TRIM_MARGIN if after_joint else MAX_SILENCE,
                tail=TRIM_MARGIN if piece.joined else MAX_SILENCE,
            )
            after_joint = piece.joined
            yield Clip(
                pcm=pcm,
                sample_rate=rate,
                words=_marks(text, piece.start, piece.end, pcm, rate, chosen),
                words_estimated=True,
                voice=chosen.id,
            )

    def load(self, voice: str) -> None:
        """Load a voice's model now (a worker does this before its first request)."""
        self._session(self._voices[voice.lower()])

    def _session(self, voice: PiperVoice) -> Any:
        with self._lock:
            if voice.id not in self._sessions:
                options = onnxruntime.SessionOptions()
                options.intra_op_num_threads = self._threads
                options.inter_op_num_threads = 1
                # onnxruntime plans a memory pattern per input shape and keeps every plan: with
                # each piece a new length, a worker grew past 360 MB; without, it stays near
                # 270 MB at the same speed (bench/web.py, bench/neural.py).
                options.enable_mem_pattern = False
                try:
                    self._sessions[voice.id] = onnxruntime.InferenceSession(
                        str(voice.model), options, providers=["CPUExecutionProvider"]
                    )
                except Exception as exc:  # onnxruntime raises its own error types
                    raise SpeechError(f"voice {voice.name}: cannot load the model ({exc})") from exc
            return self._sessions[voice.id]

    def _infer(self, voice: PiperVoice, ids: list[int], length: float) -> Any:
        session = self._session(voice)
        inputs: dict[str, Any] = {
            "input": np.array([ids], dtype=np.int64),
            "input_lengths": np.array([len(ids)], dtype=np.int64),
            "scales": np.array(
                [voice.noise_scale, voice.length_scale * length, voice.noise_w], dtype=np.float32
            ),
        }
        if voice.speaker is not None:
            inputs["sid"] = np.array([voice.speaker], dtype=np.int64)
        try:
            output = session.run(None, inputs)[0]
        except Exception as exc:
            raise SpeechError(f"voice {voice.name}: synthesis failed ({exc})") from exc
        return np.asarray(output, dtype=np.float32).reshape(-1)

    def close(self) -> None:
        """Drop the loaded models; the engine refuses work from now on."""
        with self._lock:
            self._closed = True
            self._sessions.clear()


def phonemes(text: str, voice: PiperVoice) -> str:
    """IPA phonemes with the clause punctuation kept, as Piper voices were trained."""
    from reader.speech.espeak_engine import phonemize

    spoken = []
    for clause, punctuation in CLAUSE.findall(text):
        said = phonemize(clause, _espeak_voice(voice)) if clause.strip() else ""
        spoken.append(said + punctuation[:1])
    return unicodedata.normalize("NFD", " ".join(s for s in spoken if s))


def phoneme_ids(spoken: str, voice: PiperVoice) -> list[int]:
    """Model input ids: BOS, each known phoneme followed by the pad, EOS."""
    table = voice.phoneme_ids
    pad = table.get(PAD, (0,))
    ids = [*table[BOS], *pad]
    for phoneme in spoken:
        if phoneme in table:
            ids.extend(table[phoneme])
            ids.extend(pad)
    ids.extend(table[EOS])
    return ids


def _marks(
    text: str, start: int, end: int, pcm: bytes, rate: int, voice: PiperVoice
) -> tuple[WordMark, ...]:
    """The piece's words spread over the part of its audio that is heard."""
    heard, lead = trim(pcm, rate, lead=0.0, tail=0.0)
    words = [(a, b, phonemes(text[a:b], voice)) for a, b in written_words(text, start, end)]
    marks = spread(text, words, len(heard) / 2 / rate)
    return tuple(replace(m, t_start=m.t_start + lead, t_end=m.t_end + lead) for m in marks)


def spread(text: str, words: list[tuple[int, int, str]], duration: float) -> tuple[WordMark, ...]:
    """Word marks over a clip in proportion to each word's phonemes; the clause punctuation
    between two words (a pause the voice makes) takes its share of the time, no word's."""
    items: list[tuple[int, int]] = []
    weights: list[float] = []
    for i, (start, end, said) in enumerate(words):
        items.append((start, end))
        weights.append(sum(1.0 for ch in said if ch.isalpha()) or 1.0)
        following = words[i + 1][0] if i + 1 < len(words) else len(text)
        if PUNCTUATION.search(text, end, following):
            items.append((end, end))  # a pause: dropped once the times are shared out
            weights.append(PAUSE_WEIGHT)
    marks = spread_marks(items, weights, duration)
    return tuple(mark for mark in marks if mark.end > mark.start)


_espeak_ids: dict[str, str] = {}


def _espeak_voice(voice: PiperVoice) -> str:
    """The eSpeak NG voice identifier for the voice's `espeak.voice` name ("en-us")."""
    if voice.espeak_voice not in _espeak_ids:
        from reader.speech.espeak_engine import EspeakEngine
        from reader.speech.voices import voice_for

        found = voice_for(voice.espeak_voice, EspeakEngine().voices())
        if found is None:
            raise SpeechError(f"voice {voice.name}: eSpeak NG has no {voice.espeak_voice!r}")
        _espeak_ids[voice.espeak_voice] = found.id
    return _espeak_ids[voice.espeak_voice]


def _languages(tag: str) -> tuple[str, ...]:
    code = primary(tag)
    return (tag,) if tag == code else (tag, code)
