"""The `reader` command as a user runs it: the installed script in a subprocess."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import mutagen
import pytest
from support import OSTERSUND, SAMPLES


def reader(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "reader", *args],
        input=stdin.decode() if stdin else None,
        capture_output=True,
        text=True,
        timeout=300,
    )


def assert_one_line_error(result: subprocess.CompletedProcess[str], code: int, text: str) -> None:
    assert result.returncode == code, result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and text in lines[0], result.stderr


def test_blocks_lists_the_article_in_order_with_languages() -> None:
    result = reader("blocks", str(OSTERSUND))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert "International cooperation" in lines[0] and "h1" in lines[0] and " en/" in lines[0]
    sv_line = next(line for line in lines if "Sundsvall, Östersund och Trondheim" in line)
    assert " sv/" in sv_line
    assert lines[-1].endswith("co-operate through discussing common interests.")
    assert not any("Du är här" in line or "Lyssna" in line for line in lines)


def test_blocks_json_has_the_documented_fields() -> None:
    result = reader("blocks", "--json", "--languages", "sv,en", str(OSTERSUND))
    data = json.loads(result.stdout)
    assert set(data) == {"url", "title", "lang", "blocks"}
    assert data["lang"] == "en" and data["url"].startswith("file://")
    first = data["blocks"][0]
    assert {"index", "kind", "text", "lang", "lang_source", "confidence", "locator"} <= set(first)
    assert [b["index"] for b in data["blocks"]] == list(range(len(data["blocks"])))


def test_blocks_json_has_the_inline_language_spans() -> None:
    result = reader("blocks", "--json", str(SAMPLES / "inline-lang-norwegian.html"))
    block = json.loads(result.stdout)["blocks"][1]
    assert block["lang"] == "en"
    assert [(s["lang"], s["text"]) for s in block["spans"]] == [
        ("sv", "Gränslöst samarbete"),
        ("no", "Grenseløst samarbeid"),
    ]
    assert all(block["text"][s["start"] : s["end"]] == s["text"] for s in block["spans"])


def test_blocks_reads_stdin() -> None:
    html = b"<html lang='sv'><body><main><p>Hej och v\xc3\xa4lkommen till kommunen.</p></main>"
    result = reader("blocks", "-", stdin=html)
    assert result.returncode == 0, result.stderr
    assert "Hej och välkommen till kommunen." in result.stdout and " sv/" in result.stdout


def test_nothing_readable_exits_3() -> None:
    result = reader("blocks", str(SAMPLES / "nothing-readable.html"))
    assert_one_line_error(result, 3, "no readable")


def test_missing_source_exits_2() -> None:
    assert_one_line_error(reader("blocks", "no/such/page.html"), 2, "no/such/page.html")


def test_unfetchable_url_exits_2() -> None:
    assert_one_line_error(reader("blocks", "http://127.0.0.1:9/"), 2, "127.0.0.1")


def test_usage_errors_exit_1() -> None:
    assert_one_line_error(reader("blocks"), 1, "SOURCE")
    assert_one_line_error(reader("blocks", "--nope", str(OSTERSUND)), 1, "--nope")
    assert_one_line_error(
        reader("speak", "--rate", "5", str(OSTERSUND)), 1, "words per minute from 80 to 450"
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("blocks", "--languages", "xx,yy"), "--languages: unknown language code 'xx'"),
        (("blocks", "--lang", "<script>"), "--lang: expected a language code"),
        (("speak", "--voice", "sv"), "--voice: expected voices as LANG=VOICE"),
        (("export", "-o", "page.mp3", "--voice", "xx=sv"), "--voice: unknown language code"),
        (("speak", "--volume", "3"), "--volume: expected a number from 0 to 1, not 3.0"),
    ],
)
def test_bad_flags_are_named_in_one_line(args: tuple[str, ...], message: str) -> None:
    assert_one_line_error(reader(*args, str(OSTERSUND)), 1, message)


def test_voices_refuses_an_unknown_language_and_says_when_none_speaks_one() -> None:
    assert_one_line_error(reader("voices", "--lang", "xx"), 1, "--lang: unknown language code")
    result = reader("voices", "--lang", "fit")  # Meänkieli: a language, but no voice for it
    assert result.returncode == 0 and result.stdout == ""
    assert result.stderr.strip() == "reader: no installed voice speaks fit"
    swedish = reader("voices", "--lang", "SV_se")
    assert swedish.returncode == 0
    assert any(line.startswith("gmq/sv ") for line in swedish.stdout.splitlines())


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ('rate = "fast"\n', "rate: expected a whole number of words per minute"),
        ('languages = "sv"\n', "languages: expected a list of language codes"),
        ('[web]\nallowed_host = ["www.ostersund.se"]\n', "[web] allowed_host: unknown setting"),
    ],
)
def test_a_bad_config_file_is_one_line_naming_file_and_key(
    tmp_path: Path, toml: str, message: str
) -> None:
    config = tmp_path / "reader.toml"
    config.write_text(toml, encoding="utf-8")
    result = reader("--config", str(config), "blocks", str(OSTERSUND))
    assert_one_line_error(result, 1, f"reader: config file {config}: {message}")


def test_export_refuses_an_unknown_format_before_any_work(tmp_path: Path) -> None:
    out = tmp_path / "page.xyz"
    assert_one_line_error(reader("export", str(OSTERSUND), "-o", str(out)), 1, ".mp3")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        (["-o", "x.mp3", "--split", "x.mp3"], "-o and --split name the same path"),
        (["-o", "x.mp3", "--captions", "./x.mp3"], "-o and --captions name the same path"),
        (
            ["-o", "x.wav", "--timeline", "t.json", "--captions", "t.json"],
            "--captions and --timeline",
        ),
    ],
)
def test_export_refuses_clashing_outputs_before_any_work(
    tmp_path: Path, flags: list[str], message: str
) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "reader", "export", str(OSTERSUND), *flags],
        capture_output=True, text=True, timeout=60, cwd=tmp_path,
    )  # fmt: skip
    assert_one_line_error(result, 1, message)
    assert list(tmp_path.iterdir()) == []


def test_export_to_standard_output_and_one_line_naming_every_file(tmp_path: Path) -> None:
    page = str(SAMPLES / "en-marked-sv.html")
    streamed = subprocess.run(
        [sys.executable, "-m", "reader", "export", page, "-o", "-", "--format", "ogg"],
        capture_output=True, timeout=300, cwd=tmp_path,
    )  # fmt: skip
    assert streamed.returncode == 0, streamed.stderr
    (tmp_path / "piped.ogg").write_bytes(streamed.stdout)
    assert mutagen.File(tmp_path / "piped.ogg").info.length > 30
    assert streamed.stderr.decode().strip().endswith("s of audio to standard output")
    assert list(tmp_path.iterdir()) == [tmp_path / "piped.ogg"]

    out, vtt, sections = tmp_path / "page.mp3", tmp_path / "page.vtt", tmp_path / "sections"
    result = reader(
        "export", page, "-o", str(out), "--captions", str(vtt), "--split", str(sections)
    )
    assert result.returncode == 0, result.stderr
    (line,) = result.stderr.strip().splitlines()
    playlist = next(sections.glob("*.m3u"))
    sections_written = len(list(sections.glob("*.mp3")))
    assert line.startswith("reader: wrote ") and f"{out}, {vtt}, " in line
    assert line.endswith(f"{sections_written} section files and {playlist}")
    assert result.stdout == ""


def test_speak_without_a_sound_system_says_so_and_suggests_export() -> None:
    result = reader("speak", "--device", "jack", str(OSTERSUND))
    assert_one_line_error(result, 4, "reader export")


def test_speak_reads_every_block_to_a_null_device() -> None:
    html = (
        "<html lang='en'><body><main><h1>Opening hours</h1><p>The library opens at nine.</p>"
        "<p lang='sv'>Välkommen till biblioteket.</p></main></body></html>"
    )
    result = reader("speak", "--device", "null", "-", stdin=html.encode())
    assert result.returncode == 0, result.stderr
    shown = (result.stdout + result.stderr).splitlines()
    assert [line for line in shown if line.startswith("[")] == [
        "[en] Opening hours",
        "[en] The library opens at nine.",
        "[sv] Välkommen till biblioteket.",
    ]
    # Not on a terminal: the status line is one plain line per change, no control characters.
    status = [line for line in shown if line.startswith("block ")]
    assert status == [
        "block 1/3 · sentence 1/1 · 175 wpm · playing",
        "block 2/3 · sentence 1/1 · 175 wpm · playing",
        "block 3/3 · sentence 1/1 · 175 wpm · playing",
        "block 3/3 · sentence 1/1 · 175 wpm · finished",
    ]
    assert not any(ch in result.stderr for ch in "\r\x1b")


@pytest.mark.parametrize("command", ["blocks", "export", "speak", "voices", "serve", "render"])
def test_every_command_has_help(command: str) -> None:
    result = reader(command, "--help")
    assert result.returncode == 0 and "Usage:" in result.stdout


def test_a_pipe_closed_early_ends_quietly(tmp_path: Path) -> None:
    # `reader blocks page | head -1`: far more output than the pipe holds, read one line.
    paragraphs = "".join(
        f"<p>Paragraph {i} of a long page about the town.</p>" for i in range(6000)
    )
    page = tmp_path / "long.html"
    page.write_text(f"<html lang='en'><body><main>{paragraphs}</main></body></html>", "utf-8")
    for _ in range(3):
        process = subprocess.Popen(
            [sys.executable, "-m", "reader", "blocks", str(page)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        )  # fmt: skip
        assert process.stdout is not None and process.stderr is not None
        assert process.stdout.readline().split()[0] == b"0"
        process.stdout.close()
        error = process.stderr.read()
        process.stderr.close()
        assert process.wait(timeout=60) == 0 and error == b""


def test_a_png_named_html_exits_2(tmp_path: Path) -> None:
    page = tmp_path / "logo.html"
    page.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01" + bytes(200))
    for command in ("blocks", "export"):
        args = [command, str(page)] + (
            ["-o", str(tmp_path / "x.mp3")] if command == "export" else []
        )
        assert_one_line_error(reader(*args), 2, "not an HTML page")
    assert not (tmp_path / "x.mp3").exists()


ANGULAR = """<!DOCTYPE html><html lang="nb" ng-app="nrco">
<head><title>{{ nrco.title }}</title></head>
<body><main ng-controller="contentDetailController as nrco.contentDetailController">
<h1>{{nrco.contentDetailController.content.title}}</h1>
<p>{{nrco.contentDetailController.content.status === "published" ? "Publisert " +
(nrco.contentDetailController.content.published | date:'dd.MM.yyyy') : "Utkast"}}</p>
<div ng-bind-html="nrco.contentDetailController.content.body">
{{ nrco.contentDetailController.content.body }}</div>
</main></body></html>"""


def test_a_page_of_unrendered_templates_exits_3(tmp_path: Path) -> None:
    page = tmp_path / "angular.html"
    page.write_text(ANGULAR, encoding="utf-8")
    assert_one_line_error(reader("blocks", str(page)), 3, "no readable text")
    result = reader("export", str(page), "-o", str(tmp_path / "page.mp3"))
    assert_one_line_error(result, 3, "no readable text")
    assert not (tmp_path / "page.mp3").exists()


def test_blocks_of_a_news_page_leave_out_embeds_dates_and_empty_headings() -> None:
    result = reader("blocks", str(SAMPLES / "de-news-article.html"))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 11
    assert lines[0].endswith("Verbraucherschutz Mehr Transparenz bei Stromtarifen")
    assert "zwischen Madrid und Köln" in result.stdout
    for leak in ("Instagram", "post shared", "@vzbv", "Veröffentlicht", "Kommentare"):
        assert leak not in result.stdout
