"""Every setting by name: what it must be, which option record holds it, and the one check.

A config file, the command line and the web app's `READER_*` settings all name their values
and hand them to `apply`, which checks each by name and type and returns new option records.
The defaults are those of the records in reader/options.py, nowhere else. A bad value is one
line naming where it came from, the key and what was expected (UsageError: exit 1).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from difflib import get_close_matches
from pathlib import Path
from typing import Any

from reader import langtag
from reader.errors import UsageError
from reader.options import (
    ENGINE_CHOICES,
    MISSING_VOICE_POLICIES,
    WORDS_PER_MINUTE_MAX,
    WORDS_PER_MINUTE_MIN,
    ReadOptions,
    SpeechOptions,
    WebOptions,
)

Check = Callable[[Any, str], Any]
# What a Redis URL may start with (redis-py's own schemes).
REDIS_SCHEMES = ("redis://", "rediss://", "unix://")


@dataclass(frozen=True, slots=True, kw_only=True)
class Config:
    """The option records a config file, flags or app settings produce."""

    read: ReadOptions = field(default_factory=ReadOptions)
    speech: SpeechOptions = field(default_factory=SpeechOptions)
    web: WebOptions = field(default_factory=WebOptions)
    path: Path | None = None  # the config file they came from


def _fail(label: str, expected: str, value: Any) -> UsageError:
    shown = repr(value) if len(repr(value)) <= 60 else repr(value)[:57] + "..."
    return UsageError(f"{label}: expected {expected}, not {shown}")


def integer(low: int, high: int, unit: str) -> Check:
    def check(value: Any, label: str) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise _fail(label, f"a whole number of {unit} from {low} to {high}", value)
        return value

    return check


def number(low: float, high: float, unit: str = "") -> Check:
    def check(value: Any, label: str) -> float:
        is_number = isinstance(value, int | float) and not isinstance(value, bool)
        if not is_number or not low <= value <= high:
            raise _fail(label, f"a number{unit} from {low:g} to {high:g}", value)
        return float(value)

    return check


def choice(choices: tuple[str, ...]) -> Check:
    def check(value: Any, label: str) -> str:
        if value not in choices:
            raise _fail(label, "one of " + ", ".join(choices), value)
        return str(value)

    return check


def boolean(value: Any, label: str) -> bool:
    if not isinstance(value, bool):
        raise _fail(label, "true or false", value)
    return value


def path(value: Any, label: str) -> Path:
    if not isinstance(value, str | Path) or not str(value).strip():
        raise _fail(label, "a path", value)
    return Path(value)


def redis_url(value: Any, label: str) -> str:
    if not isinstance(value, str) or not value.startswith(REDIS_SCHEMES):
        raise _fail(label, "a Redis URL, e.g. redis://127.0.0.1:6379/0", value)
    return value


def strings(value: Any, label: str, expected: str) -> list[str]:
    """A list of non-empty strings (a lone string is refused: `languages = "sv"`)."""
    if isinstance(value, str | bytes) or not isinstance(value, Iterable):
        raise _fail(label, expected, value)
    items = list(value)
    if not all(isinstance(item, str) and item.strip() for item in items):
        raise _fail(label, expected, value)
    return [item.strip() for item in items]


def language(value: Any, label: str) -> str:
    return langtag.parse(value, label)


def languages(value: Any, label: str) -> tuple[str, ...]:
    tags = strings(value, label, 'a list of language codes, e.g. ["sv", "en"]')
    if not tags:
        raise _fail(label, 'at least one language code, e.g. ["sv", "en"]', value)
    return tuple(dict.fromkeys(langtag.parse(tag, label) for tag in tags))


def hosts(value: Any, label: str) -> tuple[str, ...]:
    names = strings(value, label, 'a list of host names, e.g. ["www.example.org"]')
    return tuple(name.lower().rstrip(".") for name in names)


def voices(value: Any, label: str) -> tuple[tuple[str, str], ...]:
    """Voice overrides: a table (`sv = "sv"`), `LANG=VOICE` strings or (lang, voice) pairs."""
    expected = "voices as LANG=VOICE, e.g. sv=gmq/sv"
    if isinstance(value, Mapping):
        pairs = list(value.items())
    elif isinstance(value, str | bytes) or not isinstance(value, Iterable):
        raise _fail(label, expected, value)
    else:
        pairs = [_voice_pair(item, label, expected) for item in value]
    clean = []
    for lang, voice in pairs:
        if not isinstance(voice, str) or not voice.strip():
            raise _fail(label, expected, f"{lang}={voice}")
        clean.append((langtag.parse(lang, label), voice.strip()))
    return tuple(clean)


def _voice_pair(item: Any, label: str, expected: str) -> tuple[Any, Any]:
    if isinstance(item, tuple | list) and len(item) == 2:
        return item[0], item[1]
    if isinstance(item, str):
        lang, sep, voice = item.partition("=")
        if sep:
            return lang, voice
    raise _fail(label, expected, item)


# Setting name → (option record, field, check). Names are the fields' own; `rate` is the
# name the speaking rate had before it said its unit.
SETTINGS: dict[str, tuple[str, str, Check]] = {
    "languages": ("read", "languages", languages),
    "lang": ("read", "lang", language),
    "default_lang": ("read", "default_lang", language),
    "timeout": ("read", "timeout", number(0.001, 3600, " of seconds")),
    "max_bytes": ("read", "max_bytes", integer(1, 2**40, "bytes")),
    "words_per_minute": (
        "speech",
        "words_per_minute",
        integer(WORDS_PER_MINUTE_MIN, WORDS_PER_MINUTE_MAX, "words per minute"),
    ),
    "volume": ("speech", "volume", number(0.0, 1.0)),
    "engine": ("speech", "engine", choice(ENGINE_CHOICES)),
    "voices": ("speech", "voices", voices),
    "missing_voice": ("speech", "missing_voice", choice(MISSING_VOICE_POLICIES)),
    "lexicon_dir": ("speech", "lexicon_dir", path),
    "voices_dir": ("speech", "voices_dir", path),
}
ALIASES = {"rate": "words_per_minute"}
WEB_SETTINGS: dict[str, tuple[str, str, Check]] = {
    "allowed_hosts": ("web", "allowed_hosts", hosts),
    "allow_private": ("web", "allow_private", boolean),
    "cache_dir": ("web", "cache_dir", path),
    "cache_max_bytes": ("web", "cache_max_bytes", integer(0, 2**50, "bytes")),
    "workers": ("web", "workers", integer(1, 32, "processes")),
    "max_body": ("web", "max_body", integer(1, 2**40, "bytes")),
    "max_markup": ("web", "max_markup", integer(1, 2**40, "bytes")),
    "max_text": ("web", "max_text", integer(1, 10**8, "characters")),
    "job_timeout": ("web", "job_timeout", number(0.001, 3600, " of seconds")),
    "fetch_timeout": ("web", "fetch_timeout", number(0.001, 3600, " of seconds")),
    "sample_page": ("web", "sample_page", path),
    "redis": ("web", "redis", redis_url),
    "redis_ttl": ("web", "redis_ttl", integer(60, 10**9, "seconds")),
}


def apply(
    config: Config,
    values: Mapping[str, Any],
    label: Callable[[str], str],
    table: Mapping[str, tuple[str, str, Check]] = SETTINGS,
) -> Config:
    """`config` with the named values checked and set; None means "not given"."""
    changes: dict[str, dict[str, Any]] = {"read": {}, "speech": {}, "web": {}}
    for key, value in values.items():
        name = ALIASES.get(key, key)
        if name not in table:
            raise UsageError(f"{label(key)}: unknown setting{_suggestion(key, table)}")
        if value is None:
            continue
        record, attribute, check = table[name]
        if attribute in changes[record]:
            raise UsageError(f"{label(key)}: set twice (as {key} and as {name})")
        changes[record][attribute] = check(value, label(key))
    return replace(
        config,
        read=replace(config.read, **changes["read"]),
        speech=replace(config.speech, **changes["speech"]),
        web=replace(config.web, **changes["web"]),
    )


def _suggestion(key: str, table: Mapping[str, Any]) -> str:
    close = get_close_matches(key, [*table, *ALIASES], n=1)
    return f" (did you mean {close[0]}?)" if close else ""
