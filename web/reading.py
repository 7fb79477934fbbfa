"""Reading pages for the web: plan a page, queue its clips, assemble its download.

The routes call these; they call the library only through `reader.pipeline`,
`reader.audio.assemble` and `reader.export.export`.
"""

from __future__ import annotations

import tempfile
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from reader.audio import assemble
from reader.errors import BlockedSourceError, SourceError, UsageError
from reader.export import export
from reader.model import Clip, Page, Utterance, WordMark
from reader.options import ReadOptions, SpeechOptions
from web.cache import ClipCache
from web.plan import (
    build_plan,
    clean_lang,
    fill_timing,
    job_from_list,
    page_from_plan,
    page_key,
    sentences_of,
    wrap_fragment,
)
from web.service import SpeechService
from web.worker import clip_from_wav

# Schemes a page URL may have: anything else (a file path, `file:`) would read the disk.
URL_SCHEMES = ("http", "https")


class Reader:
    """Plans pages and renders downloads for one app (its settings, cache and service)."""

    def __init__(
        self, settings: Mapping[str, Any], cache: ClipCache, service: SpeechService
    ) -> None:
        self.settings = settings
        self.cache = cache
        self.service = service
        self._locks: dict[str, tuple[threading.Lock, int]] = {}
        self._locks_lock = threading.Lock()

    @property
    def options(self) -> SpeechOptions:
        return self.service.options

    def read_options(self, lang: str = "") -> ReadOptions:
        """Page-reading options from the settings."""
        return ReadOptions(
            languages=tuple(self.settings["READER_LANGUAGES"]),
            lang=lang,
            timeout=float(self.settings["READER_FETCH_TIMEOUT"]),
            allowed_hosts=tuple(h.lower() for h in self.settings["READER_ALLOWED_HOSTS"]),
            allow_private=bool(self.settings["READER_ALLOW_PRIVATE"]),
        )

    def read_posted(self, body: Any) -> dict[str, Any]:
        """Plan a reading area posted as HTML (`POST /api/read`)."""
        if not isinstance(body, dict):
            raise UsageError("the request body must be a JSON object")
        fragment, url, title = body.get("html"), body.get("url", ""), body.get("title", "")
        if not isinstance(fragment, str) or not fragment.strip():
            raise UsageError("the JSON body needs 'html': the reading area's HTML")
        if not isinstance(url, str) or not isinstance(title, str):
            raise UsageError("'url' and 'title' must be strings")
        lang = clean_lang(body.get("lang"))
        info = self.service.engine_info()
        key = page_key(
            "html", info.id, self._speech_id(), self._languages(), url, lang, title, fragment
        )
        plan = self.cache.read_json(key, "plan.json")
        if plan is None:
            with self._single(key):  # many visitors opening one page parse it once
                plan = self.cache.read_json(key, "plan.json")
                if plan is None:
                    page = self._read_fragment(fragment, lang, title)
                    plan = self._plan(key, page, url)
        return self._queue(plan)

    def _read_fragment(self, fragment: str, lang: str, title: str) -> Page:
        from reader.pipeline import read_page  # imported late: the stages load lazily

        try:
            return read_page(wrap_fragment(fragment, lang, title), self.read_options(lang))
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
        plan = self.cache.read_json(key, "plan.json") or self._plan(key, page, url)
        return self._queue(plan)

    def warm_up(self) -> None:
        """Load the stages and the engines before the first visitor (imports, language data)."""
        from reader.pipeline import plan_speech

        page = self._read_fragment("<p>Warming up the reader.</p>", "en", "")
        plan_speech(page, self.service.engine(), self.options)

    def check_url(self, url: str) -> None:
        """Refuse URLs that are not http(s) or whose host is not allowed (before any fetch)."""
        try:
            parts = urlsplit(url)
            host = (parts.hostname or "").lower()
        except ValueError as exc:
            raise UsageError("the 'url' parameter is not a valid URL") from exc
        if parts.scheme not in URL_SCHEMES or not host:
            raise UsageError("the 'url' parameter must be an http or https URL")
        allowed = {h.lower() for h in self.settings["READER_ALLOWED_HOSTS"]}
        if host not in allowed:
            raise BlockedSourceError(f"host {host} is not in the allowed hosts of this server")

    def plan(self, key: str) -> dict[str, Any] | None:
        """A stored page plan, or None."""
        return self.cache.read_json(key, "plan.json")

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
                cached = self._assemble(key, plan)
        return cached

    def _plan(self, key: str, page: Page, url: str) -> dict[str, Any]:
        from reader.pipeline import plan_speech

        engine, info = self.service.engine(), self.service.engine_info()
        if page.blocks:
            # The first sentence starts synthesizing (in a worker, on another core) while the
            # rest of the page is planned: that is what the listener hears first.
            head = plan_speech(replace(page, blocks=page.blocks[:1]), engine, self.options)
            for sentence in sentences_of(head, info, self.options)[:1]:
                self.service.submit(sentence.job, 0)
        utterances = plan_speech(page, engine, self.options)
        sentences = sentences_of(utterances, info, self.options)
        plan = build_plan(key, page, url, sentences)
        self.cache.put_json(key, plan, "plan.json")
        return plan

    def _queue(self, plan: dict[str, Any]) -> dict[str, Any]:
        """Queue every clip not yet made (in reading order) and fill in the timings known."""
        jobs = [job_from_list(item) for item in plan["jobs"]]
        metas = {}
        for rank, job in enumerate(jobs):
            future = self.service.submit(job, rank)
            if future.done() and future.exception() is None:
                metas[job.key] = future.result()
        response = plan["response"]
        for block in response["blocks"]:
            for sentence in block["sentences"]:
                fill_timing(sentence, metas.get(sentence["audio"].rsplit("/", 1)[1][:32]))
        return response

    def _assemble(self, key: str, plan: dict[str, Any]) -> bytes:
        page = page_from_plan(plan)
        jobs = {item[0]: job_from_list(item) for item in plan["jobs"]}
        pairs: list[tuple[Utterance, Clip]] = []
        for block in plan["response"]["blocks"]:
            for sentence in block["sentences"]:
                clip_key = sentence["audio"].rsplit("/", 1)[1][:32]
                pairs.append(self._pair(block, sentence, jobs[clip_key]))
        track = assemble(page, pairs, self.options)
        with tempfile.TemporaryDirectory(dir=self.cache.directory, prefix=".tmp-page-") as temp:
            path = export(track, Path(temp) / "page.mp3")
            data = path.read_bytes()
        self.cache.put(key, "page.mp3", data)
        return data

    def _pair(
        self, block: dict[str, Any], sentence: dict[str, Any], job: Any
    ) -> tuple[Utterance, Clip]:
        meta = self.service.clip(job)
        wav = self.cache.read(job.key, "wav")
        if wav is None:  # evicted between synthesis and now: make it again
            meta = self.service.clip(job)
            wav = self.cache.read(job.key, "wav") or b""
        start, end = sentence["start"], sentence["end"]
        text = block["text"][start:end]
        # The sentence is one utterance whose characters are the displayed ones, so the
        # word offsets (block offsets in the timing record) map back one to one.
        words = tuple(
            WordMark(start=s - start, end=e - start, t_start=t0, t_end=t1)
            for s, e, t0, t1 in meta.get("words") or ()
        )
        utterance = Utterance(
            block=block["index"],
            sentence=sentence["index"],
            part=0,
            text=text,
            start=start,
            end=end,
            lang=sentence["lang"],
            char_map=tuple(range(start, end + 1)),
            voice=job.parts[0].voice if job.parts else "",
        )
        return utterance, clip_from_wav(wav, words)

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
        return [o.rate, o.volume, o.engine, list(o.voices), o.missing_voice, str(o.lexicon_dir)]

    def _languages(self) -> list[str]:
        return list(self.settings["READER_LANGUAGES"])
