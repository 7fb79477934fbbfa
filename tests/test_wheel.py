"""The wheel a user installs: it holds every module and data file the code reads, no stray
top-level package, and once installed (in a throwaway venv, the dependencies borrowed from
this environment) it serves the sample page and reads a sample, far from this checkout."""

from __future__ import annotations

import http.client
import os
import shutil
import socket
import subprocess
import sys
import sysconfig
import time
import venv
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from support import ROOT

# What a wheel is built from (pyproject.toml names the rest).
SOURCES = ("pyproject.toml", "README.md", "reader", "web", "samples")
SAMPLE = "ostersund-international-cooperation.html"
SERVE_TIMEOUT = 90.0
# Where the installed packages load from, and the fewest entries of the shipped lexicons.
WHERE_FROM = """
import reader, reader_web
from reader.text.lexicon import load_lexicon
print(reader.__file__)
print(reader_web.__file__)
print(min(len(load_lexicon(lang).exact | load_lexicon(lang).folded) for lang in ("en", "sv")))
"""


@dataclass(frozen=True, slots=True, kw_only=True)
class Installed:
    """The built wheel's file names, and the throwaway venv it is installed in."""

    names: frozenset[str]
    python: Path
    bin: Path
    site: Path
    env: dict[str, str]


def source_files(folder: Path, pattern: str) -> set[str]:
    """Files below `folder` matching `pattern`, bytecode caches left out."""
    found = (p for p in folder.glob(pattern) if p.is_file() and "__pycache__" not in p.parts)
    return {str(p.relative_to(folder)) for p in found}


def build_wheel(tmp: Path) -> Path:
    """`pip wheel --no-deps` of a clean copy of the sources (a stale build/ cannot leak in)."""
    tree = tmp / "src"
    for name in SOURCES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, tree / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            tree.mkdir(exist_ok=True)
            shutil.copy2(source, tree / name)
    # No build isolation: it would fetch setuptools at test time. `pip install -e '.[dev]'`
    # brings a setuptools that builds wheels by itself.
    done = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
         "--no-index", "-q", "-w", str(tmp / "dist"), str(tree)],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, f"pip install -e '.[dev]' first?\n{done.stderr[-2000:]}"
    (wheel,) = (tmp / "dist").glob("reader-*.whl")
    return wheel


def make_venv(folder: Path) -> tuple[Path, Path]:
    """A venv that sees this environment's packages; its python and site-packages."""
    venv.create(folder, system_site_packages=True, with_pip=False)
    python = folder / "bin" / "python"
    site = Path(
        subprocess.run(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
            capture_output=True, text=True, check=True,
        ).stdout.strip()
    )  # fmt: skip
    if sys.prefix != sys.base_prefix:
        # Run from a venv, `--system-site-packages` reaches the base interpreter's packages,
        # not this venv's: add them after the new venv's own, as the system ones would be.
        ours = sorted({sysconfig.get_path("purelib"), sysconfig.get_path("platlib")})
        lines = [f"import site; site.addsitedir({path!r})" for path in ours]
        (site / "zz-outer-env.pth").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return python, site


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    tmp = tmp_path_factory.mktemp("wheel")
    wheel = build_wheel(tmp)
    names = frozenset(zipfile.ZipFile(wheel).namelist())
    python, site = make_venv(tmp / "venv")
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps",
         "--no-index", "-q", str(wheel)],
        check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    home = tmp / "home"
    home.mkdir()
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env.update(HOME=str(home), XDG_CACHE_HOME=str(home / "cache"), XDG_CONFIG_HOME=str(home))
    return Installed(names=names, python=python, bin=python.parent, site=site, env=env)


def test_the_wheel_holds_every_module_and_data_file(installed: Installed) -> None:
    names = installed.names
    tops = {name.split("/")[0] for name in names}
    assert tops == {"reader", "reader_web", "reader-0.1.0.dist-info"}  # no top-level `web`
    web = ROOT / "web" / "reader_web"
    # Every file of the two packages (modules, lexicons, language codes, the widget, the
    # templates) and the sample pages.
    expected = (
        {f"reader/{n}" for n in source_files(ROOT / "reader", "**/*")}
        | {f"reader_web/{n}" for n in source_files(web, "**/*")}
        | {f"reader_web/samples/{n}" for n in source_files(ROOT / "samples", "*.html")}
    )
    assert {n for n in names if not n.startswith("reader-0.1.0.dist-info/")} == expected
    assert {"reader/text/lexicons/sv.tsv", "reader_web/templates/pages/read.html"} <= names
    assert "reader_web/static/widget.css" in names
    assert f"reader_web/samples/{SAMPLE}" in names and "reader_web/static/widget.js" in names


def test_the_installed_packages_are_the_wheels(installed: Installed) -> None:
    out = subprocess.run(
        [str(installed.python), "-c", WHERE_FROM],
        cwd=installed.site.parent, env=installed.env, capture_output=True, text=True, check=True,
    ).stdout.split()  # fmt: skip
    assert out[0] == str(installed.site / "reader" / "__init__.py")
    assert out[1] == str(installed.site / "reader_web" / "__init__.py")
    assert int(out[2]) >= 1  # the shipped English and Swedish lexicons are there and read


def test_the_installed_command_reads_the_shipped_sample(installed: Installed) -> None:
    sample = installed.site / "reader_web" / "samples" / SAMPLE
    done = subprocess.run(
        [str(installed.bin / "reader"), "blocks", str(sample)],
        cwd=installed.site.parent, env=installed.env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].split(None, 3) == ["0", "h1", "en/detected", "International cooperation"]
    assert len(lines) > 10 and lines[-1].split(None, 2)[1] in {"paragraph", "list_item"}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def served(installed: Installed) -> Iterator[int]:
    """`reader serve` of the installed wheel on a free port, until the test ends."""
    port = free_port()
    process = subprocess.Popen(
        [str(installed.bin / "reader"), "serve", "--port", str(port), "--workers", "1"],
        cwd=installed.site.parent, env=installed.env,
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + SERVE_TIMEOUT
        while get(port, "/healthz") is None:
            assert process.poll() is None, process.communicate()[1]
            assert time.monotonic() < deadline, "reader serve did not answer"
            time.sleep(0.2)
        yield port
    finally:
        process.terminate()
        process.communicate(timeout=30)


def get(port: int, path: str) -> tuple[int, str] | None:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.read().decode("utf-8")
    except OSError:
        return None
    finally:
        connection.close()


def test_the_installed_server_serves_the_sample_page_with_the_widget(served: int) -> None:
    page, widget, reader = get(served, "/"), get(served, "/widget.js"), get(served, "/read")
    assert page is not None and page[0] == 200
    assert "International cooperation" in page[1] and "data-reader-widget" in page[1]
    assert 'data-reader-area="#content" src="/widget.js" type="module"' in page[1]
    assert widget is not None and widget[0] == 200 and "import" in widget[1]
    assert reader is not None and reader[0] == 200 and 'name="url"' in reader[1]
