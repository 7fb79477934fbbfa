"""Export: a track to an audio file (format by extension), also while it is being synthesized,
or one file per section with a playlist."""

from __future__ import annotations

import re
import sys
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO, TypeVar

from reader.audio.assemble import Assembler
from reader.audio.encode import WRITERS, atomic_path, write_text
from reader.audio.sentence import render_pairs
from reader.audio.stream import StreamWriter, open_writer
from reader.errors import AudioError, NoContentError, ReaderError, UsageError
from reader.model import Clip, Page, Sentence, SentenceClip, Timeline, Track, Utterance
from reader.options import SpeechOptions

if TYPE_CHECKING:
    from reader.audio.chapters import Meta, Section

__all__ = [
    "FORMATS",
    "check_format",
    "export",
    "export_sentences",
    "export_split",
    "export_stream",
    "write_captions",
    "write_timeline",
]

# Supported formats, by file extension.
FORMATS = tuple(WRITERS)
# Errors an encoder, a tagger or the file system raise for a file that cannot be written;
# libsndfile's and LAME's errors are RuntimeErrors, mutagen's are MutagenErrors (added once
# mutagen is loaded: reader.audio.chapters and reader.audio.captions load it, and are loaded on
# first use so that their ~30 ms of imports overlap the encoding of a streamed export).
WRITE_ERRORS: tuple[type[Exception], ...] = (OSError, RuntimeError, ValueError)
# Longest slug in a split file name: long headings make unwieldy names on phones.
SLUG_LENGTH = 40
# A track with no samples: the page had nothing to speak (MP3 and FLAC cannot be empty).
EMPTY = "nothing to export: no text on the page was spoken"
# Formats that carry tags (title, language, chapters); a WAV file has none, so writing one
# never loads the tagging code (reader.audio.chapters, mutagen).
TAGGED = frozenset({"mp3", "ogg", "flac"})

# Bytes of a spooled track read at a time when a section is written (~3 s of speech).
SPOOL_READ_BYTES = 1 << 17

T = TypeVar("T")


def export(track: Track, path: Path, *, fmt: str | None = None) -> Path:
    """Write the track as WAV, MP3, OGG Vorbis or FLAC (from the extension) with tags."""
    path = Path(path)
    _write_track(path, check_format(path, fmt), track)
    return path


def export_stream(
    page: Page,
    pairs: Iterable[tuple[Utterance, Clip]],
    options: SpeechOptions,
    path: Path,
    *,
    fmt: str | None = None,
    keep_audio: bool = True,
    spool: BinaryIO | None = None,
) -> Track:
    """Assemble part clips (in reading order) and write them at once (see export_sentences)."""
    sentences = render_pairs(page, pairs, options.words_per_minute)
    return export_sentences(
        page, sentences, options, path, fmt=fmt, keep_audio=keep_audio, spool=spool
    )


def export_sentences(
    page: Page,
    sentences: Iterable[tuple[Sentence, SentenceClip]],
    options: SpeechOptions,
    path: Path,
    *,
    fmt: str | None = None,
    keep_audio: bool = True,
    spool: BinaryIO | None = None,
) -> Track:
    """Assemble and write at once: each sentence is encoded (in a child process, on another
    core) as soon as it is spoken, while the next ones are synthesized. Returns the track;
    without `keep_audio` its PCM is left empty (the file has it), so memory stays flat however
    long the page. `spool`, if given, gets a copy of the track's PCM as it is made (for
    `export_split` to cut sections from without holding the audio)."""
    path = Path(path)
    fmt = check_format(path, fmt)
    assembler = Assembler(page, options, keep_audio=keep_audio)

    def audio() -> Iterator[tuple[bytes, int]]:
        for sentence, clip in sentences:
            pcm = assembler.add(sentence, clip)
            if spool is not None:
                spool.write(pcm)
            yield pcm, assembler.sample_rate

    return _write(path, fmt, audio(), assembler.track, overlap=True)


def export_split(
    track: Track, directory: Path, fmt: str = "mp3", *, spool: BinaryIO | None = None
) -> list[Path]:
    """One file per section (`01-<slug>.<fmt>`) and an M3U playlist; returns them, list last.

    The audio is the track's PCM, or `spool`'s (a file holding it, see export_sentences) for a
    track that does not keep it: each section is then read a chunk at a time.
    """
    directory = Path(directory)
    fmt = check_format(directory / f"x.{fmt.lstrip('.')}")
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise AudioError(f"cannot create {directory}: {exc.strerror or exc}") from exc
    from reader.audio.chapters import sections

    parts = sections(track)
    written: list[Path] = []
    playlist = ["#EXTM3U", "#EXTENC: UTF-8", f"#PLAYLIST:{track.title}"]
    for number, section in enumerate(parts, 1):
        name = f"{number:02d}-{slug(section.title) or 'section'}.{fmt}"
        piece, first, last = _cut(track, section)
        target = directory / name
        audio = _samples(track, spool, first, last)
        _write_track(target, fmt, piece, audio, number=f"{number}/{len(parts)}", album=track.title)
        written.append(target)
        playlist += [f"#EXTINF:{round(piece.duration)},{_one_line(section.title)}", name]
    list_path = directory / f"{slug(track.title) or 'playlist'}.m3u"
    _guarded(list_path, lambda: write_text(list_path, "\n".join(playlist) + "\n"))
    return [*written, list_path]


