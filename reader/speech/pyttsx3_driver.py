"""One pyttsx3 session on its owner thread, with thin wrappers around the eSpeak driver.

The wrappers, each for a trap of pyttsx3 2.99 (docs/architecture.md, "pyttsx3"):
- the driver's synth callback is wrapped to keep the word events' sample positions, which
  pyttsx3 drops (its `started-word` has no time);
- the driver's `print("Audio saved to ...")` is silenced for that message only;
- the driver's run loop polls every 10 ms until eSpeak finishes; its sleep is made to wake
  as soon as the utterance has finished, so a sentence does not pay the polling interval.
"""

from __future__ import annotations

import builtins
import itertools
import os
import threading
import time
import wave
from pathlib import Path
from typing import Any

from reader.errors import SpeechError
from reader.model import Clip, Voice
from reader.options import WORDS_PER_MINUTE
from reader.speech import espeak_ffi as ffi
from reader.speech import espeak_lib
from reader.speech.clips import make_clip

# The driver writes mono 16-bit WAV at this sample rate whatever eSpeak reports.
SAMPLE_RATE = 22050
# The driver's eSpeak event code for the end of an utterance.
EVENT_MSG_TERMINATED = 6
WARM_UP_TEXT = "Ready."
# Seconds between checks while eSpeak finishes its last utterance (usually no check at all).
IDLE_POLL = 0.0005
DATA_ENV = "ESPEAK_DATA_PATH"


class _LoopClock:
    """Stands in for `time` in the driver module: its loop sleeps until woken."""

    def __init__(self, wake: threading.Event) -> None:
        self._wake = wake

    def sleep(self, seconds: float) -> None:
        self._wake.wait(seconds)


def _quiet_print(*args: Any, **kwargs: Any) -> None:
    if args and str(args[0]).startswith("Audio saved to "):
        return
    builtins.print(*args, **kwargs)


