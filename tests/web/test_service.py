"""The speech service: real eSpeak NG in worker processes, single flight, order, recovery."""

from __future__ import annotations

import io
import os
import signal
import threading
import time
import wave
from collections.abc import Iterator
from pathlib import Path

import pytest

from reader.errors import SpeechError
from reader.model import Sentence, Utterance
from reader.options import SpeechOptions
from reader_web.cache import ClipCache
from reader_web.clips import ClipJob
from reader_web.service import SpeechService
from reader_web.worker import EngineInfo

OPTIONS = SpeechOptions()
LONG_TEXT = " ".join(
    f"Sentence number {n} of a long paragraph that keeps the engine busy for a while."
    for n in range(40)
)


def make_service(tmp_path: Path, **kwargs: float) -> SpeechService:
    cache = ClipCache(tmp_path / "cache", 100 * 1024 * 1024)
    return SpeechService(cache, OPTIONS, workers=int(kwargs.pop("workers", 1)), **kwargs)


@pytest.fixture
def service(tmp_path: Path) -> Iterator[SpeechService]:
    svc = make_service(tmp_path)
    yield svc
    svc.close()


def voice(info: EngineInfo, lang: str) -> str:
    return next(v.id for v in info.voices if v.languages and v.languages[0] == lang)


def part(text: str, voice: str, lang: str, offset: int = 0, number: int = 0) -> Utterance:
    """A part of a sentence whose spoken text is its shown text, `offset` into its block."""
    return Utterance(
        block=0,
        sentence=0,
        part=number,
        text=text,
        start=offset,
        end=offset + len(text),
        lang=lang,
        char_map=tuple(range(offset, offset + len(text) + 1)),
        voice=voice,
    )


def sentence_job(service: SpeechService, shown: str, *parts: Utterance) -> ClipJob:
    start, end = parts[0].start, parts[-1].end
    sentence = Sentence(block=0, index=0, start=start, end=end, text=shown, parts=parts)
    return ClipJob.of(service.engine_info().id, OPTIONS, sentence)


def job(service: SpeechService, text: str, lang: str = "en", offset: int = 0) -> ClipJob:
    spoken = part(text, voice(service.engine_info(), lang), lang, offset)
    return sentence_job(service, text, spoken)


def wav_duration(data: bytes) -> float:
    with wave.open(io.BytesIO(data)) as source:
        return source.getnframes() / source.getframerate()


