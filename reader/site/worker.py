"""One render process: opens one engine, then renders the pages its parent sends, one at a time.

The parent talks to it over a pipe. It sends a `PageTask` or `None` (stop); the process
answers `("ready", engine id)` or `("fatal", why)` once, then `("audio", seconds)` as each
sentence is spoken and `("page", PageResult)` when a page is done.

Ctrl-C reaches the whole process group, so the process ignores SIGINT: the parent decides
and sends SIGTERM. The handler only notes it: raised from a signal handler, an exception can
land where Python ignores it (in a fork handler of `logging`, while the encoder process is
forked). The page being written stops at its next sentence, unwound like Ctrl-C (its
temporary files are removed), and the process ends.
"""

from __future__ import annotations

import signal
import threading
from multiprocessing.connection import Connection
from pathlib import Path

from reader.model import Sentence, SentenceClip
from reader.options import ReadOptions, SpeechOptions
from reader.site.page import (
    Observer,
    PageTask,
    SpeakerFactory,
    engine_id,
    local_speaker,
    render_page,
)


class Stop(KeyboardInterrupt):
    """SIGTERM from the parent: unwind the page being written, then end."""


_stopping = threading.Event()


def _stop(signum: int, frame: object) -> None:
    _stopping.set()


def _check() -> None:
    if _stopping.is_set():
        raise Stop


def run(
    conn: Connection,
    directory: Path,
    read_options: ReadOptions,
    speech_options: SpeechOptions,
    open_speaker: SpeakerFactory | None,
) -> None:
    """Process entry point: serve page tasks until told to stop (or stopped)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _stop)
    # The parent started this process with SIGINT held back (see runner._sigint_blocked).
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    try:
        _serve(conn, directory, read_options, speech_options, open_speaker)
    except (Stop, EOFError, ConnectionError):  # stopped, or the parent is gone
        return


def _serve(
    conn: Connection,
    directory: Path,
    read_options: ReadOptions,
    speech_options: SpeechOptions,
    open_speaker: SpeakerFactory | None,
) -> None:
    try:
        speaker = (open_speaker or local_speaker)(speech_options)
    except Exception as exc:  # the engine cannot start: said once, then the process ends
        conn.send(("fatal", str(exc).strip().splitlines()[0] if str(exc).strip() else repr(exc)))
        return
    conn.send(("ready", engine_id(speaker.engine)))
    keep = speaker.observe

    def observe(sentence: Sentence, clip: SentenceClip) -> None:
        _check()
        if keep is not None:
            keep(sentence, clip)
        conn.send(("audio", clip.duration))

    observer: Observer = observe
    try:
        while True:
            task = conn.recv()
            _check()
            if not isinstance(task, PageTask):
                return
            result = render_page(task, directory, speaker, read_options, speech_options, observer)
            conn.send(("page", result))
    finally:
        speaker.close()
