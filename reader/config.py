"""Settings from a TOML file, turned into the option records the pipeline takes.

languages = ["sv", "en", "nb"]     # the site's languages
lang = "sv"                        # page language override
words_per_minute = 175             # the speaking rate (`rate` is read as this too)
volume = 1.0
engine = "auto"
missing_voice = "page"             # or "skip"
lexicon_dir = "lexicon"            # relative to the config file
[voices]
sv = "sv"
[web]
allowed_hosts = ["www.ostersund.se"]
cache_dir = "/var/cache/reader"
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from reader.errors import UsageError
from reader.options import (
    MISSING_VOICE_POLICIES,
    WORDS_PER_MINUTE_MAX,
    WORDS_PER_MINUTE_MIN,
    ReadOptions,
    SpeechOptions,
)

CONFIG_FILES = (Path("reader.toml"), Path.home() / ".config" / "reader" / "config.toml")
READ_KEYS = {"languages", "lang", "default_lang", "timeout", "max_bytes"}
SPEECH_KEYS = {
    "words_per_minute",
    "rate",
    "volume",
    "engine",
    "missing_voice",
    "lexicon_dir",
    "voices",
}


@dataclass(frozen=True, slots=True, kw_only=True)
class Config:
    """Everything a config file can set."""

    read: ReadOptions = field(default_factory=ReadOptions)
    speech: SpeechOptions = field(default_factory=SpeechOptions)
    web: dict[str, Any] = field(default_factory=dict)
    path: Path | None = None


def load_config(path: Path | None = None) -> Config:
    """Read the TOML config at `path`, or the first default one found, or defaults."""
    if path is None:
        path = next((p for p in CONFIG_FILES if p.is_file()), None)
        if path is None:
            return Config()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise UsageError(f"cannot read config file {path}: {exc.strerror}") from exc
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise UsageError(f"config file {path} is not valid TOML: {exc}") from exc
    unknown = set(data) - READ_KEYS - SPEECH_KEYS - {"web"}
    if unknown:
        raise UsageError(f"config file {path}: unknown setting {sorted(unknown)[0]!r}")
    read = with_settings(ReadOptions(), {k: data[k] for k in READ_KEYS & set(data)})
    speech_data = {k: data[k] for k in SPEECH_KEYS & set(data)}
    if "rate" in speech_data:
        speech_data["words_per_minute"] = speech_data.pop("rate")
    if "voices" in speech_data:
        speech_data["voices"] = parse_voices(speech_data["voices"])
    if "lexicon_dir" in speech_data:
        speech_data["lexicon_dir"] = path.parent / speech_data["lexicon_dir"]
    speech = with_settings(SpeechOptions(), speech_data)
    return Config(read=read, speech=speech, web=dict(data.get("web", {})), path=path)


def with_settings(options: Any, settings: dict[str, Any]) -> Any:
    """Return `options` with the given settings, validated and coerced to their types."""
    names = {f.name for f in fields(options)}
    clean: dict[str, Any] = {}
    for key, value in settings.items():
        if value is None:
            continue
        if key not in names:
            raise UsageError(f"unknown setting {key!r}")
        clean[key] = coerce(key, value)
    return replace(options, **clean)


def coerce(key: str, value: Any) -> Any:
    """Check one setting and give it the type the options record holds."""
    if key == "languages":
        items = value.split(",") if isinstance(value, str) else list(value)
        langs = tuple(str(v).strip().lower() for v in items if str(v).strip())
        if not langs:
            raise UsageError("languages: give at least one language code, e.g. sv,en")
        return langs
    if key in ("lang", "default_lang"):
        return str(value).strip().lower()
    if key == "words_per_minute":
        words_per_minute = int(value)
        if not WORDS_PER_MINUTE_MIN <= words_per_minute <= WORDS_PER_MINUTE_MAX:
            raise UsageError(
                f"rate must be between {WORDS_PER_MINUTE_MIN} and {WORDS_PER_MINUTE_MAX} "
                f"words per minute, not {words_per_minute}"
            )
        return words_per_minute
    if key == "volume":
        volume = float(value)
        if not 0.0 <= volume <= 1.0:
            raise UsageError(f"volume must be between 0.0 and 1.0, not {volume}")
        return volume
    if key == "missing_voice" and value not in MISSING_VOICE_POLICIES:
        raise UsageError(f"missing_voice must be one of {', '.join(MISSING_VOICE_POLICIES)}")
    if key in ("timeout",):
        return float(value)
    if key in ("max_bytes",):
        return int(value)
    if key == "lexicon_dir":
        return Path(value)
    return value


def parse_voices(value: Any) -> tuple[tuple[str, str], ...]:
    """Voice overrides from a TOML table or `LANG=VOICE` strings."""
    if isinstance(value, dict):
        pairs = list(value.items())
    else:
        pairs = []
        for item in value:
            lang, sep, voice = str(item).partition("=")
            if not sep or not lang.strip() or not voice.strip():
                raise UsageError(f"voice override {item!r} must look like LANG=VOICE, e.g. sv=sv")
            pairs.append((lang, voice))
    return tuple((str(k).strip().lower(), str(v).strip()) for k, v in pairs)
