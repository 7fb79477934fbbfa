from __future__ import annotations

from pathlib import Path

import pytest

from reader.config import load_config, parse_voices
from reader.errors import UsageError


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "reader.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_settings_reach_the_option_records(tmp_path: Path) -> None:
    config = load_config(
        write(
            tmp_path,
            'languages = ["sv", "EN"]\nrate = 150\nvolume = 0.5\nmissing_voice = "skip"\n'
            'lexicon_dir = "lex"\n[voices]\nsv = "sv"\n[web]\nallowed_hosts = ["a.se"]\n',
        )
    )
    assert config.read.languages == ("sv", "en")
    assert config.speech.words_per_minute == 150 and config.speech.volume == 0.5
    assert config.speech.missing_voice == "skip"
    assert config.speech.voices == (("sv", "sv"),)
    assert config.speech.lexicon_dir == tmp_path / "lex"
    assert config.web == {"allowed_hosts": ["a.se"]}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("rate = 20\n", "rate must be between"),
        ("colour = 1\n", "unknown setting 'colour'"),
        ("rate = \n", "not valid TOML"),
        ('missing_voice = "shout"\n', "missing_voice must be one of"),
    ],
)
def test_bad_settings_are_named_in_one_line(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(UsageError, match=message) as caught:
        load_config(write(tmp_path, text))
    assert "\n" not in str(caught.value)


def test_voice_overrides_need_lang_and_voice() -> None:
    assert parse_voices(["sv=sv", "NB=nb"]) == (("sv", "sv"), ("nb", "nb"))
    with pytest.raises(UsageError, match="LANG=VOICE"):
        parse_voices(["sv"])


def test_a_missing_config_file_is_an_error_not_a_default(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="cannot read config file"):
        load_config(tmp_path / "absent.toml")
