"""ctypes declarations of the libespeak-ng API (speak_lib.h) that reader uses."""

from __future__ import annotations

import ctypes
from dataclasses import dataclass
from typing import Any

from reader.model import Voice

# espeak_ng_OUTPUT_MODE: synchronous mode synthesizes in the calling thread, no eSpeak threads.
OUTPUT_MODE_SYNCHRONOUS = 1
ENS_OK = 0
# espeak_EVENT_TYPE values that matter here.
EVENT_LIST_TERMINATED = 0
EVENT_WORD = 1
# espeak_PARAMETER values.
PARAM_RATE = 1
PARAM_VOLUME = 2
# Synth flags: UTF-8 text; positions in events then count characters, 1-based.
CHARS_UTF8 = 1
# espeak_TextToPhonemes mode: phonemes as IPA characters (bit 1), no separators.
PHONEMES_IPA = 0x02
POS_CHARACTER = 1
EE_OK = 0
# Length in ms of the buffers handed to the callback: fewer, larger calls are cheaper.
BUFFER_MS = 500


class Event(ctypes.Structure):
    """espeak_EVENT."""

    _fields_ = [
        ("type", ctypes.c_int),
        ("unique_identifier", ctypes.c_uint),
        ("text_position", ctypes.c_int),
        ("length", ctypes.c_int),
        ("audio_position", ctypes.c_int),
        ("sample", ctypes.c_int),
        ("user_data", ctypes.c_void_p),
        ("id", ctypes.c_char * 8),
    ]


class VoiceStruct(ctypes.Structure):
    """espeak_VOICE; `languages` is read raw: priority byte + name + NUL, repeated."""

    _fields_ = [
        ("name", ctypes.c_char_p),
        ("languages", ctypes.c_void_p),
        ("identifier", ctypes.c_char_p),
        ("gender", ctypes.c_ubyte),
        ("age", ctypes.c_ubyte),
        ("variant", ctypes.c_ubyte),
        ("xx1", ctypes.c_ubyte),
        ("score", ctypes.c_int),
        ("spare", ctypes.c_void_p),
    ]


SynthCallback = ctypes.CFUNCTYPE(
    ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.POINTER(Event)
)


@dataclass(frozen=True, slots=True, kw_only=True)
class WordEvent:
    """A word event: 1-based character position and length in the text, and its sample."""

    position: int
    length: int
    sample: int


def declare(dll: ctypes.CDLL) -> ctypes.CDLL:
    """Give the functions reader calls their C signatures; returns the same library."""
    c = ctypes
    # The espeak_ng_ initialisers return a status; espeak_Initialize ends the process instead.
    dll.espeak_ng_InitializePath.argtypes = [c.c_char_p]
    dll.espeak_ng_InitializePath.restype = None
    dll.espeak_ng_Initialize.argtypes = [c.POINTER(c.c_void_p)]
    dll.espeak_ng_Initialize.restype = c.c_int
    dll.espeak_ng_InitializeOutput.argtypes = [c.c_int, c.c_int, c.c_char_p]
    dll.espeak_ng_InitializeOutput.restype = c.c_int
    dll.espeak_ng_GetSampleRate.argtypes = []
    dll.espeak_ng_GetSampleRate.restype = c.c_int
    dll.espeak_ng_GetStatusCodeMessage.argtypes = [c.c_int, c.c_char_p, c.c_size_t]
    dll.espeak_ng_GetStatusCodeMessage.restype = None
    dll.espeak_ng_ClearErrorContext.argtypes = [c.POINTER(c.c_void_p)]
    dll.espeak_ng_ClearErrorContext.restype = None
    dll.espeak_SetSynthCallback.argtypes = [SynthCallback]
    dll.espeak_SetSynthCallback.restype = None
    dll.espeak_SetVoiceByName.argtypes = [c.c_char_p]
    dll.espeak_SetVoiceByName.restype = c.c_int
    dll.espeak_GetCurrentVoice.argtypes = []
    dll.espeak_GetCurrentVoice.restype = c.POINTER(VoiceStruct)
    dll.espeak_SetParameter.argtypes = [c.c_int, c.c_int, c.c_int]
    dll.espeak_SetParameter.restype = c.c_int
    dll.espeak_Synth.argtypes = [
        c.c_char_p,
        c.c_size_t,
        c.c_uint,
        c.c_int,
        c.c_uint,
        c.c_uint,
        c.c_void_p,
        c.c_void_p,
    ]
    dll.espeak_Synth.restype = c.c_int
    dll.espeak_ListVoices.argtypes = [c.c_void_p]
    dll.espeak_ListVoices.restype = c.POINTER(c.POINTER(VoiceStruct))
    dll.espeak_Info.argtypes = [c.c_void_p]
    dll.espeak_Info.restype = c.c_char_p
    dll.espeak_TextToPhonemes.argtypes = [c.POINTER(c.c_void_p), c.c_int, c.c_int]
    dll.espeak_TextToPhonemes.restype = c.c_char_p
    return dll


