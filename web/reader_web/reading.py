"""Reading pages for the web: plan a page, queue its clips, assemble its download.

The routes call these; they call the library through `reader.pipeline` and, for the
download, `reader.audio` (assemble, export).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import urlsplit

from reader.errors import BlockedSourceError, SourceError, UsageError
from reader.model import Page, Sentence
from reader.options import ReadOptions, SpeechOptions
from reader.settings import Config
from reader_web.backend import Speech, Store
from reader_web.clips import ClipJob, ClipTiming
from reader_web.download import page_mp3
from reader_web.plan import PagePlan, page_key, plan_page
from reader_web.posted import PostedPage, document_bytes, posted_page
from reader_web.recent import Recent
from reader_web.security import TooMuchText

# Page plans kept decoded in memory: a popular page is answered without touching the disk.
PLANS_IN_MEMORY = 256
# Schemes a page URL may have: anything else (a file path, `file:`) would read the disk.
URL_SCHEMES = ("http", "https")
# A page with more text than this may be answered in two parts (`first` in the request): its
# first blocks at once, so that their clips are made and heard while the rest is planned.
FIRST_PART_FROM = 4000
# The first part holds whole blocks, at least this many sentences (when the page has them).
FIRST_SENTENCES = 3
# Seconds the rest of a page waits for its first clip before it is planned all the same.
FIRST_CLIP_WAIT = 2.0


@dataclass(frozen=True, slots=True)
class Planning:
    """A page being planned behind its first part: the first part is never stored as a plan."""

    first: PagePlan
    whole: Future[PagePlan]


class Reader:
    """Plans pages and renders downloads for one app (its settings, cache and service)."""

    def __init__(self, settings: Config, cache: Store, service: Speech) -> None:
        self.settings = settings
        self.cache = cache
        self.service = service
        self._locks: dict[str, tuple[threading.Lock, int]] = {}
        self._locks_lock = threading.Lock()
        self._plans: Recent[str, PagePlan] = Recent(PLANS_IN_MEMORY)
        self._planning: dict[str, Planning] = {}
        self._planner = ThreadPoolExecutor(max_workers=2, thread_name_prefix="reader-plan")

    @property
    def options(self) -> SpeechOptions:
        return self.service.options

    def read_options(self) -> ReadOptions:
        """Page-reading options from the settings (the same for posted and fetched pages)."""
        web = self.settings.web
        return replace(
            self.settings.read,
            timeout=web.fetch_timeout or self.settings.read.timeout,
            allowed_hosts=web.allowed_hosts,
            allow_private=web.allow_private,
        )

    def read_posted(self, body: Any, *, first: bool = False) -> dict[str, Any]:
        """Plan a page posted by the widget (`POST /api/read`), read as `reader blocks` reads it.

        With `first`, a long page is answered with its first part (`complete` false and a
        `rest` URL) while the rest is planned behind it.
        """
        posted = posted_page(body)
        info = self.service.engine_info()
        fields = [posted.url, posted.lang, posted.title, posted.content_language, posted.area]
        key = page_key("page", info.id, self._speech_id(), self._languages(), fields, posted.html)
        plan = self._stored(key)
        planning = None
        if plan is None:
            with self._single(key):  # many visitors opening one page parse it once
                plan = self._stored(key)
                planning = self._planning.get(key) if plan is None else None
                if plan is None and planning is None:
                    page = self._read_document(document_bytes(posted))
                    if first and _text_length(page) > FIRST_PART_FROM:
                        planning = self._plan_first(key, page, posted.url)
                    else:
                        plan = self._plan(key, page, posted.url)
        if planning is not None:
            if first and not planning.whole.done():
                answer = self._queue(planning.first)
                return {**answer, "complete": False, "rest": f"/api/read/{key}"}
            plan = planning.whole.result()
        assert plan is not None
        return self._queue(plan)

    def read_document(self, posted: PostedPage) -> Page:
        """A posted page's blocks, read as `reader blocks` reads the saved page."""
        return self._read_document(document_bytes(posted))

    def read_rest(self, key: str) -> dict[str, Any] | None:
        """The whole plan of a page answered in parts (`GET /api/read/KEY`), once planned."""
        plan = self.plan(key)
        return self._queue(plan) if plan is not None else None

    def _read_document(self, document: bytes) -> Page:
        from reader.pipeline import read_page  # imported late: the stages load lazily

        try:
            # The page's own `lang` is its declared language, never an override: a page
            # wrongly marked `lang="sv"` is corrected by what its text says, as on the CLI.
            return read_page(document, self.read_options())
        except BlockedSourceError:
            raise
        except SourceError as exc:  # posted markup is the client's to fix, not a fetch
            raise UsageError(str(exc)) from exc

    def read_url(self, url: Any) -> dict[str, Any]:
        """Plan a page fetched from an allowed host (`GET /api/read?url=`)."""
        if not isinstance(url, str) or not url.strip():
            raise UsageError("the 'url' parameter is required")
        url = url.strip()
        self.check_url(url)
        from reader.pipeline import read_page

        info = self.service.engine_info()
        page = read_page(url, self.read_options())
        blocks = [(b.kind, b.level, b.text, b.lang, b.locator) for b in page.blocks]
        key = page_key("url", info.id, self._speech_id(), url, page.title, page.lang, blocks)
        plan = self._stored(key) or self._plan(key, page, url)
        return self._queue(plan)

    def warm_up(self) -> None:
        """Load the stages and the engines before the first visitor (imports, language data)."""
        from reader.pipeline import plan_sentences

        warm = posted_page({"html": "<p>Warming up the reader.</p>", "lang": "en"})
        page = self._read_document(document_bytes(warm))
        plan_sentences(page, self.service.engine(), self.options)

    def check_url(self, url: str) -> None:
        """Refuse URLs that are not http(s) or whose host is not allowed (before any fetch)."""
        try:
            parts = urlsplit(url)
            host = (parts.hostname or "").lower()
        except ValueError as exc:
            raise UsageError("the 'url' parameter is not a valid URL") from exc
        if parts.scheme not in URL_SCHEMES or not host:
            raise UsageError("the 'url' parameter must be an http or https URL")
        if host not in self.settings.web.allowed_hosts:
            raise BlockedSourceError(f"host {host} is not in the allowed hosts of this server")

    def plan(self, key: str) -> PagePlan | None:
        """A stored page plan (waiting for one being planned), or None."""
        plan = self._stored(key)
        if plan is None and (planning := self._planning.get(key)) is not None:
            return planning.whole.result()
        return plan

    def page_audio(self, key: str) -> bytes | None:
        """The whole page as MP3 with chapters, assembled once from its clips."""
        cached = self.cache.read(key, "page.mp3")
        if cached is not None:
            return cached
        plan = self.plan(key)
        if plan is None:
            return None
        with self._single(key):
            cached = self.cache.read(key, "page.mp3")
            if cached is None:
                cached = page_mp3(plan, self.service, self.options)
                self.cache.offer(key, "page.mp3", cached)
        return cached

    def _plan(self, key: str, page: Page, url: str, *, started: bool = False) -> PagePlan:
        from reader.pipeline import plan_sentences

        self._check_length(page)
        engine, engine_id = self.service.engine(), self.service.engine_info().id
        if page.blocks and not started:
            # The first sentence starts synthesizing (in a worker, on another core) while the
            # rest of the page is planned: that is what the listener hears first.
            head = plan_sentences(replace(page, blocks=page.blocks[:1]), engine, self.options)
            for sentence in head[:1]:
                self.service.submit(ClipJob.of(engine_id, self.options, sentence), 0)
        sentences = plan_sentences(page, engine, self.options)
        plan = self._keep(plan_page(key, page, url, sentences, engine_id, self.options))
        # Kept in memory even when the disk refuses it.
        stored = json.dumps(plan.to_json(), ensure_ascii=False).encode("utf-8")
        self.cache.offer(key, "plan.json", stored)
        return plan

    def _plan_first(self, key: str, page: Page, url: str) -> Planning:
        """Plan the first blocks and queue their clips; plan the whole page behind them.

        A block's sentences and clips do not depend on the blocks after it, so the first
        part's clips are the whole plan's first clips. Only the whole plan is stored (under
        the page key, when it is complete); the first part lives while the rest is planned.
        """
        from reader.pipeline import plan_sentences

        self._check_length(page)
        engine, engine_id = self.service.engine(), self.service.engine_info().id
        count, sentences = 0, list[Sentence]()
        while count < len(page.blocks) and len(sentences) < FIRST_SENTENCES:
            count += 1
            block = replace(page, blocks=page.blocks[count - 1 : count])
            sentences += plan_sentences(block, engine, self.options)
        title = page.title or next((b.text for b in page.blocks if b.kind == "heading"), "")
        head = replace(page, title=title, blocks=page.blocks[:count])
        first = plan_page(key, head, url, sentences, engine_id, self.options)
        made = [self.service.submit(job, rank) for rank, job in enumerate(first.jobs)]
        planning = Planning(first=first, whole=Future())
        self._planning[key] = planning
        self._planner.submit(self._plan_rest, planning, key, page, url, made[:1])
        return planning

    def _plan_rest(
        self, planning: Planning, key: str, page: Page, url: str, first: list[Future[Any]]
    ) -> None:
        # The first clip is made before the rest is planned: on a busy server the planning
        # would otherwise take the cores (and the interpreter) the listener is waiting on.
        wait(first, timeout=FIRST_CLIP_WAIT)
        try:
            planning.whole.set_result(self._plan(key, page, url, started=True))
        except BaseException as exc:  # the requests waiting for it get the error
            planning.whole.set_exception(exc)
        finally:
            # Done or failed, the page is no longer being planned: a failure is planned again.
            if self._planning.get(key) is planning:
                del self._planning[key]

    def _check_length(self, page: Page) -> None:
        limit, length = self.settings.web.max_text, _text_length(page)
        if length > limit:
            raise TooMuchText(
                f"the page has too much text to read aloud: {length} characters, at most {limit}"
            )

    def _stored(self, key: str) -> PagePlan | None:
        """A page plan from memory, else from the cache directory."""
        plan = self._plans.get(key)
        if plan is not None:
            return plan
        record = self.cache.read_json(key, "plan.json")
        if record is None:
            return None
        try:
            plan = PagePlan.from_json(record)
        except ValueError:  # written by another version: planned again, never misread
            return None
        return self._keep(plan) if plan.key == key else None

    def _keep(self, plan: PagePlan) -> PagePlan:
        self._plans.put(plan.key, plan)
        return plan

    def _queue(self, plan: PagePlan) -> dict[str, Any]:
        """Queue every clip not yet made (in reading order); the answer has the timings known."""
        timings: dict[str, ClipTiming] = {}
        self.service.remember(plan.jobs)
        for job, future in zip(plan.jobs, self.service.submit_all(plan.jobs), strict=True):
            if future.done() and future.exception() is None:
                timing = _timing(future.result())
                if timing is not None:
                    timings[job.key] = timing
        return plan.answer(timings)

    @contextmanager
    def _single(self, key: str) -> Iterator[None]:
        """One thread at a time per key; the lock lives only while someone holds or awaits it."""
        with self._locks_lock:
            lock, users = self._locks.get(key, (threading.Lock(), 0))
            self._locks[key] = (lock, users + 1)
        try:
            with lock:
                yield
        finally:
            with self._locks_lock:
                lock, users = self._locks[key]
                if users == 1:
                    del self._locks[key]
                else:
                    self._locks[key] = (lock, users - 1)

    def _speech_id(self) -> list[Any]:
        o = self.options
        return [
            o.words_per_minute,
            o.volume,
            o.engine,
            list(o.voices),
            o.missing_voice,
            str(o.lexicon_dir),
        ]

    def _languages(self) -> list[str]:
        return list(self.settings.read.languages)


def _text_length(page: Page) -> int:
    return sum(len(block.text) for block in page.blocks)


def _timing(record: dict[str, Any]) -> ClipTiming | None:
    """A made clip's timing record as the service holds it (its JSON form), or None if it
    is not one this version writes."""
    try:
        return ClipTiming.from_json(record)
    except ValueError:
        return None
