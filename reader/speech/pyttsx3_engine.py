"""The pyttsx3 engine, used the one way that works (docs/architecture.md, "pyttsx3").

pyttsx3 is one global per process and breaks when threads share it, so one owner thread
holds `pyttsx3.init("espeak")` for the whole process; engine handles submit jobs to it and
wait on a future. Per utterance the owner waits until the previous one has finished,
selects and verifies the voice, sets rate and volume, saves to a fresh file with one
`runAndWait()`, waits for `finished-utterance`, checks and reads the file, deletes it.
"""

from __future__ import annotations

import atexit
import queue
import shutil
import tempfile
import threading
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path

from reader.errors import ReaderError, SpeechError
from reader.model import Clip, Voice
from reader.speech import espeak_lib
from reader.speech import pyttsx3_driver as driver
from reader.speech.clips import check_request, has_speech, make_clip

ENGINE_NAME = "pyttsx3"
# Seconds to wait for one utterance to finish; a sentence takes milliseconds.
UTTERANCE_TIMEOUT = 20.0
# Seconds to wait for the owner thread to start pyttsx3 and speak its warm-up text.
START_TIMEOUT = 30.0


@dataclass(frozen=True, slots=True, kw_only=True)
class _Job:
    text: str
    voice: str
    words_per_minute: int
    volume: float
    future: Future[Clip] = field(default_factory=Future)


class _Owner:
    """The thread that owns pyttsx3 for the rest of the process, shared by every handle.

    It is never stopped: pyttsx3 cannot be started twice in a process (a second init()
    returns the old engine, whose next run loop speaks its last text again).
    """

    def __init__(self) -> None:
        self.jobs: queue.Queue[_Job] = queue.Queue()
        self.voices: tuple[Voice, ...] = ()
        self.version = ""
        self.folder = Path(tempfile.mkdtemp(prefix="reader-pyttsx3-"))
        atexit.register(shutil.rmtree, self.folder, ignore_errors=True)
        self._ready: Future[None] = Future()
        thread = threading.Thread(target=self._run, name="reader-pyttsx3", daemon=True)
        thread.start()
        try:
            self._ready.result(timeout=START_TIMEOUT)
        except TimeoutError as exc:
            raise SpeechError("pyttsx3 did not start in time") from exc

    def _run(self) -> None:
        try:
            session = driver.Session(espeak_lib.locate(), self.folder, UTTERANCE_TIMEOUT)
            self.voices = session.voices
            self.version = session.version
        except BaseException as exc:  # noqa: BLE001 - reported to the opener, not lost
            self._ready.set_exception(_as_speech_error(exc))
            return
        self._ready.set_result(None)
        while True:
            job = self.jobs.get()
            if not job.future.set_running_or_notify_cancel():
                continue
            try:
                job.future.set_result(
                    session.speak(job.text, job.voice, job.words_per_minute, job.volume)
                )
            except BaseException as exc:  # noqa: BLE001 - handed to the waiting caller
                job.future.set_exception(_as_speech_error(exc))


def _as_speech_error(exc: BaseException) -> ReaderError:
    if isinstance(exc, ReaderError):
        return exc
    error = SpeechError(f"pyttsx3 failed: {exc}")
    error.__cause__ = exc
    return error


_owner: _Owner | None = None
_owner_lock = threading.Lock()


class Pyttsx3Engine:
    """Speaks through pyttsx3's eSpeak NG driver; safe to call from any thread."""

    name = ENGINE_NAME

    def __init__(self) -> None:
        global _owner
        with _owner_lock:
            if _owner is None:
                _owner = _Owner()
            self._owner: _Owner | None = _owner
        self.version = _owner.version
        self.sample_rate = driver.SAMPLE_RATE

    def voices(self) -> tuple[Voice, ...]:
        """The voices pyttsx3's eSpeak NG driver offers."""
        return self._live().voices

    def synthesize(self, text: str, voice: str, words_per_minute: int, volume: float = 1.0) -> Clip:
        """Speak one utterance on the owner thread and wait for its clip."""
        check_request(text, words_per_minute, volume)
        owner = self._live()
        if not has_speech(text):
            return make_clip(text, b"", driver.SAMPLE_RATE, (), voice)
        job = _Job(text=text, voice=voice, words_per_minute=words_per_minute, volume=volume)
        owner.jobs.put(job)
        # Jobs ahead in the queue each have their own timeout on the owner thread.
        waiting = UTTERANCE_TIMEOUT * (2 + owner.jobs.qsize())
        try:
            return job.future.result(timeout=waiting)
        except TimeoutError as exc:
            raise SpeechError("pyttsx3 did not finish the utterance in time") from exc

    def close(self) -> None:
        """Release this handle; pyttsx3 itself stays up for the rest of the process."""
        self._owner = None

    def _live(self) -> _Owner:
        if self._owner is None:
            raise SpeechError("the speech engine is closed")
        return self._owner