def text_to_phonemes(dll: ctypes.CDLL, text: str) -> str:
    """IPA phonemes of a text in the selected voice, clause by clause joined with spaces."""
    data = ctypes.create_string_buffer(text.encode("utf-8") + b"\0")
    pointer = ctypes.c_void_p(ctypes.addressof(data))
    clauses = []
    # Each call phonemizes one clause and moves the pointer on; NULL after the last one.
    while pointer.value:
        raw = dll.espeak_TextToPhonemes(ctypes.byref(pointer), CHARS_UTF8, PHONEMES_IPA)
        if raw:
            clauses.append(raw.decode("utf-8", "replace").strip())
    return " ".join(clause for clause in clauses if clause)


def word_events(events: Any) -> list[WordEvent]:
    """The word events of one callback's event list (pyttsx3's EVENT has the same layout)."""
    found = []
    i = 0
    while events[i].type != EVENT_LIST_TERMINATED:
        event = events[i]
        if event.type == EVENT_WORD:
            found.append(
                WordEvent(position=event.text_position, length=event.length, sample=event.sample)
            )
        i += 1
    return found


def initialize(dll: ctypes.CDLL, data_dir: str) -> int:
    """Start eSpeak NG in synchronous mode; returns the sample rate or raises OSError."""
    dll.espeak_ng_InitializePath(data_dir.encode() if data_dir else None)
    context = ctypes.c_void_p()
    status = dll.espeak_ng_Initialize(ctypes.byref(context))
    if context:
        dll.espeak_ng_ClearErrorContext(ctypes.byref(context))
    if status == ENS_OK:
        status = dll.espeak_ng_InitializeOutput(OUTPUT_MODE_SYNCHRONOUS, BUFFER_MS, None)
    if status != ENS_OK:
        message = ctypes.create_string_buffer(512)
        dll.espeak_ng_GetStatusCodeMessage(status, message, len(message))
        raise OSError(message.value.decode("utf-8", "replace") or f"status {status:#x}")
    return int(dll.espeak_ng_GetSampleRate())


def version(dll: ctypes.CDLL) -> str:
    """The library's version, e.g. "1.51"."""
    raw = dll.espeak_Info(None) or b""
    return raw.decode("utf-8", "replace").split()[0] if raw else "unknown"


def current_voice(dll: ctypes.CDLL) -> str:
    """Identifier of the voice eSpeak has selected now ("" if none)."""
    voice = dll.espeak_GetCurrentVoice()
    if not voice or not voice.contents.identifier:
        return ""
    return voice.contents.identifier.decode("utf-8", "replace")


def list_voices(dll: ctypes.CDLL, engine: str) -> tuple[Voice, ...]:
    """Every installed voice, its languages ordered by eSpeak's priority (best first)."""
    table = dll.espeak_ListVoices(None)
    voices = []
    i = 0
    while table[i]:
        raw = table[i].contents
        voices.append(
            Voice(
                id=(raw.identifier or b"").decode("utf-8", "replace"),
                name=(raw.name or b"").decode("utf-8", "replace").replace("_", " "),
                languages=_languages(raw.languages),
                engine=engine,
            )
        )
        i += 1
    return tuple(sorted(voices, key=lambda v: v.id))


def _languages(address: int | None) -> tuple[str, ...]:
    found: list[tuple[int, str]] = []
    offset = 0
    while address:
        priority = ctypes.c_ubyte.from_address(address + offset).value
        if priority == 0:
            break
        name = ctypes.string_at(address + offset + 1)
        found.append((priority, name.decode("utf-8", "replace").lower()))
        offset += len(name) + 2
    return tuple(name for _, name in sorted(found, key=lambda pair: pair[0]))
