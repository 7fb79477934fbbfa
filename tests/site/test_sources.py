"""Where `reader render` finds a site's pages: sitemaps, sitemap indexes, URL lists, and the
one-line refusal of anything else."""

from __future__ import annotations

import gzip
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sitegen import XML, Site, serve_site, sitemap

from reader.errors import SourceError
from reader.options import ReadOptions
from reader.site import read_source

INDEX = """<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{}</sitemapindex>"""
LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>
<urlset><url><loc>http://example.org/&lol2;</loc></url></urlset>"""


@pytest.fixture
def site() -> Iterator[Site]:
    with serve_site() as served:
        yield served


def index(*locs: str) -> str:
    return INDEX.format("".join(f"<sitemap><loc>{loc}</loc></sitemap>" for loc in locs))


def test_a_sitemap_index_gathers_its_sitemaps_and_names_the_one_that_failed(site: Site) -> None:
    first = site.put("/a.xml", sitemap([site.url("/1.html"), site.url("/2.html")]), XML)
    packed = gzip.compress(sitemap([site.url("/3.html"), site.url("/1.html")]).encode())
    with site.lock:
        site.files["/b.xml.gz"] = ("application/gzip", packed)
    missing = site.url("/c.xml")
    top = site.put("/index.xml", index(first, site.url("/b.xml.gz"), missing), XML)

    found = read_source(top, ReadOptions())
    assert found.urls == tuple(site.url(f"/{n}.html") for n in (1, 2, 3))
    assert found.problems == ((missing, f"HTTP 404 Not Found: {missing}"),)


def test_a_list_of_urls_skips_comments_and_reports_lines_that_are_not_urls(tmp_path: Path) -> None:
    listed = tmp_path / "pages.txt"
    listed.write_text(
        "# the town's pages\nhttps://example.org/a\n\n  https://example.org/b  \n"
        "pages/c.html\nhttps://example.org/a\n",
        encoding="utf-8",
    )
    found = read_source(str(listed), ReadOptions())
    assert found.urls == ("https://example.org/a", "https://example.org/b")
    assert found.problems == (("pages/c.html", "not an http(s) URL"),)


def test_a_sitemap_with_entities_is_refused_before_they_expand(tmp_path: Path) -> None:
    bomb = tmp_path / "sitemap.xml"
    bomb.write_text(LAUGHS, encoding="utf-8")
    with pytest.raises(SourceError, match="document type"):
        read_source(str(bomb), ReadOptions())


def test_a_server_that_refuses_local_files_refuses_a_sitemap_file(tmp_path: Path) -> None:
    listed = tmp_path / "pages.txt"
    listed.write_text("https://example.org/a\n", encoding="utf-8")
    with pytest.raises(SourceError, match="local files"):
        read_source(str(listed), ReadOptions(allow_private=False))


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("missing.xml", None, "no such file"),
        ("broken.xml", "<urlset><url><loc>http://example.org/</loc></url>", "not XML"),
        ("page.xml", "<html><body><p>Hello</p></body></html>", "not a sitemap (its root element"),
        ("empty.xml", sitemap([]), "no page URLs found"),
        ("noise.bin", "\x00\x01\x02\xff", "not a sitemap or a list of URLs"),
    ],
)
def test_a_bad_source_is_one_line_and_exit_2(
    tmp_path: Path, name: str, content: str | None, message: str
) -> None:
    source = tmp_path / name
    if content is not None:
        source.write_bytes(content.encode("latin-1"))
    result = subprocess.run(
        [sys.executable, "-m", "reader", "render", str(source), "-o", str(tmp_path / "out")],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("reader: ") and message in lines[0]
    assert not (tmp_path / "out").exists()


def test_a_sitemap_url_that_is_not_found_is_one_line_and_exit_2(site: Site, tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "reader", "render", site.url("/sitemap.xml"), "-o", str(tmp_path)],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 2
    assert result.stderr.strip() == f"reader: HTTP 404 Not Found: {site.url('/sitemap.xml')}"
