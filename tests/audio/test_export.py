"""Export: audio files read back, tags and chapters, split + playlist, atomic writes."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import mutagen
import numpy as np
import pytest
import soundfile
from mutagen.id3 import ID3, CTOCFlags
from mutagen.mp3 import MP3
from support import OSTERSUND

from reader.audio import encode
from reader.audio.assemble import assemble
from reader.audio.export import export, export_split, export_stream
from reader.errors import AudioError, NoContentError, SpeechError, UsageError
from reader.model import Block, Clip, Page, Track, Utterance, WordMark
from reader.options import SpeechOptions

RATE = 22050


def block(index: int, kind: str, text: str, lang: str) -> Block:
    return Block(index=index, kind=kind, text=text, locator=f"#b{index}", lang=lang)


BLOCKS = (
    block(0, "paragraph", "Du är här: start.", "sv"),
    block(1, "heading", "International cooperation", "en"),
    block(2, "paragraph", "We work with towns. And schools.", "en"),
    block(3, "heading", "Sundsvall, Östersund och Trondheim", "sv"),
    block(4, "paragraph", "Tre städer.", "sv"),
)
PAGE = Page(url="https://www.ostersund.se/int", title="International cooperation", lang="en",
            blocks=BLOCKS)  # fmt: skip
HEADINGS = [b.text for b in BLOCKS if b.kind == "heading"]


def tone_clip(seconds: float) -> Clip:
    t = np.arange(int(seconds * RATE)) / RATE
    sound = (9000 * np.sin(2 * np.pi * 180 * t)).astype(np.int16)
    pcm = np.concatenate([sound, np.zeros(int(0.3 * RATE), np.int16)]).astype("<i2").tobytes()
    return Clip(pcm=pcm, sample_rate=RATE, words=(WordMark(start=0, end=1, t_start=0, t_end=0.1),))


def sentences(block: Block) -> list[Utterance]:
    out, start = [], 0
    for n, piece in enumerate(block.text.split(". ")):
        end = start + len(piece) + (0 if piece.endswith(".") else 1)
        out.append(Utterance(block=block.index, sentence=n, part=0, text=block.text[start:end],
                             start=start, end=end, lang=block.lang))  # fmt: skip
        start = end + 1
    return out


def make_pairs(seconds: float = 0.8) -> list[tuple[Utterance, Clip]]:
    return [(u, tone_clip(seconds)) for b in BLOCKS for u in sentences(b)]


def make_track(seconds: float = 0.8) -> Track:
    return assemble(PAGE, make_pairs(seconds), SpeechOptions())


@pytest.fixture
def track() -> Track:
    return make_track()


def decoded(path: Path) -> tuple[np.ndarray, int]:
    data, sample_rate = soundfile.read(str(path), dtype="int16")
    return data, sample_rate


@pytest.mark.parametrize("ext", ["wav", "mp3", "ogg", "flac"])
def test_every_format_reads_back_with_its_rate_and_length(
    track: Track, tmp_path: Path, ext: str
) -> None:
    path = export(track, tmp_path / f"page.{ext}")
    data, sample_rate = decoded(path)
    assert sample_rate == track.sample_rate == RATE
    assert len(data) / sample_rate == pytest.approx(track.timeline.duration, rel=0.1)
    assert np.abs(data.astype(np.int32)).max() < 32767
    if ext in ("wav", "flac"):  # lossless: the very samples
        assert data.tobytes() == track.pcm
    assert not list(tmp_path.glob(".*tmp*"))


def test_mp3_length_and_rate_as_a_player_sees_them(track: Track, tmp_path: Path) -> None:
    info = MP3(export(track, tmp_path / "page.mp3")).info
    assert info.sample_rate == RATE and info.channels == 1
    assert info.length == pytest.approx(track.duration, rel=0.1)
    assert 40_000 <= info.bitrate <= 96_000


def test_mp3_has_title_language_site_and_a_chapter_per_heading(
    track: Track, tmp_path: Path
) -> None:
    tags = ID3(export(track, tmp_path / "page.mp3"))
    assert str(tags["TIT2"]) == "International cooperation"
    assert str(tags["TLAN"]) == "eng"
    assert str(tags["TPE1"]) == "ostersund.se"
    assert str(tags["TXXX:source"]) == "https://www.ostersund.se/int"
    chapters = sorted(tags.getall("CHAP"), key=lambda c: c.start_time)
    assert [str(c.sub_frames["TIT2"]) for c in chapters] == HEADINGS
    assert chapters[0].start_time == 0  # the text before the first heading is in chapter 1
    heading_cues = [c for c in track.timeline.of_kind("block") if c.text in HEADINGS]
    assert chapters[1].start_time == pytest.approx(heading_cues[1].t_start * 1000, abs=300)
    assert chapters[1].start_time <= heading_cues[1].t_start * 1000
    assert chapters[0].end_time == chapters[1].start_time
    assert chapters[-1].end_time == round(track.duration * 1000)
    (toc,) = tags.getall("CTOC")
    assert toc.flags & CTOCFlags.TOP_LEVEL and toc.flags & CTOCFlags.ORDERED
    assert toc.child_element_ids == [c.element_id for c in chapters]


@pytest.mark.parametrize("ext", ["ogg", "flac"])
def test_vorbis_comments_carry_title_language_and_chapters(
    track: Track, tmp_path: Path, ext: str
) -> None:
    tags = mutagen.File(export(track, tmp_path / f"page.{ext}")).tags
    assert tags["TITLE"] == ["International cooperation"] and tags["LANGUAGE"] == ["en"]
    assert tags["CHAPTER001"] == ["00:00:00.000"]
    assert tags["CHAPTER001NAME"] == [HEADINGS[0]]
    assert tags["CHAPTER002NAME"] == [HEADINGS[1]]
    assert tags["CHAPTER002"][0] > "00:00:01.000"
    assert "CHAPTER003" not in tags


def test_long_ogg_is_written_in_chunks(tmp_path: Path) -> None:
    minutes = 3
    long = Track(pcm=make_track(seconds=minutes * 60 / 6).pcm, sample_rate=RATE)
    data, sample_rate = decoded(export(long, tmp_path / "long.ogg"))
    assert len(data) / sample_rate == pytest.approx(long.duration, abs=0.1)
    assert long.duration > minutes * 60


def test_unknown_extension_names_the_supported_ones(track: Track, tmp_path: Path) -> None:
    with pytest.raises(UsageError, match=r"\.mp3.*\.ogg"):
        export(track, tmp_path / "page.aac")
    assert export(track, tmp_path / "page.bin", fmt="wav").read_bytes()[:4] == b"RIFF"


def test_missing_directory_is_a_one_line_audio_error(track: Track, tmp_path: Path) -> None:
    with pytest.raises(AudioError, match="no such directory"):
        export(track, tmp_path / "nowhere" / "page.mp3")


@pytest.mark.parametrize("ext", ["wav", "mp3"])
def test_an_empty_track_is_no_content(tmp_path: Path, ext: str) -> None:
    empty = assemble(PAGE, [], SpeechOptions())
    with pytest.raises(NoContentError):
        export(empty, tmp_path / f"page.{ext}")
    with pytest.raises(NoContentError):
        export_stream(PAGE, iter([]), SpeechOptions(), tmp_path / f"page.{ext}")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("error", [RuntimeError("encoder broke"), KeyboardInterrupt()])
def test_a_failed_write_leaves_nothing_and_keeps_the_old_file(
    track: Track, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, error: BaseException
) -> None:
    class HalfThenFail:
        def __init__(self, path: Path, sample_rate: int) -> None:
            self.path = path

        def write(self, pcm: bytes) -> None:
            self.path.write_bytes(pcm[:1000])
            raise error

        def close(self) -> None:
            pass

    monkeypatch.setitem(encode.WRITERS, "mp3", HalfThenFail)
    old = tmp_path / "old.mp3"
    old.write_bytes(b"previous export")
    for target in (tmp_path / "new.mp3", old):
        with pytest.raises(AudioError if isinstance(error, Exception) else KeyboardInterrupt):
            export(track, target)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["old.mp3"]
    assert old.read_bytes() == b"previous export"


def test_a_failed_tag_write_leaves_nothing(
    track: Track, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(path: Path, meta: object) -> None:
        raise mutagen.MutagenError("bad frame")

    monkeypatch.setattr("reader.audio.export.tag_vorbis", broken)
    with pytest.raises(AudioError, match="bad frame"):
        export(track, tmp_path / "page.flac")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("ext", ["wav", "mp3", "flac", "ogg"])
def test_streamed_export_is_the_same_file_as_export(tmp_path: Path, ext: str) -> None:
    pairs = make_pairs()
    track = export_stream(PAGE, iter(pairs), SpeechOptions(), tmp_path / f"stream.{ext}")
    assert track == make_track()
    whole = export(track, tmp_path / f"whole.{ext}")
    if ext == "ogg":  # libsndfile gives every OGG stream a random serial number
        assert decoded(tmp_path / "stream.ogg")[0].tobytes() == decoded(whole)[0].tobytes()
        assert mutagen.File(tmp_path / "stream.ogg").tags == mutagen.File(whole).tags
    else:
        assert (tmp_path / f"stream.{ext}").read_bytes() == whole.read_bytes()


@pytest.mark.parametrize("error", [SpeechError("engine died"), KeyboardInterrupt()])
def test_streamed_export_stopped_by_synthesis_leaves_the_old_file(
    tmp_path: Path, error: BaseException
) -> None:
    def pairs() -> Iterator[tuple[Utterance, Clip]]:
        yield from make_pairs()[:3]
        raise error

    target = tmp_path / "page.mp3"
    target.write_bytes(b"previous export")
    with pytest.raises(type(error)):
        export_stream(PAGE, pairs(), SpeechOptions(), target)
    assert [p.name for p in tmp_path.iterdir()] == ["page.mp3"]
    assert target.read_bytes() == b"previous export"


def child_processes() -> list[str]:
    """Processes (zombies too) whose parent is this one, read from /proc."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue  # ended while being read
        if int(fields[1]) == os.getpid():
            found.append(f"{stat.parent.name} ({fields[0]})")
    return found


