"""Sections and chapters of a track (one per heading), and the tags that carry them in files."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import mutagen
from mutagen.id3 import CHAP, CTOC, ID3, TALB, TIT2, TLAN, TPE1, TRCK, TXXX, WXXX, CTOCFlags

from reader.langtag import primary
from reader.model import Track

# A chapter or section starts this long before its heading is heard (within the pause before
# it), so a player that jumps to it lands in silence rather than mid-syllable.
LEAD_IN = 0.25
# Title of the stretch before the first heading when the page has no title.
INTRO_TITLE = "Introduction"
# ID3 v2.3: the version most car stereos, phones and Windows read, and it has CHAP/CTOC.
ID3_VERSION = 3
# ID3's TLAN wants ISO 639-2 codes; these are the languages the reader speaks.
ISO639_2 = {
    "sv": "swe", "en": "eng", "nb": "nob", "nn": "nno", "no": "nor", "fi": "fin", "de": "deu",
    "ar": "ara", "so": "som", "fa": "fas", "da": "dan", "fr": "fra", "es": "spa",
}  # fmt: skip


@dataclass(frozen=True, slots=True, kw_only=True)
class Section:
    """A stretch of the track: from a heading (or the start) to the next heading."""

    title: str
    t_start: float
    t_end: float
    heading: bool


@dataclass(frozen=True, slots=True, kw_only=True)
class Meta:
    """What a file says about itself: title, language, site, source and chapters."""

    title: str
    lang: str
    site: str
    album: str
    url: str
    number: str = ""  # "3/7" for a file of a split export
    chapters: tuple[Section, ...] = ()


def sections(track: Track) -> tuple[Section, ...]:
    """Split the track at each heading; text before the first heading is its own section."""
    headings = {b.index for b in track.page.blocks if b.kind == "heading"} if track.page else set()
    starts: list[tuple[str, float, bool]] = []
    previous_end = 0.0
    for cue in track.timeline.of_kind("block"):
        if cue.block in headings:
            starts.append((cue.text, max(previous_end, cue.t_start - LEAD_IN), True))
        elif not starts:
            starts.append((track.title or INTRO_TITLE, 0.0, False))
        previous_end = cue.t_end
    if not starts:
        starts.append((track.title or INTRO_TITLE, 0.0, False))
    starts[0] = (starts[0][0], 0.0, starts[0][2])
    ends = [t for _, t, _ in starts[1:]] + [track.duration]
    return tuple(
        Section(title=title, t_start=t, t_end=end, heading=heading)
        for (title, t, heading), end in zip(starts, ends, strict=True)
    )


def chapters(track: Track) -> tuple[Section, ...]:
    """One chapter per heading, covering the whole track: the first one starts at 0."""
    found = [s for s in sections(track) if s.heading]
    if found and found[0].t_start > 0:
        first = found[0]
        found[0] = Section(title=first.title, t_start=0.0, t_end=first.t_end, heading=True)
    return tuple(found)


def meta_for(track: Track, *, number: str = "", album: str = "") -> Meta:
    """The tags of a whole-page file."""
    url = track.page.url if track.page else ""
    # A page read from a file would put a local path (the user's folders) into a file that
    # may be shared: only a web address is a source worth naming.
    if urlsplit(url).scheme not in ("http", "https"):
        url = ""
    site = site_name(url)
    return Meta(
        title=track.title,
        lang=track.lang,
        site=site,
        album=album or site,
        url=url,
        number=number,
        chapters=chapters(track),
    )


def site_name(url: str) -> str:
    """The host a page came from, as a listener would name the site."""
    host = urlsplit(url).hostname or ""
    return host.removeprefix("www.")


def tag_mp3(path: Path, meta: Meta) -> None:
    """Write ID3 title, language, site, source URL and CHAP/CTOC chapters."""
    tags = ID3()
    if meta.title:
        tags.add(TIT2(encoding=3, text=meta.title))
    if meta.lang:
        tags.add(TLAN(encoding=3, text=_iso639_2(meta.lang)))
    if meta.site:
        tags.add(TPE1(encoding=3, text=meta.site))
    if meta.album:
        tags.add(TALB(encoding=3, text=meta.album))
    if meta.number:
        tags.add(TRCK(encoding=3, text=meta.number))
    if meta.url:
        tags.add(TXXX(encoding=3, desc="source", text=meta.url))
        tags.add(WXXX(encoding=0, desc="source", url=meta.url))
    ids = [f"chp{i}" for i in range(1, len(meta.chapters) + 1)]
    for element_id, chapter in zip(ids, meta.chapters, strict=True):
        tags.add(
            CHAP(
                element_id=element_id,
                start_time=int(round(chapter.t_start * 1000)),
                end_time=int(round(chapter.t_end * 1000)),
                sub_frames=[TIT2(encoding=3, text=chapter.title)],
            )
        )
    if ids:
        tags.add(
            CTOC(
                element_id="toc",
                flags=CTOCFlags.TOP_LEVEL | CTOCFlags.ORDERED,
                child_element_ids=ids,
                sub_frames=[TIT2(encoding=3, text=meta.title or INTRO_TITLE)],
            )
        )
    tags.save(path, v2_version=ID3_VERSION)


def tag_vorbis(path: Path, meta: Meta) -> None:
    """Write Vorbis comments, with chapters as CHAPTERnnn / CHAPTERnnnNAME."""
    audio = mutagen.File(path)
    if audio is None:
        raise mutagen.MutagenError(f"not an OGG or FLAC file: {path.name}")
    if audio.tags is None:
        audio.add_tags()
    fields = {"TITLE": meta.title, "LANGUAGE": meta.lang, "ARTIST": meta.site}
    fields |= {"ALBUM": meta.album, "TRACKNUMBER": meta.number, "SOURCE": meta.url}
    for number, chapter in enumerate(meta.chapters, 1):
        fields[f"CHAPTER{number:03d}"] = clock(chapter.t_start)
        fields[f"CHAPTER{number:03d}NAME"] = chapter.title
    for key, value in fields.items():
        if value:
            audio.tags[key] = [value]
    audio.save()


def clock(seconds: float) -> str:
    """HH:MM:SS.mmm, as Vorbis chapters and WebVTT write time."""
    millis = int(round(max(seconds, 0.0) * 1000))
    hours, rest = divmod(millis, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    return f"{hours:02d}:{minutes:02d}:{rest // 1000:02d}.{rest % 1000:03d}"


def _iso639_2(lang: str) -> str:
    code = primary(lang)
    return ISO639_2.get(code, code)
