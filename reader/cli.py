"""The `reader` command: a thin layer that parses flags, calls the pipeline, prints results."""

from __future__ import annotations

import json
import logging
import os
import shutil
import signal
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from functools import partial
from pathlib import Path
from typing import Any

import click

from reader import langtag
from reader.config import Config, load_config
from reader.errors import ReaderError, UsageError
from reader.model import Track
from reader.options import ENGINE_CHOICES, MISSING_VOICE_POLICIES, WORDS_PER_MINUTE
from reader.settings import WEB_SETTINGS, apply

EXIT_INTERRUPTED = 130
EXIT_INTERNAL = 70
# The shell's convention for a command ended by SIGTERM (128 + 15).
EXIT_TERMINATED = 143


class Terminated(KeyboardInterrupt):
    """SIGTERM, unwound like Ctrl-C so atomic writes remove their temp files."""


def _terminate(signum: int, frame: object) -> None:
    raise Terminated


def flag(name: str) -> str:
    """The flag that sets a setting, for error messages."""
    return "--voice" if name == "voices" else "--" + name.replace("_", "-")


def options_from(ctx: click.Context, flags: dict[str, Any]) -> Config:
    """Config file settings overridden by the flags given on the command line."""
    config: Config = ctx.obj
    values = dict(flags)
    if values.get("languages") is not None:
        values["languages"] = [tag for tag in values["languages"].split(",") if tag.strip()]
    # Voices given as flags add to the config file's, one language at a time.
    voices = apply(Config(), {"voices": values.pop("voices", None) or None}, flag).speech.voices
    config = apply(config, values, flag)
    if voices:
        overrides = tuple((dict(config.speech.voices) | dict(voices)).items())
        config = apply(config, {"voices": overrides}, flag)
    return config


def read_flags(func: Callable[..., Any]) -> Callable[..., Any]:
    func = click.option("--lang", help="Page language, overriding what the page declares.")(func)
    return click.option(
        "--languages", "--site-languages", help="The site's languages, e.g. sv,en,nb."
    )(func)


def speech_flags(func: Callable[..., Any]) -> Callable[..., Any]:
    for flag in reversed(
        [
            click.option(
                "--words-per-minute",
                "--rate",
                "words_per_minute",
                type=int,
                help=f"Speaking rate (default {WORDS_PER_MINUTE}).",
            ),
            click.option("--volume", type=float, help="0.0 to 1.0 (default 1.0)."),
            click.option(
                "--voice",
                "voices",
                multiple=True,
                metavar="LANG=VOICE",
                help="Voice for a language, e.g. sv=sv; repeatable.",
            ),
            click.option("--engine", type=click.Choice(ENGINE_CHOICES)),
            click.option(
                "--missing-voice",
                type=click.Choice(MISSING_VOICE_POLICIES),
                help="A language without a voice: read with the page's voice (English if it has "
                "none either) or skip.",
            ),
        ]
    ):
        func = flag(func)
    return func


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="TOML config file (default: ./reader.toml, ~/.config/reader/config.toml).",
)
@click.version_option(package_name="reader")
@click.pass_context
def cli(ctx: click.Context, config_path: Path | None) -> None:
    """Read web pages aloud: list what is read, speak it, export it, serve a Listen button."""
    ctx.obj = load_config(config_path)


@cli.command()
@click.argument("source")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@read_flags
@click.pass_context
def blocks(
    ctx: click.Context, source: str, as_json: bool, languages: str | None, lang: str | None
) -> None:
    """Show the blocks that would be read aloud, in order, with their language."""
    from reader.pipeline import read_page

    config = options_from(ctx, {"languages": languages, "lang": lang})
    page = read_page(source, config.read)
    if as_json:
        click.echo(json.dumps(page.to_dict(), ensure_ascii=False, indent=2))
        return
    for block in page.blocks:
        kind = f"h{block.level}" if block.kind == "heading" else block.kind
        click.echo(f"{block.index:3d}  {kind:<10} {block.lang}/{block.lang_source:<9} {block.text}")


