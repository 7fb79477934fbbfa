"""Which installed eSpeak NG voice speaks which language, and the missing-voice policy."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from reader.errors import SpeechError
from reader.model import Page, Utterance, Voice
from reader.options import SpeechOptions
from reader.speech import Engine, list_voices, open_engine, plan_voices, voice_plan
from reader.speech.voices import find_voice, speaks, voice_for


# The eSpeak NG engines; how neural voices are chosen is tests/speech/test_neural.py's.
@pytest.fixture(scope="module", params=("espeak", "pyttsx3"))
def engine(request: pytest.FixtureRequest) -> Iterator[Engine]:
    opened = open_engine(SpeechOptions(engine=request.param))
    yield opened
    opened.close()


@pytest.fixture(scope="module")
def voices(engine: Engine) -> tuple[Voice, ...]:
    return engine.voices()


def utterance(index: int, lang: str, text: str = "Hej") -> Utterance:
    return Utterance(block=index, sentence=0, part=0, text=text, start=0, end=len(text), lang=lang)


PAGE = Page(url="", title="Internationellt samarbete", lang="sv", blocks=())


@pytest.mark.parametrize(
    ("lang", "voice"),
    [
        ("sv", "gmq/sv"),
        ("sv-SE", "gmq/sv"),
        ("sv-FI", "gmq/sv"),
        ("en", "gmw/en-us"),
        ("en-GB", "gmw/en"),
        ("en-US", "gmw/en-us"),
        ("nb-NO", "gmq/nb"),
        ("nb", "gmq/nb"),
        ("no", "gmq/nb"),
        ("fi", "urj/fi"),
        ("de-AT", "gmw/de"),
        ("ar", "sem/ar"),
        ("fa", "ira/fa"),
    ],
)
def test_each_site_language_has_its_own_voice(
    voices: tuple[Voice, ...], lang: str, voice: str
) -> None:
    found = voice_for(lang, voices)
    assert found is not None and found.id.lower() == voice


@pytest.mark.parametrize("lang", ["so", "nn", "nn-NO", "xx"])
def test_somali_and_nynorsk_have_no_voice(voices: tuple[Voice, ...], lang: str) -> None:
    assert voice_for(lang, voices) is None


def test_voices_are_listed_with_their_languages(engine: Engine, voices: tuple[Voice, ...]) -> None:
    swedish = find_voice("gmq/sv", voices)
    assert swedish is not None and swedish.languages[0] == "sv" and swedish.name == "Swedish"
    assert all(v.engine == engine.name for v in voices)
    assert find_voice("Swedish", voices) == swedish
    assert find_voice("sv", voices) == swedish


def test_an_override_beats_the_table_for_the_language_and_its_regions(
    voices: tuple[Voice, ...],
) -> None:
    overrides = (("en", "en-us"),)
    for lang in ("en", "en-GB", "en-AU"):
        found = voice_for(lang, voices, overrides)
        assert found is not None and found.id.lower() == "gmw/en-us"


def test_an_override_can_give_a_missing_language_a_voice(voices: tuple[Voice, ...]) -> None:
    found = voice_for("so", voices, (("so", "gmq/sv"),))
    assert found is not None and found.id == "gmq/sv"


def test_an_override_naming_an_absent_voice_is_an_error(voices: tuple[Voice, ...]) -> None:
    with pytest.raises(SpeechError, match="'no-such-voice' set for sv is not installed"):
        voice_for("sv-SE", voices, (("sv", "no-such-voice"),))


def test_missing_voice_page_policy_speaks_with_the_page_voice_and_reports(
    engine: Engine,
) -> None:
    utterances = (utterance(0, "sv"), utterance(1, "so"), utterance(2, "en"), utterance(3, "so"))
    plan = voice_plan(utterances, PAGE, engine, SpeechOptions(missing_voice="page"))
    assert [u.voice.lower() for u in plan.utterances] == ["gmq/sv", "gmq/sv", "gmw/en-us", "gmq/sv"]
    assert [u.lang for u in plan.utterances] == ["sv", "so", "en", "so"]
    assert [(m.lang, m.utterances, m.action, m.voice) for m in plan.missing] == [
        ("so", 2, "page", "gmq/sv")
    ]


def test_missing_voice_skip_policy_drops_the_utterances_and_reports(engine: Engine) -> None:
    utterances = (utterance(0, "sv"), utterance(1, "nn"), utterance(2, "en"))
    plan = voice_plan(utterances, PAGE, engine, SpeechOptions(missing_voice="skip"))
    assert [u.block for u in plan.utterances] == [0, 2]
    assert [(m.lang, m.utterances, m.action, m.voice) for m in plan.missing] == [
        ("nn", 1, "skip", "")
    ]
    assert plan_voices(utterances, PAGE, engine, SpeechOptions(missing_voice="skip")) == (
        plan.utterances
    )


def test_an_utterance_without_a_language_takes_the_page_language(engine: Engine) -> None:
    planned = plan_voices((utterance(0, ""),), PAGE, engine, SpeechOptions())
    assert planned[0].voice == "gmq/sv"


def test_a_page_whose_own_language_has_no_voice_is_read_by_the_english_one(
    engine: Engine,
) -> None:
    somali = Page(url="", title="Bogga", lang="so", blocks=())
    plan = voice_plan((utterance(0, "so"),), somali, engine, SpeechOptions(missing_voice="page"))
    assert [u.voice.lower() for u in plan.utterances] == ["gmw/en-us"]
    assert [(m.lang, m.action, m.voice.lower()) for m in plan.missing] == [
        ("so", "page", "gmw/en-us")
    ]


def test_an_unknown_policy_is_refused(engine: Engine) -> None:
    with pytest.raises(SpeechError, match="missing-voice policy"):
        voice_plan((utterance(0, "sv"),), PAGE, engine, SpeechOptions(missing_voice="guess"))


def test_planned_voices_are_what_the_engine_speaks_with(engine: Engine) -> None:
    utterances = (utterance(0, "sv", "Välkommen"), utterance(1, "en", "Welcome"))
    for planned in plan_voices(utterances, PAGE, engine, SpeechOptions()):
        clip = engine.synthesize(planned.text, planned.voice, 175)
        assert clip.voice.lower() == planned.voice.lower() and clip.duration > 0.3


def test_listing_voices_for_a_language_puts_the_chosen_voice_first() -> None:
    english = list_voices(SpeechOptions(), "en-US")
    assert english[0].id == "gmw/en-US"
    assert {"gmw/en", "gmw/en-GB-x-rp"} <= {v.id for v in english}
    assert all(speaks(v, "en") for v in english)
    assert [v.id for v in list_voices(SpeechOptions(), "nb-NO")] == ["gmq/nb"]
    assert list_voices(SpeechOptions(), "so") == ()
    assert len(list_voices(SpeechOptions())) > 50