def busy_pid(service: SpeechService, timeout: float = 10.0) -> int:
    """The worker's pid once it is synthesizing."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        snap = service.snapshot()
        if snap["running"] and snap["pids"]:
            return int(snap["pids"][0])
        time.sleep(0.005)
    raise AssertionError("the worker never started the job")


def test_a_clip_is_synthesized_into_the_cache_with_word_timings(service: SpeechService) -> None:
    clip = job(service, "International cooperation matters to Östersund.", offset=100)
    meta = service.clip(clip)
    wav = service.cache.read(clip.key, "wav")
    assert wav is not None and service.cache.read(clip.key, "mp3")
    assert meta["duration"] == pytest.approx(wav_duration(wav), abs=0.01)
    assert 1.5 < meta["duration"] < 6
    assert meta["lang"] == "en"
    words = meta["words"]
    assert [w[0] for w in words][:3] == [100, 114, 126]  # block offsets, not utterance ones
    assert all(a[2] <= b[2] for a, b in zip(words, words[1:], strict=False))
    assert service.cache.read_json(clip.key) == meta


def test_a_sentence_in_two_languages_is_one_clip_in_order(service: SpeechService) -> None:
    info = service.engine_info()
    english = "The office is run jointly by"
    swedish = "Jämtlands län"
    both = sentence_job(
        service,
        f"{english} {swedish}",
        part(english, voice(info, "en"), "en"),
        part(swedish, voice(info, "sv"), "sv", offset=29, number=1),
    )
    meta = service.clip(both)
    alone = service.clip(job(service, english))
    assert meta["duration"] > alone["duration"] + 0.3
    starts = [w[0] for w in meta["words"]]
    assert starts[-2:] == [29, 39]  # the Swedish words, at their place in the block
    assert meta["words"][-2][2] >= meta["words"][-3][3]


def test_concurrent_requests_for_one_clip_share_one_synthesis(service: SpeechService) -> None:
    clip = job(service, "Twelve listeners ask for this sentence at the same moment.")
    results: list[dict[str, object]] = []
    barrier = threading.Barrier(12)

    def ask() -> None:
        barrier.wait()
        results.append(service.clip(clip))

    threads = [threading.Thread(target=ask) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 12 and all(r == results[0] for r in results)
    assert service.snapshot()["synthesized"] == 1
    service.clip(clip)  # cached now: no new synthesis
    assert service.snapshot()["synthesized"] == 1


def test_clips_are_made_in_rank_order_and_urgent_ones_first(service: SpeechService) -> None:
    blocker = service.submit(job(service, LONG_TEXT), rank=0)
    busy_pid(service)
    finished: list[int] = []
    futures = []
    for rank in (5, 3, 4, 1, 2):
        future = service.submit(job(service, f"Sentence ranked {rank} in the page."), rank=rank)
        future.add_done_callback(lambda _, r=rank: finished.append(r))
        futures.append(future)
    urgent = service.submit(job(service, "A listener is waiting for this one."))
    urgent.add_done_callback(lambda _: finished.append(-1))
    for future in [blocker, *futures, urgent]:
        future.result(timeout=60)
    assert finished == [-1, 1, 2, 3, 4, 5]


def test_a_killed_worker_is_replaced_and_its_job_retried(service: SpeechService) -> None:
    clip = job(service, LONG_TEXT)
    future = service.submit(clip)
    pid = busy_pid(service)
    os.kill(pid, signal.SIGKILL)
    meta = future.result(timeout=60)
    assert meta["duration"] > 30
    snap = service.snapshot()
    assert snap["restarts"] >= 1 and snap["retried"] >= 1
    assert snap["pids"] and snap["pids"][0] != pid
    assert service.clip(job(service, "Still speaking after the crash."))["duration"] > 1


def test_a_hung_worker_is_killed_after_the_job_timeout(tmp_path: Path) -> None:
    # The timeout leaves the retry room to finish even on a busy machine.
    svc = make_service(tmp_path, job_timeout=6.0)
    try:
        clip = job(svc, LONG_TEXT)
        future = svc.submit(clip)
        pid = busy_pid(svc)
        os.kill(pid, signal.SIGSTOP)  # alive but silent, as a hung engine is
        started = time.monotonic()
        meta = future.result(timeout=60)
        assert 5.5 < time.monotonic() - started < 40
        assert meta["duration"] > 30
        assert svc.snapshot()["restarts"] >= 1
    finally:
        svc.close()


def test_a_job_that_keeps_failing_gives_an_error_not_a_hang(tmp_path: Path) -> None:
    svc = make_service(tmp_path, job_timeout=0.05)
    try:
        svc.engine_info()
        clip = job(svc, LONG_TEXT)
        started = time.monotonic()
        with pytest.raises(SpeechError, match="longer than"):
            svc.clip(clip)
        assert time.monotonic() - started < 30
        snap = svc.snapshot()
        assert snap["failed"] == 1 and snap["retried"] == 1
        assert not svc.cache.has(clip.key, "mp3")
    finally:
        svc.close()


def test_an_engine_error_is_reported_without_retrying(service: SpeechService) -> None:
    bad = sentence_job(service, "No such voice.", part("No such voice.", "xx/nonexistent", "xx"))
    with pytest.raises(SpeechError, match="nonexistent"):
        service.clip(bad)
    snap = service.snapshot()
    assert snap["retried"] == 0 and snap["restarts"] == 0 and snap["failed"] == 1


def test_close_fails_waiting_requests(tmp_path: Path) -> None:
    svc = make_service(tmp_path)
    future = svc.submit(job(svc, LONG_TEXT))
    queued = svc.submit(job(svc, "Queued behind the long one."), rank=3)
    busy_pid(svc)
    svc.close()
    for pending in (future, queued):
        with pytest.raises(SpeechError):
            pending.result(timeout=15)