@cli.command()
@click.argument("source")
@read_flags
@speech_flags
@click.option(
    "--device",
    type=click.Choice(["default", "pulseaudio", "alsa", "jack", "null"]),
    default="default",
    help="Sound system; 'null' plays silently.",
)
@click.pass_context
def speak(ctx: click.Context, source: str, device: str, **flags: Any) -> None:
    """Read a page aloud through the speakers. Keys: space n p N P + - q."""
    from reader.audio.play import speak_page
    from reader.pipeline import read_page
    from reader.terminal import StatusLine

    config = options_from(ctx, flags)
    page = read_page(source, config.read)
    interactive = sys.stdin.isatty() and sys.stdout.isatty()
    # On a terminal the status line is redrawn in place; in a pipe or log, one line per change.
    stream = sys.stdout if sys.stdout.isatty() else sys.stderr
    lines = StatusLine(stream, in_place=stream.isatty())
    try:
        speak_page(
            page,
            config.speech,
            backend=device,
            interactive=interactive,
            show=lines.show,
            status=lines.status,
        )
    finally:
        lines.close()


@cli.command()
@click.argument("source")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, allow_dash=True, path_type=Path),
    required=True,
    help="Audio file: .mp3, .ogg, .flac or .wav (the format follows the extension); "
    "'-' writes the audio to standard output.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["mp3", "ogg", "flac", "wav"]),
    help="Audio format, whatever the extension (default for '-o -': mp3).",
)
@click.option(
    "--captions",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write WebVTT captions.",
)
@click.option(
    "--timeline",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write the timeline (JSON).",
)
@click.option(
    "--split",
    "split_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Also write one file per section and an .m3u playlist into this directory.",
)
@read_flags
@speech_flags
@click.pass_context
def export(
    ctx: click.Context,
    source: str,
    output: Path,
    fmt: str | None,
    captions: Path | None,
    timeline: Path | None,
    split_dir: Path | None,
    **flags: Any,
) -> None:
    """Write a page as an audio file with chapters, and optionally captions."""
    from reader.audio import export as exporting
    from reader.pipeline import export_page, read_page

    to_stdout = str(output) == "-"
    fmt = exporting.check_format(output, fmt or ("mp3" if to_stdout else None))
    check_outputs(
        source,
        {"-o": None if to_stdout else output, "--captions": captions, "--timeline": timeline,
         "--split": split_dir},
    )  # fmt: skip
    config = options_from(ctx, flags)
    page = read_page(source, config.read)
    with ExitStack() as stack:
        # The sections of --split are cut from a temporary copy of the audio, not from memory.
        spool = stack.enter_context(tempfile.TemporaryFile(prefix="reader-")) if split_dir else None
        with audio_target(output, fmt) as target:
            # The track keeps its timeline, not its audio: the file (and the spool) have it.
            speak = partial(export_page, page, target, config.speech, fmt=fmt, keep_audio=False)
            track = with_progress(lambda progress: speak(progress=progress, spool=spool))
        written = ["standard output" if to_stdout else str(output)]
        if captions:
            written.append(str(exporting.write_captions(track, captions)))
        if timeline:
            written.append(str(exporting.write_timeline(track, timeline)))
        if split_dir:
            files = exporting.export_split(track, split_dir, fmt, spool=spool)
            written.append(f"{len(files) - 1} section files and {files[-1]}")
    click.echo(f"reader: wrote {track.duration:.0f} s of audio to {', '.join(written)}", err=True)


def render_speaker(config: Config, cache_dir: Path | None) -> Any:
    """What `reader render` speaks with, besides its own engine: a clip cache or Redis."""
    if cache_dir is not None:
        from reader_web.prerender import CacheFiller

        return CacheFiller(directory=cache_dir, max_bytes=config.web.cache_max_bytes)
    if not config.web.redis:
        return None
    try:
        from reader_web.prerender import RedisSpeaker, reachable
    except ImportError as exc:
        raise UsageError(
            f"--redis needs the distributed extra: pip install 'reader[distributed]' ({exc})"
        ) from exc
    web = config.web
    reachable(web.redis)  # one line and exit 4 before any process starts
    return RedisSpeaker(url=web.redis, ttl=web.redis_ttl, job_timeout=web.job_timeout)


def check_outputs(source: str, outputs: dict[str, Path | None]) -> None:
    """Refuse, before any work, outputs that would overwrite the page or one another."""
    seen: dict[Path, str] = {}
    given = Path(source).resolve() if source not in ("-", "") and "://" not in source else None
    for flag, path in outputs.items():
        if path is None:
            continue
        resolved = path.resolve()
        if resolved == given:
            raise UsageError(f"{flag} {path} is the page being read: choose another path")
        if resolved in seen:
            raise UsageError(f"{seen[resolved]} and {flag} name the same path {path}")
        seen[resolved] = flag