@pytest.mark.parametrize("ext", ["mp3", "ogg"])
def test_a_stopped_streamed_export_leaves_no_encoder_process(tmp_path: Path, ext: str) -> None:
    before = set(child_processes())

    def pairs() -> Iterator[tuple[Utterance, Clip]]:
        yield from make_pairs()[:3]
        # The encoder runs in a child process while the speech is being made.
        assert set(child_processes()) - before
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        export_stream(PAGE, pairs(), SpeechOptions(), tmp_path / f"page.{ext}")
    assert set(child_processes()) == before
    assert list(tmp_path.iterdir()) == []


def test_streamed_export_reports_an_encoder_failure(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    class Broken:
        def __init__(self, path: Path, sample_rate: int) -> None:
            path.write_bytes(b"half")

        def write(self, samples: np.ndarray) -> None:
            raise RuntimeError("disk on fire")

        def close(self) -> None:
            pass

    monkeypatch.setitem(encode.WRITERS, "flac", Broken)
    with pytest.raises(AudioError, match="disk on fire"):
        export_stream(PAGE, iter(make_pairs()), SpeechOptions(), tmp_path / "page.flac")
    assert list(tmp_path.iterdir()) == []


def test_split_writes_a_file_per_section_and_a_playlist(track: Track, tmp_path: Path) -> None:
    paths = export_split(track, tmp_path / "out", "mp3")
    *files, playlist = paths
    assert [p.name for p in files] == [
        "01-international-cooperation.mp3",  # the text before the first heading: page title
        "02-international-cooperation.mp3",
        "03-sundsvall-ostersund-och-trondheim.mp3",
    ]
    lines = playlist.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "#EXTM3U"
    entries = [line for line in lines if line and not line.startswith("#")]
    assert [playlist.parent / e for e in entries] == files
    titles = [line.split(",", 1)[1] for line in lines if line.startswith("#EXTINF:")]
    assert titles == ["International cooperation", *HEADINGS]
    lengths = [MP3(f).info.length for f in files]
    assert sum(lengths) == pytest.approx(track.duration, rel=0.1)
    assert [str(ID3(f)["TIT2"]) for f in files] == titles
    assert [str(ID3(f)["TRCK"]) for f in files] == ["1/3", "2/3", "3/3"]
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted(p.name for p in paths)


def test_split_from_a_streamed_export_cuts_the_same_sections(track: Track, tmp_path: Path) -> None:
    """A streamed export keeps no audio: its sections are cut from the spooled copy, and come
    out sample for sample as from a track held in memory."""
    with tempfile.TemporaryFile() as spool:
        streamed = export_stream(
            PAGE, iter(make_pairs()), SpeechOptions(), tmp_path / "page.wav", keep_audio=False,
            spool=spool,
        )  # fmt: skip
        assert streamed.pcm == b"" and streamed.timeline == track.timeline
        from_spool = export_split(streamed, tmp_path / "spooled", "wav", spool=spool)
    from_memory = export_split(track, tmp_path / "memory", "wav")
    assert [p.name for p in from_spool] == [p.name for p in from_memory]
    for a, b in zip(from_spool[:-1], from_memory[:-1], strict=True):
        assert decoded(a)[0].tobytes() == decoded(b)[0].tobytes() != b""
    assert from_spool[-1].read_text() == from_memory[-1].read_text()  # the playlist


def test_real_page_exports_with_a_chapter_per_heading(tmp_path: Path) -> None:
    """The Östersund sample through the whole pipeline and eSpeak NG, read back."""
    from reader.pipeline import read_page, render

    page = read_page(OSTERSUND)
    track = render(page, SpeechOptions())
    path = export(track, tmp_path / "ostersund.mp3")
    info = MP3(path).info
    assert info.sample_rate == track.sample_rate
    assert info.length == pytest.approx(track.timeline.duration, rel=0.1)
    data, _ = decoded(path)
    assert 1000 < np.abs(data.astype(np.int32)).max() < 32767
    headings = [b.text for b in page.blocks if b.kind == "heading"]
    chapters = sorted(ID3(path).getall("CHAP"), key=lambda c: c.start_time)
    assert [str(c.sub_frames["TIT2"]) for c in chapters] == headings
    starts = [c.start_time for c in chapters]
    assert starts == sorted(set(starts)) and starts[0] == 0


@pytest.mark.parametrize("url", ["file:///home/anna/Documents/page.html", "/home/anna/page.html"])
def test_a_local_path_never_goes_into_the_tags(tmp_path: Path, url: str) -> None:
    track = assemble(replace(PAGE, url=url), make_pairs(), SpeechOptions())
    mp3 = ID3(export(track, tmp_path / "page.mp3"))
    assert mp3.getall("TXXX:source") == [] and mp3.getall("WXXX:source") == []
    assert "anna" not in repr(mp3) and str(mp3["TIT2"]) == "International cooperation"
    ogg = mutagen.File(export(track, tmp_path / "page.ogg")).tags
    assert "SOURCE" not in ogg and not any("anna" in v for _, v in ogg.items())
