"""Settings from a TOML file, checked by reader.settings into the option records.

words_per_minute = 175             # the speaking rate (`rate` is read as this too)
languages = ["sv", "en", "nb"]     # the site's languages
lang = "sv"                        # page language override
volume = 1.0
engine = "auto"
missing_voice = "page"             # or "skip"
lexicon_dir = "lexicon"            # relative to the config file
voices_dir = "voices"              # neural voices, relative to the config file
[voices]
sv = "sv"
[web]
allowed_hosts = ["www.ostersund.se"]
cache_dir = "/var/cache/reader"
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from reader.errors import UsageError
from reader.settings import WEB_SETTINGS, Config, apply

CONFIG_FILES = (Path("reader.toml"), Path.home() / ".config" / "reader" / "config.toml")

__all__ = ["CONFIG_FILES", "Config", "load_config"]


def load_config(path: Path | None = None) -> Config:
    """Read the TOML config at `path`, or the first default one found, or defaults."""
    if path is None:
        path = next((p for p in CONFIG_FILES if p.is_file()), None)
        if path is None:
            return Config()
    # Loaded here: most commands run without a config file, and every start would pay for it.
    import tomllib

    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise UsageError(f"cannot read config file {path}: {exc.strerror}") from exc
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise UsageError(f"config file {path} is not valid TOML: {exc}") from exc
    web: Any = data.pop("web", {})
    if not isinstance(web, dict):
        raise UsageError(f"config file {path}: web: expected a [web] table, not {web!r}")
    config = apply(Config(path=path), data, lambda key: f"config file {path}: {key}")
    config = apply(config, web, lambda key: f"config file {path}: [web] {key}", WEB_SETTINGS)
    # Folders named in the file are relative to it, not to where reader runs.
    speech = config.speech
    if speech.lexicon_dir is not None:
        speech = replace(speech, lexicon_dir=path.parent / speech.lexicon_dir)
    if speech.voices_dir is not None:
        speech = replace(speech, voices_dir=path.parent / speech.voices_dir)
    return replace(config, speech=speech)