@contextmanager
def audio_target(output: Path, fmt: str) -> Iterator[Path]:
    """The path to export to: the output itself, or for '-' a temporary file sent to stdout."""
    if str(output) != "-":
        yield output
        return
    with tempfile.TemporaryDirectory(prefix="reader-export-") as folder:
        temporary = Path(folder) / f"page.{fmt}"
        yield temporary
        with temporary.open("rb") as audio:
            shutil.copyfileobj(audio, sys.stdout.buffer)
        sys.stdout.buffer.flush()


def with_progress(work: Callable[[Callable[[int, int], None] | None], Track]) -> Track:
    """Run speech work, with a progress bar on stderr when a person is watching."""
    if not sys.stderr.isatty():
        return work(None)
    with click.progressbar(length=1, label="Speaking", file=sys.stderr) as bar:

        def progress(done: int, total: int) -> None:
            bar.length = total
            bar.update(done - bar.pos)

        return work(progress)


@cli.command()
@click.argument("source")
@click.option(
    "-o",
    "--output",
    "directory",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="Directory for the pages' .mp3 and .vtt files and the manifest.json that resumes.",
)
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(1, 256),
    help="Render processes (default: one per core).",
)
@click.option(
    "--cache-dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Also fill this web clip cache (`reader serve --cache-dir`), so the server plays "
    "the rendered pages without synthesis.",
)
@click.option(
    "--redis",
    metavar="URL",
    help="Have the sentences made by `reader worker --redis URL` processes (the clips stay in "
    "Redis for `reader serve --redis` nodes).",
)
@read_flags
@speech_flags
@click.pass_context
def render(
    ctx: click.Context,
    source: str,
    directory: Path,
    jobs: int | None,
    cache_dir: Path | None,
    redis: str | None,
    **flags: Any,
) -> None:
    """Render every page of a sitemap or URL list to MP3 with chapters and WebVTT captions.

    SOURCE is a sitemap (a URL or a file; a sitemap index too) or a file of URLs, one a line.
    A rerun renders only the pages that changed or are missing.
    """
    from reader.errors import IncompleteError
    from reader.site import read_source, render_site
    from reader.site.report import RenderDisplay, summary_lines

    if cache_dir is not None and redis is not None:
        raise UsageError("--cache-dir and --redis: clips made on Redis stay there; choose one")
    config = apply(options_from(ctx, flags), {"redis": redis}, flag, WEB_SETTINGS)
    speaker = render_speaker(config, cache_dir)
    site = read_source(source, config.read)
    display = RenderDisplay(sys.stderr, in_place=sys.stderr.isatty())
    try:
        summary = render_site(
            site,
            directory,
            config.read,
            config.speech,
            jobs=jobs or 0,
            speaker=speaker,
            on_progress=display,
        )
    except KeyboardInterrupt:
        display.close()
        click.echo(f"reader: {display.stopped()}", err=True)
        raise
    finally:
        display.close()
    for line in summary_lines(summary):
        click.echo(f"reader: {line}" if not line.startswith(" ") else line, err=True)
    if summary.failed:
        raise IncompleteError(f"{len(summary.failed)} of {summary.done} pages failed (see above)")


@cli.command()
@click.option("--lang", help="Only voices for this language, e.g. sv.")
@click.option("--engine", type=click.Choice(ENGINE_CHOICES))
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def voices(ctx: click.Context, lang: str | None, engine: str | None, as_json: bool) -> None:
    """List the voices of every engine: neural voices where installed, and eSpeak NG's."""
    from reader.speech import NEURAL_HINT, list_voices, neural_engine

    config = options_from(ctx, {"engine": engine})
    tag = langtag.parse(lang, "--lang") if lang is not None else None
    found = list_voices(config.speech, tag)
    if tag and not found:
        click.echo(f"reader: no installed voice speaks {tag}", err=True)
        return
    if as_json:
        rows = [
            {
                "id": v.id,
                "languages": list(v.languages),
                "engine": v.engine,
                "quality": v.quality,
                "sample_rate": v.sample_rate,
                "name": v.name,
            }
            for v in found
        ]
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    table = [("ID", "LANGUAGES", "ENGINE", "QUALITY", "SAMPLE RATE", "NAME")] + [
        (v.id, ",".join(v.languages), v.engine, v.quality or "-", str(v.sample_rate or "-"), v.name)
        for v in found
    ]
    widths = [max(len(row[i]) for row in table) for i in range(5)]
    for row in table:
        cells = (cell.ljust(width + 2) for cell, width in zip(row, widths, strict=False))
        click.echo("".join(cells) + row[5])
    if config.speech.engine == "auto" and neural_engine(config.speech, 1, False) is None:
        click.echo(NEURAL_HINT, err=True)


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option(
    "--workers", type=int, help="Speech synthesis processes (default 2, or [web] workers)."
)
@click.option(
    "--cache-dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Clip cache directory (default [web] cache_dir, else ~/.cache/reader/web).",
)
@click.option("--quiet", is_flag=True, help="Log no requests (by default one line each on stderr).")
@click.option(
    "--redis",
    metavar="URL",
    help="Keep plans and clips in Redis and queue synthesis to `reader worker` processes.",
)
@click.pass_context
def serve(
    ctx: click.Context,
    host: str,
    port: int,
    workers: int | None,
    cache_dir: Path | None,
    quiet: bool,
    redis: str | None,
) -> None:
    """Serve the Listen button, its API and the sample page."""
    from reader_web import serve as run_server

    values = {"workers": workers, "cache_dir": cache_dir, "redis": redis}
    config = apply(ctx.obj, values, flag, WEB_SETTINGS)
    run_server(
        host,
        port,
        config=config,
        log_requests=not quiet,
        on_listening=lambda url: click.echo(f"reader: serving on {url} (Ctrl-C stops)", err=True),
    )


