"""The app's READER_* settings: checked like a config file's, or the app does not start."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from reader.errors import UsageError
from reader.options import ReadOptions, SpeechOptions, WebOptions
from reader_web import create_app
from reader_web.extensions import service_of, settings_of


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"READER_ALLOWED_HOST": ["www.ostersund.se"]}, "READER_ALLOWED_HOST: unknown setting"),
        ({"READER_ALLOWED_HOSTS": "www.ostersund.se"}, "READER_ALLOWED_HOSTS: expected a list"),
        ({"READER_LANGUAGES": "sv"}, "READER_LANGUAGES: expected a list of language codes"),
        ({"READER_LANGUAGES": ["sv", "xx"]}, "READER_LANGUAGES: unknown language code 'xx'"),
        ({"READER_RATE": "fast"}, "READER_RATE: expected a whole number of words per minute"),
        ({"READER_WORKERS": 0}, "READER_WORKERS: expected a whole number of processes"),
        ({"READER_MAX_TEXT": "lots"}, "READER_MAX_TEXT: expected a whole number of characters"),
        ({"READER_MISSING_VOICE": "shout"}, "READER_MISSING_VOICE: expected one of page, skip"),
    ],
)
def test_a_bad_setting_stops_the_app_with_one_line(
    tmp_path: Path, settings: dict[str, Any], message: str
) -> None:
    with pytest.raises(UsageError) as caught:
        create_app({"READER_CACHE_DIR": str(tmp_path), **settings})
    assert str(caught.value).startswith(message)
    assert "\n" not in str(caught.value)


def test_settings_reach_the_service_and_defaults_are_the_options(app_factory: Any) -> None:
    app: Flask = app_factory(READER_RATE=200, READER_LANGUAGES=["SV", "en-GB"])
    settings = settings_of(app)
    assert service_of(app).options.words_per_minute == 200
    assert settings.read.languages == ("sv", "en-gb")
    assert settings.web.max_text == WebOptions().max_text
    assert settings.web.allowed_hosts == WebOptions().allowed_hosts == ()
    assert settings.web.fetch_timeout == ReadOptions().timeout
    assert service_of(app).options.volume == SpeechOptions().volume


def test_reader_serve_refuses_a_bad_setting_before_listening(tmp_path: Path) -> None:
    config = tmp_path / "reader.toml"
    config.write_text('[web]\nallowed_host = ["www.ostersund.se"]\n', encoding="utf-8")
    for args, message in (
        (("--config", str(config), "serve"), f"config file {config}: [web] allowed_host"),
        (("serve", "--workers", "0"), "--workers: expected a whole number of processes"),
    ):
        result = subprocess.run(
            [sys.executable, "-m", "reader", *args, "--port", "0"],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert result.returncode == 1, result.stderr
        assert result.stderr.strip().splitlines() == [result.stderr.strip()]
        assert message in result.stderr
