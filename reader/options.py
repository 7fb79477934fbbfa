"""Options, one frozen dataclass per concern, passed whole through the pipeline."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

DEFAULT_LANGUAGES = ("sv", "en", "nb", "fi", "de", "ar", "so")
# The speaking rate: eSpeak NG's default, and its own limits.
WORDS_PER_MINUTE = 175
WORDS_PER_MINUTE_MIN = 80
WORDS_PER_MINUTE_MAX = 450
# A language without a voice: "page" = speak with the page's voice | "skip" = leave it out.
MISSING_VOICE_POLICIES = ("page", "skip")
# Engine names `SpeechOptions.engine` takes; "auto" is the first real one.
ENGINE_CHOICES = ("auto", "espeak", "pyttsx3", "piper")


@dataclass(frozen=True, slots=True, kw_only=True)
class ReadOptions:
    """How a page is loaded, extracted and given languages."""

    languages: tuple[str, ...] = DEFAULT_LANGUAGES  # the site's languages (candidates)
    lang: str = ""  # page language override ("" = from the page)
    default_lang: str = "en"  # when the page declares none and nothing can be detected
    timeout: float = 10.0  # seconds for the whole fetch: lookups, redirects, body
    max_bytes: int = 10 * 1024 * 1024
    max_redirects: int = 5
    allowed_hosts: tuple[str, ...] | None = None  # None = any host (CLI); web sets a list
    allow_private: bool = True  # refuse loopback/private/link-local addresses when False


@dataclass(frozen=True, slots=True, kw_only=True)
class SpeechOptions:
    """How text is turned into speech."""

    words_per_minute: int = WORDS_PER_MINUTE
    volume: float = 1.0  # 0.0 .. 1.0
    engine: str = "auto"  # one of ENGINE_CHOICES
    voices: tuple[tuple[str, str], ...] = ()  # (language, voice id) overrides
    missing_voice: str = "page"  # one of MISSING_VOICE_POLICIES
    lexicon_dir: Path | None = None  # site owner's pronunciation lexicons (<lang>.tsv)
    voices_dir: Path | None = None  # site owner's neural voices (NAME.onnx + NAME.onnx.json)


@dataclass(frozen=True, slots=True, kw_only=True)
class WebOptions:
    """How the web service runs: its cache, its processes, what it fetches and accepts."""

    allowed_hosts: tuple[str, ...] = ()  # hosts GET /api/read?url= may fetch (none by default)
    allow_private: bool = False  # only tests serving a page from 127.0.0.1 turn it on
    cache_dir: Path | None = None  # None = $XDG_CACHE_HOME/reader/web
    cache_max_bytes: int = 500 * 1024 * 1024
    workers: int = 2  # speech synthesis processes
    max_body: int = 2 * 1024 * 1024  # bytes of a POST body
    # Bytes a posted page may unpack to (the widget gzips it): real pages' bodies are 85 KB
    # typically and 2.5 MB at most (extraction-dev); parsing 5 MB takes about a second.
    max_markup: int = 5 * 1024 * 1024
    # Characters of readable text a page may have: planning costs ~25 ms per KB and every
    # sentence is queued, so one huge post must not hold a core for minutes. 100,000
    # characters are about 90 minutes of speech; a municipal page has a few thousand.
    max_text: int = 100_000
    job_timeout: float = 20.0  # seconds one clip's synthesis may take
    fetch_timeout: float | None = None  # seconds for a page fetch; None = ReadOptions.timeout
    sample_page: Path | None = None  # None = the sample page shipped with the app
    # A Redis URL: plans and clips live in Redis and synthesis runs in `reader worker`
    # processes anywhere; "" = everything in this process, as one command.
    redis: str = ""
    # Seconds a clip or plan lives in Redis after it was made (Redis may evict it sooner).
    redis_ttl: int = 7 * 24 * 3600
