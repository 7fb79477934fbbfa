"""Language tags: one spelling, one check, one way to take them apart."""

from __future__ import annotations

import pytest

from reader import langtag
from reader.errors import UsageError

GARBAGE = ["", "   ", "<script>", "{{ lang }}", "../x", "sv se", "sv--se", "-sv", "1sv", "a" * 36]


@pytest.mark.parametrize(
    ("value", "tag"),
    [
        ("sv", "sv"),
        ("sv-SE", "sv-se"),
        ("SV_se", "sv-se"),
        (" en-GB ", "en-gb"),
        ("zh-Hant-TW", "zh-hant-tw"),
        ("nb", "nb"),
        *[(junk, "") for junk in GARBAGE],
        (None, ""),
        (["sv"], ""),
    ],
)
def test_normalise_gives_one_spelling_and_refuses_what_is_no_tag(value: object, tag: str) -> None:
    assert langtag.normalise(value) == tag


@pytest.mark.parametrize(
    ("tag", "primary", "rules", "fallback"),
    [
        ("sv-SE", "sv", "sv", ("sv-se", "sv")),
        ("SV_se", "sv", "sv", ("sv-se", "sv")),
        ("en-gb", "en", "en", ("en-gb", "en")),
        # Norwegian: "no" and Nynorsk are read with the Bokmål rules; only Bokmål falls back
        # to the Norwegian voice (eSpeak NG has no Nynorsk voice).
        ("no", "no", "nb", ("no",)),
        ("nn", "nn", "nb", ("nn",)),
        ("nb-NO", "nb", "nb", ("nb-no", "nb", "no")),
        ("fi", "fi", "fi", ("fi",)),
        ("", "", "und", ()),
        ("<script>", "<script>", "<script>", ()),
    ],
)
def test_primary_rules_and_fallback(
    tag: str, primary: str, rules: str, fallback: tuple[str, ...]
) -> None:
    assert langtag.primary(tag) == primary
    assert langtag.rules_language(tag) == rules
    assert langtag.fallback(tag) == fallback


@pytest.mark.parametrize("value", ["sv", "sv-SE", "SV_se", "nn", "fit", "smj", "zh-Hant"])
def test_parse_takes_tags_of_languages_iso_639_knows(value: str) -> None:
    assert langtag.parse(value, "--lang") == langtag.normalise(value)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("xx", "unknown language code 'xx'"),
        ("yy-SE", "unknown language code 'yy'"),
        ("<script>", "expected a language code"),
        (12, "expected a language code"),
        ("", "expected a language code"),
    ],
)
def test_parse_refuses_junk_and_unknown_languages_naming_the_setting(
    value: object, message: str
) -> None:
    with pytest.raises(UsageError, match=message) as caught:
        langtag.parse(value, "config.toml: lang")
    assert str(caught.value).startswith("config.toml: lang: ")
    assert "\n" not in str(caught.value)
