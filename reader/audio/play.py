"""Speaking a page through the sound device while synthesis runs ahead in the background."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Generator, Iterator
from contextlib import contextmanager

from reader.audio.pauses import pause_between
from reader.audio.pcm import DEFAULT_SAMPLE_RATE, samples
from reader.errors import AudioError, SpeechError
from reader.model import Page, Sentence, SentenceClip
from reader.options import WORDS_PER_MINUTE_MAX, WORDS_PER_MINUTE_MIN, SpeechOptions
from reader.pipeline import plan_sentences, speak_sentence
from reader.speech import Engine, open_engine

WORDS_PER_MINUTE_STEP = 25  # per + or - key
LOOKAHEAD = 4  # sentences synthesized ahead of the one playing
BACKENDS = {"null": "NULL", "pulseaudio": "PULSEAUDIO", "alsa": "ALSA", "jack": "JACK"}


class ClipFeed:
    """Speaks sentences ahead of playback on the one thread that owns the engine."""

    def __init__(self, page: Page, options: SpeechOptions) -> None:
        self.page, self.options = page, options
        self.sentences: tuple[Sentence, ...] = ()
        self.clips: dict[tuple[int, int], SentenceClip] = {}
        self.want = 0
        self.words_per_minute = options.words_per_minute
        self.error: Exception | None = None
        self.closed = False
        self.ready = threading.Condition()
        self.thread = threading.Thread(target=self.run, name="reader-synthesis", daemon=True)
        self.thread.start()
        with self.ready:
            self.ready.wait_for(lambda: self.sentences or self.error or self.closed)
        if self.error:
            raise self.error

    def run(self) -> None:
        try:
            engine = open_engine(self.options)
            try:
                plan = plan_sentences(self.page, engine, self.options)
                with self.ready:
                    self.sentences = plan
                    self.ready.notify_all()
                self.synthesize_ahead(engine)
            finally:
                engine.close()
        except Exception as exc:  # noqa: BLE001 - handed to the reading thread
            with self.ready:
                self.error = exc if isinstance(exc, SpeechError) else SpeechError(str(exc))
                self.ready.notify_all()

    def synthesize_ahead(self, engine: Engine) -> None:
        while True:
            with self.ready:
                self.ready.wait_for(lambda: self.closed or self.next_missing() is not None)
                if self.closed:
                    return
                index, words_per_minute = self.next_missing()  # type: ignore[misc]
            sentence = self.sentences[index]
            clip = speak_sentence(sentence, engine, self.options, words_per_minute=words_per_minute)
            with self.ready:
                self.clips[(index, words_per_minute)] = clip
                self.ready.notify_all()

    def next_missing(self) -> tuple[int, int] | None:
        end = min(len(self.sentences), self.want + LOOKAHEAD + 1)
        for index in range(self.want, end):
            if (index, self.words_per_minute) not in self.clips:
                return index, self.words_per_minute
        return None

    def clip(self, index: int) -> SentenceClip | None:
        """The clip of sentence `index` at the current rate, if it is ready (never blocks)."""
        with self.ready:
            if self.error:
                raise self.error
            if index != self.want:
                self.want = index
                self.ready.notify_all()
            return self.clips.get((index, self.words_per_minute))

    def set_words_per_minute(self, words_per_minute: int) -> None:
        with self.ready:
            self.words_per_minute = words_per_minute
            self.ready.notify_all()

    def close(self) -> None:
        with self.ready:
            self.closed = True
            self.ready.notify_all()
        self.thread.join(timeout=5)


class Player:
    """What is playing and where: pulls clips from the feed, pads pauses, obeys the keys."""

    def __init__(
        self,
        page: Page,
        feed: ClipFeed,
        show: Callable[[str], None],
        status: Callable[[str], None] | None = None,
    ) -> None:
        self.page, self.feed, self.show = page, feed, show
        self.status = status
        self.shown_status = ""
        self.sentences = feed.sentences
        self.blocks_read = sorted({s.block for s in self.sentences})
        self.index = 0
        self.offset = 0  # bytes already played of the current clip
        self.gap = 0  # bytes of silence still due before the current clip
        self.paused = False
        self.stopped = False  # quit before the end: the last status says so, and where
        self.done = threading.Event()
        self.shown_block = -1
        self.delivered: list[tuple[int, int]] = []  # (sentence index, bytes) for checks
        self.error: Exception | None = None
        self.lock = threading.Lock()

    def frames(self, sample_rate: int) -> Generator[bytes, int, None]:
        """The generator a playback device pulls: `send(nframes)` gives that much mono PCM."""
        nframes = yield b""
        while not self.done.is_set():
            with self.lock:
                try:
                    chunk = self.next_chunk(nframes * 2)
                except Exception as exc:  # noqa: BLE001 - raised again on the reading thread
                    self.error, chunk = exc, b""
                    self.stop()
            nframes = yield chunk + bytes(nframes * 2 - len(chunk))

    def next_chunk(self, size: int) -> bytes:
        if self.paused or self.index >= len(self.sentences):
            if self.index >= len(self.sentences):
                self.done.set()
            return b""
        if self.gap:
            take = min(self.gap, size)
            self.gap -= take
            return bytes(take)
        clip = self.feed.clip(self.index)
        if clip is None:
            return b""  # synthesis is behind: a moment of silence, never a stall
        if self.offset == 0:
            self.announce()
            self.report()
        chunk = clip.pcm[self.offset : self.offset + size]
        self.offset += len(chunk)
        self.delivered.append((self.index, len(chunk)))
        if self.offset >= len(clip.pcm):
            self.move(self.index + 1, clip.sample_rate)
        return chunk

    def announce(self) -> None:
        block = self.sentences[self.index].block
        if block != self.shown_block and self.offset == 0:
            self.shown_block = block
            shown = self.page.blocks[block]
            self.show(f"[{shown.lang}] {shown.text}")

    def move(self, index: int, sample_rate: int = DEFAULT_SAMPLE_RATE) -> None:
        previous = self.sentences[self.index] if self.index < len(self.sentences) else None
        self.index, self.offset = max(0, index), 0
        following = self.sentences[self.index] if self.index < len(self.sentences) else None
        seconds = pause_between(self.page, previous, following, self.feed.words_per_minute)
        self.gap = 2 * samples(seconds, sample_rate)

    def seek(self, step: int, by_block: bool = False) -> None:
        """Move by sentences, or by blocks (to the first sentence of that block)."""
        with self.lock:
            if not by_block:
                target = self.index + step
            else:
                current = self.sentences[min(self.index, len(self.sentences) - 1)].block
                blocks = sorted({s.block for s in self.sentences})
                pos = blocks.index(current) + step
                block = blocks[max(0, min(pos, len(blocks) - 1))]
                target = next(i for i, s in enumerate(self.sentences) if s.block == block)
            if by_block or step < 0:
                self.shown_block = -1
            self.index, self.offset, self.gap = max(0, min(target, len(self.sentences))), 0, 0
        self.report()

    def change_rate(self, step: int) -> int:
        """Speak faster (step > 0) or slower; returns the new words per minute."""
        wanted = self.feed.words_per_minute + step * WORDS_PER_MINUTE_STEP
        words_per_minute = max(WORDS_PER_MINUTE_MIN, min(WORDS_PER_MINUTE_MAX, wanted))
        self.feed.set_words_per_minute(words_per_minute)
        self.report()
        return words_per_minute

    def stop(self) -> None:
        """End the reading where it is (the `q` key, Ctrl-C, an error)."""
        self.stopped = self.index < len(self.sentences)
        self.done.set()
        self.report()

    def toggle_pause(self) -> None:
        self.paused = not self.paused
        self.report()

    def status_line(self) -> str:
        """Where reading is and how: `block 3/18 · sentence 2/4 · 175 wpm · playing`
        (paused, finished, or stopped when the listener quit there)."""
        if not self.sentences:
            return "nothing to read"
        index = min(self.index, len(self.sentences) - 1)
        block = self.sentences[index].block
        sentences = [i for i, s in enumerate(self.sentences) if s.block == block]
        state = "paused" if self.paused else "playing"
        if self.stopped:
            state = "stopped"
        elif self.index >= len(self.sentences):
            state = "finished"
        return (
            f"block {self.blocks_read.index(block) + 1}/{len(self.blocks_read)}"
            f" · sentence {sentences.index(index) + 1}/{len(sentences)}"
            f" · {self.feed.words_per_minute} wpm · {state}"
        )

    def report(self) -> None:
        """Show the status line when it changed (never the same line twice)."""
        line = self.status_line()
        if self.status is not None and line != self.shown_status:
            self.shown_status = line
            self.status(line)

    def handle(self, key: str) -> None:
        """Act on one key press."""
        actions: dict[str, Callable[[], object]] = {
            " ": self.toggle_pause,
            "n": lambda: self.seek(1),
            "p": lambda: self.seek(-1),
            "N": lambda: self.seek(1, by_block=True),
            "P": lambda: self.seek(-1, by_block=True),
            "+": lambda: self.change_rate(1),
            "-": lambda: self.change_rate(-1),
            "q": self.stop,
        }
        if key in actions:
            actions[key]()


@contextmanager
def quiet_stderr() -> Iterator[None]:
    """Hide what the C audio libraries print while probing devices (ALSA is chatty)."""
    saved = os.dup(2)
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    try:
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)


def open_device(backend: str, sample_rate: int) -> object:
    """Open the sound device, or say in one line that there is none."""
    import miniaudio

    backends = [miniaudio.Backend[BACKENDS[backend]]] if backend in BACKENDS else None
    try:
        with quiet_stderr():
            return miniaudio.PlaybackDevice(
                nchannels=1, sample_rate=sample_rate, backends=backends, app_name="reader"
            )
    except miniaudio.MiniaudioError as exc:
        raise AudioError(
            "no sound device found; to listen later, write a file: reader export SOURCE -o page.mp3"
        ) from exc


def speak_page(
    page: Page,
    options: SpeechOptions,
    *,
    backend: str = "default",
    interactive: bool = False,
    show: Callable[[str], None] = print,
    status: Callable[[str], None] | None = None,
) -> Player:
    """Read a page aloud; returns the player (what was delivered) when reading ends.

    `show` gets each block's text as it starts, `status` the status line whenever it changes.
    """
    device = open_device(backend, DEFAULT_SAMPLE_RATE)
    feed = ClipFeed(page, options)
    player = Player(page, feed, show, status)
    try:
        if interactive:
            show("keys: space pause, n/p sentence, N/P block, +/- speed, q quit")
        generator = player.frames(DEFAULT_SAMPLE_RATE)
        next(generator)
        device.start(generator)  # type: ignore[attr-defined]
        if interactive:
            from reader.terminal import keypresses

            with keypresses() as read_key:
                while not player.done.is_set():
                    player.handle(read_key(0.1))
        else:
            player.done.wait()
    except BaseException:
        player.stop()  # Ctrl-C: the status line says where the reading stopped
        raise
    finally:
        device.close()  # type: ignore[attr-defined]
        feed.close()
        player.report()  # finished, or where it was stopped
    if player.error:
        raise player.error
    return player
