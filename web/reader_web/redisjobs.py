"""Clip jobs in RQ, and every name nodes and workers share in Redis.

A clip job's RQ id is its clip key, enqueued `unique`: however many nodes ask, a clip has at
most one job. Its queue follows its rank: a page's first sentence and any clip a listener
waits for go to `reader-now`, the next few sentences to `reader-next`, the rest of a page to
`reader-later`; a worker always takes from the more urgent queue first, and a job a listener
asks for while it waits in a lower queue is moved to `reader-now` (first come, first made).
"""

from __future__ import annotations

import math

import redis
from rq import Queue, Retry
from rq.exceptions import DuplicateJobError, NoSuchJobError
from rq.job import Job
from rq.serializers import JSONSerializer

from reader.options import SpeechOptions
from reader_web.clips import ClipJob
from reader_web.redisstore import PREFIX
from reader_web.worker import RETRIES

# The queues a worker takes jobs from, most urgent first.
QUEUE_NAMES = ("reader-now", "reader-next", "reader-later")
# Sentences of a page (after its first) that go to `reader-next`: what a listener hears in
# its first half minute.
NEXT_RANKS = 4
# Where workers publish their engine (refreshed while they run) and announce made clips.
ENGINE_KEY = "reader:engine"
ENGINE_TTL = 60
MADE_CHANNEL = "reader:made"
# Clips the workers have synthesized (not counting jobs that found their clip made).
SYNTHESIZED_KEY = "reader:synthesized"
# A plan's jobs, by clip key: any node can make a clip again that another node planned.
JOB_PREFIX = "reader:job:"
# The function a worker runs for a clip job.
MAKE_CLIP = "reader_web.redisworker.make_clip"
# Seconds a failed job is kept: requests meanwhile get its error, later ones try again.
FAILURE_TTL = 30


def queue_index(rank: int) -> int:
    """Which queue a job of this rank goes to (0 = reader-now)."""
    return 0 if rank <= 0 else 1 if rank <= NEXT_RANKS else 2


class ClipJobs:
    """The RQ side of a web node: enqueue a clip once, hurry it, read what became of it."""

    def __init__(self, client: redis.Redis, job_timeout: float) -> None:
        self.client = client
        self.job_timeout = job_timeout
        self.queues = [
            Queue(name, connection=client, serializer=JSONSerializer) for name in QUEUE_NAMES
        ]

    def enqueue(self, job: ClipJob, rank: int, engine: str, options: SpeechOptions) -> bool:
        """Queue the clip's job at `rank`; False if it was already queued or running.

        Raises redis.RedisError when Redis cannot be reached.
        """
        try:
            self.queues[queue_index(rank)].enqueue_call(
                MAKE_CLIP,
                args=(job.to_json(), engine, options.words_per_minute, options.volume),
                job_id=job.key,
                unique=True,
                timeout=math.ceil(self.job_timeout),
                result_ttl=0,
                failure_ttl=FAILURE_TTL,
                retry=Retry(max=RETRIES),
                description="clip",
            )
        except DuplicateJobError:
            if rank <= 0:
                self.promote(job.key)
            return False
        return True

    def promote(self, key: str) -> None:
        """Move a queued job to reader-now: a listener is waiting for it.

        To the back, not the front: with many listeners waiting, a job pushed to the front
        would go behind every later one, and the first to wait would wait longest."""
        try:
            job = Job.fetch(key, connection=self.client, serializer=JSONSerializer)
            origin = next((q for q in self.queues[1:] if q.name == job.origin), None)
            if origin is None or not self.client.lrem(origin.key, 0, key):
                return  # already urgent, running or done
            now = self.queues[0]
            self.client.hset(job.key, "origin", now.name)
            now.push_job_id(key)
        except (NoSuchJobError, redis.RedisError):
            return  # done meanwhile, or Redis is away: the node's poll sees to it

    def states(self, keys: list[str]) -> list[tuple[bytes | None, bool]]:
        """For each clip key: its job's RQ status (None: no job) and whether the clip is made.

        The status is read first: a job ends only after its clip is stored, so "no job and
        no clip" means the job was lost (a restarted Redis), never that it just finished.
        """
        with self.client.pipeline(transaction=False) as pipe:
            for key in keys:
                pipe.hget(Job.key_for(key), "status")
                pipe.exists(f"{PREFIX}{key}.json")
            answers = pipe.execute()
        return [(answers[2 * n], bool(answers[2 * n + 1])) for n in range(len(keys))]

    def failure(self, key: str) -> str:
        """The last line of a failed job's error, as a listener is told it."""
        try:
            job = Job.fetch(key, connection=self.client, serializer=JSONSerializer)
            result = job.latest_result()
            text = (result.exc_string or "") if result is not None else ""
        except (NoSuchJobError, redis.RedisError):
            text = ""
        lines = [line for line in text.strip().splitlines() if line.strip()]
        if not lines:
            return "speech synthesis failed"
        last = lines[-1]
        return last.split(": ", 1)[1] if last.startswith("reader.errors.") else last

    def queued(self) -> int:
        """Jobs waiting in every queue."""
        return sum(queue.count for queue in self.queues)
