"""The job queue on its own: one synthesis per clip, reading order, listeners first."""

from __future__ import annotations

import threading

import pytest

from reader.errors import SpeechError
from reader.model import Sentence
from reader_web.jobqueue import JobQueue
from reader_web.recent import Recent
from reader_web.stats import Counters
from reader_web.worker import ClipJob


def job(key: str) -> ClipJob:
    sentence = Sentence(block=0, index=0, start=0, end=0, text="", parts=())
    return ClipJob(key=key * 32, sentence=sentence)


def never_made(key: str) -> None:
    return None


def test_requests_for_one_clip_share_one_job() -> None:
    counters = Counters()
    queue = JobQueue(counters)
    first = queue.add(job("a"), 0, never_made)
    assert queue.join(job("a").key, 0) is first
    assert queue.add(job("a"), 0, never_made) is first
    assert counters.shared == 2 and queue.counts() == (1, 0)


def test_a_clip_already_made_is_answered_without_a_job() -> None:
    queue = JobQueue(Counters())
    future = queue.add(job("a"), 0, lambda key: {"duration": 1.5})
    assert future.result(timeout=0) == {"duration": 1.5}
    assert queue.counts() == (0, 0)


def test_jobs_come_in_reading_order_and_a_waiting_listener_first() -> None:
    queue = JobQueue(Counters())
    for rank, name in enumerate("abcd"):
        queue.add(job(name), rank, never_made)
    assert queue.join(job("c").key, -1) is not None  # a listener waits for the third sentence
    taken = [queue.next_job() for _ in range(4)]
    assert [p.job.key[0] for p in taken if p is not None] == ["c", "a", "b", "d"]
    assert queue.counts() == (0, 4)
    queue.done(job("a").key)
    assert queue.join(job("a").key, 0) is None  # stored: the next request does not join


def test_closing_wakes_the_slots_and_refuses_new_jobs() -> None:
    queue = JobQueue(Counters())
    queue.add(job("a"), 0, never_made)
    assert queue.next_job() is not None
    waiting: list[object] = []
    slot = threading.Thread(target=lambda: waiting.append(queue.next_job()))
    slot.start()
    pending = queue.close()
    slot.join(timeout=5)
    assert waiting == [None] and [p.job.key for p in pending] == [job("a").key]
    with pytest.raises(SpeechError, match="shutting down"):
        queue.add(job("b"), 0, never_made)


def test_recent_keeps_the_newest_entries_only() -> None:
    recent: Recent[str, int] = Recent(3)
    for number, key in enumerate("abcd"):
        recent.put(key, number)
    recent.put("b", 10)  # stored again: the newest now
    recent.put("e", 4)
    assert [recent.get(k) for k in "abcde"] == [None, 10, None, 3, 4] and len(recent) == 3