class Session:
    """pyttsx3 started once on the calling thread; every method must run on that thread."""

    def __init__(self, library: espeak_lib.EspeakLibrary, folder: Path, timeout: float) -> None:
        self._folder = folder
        self._timeout = timeout
        self._names = itertools.count(1)
        self._wake = threading.Event()
        self._finished = threading.Event()
        self._finished.set()
        self._completed = False
        self._loop_started = False
        self._errors: list[BaseException] = []
        self._words: list[ffi.WordEvent] = []
        self._engine, self._espeak = _start(library)
        self._driver = self._engine.proxy._driver
        self._hook_driver()
        self._engine.connect("finished-utterance", self._on_finished)
        self._engine.connect("error", self._on_error)
        dll = ffi.declare(self._espeak.dll)
        self.version = f"pyttsx3 + espeak-ng {ffi.version(dll)} ({library.source})"
        self.voices: tuple[Voice, ...] = ffi.list_voices(dll, "pyttsx3")
        self._leave_initial_busy_state()
        # The first utterance after init() behaves differently: spend it here
        # (docs/architecture.md, "pyttsx3").
        self.speak(WARM_UP_TEXT, ffi.current_voice(dll) or "gmw/en", WORDS_PER_MINUTE, 1.0)

    def _leave_initial_busy_state(self) -> None:
        # The proxy starts busy and queues every command until a run loop starts; the driver's
        # own settings at init are still in eSpeak's queue. An empty run loop, once eSpeak is
        # idle, makes later commands apply at once. (Empty only now: with a text spoken it
        # would speak that text again.)
        self._wait_idle()
        if self._engine.isBusy():
            self._engine.runAndWait()
        self._loop_started = True

    def _hook_driver(self) -> None:
        from pyttsx3.drivers import espeak as espeak_driver

        espeak_driver.print = _quiet_print  # type: ignore[attr-defined]
        espeak_driver.time = _LoopClock(self._wake)  # type: ignore[attr-defined]
        self._espeak.SetSynthCallback(self._on_synth)

    def _on_synth(self, wav: Any, count: int, events: Any) -> int:
        # Runs on eSpeak's thread: record word times, then let the driver do its part.
        words = ffi.word_events(events)
        ended = _has_end(events)
        self._words.extend(words)
        result = int(self._driver._onSynth(wav, count, events) or 0)
        if ended:
            self._wake.set()
        return result

    def _on_finished(self, name: str | None = None, completed: bool = True) -> None:
        self._completed = completed
        self._finished.set()

    def _on_error(self, name: str | None = None, exception: BaseException | None = None) -> None:
        self._errors.append(exception or RuntimeError("unknown pyttsx3 error"))

    def speak(self, text: str, voice: str, words_per_minute: int, volume: float) -> Clip:
        """Synthesize one utterance to a fresh file, check it, read it back, delete it."""
        self._wait_idle()
        self._errors.clear()
        self._engine.setProperty("voice", voice)
        self._check_voice(voice)
        self._engine.setProperty("rate", words_per_minute)
        self._engine.setProperty("volume", volume)
        # Rate and volume travel through eSpeak's command queue; the driver cancels an
        # utterance started while that queue is busy, so they must land first.
        self._wait_idle()
        path = self._folder / f"{next(self._names)}.wav"
        self._words = []
        self._completed = False
        self._wake.clear()
        self._finished.clear()
        try:
            self._engine.save_to_file(text, str(path))
            self._engine.runAndWait()
            if not self._finished.wait(self._timeout):
                raise SpeechError("pyttsx3 did not finish the utterance in time")
            self._check_voice(voice)
            if not self._completed:
                raise SpeechError("pyttsx3 stopped before the end of the utterance")
            pcm = _read_wav(path)
        finally:
            path.unlink(missing_ok=True)
        return make_clip(text, pcm, SAMPLE_RATE, self._words, voice)

    def _wait_idle(self) -> None:
        # eSpeak's thread reports the end of an utterance a moment before it is idle; saving
        # again in that moment makes the driver cancel the new utterance. The wait is short
        # and only as long as eSpeak is actually busy.
        deadline = time.monotonic() + self._timeout
        if not self._finished.wait(self._timeout):
            raise SpeechError("pyttsx3 is still busy with the previous utterance")
        # The proxy starts out busy until its first run loop, so isBusy counts after that.
        while self._espeak.IsPlaying() or (self._loop_started and self._engine.isBusy()):
            if time.monotonic() > deadline:
                raise SpeechError("pyttsx3 is still busy with the previous utterance")
            time.sleep(IDLE_POLL)

    def _check_voice(self, voice: str) -> None:
        # A voice that fails to select only raises an `error` event and English goes on.
        current = str(self._engine.getProperty("voice") or "")
        if self._errors or current.lower() != voice.lower():
            raise SpeechError(f"voice {voice!r} is not installed in eSpeak NG")


def _start(library: espeak_lib.EspeakLibrary) -> tuple[Any, Any]:
    """pyttsx3.init("espeak") with the chosen libespeak-ng already loaded and its data set."""
    espeak_lib.load_shared(library)
    saved = os.environ.get(DATA_ENV)
    if library.data_dir:
        os.environ[DATA_ENV] = library.data_dir
    try:
        import pyttsx3
        from pyttsx3.drivers import _espeak

        return pyttsx3.init("espeak"), _espeak
    except (ImportError, RuntimeError, OSError) as exc:
        raise SpeechError(f"pyttsx3 could not start eSpeak NG: {exc}") from exc
    finally:
        # eSpeak reads the variable once, when it initialises; leave the environment as found.
        if saved is None:
            os.environ.pop(DATA_ENV, None)
        else:
            os.environ[DATA_ENV] = saved


def _has_end(events: Any) -> bool:
    i = 0
    while events[i].type != ffi.EVENT_LIST_TERMINATED:
        if events[i].type == EVENT_MSG_TERMINATED:
            return True
        i += 1
    return False


def _read_wav(path: Path) -> bytes:
    if not path.exists():
        raise SpeechError("pyttsx3 did not write the audio file")
    try:
        with wave.open(str(path), "rb") as wav:
            shape = (wav.getnchannels(), wav.getsampwidth(), wav.getframerate())
            frames = wav.readframes(wav.getnframes())
    except (wave.Error, EOFError, OSError) as exc:
        raise SpeechError(f"pyttsx3 wrote an unreadable audio file: {exc}") from exc
    if shape != (1, 2, SAMPLE_RATE) or not frames:
        raise SpeechError(f"pyttsx3 wrote unexpected audio {shape} with {len(frames)} bytes")
    return frames