@cli.command()
@click.option("--redis", metavar="URL", help="The Redis the web nodes use (or [web] redis).")
@click.option(
    "--processes",
    type=click.IntRange(1, 256),
    help="Synthesis processes, each with its engine loaded (default: one per CPU).",
)
@click.pass_context
def worker(ctx: click.Context, redis: str | None, processes: int | None) -> None:
    """Make clips for `reader serve --redis` nodes: take jobs from Redis, store clips there."""
    config = apply(ctx.obj, {"redis": redis}, flag, WEB_SETTINGS)
    if not config.web.redis:
        raise UsageError("--redis URL is required (or redis in the [web] table of the config)")
    try:
        from reader_web.redisworker import run_workers
    except ImportError as exc:
        raise UsageError(
            f"reader worker needs the distributed extra: pip install 'reader[distributed]' ({exc})"
        ) from exc
    count = processes or os.cpu_count() or 1
    click.echo(f"reader: {count} synthesis processes on Redis (Ctrl-C stops)", err=True)
    run_workers(config.web.redis, count, config.speech, config.web.redis_ttl)


def _quiet_pipe() -> None:
    """The reader of our output went away: end quietly, with nothing left to flush."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    sys.exit(0)


def main(argv: list[str] | None = None) -> None:
    """Run the CLI: one line on stderr and a distinct exit code for every failure."""
    report = logging.StreamHandler(sys.stderr)
    report.setFormatter(logging.Formatter("reader: %(message)s"))
    logging.getLogger("reader").addHandler(report)
    signal.signal(signal.SIGTERM, _terminate)
    try:
        code = cli.main(args=argv, prog_name="reader", standalone_mode=False)
    except click.exceptions.NoArgsIsHelpError as exc:
        click.echo(exc.ctx.get_help() if exc.ctx else str(exc), err=True)
        sys.exit(UsageError.exit_code)
    except click.UsageError as exc:
        click.echo(f"reader: {exc.format_message()}", err=True)
        sys.exit(UsageError.exit_code)
    except ReaderError as exc:
        click.echo(f"reader: {exc}", err=True)
        sys.exit(exc.exit_code)
    except (KeyboardInterrupt, click.Abort) as exc:
        # click turns a KeyboardInterrupt (and so SIGTERM) into Abort; the cause tells them apart.
        if isinstance(exc, Terminated) or isinstance(exc.__cause__, Terminated):
            click.echo("reader: terminated", err=True)
            sys.exit(EXIT_TERMINATED)
        click.echo("reader: interrupted", err=True)
        sys.exit(EXIT_INTERRUPTED)
    except BrokenPipeError:
        _quiet_pipe()
    except SystemExit:
        # click ends a closed pipe with exit 1 after wrapping stdout in its (private, renamed
        # across versions) PacifyFlushWrapper; output cut short by `head` is not a failure.
        if type(sys.stdout).__name__.endswith("PacifyFlushWrapper"):
            _quiet_pipe()
        raise
    except Exception as exc:  # noqa: BLE001 - the one place that turns any failure into a line
        if os.environ.get("READER_DEBUG"):
            raise
        click.echo(f"reader: internal error: {type(exc).__name__}: {exc}", err=True)
        sys.exit(EXIT_INTERNAL)
    sys.exit(code if isinstance(code, int) else 0)
