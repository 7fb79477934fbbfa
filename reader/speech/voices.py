"""Which voice speaks which language, and what happens to languages without a voice."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, replace

from reader.errors import SpeechError
from reader.langtag import fallback, normalise
from reader.model import Utterance, Voice
from reader.options import MISSING_VOICE_POLICIES, SpeechOptions
from reader.speech.piper_voice import ENGINE_NAME as NEURAL

# BCP 47 language (lower case) → eSpeak NG voice identifier, for the site languages and
# where eSpeak's own language priorities would pick a less expected variant. Plain "en" gets
# the American voice: an offline recogniser understood it clearly better than eSpeak's
# British one on our English sample (bench/intelligibility.py); "en-gb" keeps the British.
VOICE_TABLE = {
    "sv": "gmq/sv",
    "en": "gmw/en-US",
    "en-gb": "gmw/en",
    "en-us": "gmw/en-US",
    "nb": "gmq/nb",
    "no": "gmq/nb",
    "da": "gmq/da",
    "fi": "urj/fi",
    "de": "gmw/de",
    "ar": "sem/ar",
    "fa": "ira/fa",
}
# The voice of last resort when the page's own language has none either: every eSpeak NG
# build has English, and a listener hears the text rather than an error.
LAST_RESORT = "en"


@dataclass(frozen=True, slots=True, kw_only=True)
class MissingVoice:
    """A language with no installed voice and what was done with its utterances."""

    lang: str
    utterances: int
    action: str  # "page": spoken by `voice`, the page language's voice | "skip": left out
    voice: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class VoicePlan:
    """Utterances with their voices, and the languages that had none."""

    utterances: tuple[Utterance, ...]
    missing: tuple[MissingVoice, ...] = ()


def speaks(voice: Voice, lang: str) -> bool:
    """Whether a voice lists the language, a regional variant of it, or its fallbacks."""
    chain = fallback(lang)
    if not chain:
        return False
    return any(tag in chain or tag.startswith(f"{chain[-1]}-") for tag in voice.languages)


def find_voice(requested: str, voices: Iterable[Voice]) -> Voice | None:
    """A voice by id (any case), by name, or failing those, by its first language.

    "espeak:en-us" looks among eSpeak NG's voices only ("piper:NAME" is a neural voice's id)."""
    wanted = requested.strip().lower()
    listed = tuple(voices)
    engine, colon, rest = wanted.partition(":")
    if colon and engine == "espeak":
        wanted = rest
        listed = tuple(v for v in listed if v.engine in ("espeak", "pyttsx3"))
    keys = (
        lambda v: v.id.lower(),
        lambda v: v.name.lower(),
        lambda v: v.languages[0] if v.languages else "",
    )
    for key in keys:
        for voice in listed:
            if key(voice) == wanted:
                return voice
    return None


def voice_for(
    lang: str, voices: Iterable[Voice], overrides: Iterable[tuple[str, str]] = ()
) -> Voice | None:
    """The voice for a BCP 47 language: overrides, then the table, then eSpeak's languages."""
    listed = tuple(voices)
    chain = fallback(lang)
    # An override for "en" also covers "en-GB": the site owner's choice beats the table.
    chosen = dict((normalise(tag), voice) for tag, voice in overrides)
    for tag in chain:
        if tag in chosen:
            voice = find_voice(chosen[tag], listed)
            if voice is None:
                raise SpeechError(f"voice {chosen[tag]!r} set for {tag} is not installed")
            return voice
    # A neural voice that speaks the language beats eSpeak NG's: listeners follow it longer.
    for tag in chain:
        neural = [v for v in listed if v.engine == NEURAL and tag in v.languages]
        if neural:
            return neural[0]
    for tag in chain:
        if tag in VOICE_TABLE and (voice := find_voice(VOICE_TABLE[tag], listed)):
            return voice
        # Among the voices that speak the tag, prefer the one that lists it earliest.
        ranked = sorted((v.languages.index(tag), v.id, v) for v in listed if tag in v.languages)
        if ranked:
            return ranked[0][2]
    return None


def plan(
    utterances: tuple[Utterance, ...],
    page_lang: str,
    voices: Iterable[Voice],
    options: SpeechOptions,
) -> VoicePlan:
    """Give each utterance its voice; languages without one follow `options.missing_voice`."""
    if options.missing_voice not in MISSING_VOICE_POLICIES:
        raise SpeechError(
            f"missing-voice policy must be one of {', '.join(MISSING_VOICE_POLICIES)}, "
            f"not {options.missing_voice!r}"
        )
    listed = tuple(voices)
    found: dict[str, Voice | None] = {}
    for lang in dict.fromkeys(u.lang or page_lang for u in utterances):
        found[lang] = voice_for(lang, listed, options.voices)
    missing = Counter(u.lang or page_lang for u in utterances if found[u.lang or page_lang] is None)
    fallback = _page_voice(page_lang, listed, options, missing)
    planned = []
    for utterance in utterances:
        voice = found[utterance.lang or page_lang] or fallback
        if voice is not None:
            planned.append(replace(utterance, voice=voice.id))
    report = tuple(
        MissingVoice(
            lang=lang,
            utterances=count,
            action=options.missing_voice,
            voice=fallback.id if fallback else "",
        )
        for lang, count in missing.items()
    )
    return VoicePlan(utterances=tuple(planned), missing=report)


def _page_voice(
    page_lang: str, voices: tuple[Voice, ...], options: SpeechOptions, missing: Counter[str]
) -> Voice | None:
    if not missing or options.missing_voice == "skip":
        return None
    voice = voice_for(page_lang, voices, options.voices) or voice_for(
        LAST_RESORT, voices, options.voices
    )
    if voice is None:
        langs = ", ".join(sorted(missing))
        raise SpeechError(f"no installed voice for {langs} nor for the page language {page_lang!r}")
    return voice
