"""The direct engine: libespeak-ng through ctypes, in synchronous mode.

Synchronous mode synthesizes in the calling thread and hands PCM and word events to a
callback before `espeak_Synth` returns: no eSpeak threads, no files, no polling. eSpeak's
state is global to a library instance, so the process has one backend (a private instance
of the library, see espeak_lib) and every engine handle speaks through it under one lock.
"""

from __future__ import annotations

import ctypes
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from typing import Any

from reader.errors import SpeechError
from reader.model import Clip, Voice
from reader.speech import espeak_ffi as ffi
from reader.speech import espeak_lib
from reader.speech.clips import check_request, has_speech, make_clip

ENGINE_NAME = "espeak"
# Signals that stop a command. While eSpeak synthesizes, the only Python the thread runs is
# the audio callback, so their handlers would raise there, and ctypes prints and drops an
# exception raised in a callback: the synthesis is stopped and the handler run after it.
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


class _Backend:
    """The process's one initialised libespeak-ng instance and what a call collects."""

    def __init__(self, library: espeak_lib.EspeakLibrary) -> None:
        self.dll = ffi.declare(espeak_lib.load_private(library))
        try:
            self.sample_rate = ffi.initialize(self.dll, library.data_dir)
        except OSError as exc:
            raise SpeechError(f"eSpeak NG could not start: {exc}") from exc
        self.version = ffi.version(self.dll)
        self.library = library
        self.lock = threading.Lock()
        self.owner: int | None = None  # thread inside espeak_Synth, to refuse re-entry
        self.chunks: list[bytes] = []
        self.words: list[ffi.WordEvent] = []
        self.stopping = False  # a stop signal arrived during espeak_Synth
        # The voice eSpeak has selected and verified: selecting it again reloads its files
        # (a third of the time of a short sentence), so a run of one voice selects it once.
        self.voice = ""
        # Kept referenced: eSpeak holds only the C pointer.
        self.callback = ffi.SynthCallback(self._collect)
        self.dll.espeak_SetSynthCallback(self.callback)
        self.voices = tuple(
            replace(voice, sample_rate=self.sample_rate)
            for voice in ffi.list_voices(self.dll, ENGINE_NAME)
        )

    def _collect(self, wav: Any, count: int, events: Any) -> int:
        # Called by eSpeak inside espeak_Synth, on the synthesizing thread.
        if self.stopping:
            return 1  # eSpeak ends the synthesis; the held signal is handled after it
        if count > 0 and wav:
            self.chunks.append(ctypes.string_at(wav, count * 2))
        if events:
            self.words.extend(ffi.word_events(events))
        return 0


_backend: _Backend | None = None
_backend_lock = threading.Lock()


def _get_backend() -> _Backend:
    global _backend
    with _backend_lock:
        if _backend is None:
            _backend = _Backend(espeak_lib.locate())
        return _backend


class EspeakEngine:
    """Speaks through libespeak-ng directly; safe to call from any thread (calls serialise)."""

    name = ENGINE_NAME

    def __init__(self) -> None:
        self._backend = _get_backend()
        self.version = f"espeak-ng {self._backend.version} ({self._backend.library.source})"
        self.sample_rate = self._backend.sample_rate
        self._closed = False

    def voices(self) -> tuple[Voice, ...]:
        """The installed eSpeak NG voices."""
        return self._backend.voices

    def synthesize(self, text: str, voice: str, words_per_minute: int, volume: float = 1.0) -> Clip:
        """Speak one utterance with the voice id given (an eSpeak NG identifier)."""
        data = check_request(text, words_per_minute, volume)
        if self._closed:
            raise SpeechError("the speech engine is closed")
        backend = self._backend
        if backend.owner == threading.get_ident():
            raise SpeechError("synthesize was called from inside a synthesis")
        with backend.lock:
            backend.owner = threading.get_ident()
            try:
                return self._speak(backend, text, data, voice, words_per_minute, volume)
            finally:
                backend.owner = None

    def _speak(
        self,
        backend: _Backend,
        text: str,
        data: bytes,
        voice: str,
        words_per_minute: int,
        volume: float,
    ) -> Clip:
        dll = backend.dll
        if voice.lower() != backend.voice.lower():
            backend.voice = ""  # unknown until eSpeak confirms the new one
            backend.voice = _select(dll, voice)
        chosen = backend.voice
        dll.espeak_SetParameter(ffi.PARAM_RATE, words_per_minute, 0)
        dll.espeak_SetParameter(ffi.PARAM_VOLUME, round(volume * 100), 0)
        backend.chunks = []
        backend.words = []
        if has_speech(text):
            with _signals_held(backend):
                status = dll.espeak_Synth(
                    data, len(data), 0, ffi.POS_CHARACTER, 0, ffi.CHARS_UTF8, None, None
                )
            if status != ffi.EE_OK:
                raise SpeechError(f"eSpeak NG failed to speak the text (status {status})")
        pcm = b"".join(backend.chunks)
        if has_speech(text) and not pcm:
            raise SpeechError(f"eSpeak NG produced no audio for {text[:40]!r}")
        return make_clip(text, pcm, backend.sample_rate, backend.words, chosen)

    def close(self) -> None:
        """Release this handle; the library instance stays loaded for the process."""
        self._closed = True


def phonemize(text: str, voice: str) -> str:
    """IPA phonemes of a text as the eSpeak NG voice says it (for neural voices' models)."""
    backend = _get_backend()
    with backend.lock:
        if voice.lower() != backend.voice.lower():
            backend.voice = ""
            backend.voice = _select(backend.dll, voice)
        return ffi.text_to_phonemes(backend.dll, text)


def _select(dll: ctypes.CDLL, voice: str) -> str:
    """Select a voice by identifier; returns the identifier eSpeak reports as selected."""
    # A name eSpeak cannot find leaves the previous voice selected: check what it chose.
    status = dll.espeak_SetVoiceByName(voice.encode("utf-8"))
    chosen = ffi.current_voice(dll)
    if status != ffi.EE_OK or chosen.lower() != voice.lower():
        raise SpeechError(f"voice {voice!r} is not installed in eSpeak NG")
    return chosen


@contextmanager
def _signals_held(backend: _Backend) -> Iterator[None]:
    """Hold SIGINT/SIGTERM during a synthesis, then run their handlers (see STOP_SIGNALS)."""
    if threading.current_thread() is not threading.main_thread():
        yield  # handlers run only on the main thread: nothing to hold here
        return
    held: list[tuple[int, Any]] = []

    def hold(signum: int, frame: Any) -> None:
        held.append((signum, frame))
        backend.stopping = True

    backend.stopping = False
    previous: dict[int, Any] = {number: signal.signal(number, hold) for number in STOP_SIGNALS}
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
        backend.stopping = False
        for signum, frame in held[:1]:
            handler = previous[signum]
            if callable(handler):
                handler(signum, frame)
            elif handler == signal.SIG_DFL:
                signal.raise_signal(signum)
