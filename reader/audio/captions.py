"""Captions (WebVTT, sentences split into readable cues, see subtitles.py) and the JSON
timeline."""

from __future__ import annotations

import json
from pathlib import Path

from reader.audio.chapters import clock
from reader.audio.encode import write_text
from reader.audio.subtitles import captions
from reader.errors import AudioError
from reader.model import Track

# Characters that would end or open markup in a WebVTT cue's text.
VTT_ESCAPES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
# Said in a WebVTT comment when cue times inside a sentence come from estimated word times
# (a neural voice): a captioner knows they may be off by a word or two.
ESTIMATED_NOTE = "NOTE Times inside a sentence are estimated: the voice gave no word times."


def write_captions(track: Track, path: Path) -> Path:
    """Write WebVTT captions: at most two lines of 42 characters and 7 s a cue, a cue in
    another language than the file's wrapped in `<lang xx>`."""
    path = Path(path)
    _write(path, vtt(track))
    return path


def write_timeline(track: Track, path: Path) -> Path:
    """Write the cue list as JSON: `{"title", "lang", "url", "duration", "words_estimated",
    "cues": [...]}`; a word cue whose time was estimated has `"estimated": true`."""
    path = Path(path)
    _write(path, json.dumps(timeline_dict(track), ensure_ascii=False, indent=1) + "\n")
    return path


def vtt(track: Track) -> str:
    """The WebVTT text of a track's captions."""
    lines = ["WEBVTT", "Kind: captions"]
    if track.lang:
        lines.append(f"Language: {track.lang}")
    lines.append("")
    if words_estimated(track):
        lines += [ESTIMATED_NOTE, ""]
    for number, cue in enumerate(captions(track), 1):
        text = [_escape(line) for line in cue.lines]
        if cue.lang and _primary(cue.lang) != _primary(track.lang):
            # The span may not cross a line break in every player: one span per line.
            text = [f"<lang {cue.lang}>{line}</lang>" for line in text]
        lines += [str(number), f"{clock(cue.t_start)} --> {clock(cue.t_end)}", *text, ""]
    return "\n".join(lines)


def timeline_dict(track: Track) -> dict[str, object]:
    """The timeline as plain data for JSON, times in seconds rounded to milliseconds."""
    cues = []
    for cue in track.timeline.cues:
        item = cue.to_dict()
        item["t_start"] = round(cue.t_start, 3)
        item["t_end"] = round(cue.t_end, 3)
        cues.append(item)
    return {
        "title": track.title,
        "lang": track.lang,
        "url": track.page.url if track.page else "",
        "duration": round(track.duration, 3),
        "words_estimated": words_estimated(track),
        "cues": cues,
    }


def words_estimated(track: Track) -> bool:
    """Whether any word time of the track was estimated rather than reported by the voice."""
    return any(cue.estimated for cue in track.timeline.cues)


def _primary(lang: str) -> str:
    return lang.replace("_", "-").split("-")[0].lower()


def _escape(text: str) -> str:
    return "".join(VTT_ESCAPES.get(c, c) for c in text)


def _write(path: Path, text: str) -> None:
    if not path.parent.is_dir():
        raise AudioError(f"cannot write {path}: no such directory {path.parent}")
    try:
        write_text(path, text)
    except OSError as exc:
        raise AudioError(f"cannot write {path}: {exc.strerror or exc}") from exc