def slug(text: str) -> str:
    """ASCII file-name stem: "Sundsvall, Östersund och Trondheim" → "sundsvall-ostersund-och-…"."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", ascii_text.lower())
    out = ""
    for word in words:
        candidate = f"{out}-{word}" if out else word
        if len(candidate) > SLUG_LENGTH:
            break
        out = candidate
    return out or "-".join(words)[:SLUG_LENGTH]


def check_format(path: Path, fmt: str | None = None) -> str:
    """The format a path asks for ("mp3"), or a UsageError naming the supported ones."""
    name = (fmt or path.suffix).lower().lstrip(".")
    if name not in WRITERS:
        supported = ", ".join(f".{f}" for f in FORMATS)
        shown = f"'.{name}'" if name else "no extension"
        raise UsageError(f"cannot export to {shown}: supported formats are {supported}")
    return name


def _write(
    path: Path,
    fmt: str,
    audio: Iterable[tuple[bytes, int]],
    finish: Callable[[], Track],
    *,
    overlap: bool,
    **extra: str,
) -> Track:
    """The one way audio reaches a file: PCM pieces (with their sample rate) encoded as they
    come into a temp file beside `path`, tagged from the finished track, then renamed into
    place. An error or Ctrl-C at any point leaves no file and stops the encoder.

    With `overlap` the encoder runs in a child process beside the synthesis that makes the
    pieces (reader.audio.stream); a finished track is encoded inline. Returns `finish()`.
    """

    def write() -> Track:
        with atomic_path(path) as temp:
            writer: StreamWriter | None = None
            try:
                for pcm, sample_rate in audio:
                    if writer is None:
                        writer = open_writer(fmt, temp, sample_rate, overlap=overlap)
                    writer.write(pcm)
                if writer is None:
                    raise NoContentError(EMPTY)
                track = finish()
                # Tags are worked out while a child process finishes the encoding.
                meta = _meta_for(track, **extra) if fmt in TAGGED else None
                writer.close()
            except BaseException:
                if writer is not None:
                    writer.abort()
                raise
            if meta is not None:
                _tag(temp, fmt, meta)
        return track

    return _guarded(path, write)


def _write_track(
    path: Path,
    fmt: str,
    track: Track,
    audio: Iterable[tuple[bytes, int]] | None = None,
    **extra: str,
) -> None:
    """A finished track (or a section of one) to a file; its audio is its PCM unless given."""
    if audio is None:
        audio = [(track.pcm, track.sample_rate)] if track.pcm else []
    _write(path, fmt, audio, lambda: track, overlap=False, **extra)


def tag_mp3(path: Path, meta: Meta) -> None:
    """ID3 title, language and a chapter per heading (see reader.audio.chapters)."""
    from reader.audio import chapters

    chapters.tag_mp3(path, meta)


def tag_vorbis(path: Path, meta: Meta) -> None:
    """Vorbis comments with chapters, for OGG and FLAC (see reader.audio.chapters)."""
    from reader.audio import chapters

    chapters.tag_vorbis(path, meta)


def write_captions(track: Track, path: Path) -> Path:
    """WebVTT captions, one cue per sentence with its language (see reader.audio.captions)."""
    from reader.audio import captions

    return captions.write_captions(track, path)


def write_timeline(track: Track, path: Path) -> Path:
    """The cue list as JSON (see reader.audio.captions)."""
    from reader.audio import captions

    return captions.write_timeline(track, path)


def _meta_for(track: Track, **extra: str) -> Meta:
    from reader.audio.chapters import meta_for

    return meta_for(track, **extra)


def _write_errors() -> tuple[type[Exception], ...]:
    mutagen = sys.modules.get("mutagen")
    return (*WRITE_ERRORS, mutagen.MutagenError) if mutagen else WRITE_ERRORS


def _tag(path: Path, fmt: str, meta: Meta) -> None:
    if fmt == "mp3":
        tag_mp3(path, meta)
    else:
        tag_vorbis(path, meta)


def _guarded(path: Path, action: Callable[[], T]) -> T:
    """Run a write; turn what the file system or an encoder raises into one AudioError line."""
    if not path.parent.is_dir():
        raise AudioError(f"cannot write {path}: no such directory {path.parent}")
    try:
        return action()
    except ReaderError:
        raise
    except _write_errors() as exc:
        reason = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
        raise AudioError(f"cannot write {path}: {reason}") from exc


def _cut(track: Track, section: Section) -> tuple[Track, int, int]:
    """The part of a track in one section, its cues moved to the part's clock and without
    its audio, and the part's first and end sample in the track."""
    sample_rate = track.sample_rate
    first, last = int(round(section.t_start * sample_rate)), int(round(section.t_end * sample_rate))
    offset = first / sample_rate
    cues = tuple(
        replace(cue, t_start=cue.t_start - offset, t_end=cue.t_end - offset)
        for cue in track.timeline.cues
        if section.t_start <= cue.t_start < section.t_end
    )
    piece = Track(
        pcm=b"",
        sample_rate=sample_rate,
        timeline=Timeline(cues=cues, duration=(last - first) / sample_rate),
        title=section.title,
        lang=track.lang,
        page=track.page,
    )
    return piece, first, last


def _samples(
    track: Track, spool: BinaryIO | None, first: int, last: int
) -> Iterator[tuple[bytes, int]]:
    """Samples `first` to `last` of the track, from its PCM or a chunk at a time from `spool`."""
    if spool is None:
        if last > first:
            yield track.pcm[first * 2 : last * 2], track.sample_rate
        return
    spool.seek(first * 2)
    left = (last - first) * 2
    while left > 0 and (chunk := spool.read(min(left, SPOOL_READ_BYTES))):
        left -= len(chunk)
        yield chunk, track.sample_rate


def _one_line(text: str) -> str:
    return " ".join(text.split())
