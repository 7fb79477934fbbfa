"""Neural voices for real: the bundled English voice, a voices folder, the choice per language."""

from __future__ import annotations

import json
import subprocess
import sys
import unicodedata
from pathlib import Path

import numpy as np
import pytest
import soundfile

from reader import ReadOptions, read_page
from reader.audio.captions import write_timeline
from reader.options import SpeechOptions
from reader.pipeline import export_page, plan_sentences, plan_speech, speak_sentence
from reader.speech import open_engine
from reader.speech.pieces import MAX_PIECE, pieces
from reader.speech.piper_engine import phoneme_ids, phonemes, spread
from reader.speech.piper_voice import installed_voices

NEURAL_EN = "piper:en_US-joe-medium"
NEURAL_SV = "piper:sv_SE-test-medium"
EXTRA = "'reader[neural]'"
PAGE = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Trondheim</title>
</head><body><main><h1>Cooperation with Trondheim</h1>
<p>Our two cities have worked together since nineteen ninety-nine.</p>
<p lang="sv">Samarbetet mellan kommunerna fortsätter i flera år till.</p>
</main></body></html>""".encode()


@pytest.fixture
def neural(monkeypatch: pytest.MonkeyPatch) -> None:
    """Let "auto" use the installed neural voices (the suite turns them off by default)."""
    monkeypatch.delenv("READER_NEURAL", raising=False)


def voices_by_lang(options: SpeechOptions) -> dict[str, set[str]]:
    page = read_page(PAGE, ReadOptions(languages=("en", "sv")))
    engine = open_engine(options)
    try:
        planned = plan_speech(page, engine, options)
    finally:
        engine.close()
    found: dict[str, set[str]] = {}
    for utterance in planned:
        found.setdefault(utterance.lang, set()).add(utterance.voice)
    return found


def test_each_language_gets_its_neural_voice_where_one_is_installed(
    neural: None, neural_voices: Path
) -> None:
    assert voices_by_lang(SpeechOptions()) == {"en": {NEURAL_EN}, "sv": {"gmq/sv"}}
    with_folder = voices_by_lang(SpeechOptions(voices_dir=neural_voices))
    assert with_folder == {"en": {NEURAL_EN}, "sv": {NEURAL_SV}}


def test_a_voice_named_in_the_settings_beats_the_neural_one(
    neural: None, neural_voices: Path
) -> None:
    options = SpeechOptions(voices_dir=neural_voices, voices=(("en", "espeak:en-us"),))
    assert voices_by_lang(options) == {"en": {"gmw/en-US"}, "sv": {NEURAL_SV}}


def test_turned_off_the_page_is_read_by_espeak(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("READER_NEURAL", "off")
    assert voices_by_lang(SpeechOptions()) == {"en": {"gmw/en-US"}, "sv": {"gmq/sv"}}


def test_phonemes_keep_clause_punctuation_and_map_to_the_voices_ids() -> None:
    (voice,) = installed_voices(None)
    spoken = phonemes("Hello, world.", voice)
    assert spoken.count(",") == 1 and spoken.endswith(".")
    ids = phoneme_ids(spoken, voice)
    table = voice.phoneme_ids
    assert ids[: len(table["^"])] == list(table["^"]) and ids[-1] == table["$"][0]
    # Every phoneme is followed by the pad id, as the voices were trained.
    assert set(ids[1:-1:2]) == {table["_"][0]} and len(ids) == 2 * len(spoken) + 3


# Punctuation inside a number or a spelled acronym is not a clause end: the number is read
# whole ("one thousand", not "one, zero zero zero") and the acronym as letter names.
WHOLE_IN_A_CLAUSE = [
    ("1,000 dollars", "wˈʌn θˈaʊzənd dˈɑːlɚz"),
    ("grow 2.3% a year.", "ɡɹˈoʊ tˈuː pɔɪnt θɹˈiː pɚsˈɛnt ɐ jˈɪɹ."),
    ("the N.P.A, and", "ðɪ ˌɛnpˌiːˈeɪ, ænd"),
]


@pytest.mark.parametrize(("text", "expected"), WHOLE_IN_A_CLAUSE)
def test_numbers_and_acronyms_are_phonemized_whole(text: str, expected: str) -> None:
    (voice,) = installed_voices(None)
    assert phonemes(text, voice) == unicodedata.normalize("NFD", expected)


def test_a_page_exported_with_neural_and_espeak_voices(neural: None, tmp_path: Path) -> None:
    page = read_page(PAGE, ReadOptions(languages=("en", "sv")))
    out = tmp_path / "page.wav"
    track = export_page(page, out, SpeechOptions())
    audio, rate = soundfile.read(out, dtype="int16")
    assert rate == 22050 and 6.0 < len(audio) / rate < 20.0
    assert float(np.sqrt(np.mean(audio.astype(np.float64) ** 2))) > 300
    words = [c for c in track.timeline.cues if c.kind == "word"]
    assert {"Cooperation", "nineteen", "Samarbetet"} <= {
        page.blocks[c.block].text[c.start : c.end] for c in words
    }
    assert all(a.t_end <= b.t_start + 1e-6 for a, b in zip(words, words[1:], strict=False))
    # The neural voice's word times are estimated, eSpeak NG's reported: the timeline says so.
    data = json.loads(write_timeline(track, tmp_path / "page.json").read_text(encoding="utf-8"))
    marked = {(c["lang"], c["estimated"]) for c in data["cues"] if c["kind"] == "word"}
    assert marked == {("en", True), ("sv", False)} and data["words_estimated"] is True


def test_a_changed_voice_file_changes_the_engine_id(neural: None, neural_voices: Path) -> None:
    options = SpeechOptions(voices_dir=neural_voices)
    before = open_engine(options).version
    config = neural_voices / "sv_SE-test-medium.onnx.json"
    original = config.read_text(encoding="utf-8")
    try:
        changed = json.loads(original)
        changed["inference"]["noise_scale"] = 0.5
        config.write_text(json.dumps(changed), encoding="utf-8")
        after = open_engine(options).version
    finally:
        config.write_text(original, encoding="utf-8")
    assert before != after and "sv_SE-test-medium=" in after


def test_without_onnxruntime_every_command_still_speaks(tmp_path: Path) -> None:
    # The `neural` extra not installed: onnxruntime cannot be imported.
    blocked = "import sys; sys.modules['onnxruntime'] = None; from reader.cli import main; main()"
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    listed = subprocess.run(
        [sys.executable, "-c", blocked, "voices", "--lang", "en"],
        capture_output=True, text=True, timeout=120, env=env, check=False,
    )  # fmt: skip
    assert listed.returncode == 0 and "gmw/en-US" in listed.stdout
    assert "piper:" not in listed.stdout
    assert listed.stderr.strip() == f"natural voices: pip install {EXTRA} (see docs/voices.md)"
    out = tmp_path / "page.wav"
    (tmp_path / "page.html").write_bytes(PAGE)
    exported = subprocess.run(
        [sys.executable, "-c", blocked, "export", str(tmp_path / "page.html"), "-o", str(out)],
        capture_output=True, text=True, timeout=120, env=env, check=False,
    )  # fmt: skip
    assert exported.returncode == 0, exported.stderr
    assert soundfile.info(str(out)).duration > 4.0


def test_reader_voices_lists_the_folders_voice_first_with_engine_quality_and_rate(
    tmp_path: Path, neural_voices: Path
) -> None:
    config = tmp_path / "reader.toml"
    config.write_text(f'voices_dir = "{neural_voices}"\n', encoding="utf-8")
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}  # READER_NEURAL unset
    listed = subprocess.run(
        [sys.executable, "-m", "reader", "--config", str(config), "voices", "--lang", "sv"],
        capture_output=True, text=True, timeout=120, env=env, check=False,
    )  # fmt: skip
    assert listed.returncode == 0, listed.stderr
    header, first, *rest = listed.stdout.splitlines()
    assert header.split() == ["ID", "LANGUAGES", "ENGINE", "QUALITY", "SAMPLE", "RATE", "NAME"]
    assert first.split()[:5] == [NEURAL_SV, "sv-se,sv", "piper", "medium", "22050"]
    assert any(line.split()[:3] == ["gmq/sv", "sv", "espeak"] for line in rest)


def test_the_pause_at_a_comma_is_no_words_time() -> None:
    # Three phonemes, a comma, three phonemes: the second word starts after the pause.
    marks = spread("One, two", [(0, 3, "wʌn"), (5, 8, "tuː")], 8.0)
    assert [(m.start, m.end) for m in marks] == [(0, 3), (5, 8)]
    assert (marks[0].t_start, marks[0].t_end) == (0.0, 3.0)
    assert (marks[1].t_start, marks[1].t_end) == (5.0, 8.0)


LONG = (
    "Within this framework, the office works with influencing the process of decision-making "
    "in the EU, ensuring that the region's interests are taken care of."
)


def test_a_long_sentence_is_cut_at_its_clauses_and_a_long_clause_near_its_middle() -> None:
    cut = [LONG[p.start : p.end] for p in pieces(LONG)]
    assert cut == [
        "Within this framework, ",
        "the office works with influencing the process of decision-making in the EU, ",
        "ensuring that the region's interests are taken care of.",
    ]
    short = "Yes, it is."
    assert [short[p.start : p.end] for p in pieces(short)] == [short]
    clause = " ".join(["cooperation"] * 20)  # 239 characters without a comma
    long = pieces(clause)
    assert "".join(clause[p.start : p.end] for p in long) == clause
    assert len(long) == 3 and all(p.end - p.start <= MAX_PIECE for p in long)
    assert [p.joined for p in long] == [True, True, False]


def test_a_long_sentence_is_heard_as_it_is_made(neural: None) -> None:
    options = SpeechOptions(engine="piper")
    page = read_page(f"<p>{LONG}</p>".encode(), ReadOptions(languages=("en",)))
    engine = open_engine(options)
    heard: list[bytes] = []
    try:
        (sentence,) = plan_sentences(page, engine, options)
        clip = speak_sentence(sentence, engine, options, on_audio=lambda pcm, _: heard.append(pcm))
        whole = speak_sentence(sentence, engine, options)
    finally:
        engine.close()
    # Each clause was handed on as it was made; together they are the clip, word cues and all.
    assert len([pcm for pcm in heard if pcm]) >= 3 and b"".join(heard) == clip.pcm
    assert [w.text for w in clip.words] == [w.text for w in whole.words]
    assert abs(clip.duration - whole.duration) < 0.5 and clip.words_estimated
    starts = [w.t_start for w in clip.words]
    assert starts == sorted(starts) and clip.words[-1].t_end <= clip.duration
