from __future__ import annotations

from pathlib import Path

import pytest

from reader.config import load_config
from reader.errors import UsageError
from reader.options import ReadOptions, SpeechOptions, WebOptions


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "reader.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_settings_reach_the_option_records(tmp_path: Path) -> None:
    config = load_config(
        write(
            tmp_path,
            'languages = ["sv", "EN"]\nwords_per_minute = 150\nvolume = 0.5\n'
            'missing_voice = "skip"\nlexicon_dir = "lex"\nvoices_dir = "/srv/voices"\n'
            '[voices]\nsv = "sv"\n'
            '[web]\nallowed_hosts = ["A.se"]\nworkers = 3\nmax_text = 5000\n',
        )
    )
    assert config.read.languages == ("sv", "en")
    assert config.speech.words_per_minute == 150 and config.speech.volume == 0.5
    assert config.speech.missing_voice == "skip"
    assert config.speech.voices == (("sv", "sv"),)
    assert config.speech.lexicon_dir == tmp_path / "lex"
    assert config.speech.voices_dir == Path("/srv/voices")
    assert config.web.allowed_hosts == ("a.se",)
    assert config.web.workers == 3 and config.web.max_text == 5000


def test_what_a_file_leaves_out_is_the_options_own_default(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, "volume = 1\n"))
    assert config.read == ReadOptions()
    assert config.speech == SpeechOptions()
    assert config.web == WebOptions()


def test_rate_is_still_read_as_words_per_minute(tmp_path: Path) -> None:
    assert load_config(write(tmp_path, "rate = 200\n")).speech.words_per_minute == 200


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('rate = "fast"\n', "rate: expected a whole number of words per minute from 80 to 450"),
        ("rate = 20\n", "rate: expected a whole number of words per minute from 80 to 450"),
        ("words_per_minute = 2.5\n", "words_per_minute: expected a whole number"),
        ("rate = 200\nwords_per_minute = 200\n", "set twice"),
        ('languages = "sv"\n', "languages: expected a list of language codes"),
        ('languages = ["sv", 3]\n', "languages: expected a list of language codes"),
        ("languages = []\n", "languages: expected at least one language code"),
        ('languages = ["sv", "xx"]\n', "languages: unknown language code 'xx'"),
        ('lang = "<script>"\n', "lang: expected a language code"),
        ('default_lang = "yy"\n', "default_lang: unknown language code 'yy'"),
        ('volume = "loud"\n', "volume: expected a number from 0 to 1"),
        ("volume = true\n", "volume: expected a number"),
        ('missing_voice = "shout"\n', "missing_voice: expected one of page, skip"),
        ('engine = "festival"\n', "engine: expected one of auto, espeak, pyttsx3"),
        ('[voices]\nxx = "sv"\n', "voices: unknown language code 'xx'"),
        ("[voices]\nsv = 1\n", "voices: expected voices as LANG=VOICE"),
        ("colour = 1\n", "colour: unknown setting"),
        ('[web]\nallowed_host = ["www.ostersund.se"]\n', "[web] allowed_host: unknown setting"),
        ('[web]\nallowed_hosts = "www.ostersund.se"\n', "[web] allowed_hosts: expected a list"),
        ('[web]\nworkers = "two"\n', "[web] workers: expected a whole number of processes"),
        ('[web]\nallow_private = "yes"\n', "[web] allow_private: expected true or false"),
        ('web = "x"\n', "web: expected a [web] table"),
        ("rate = \n", "not valid TOML"),
    ],
)
def test_bad_settings_are_named_in_one_line(tmp_path: Path, text: str, message: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(UsageError) as caught:
        load_config(path)
    assert message in str(caught.value)
    assert str(caught.value).startswith(f"config file {path}")
    assert "\n" not in str(caught.value)


def test_a_misspelled_key_gets_a_suggestion(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match=r"did you mean allowed_hosts\?"):
        load_config(write(tmp_path, '[web]\nallowed_host = ["www.ostersund.se"]\n'))


def test_a_missing_config_file_is_an_error_not_a_default(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="cannot read config file"):
        load_config(tmp_path / "absent.toml")
