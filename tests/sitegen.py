"""A small web site on loopback for `reader render`: pages made of the repository's own text,
a sitemap listing them, served by a standard-library server from a dict that tests change."""

from __future__ import annotations

import html
import http.server
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from support import ROOT, serving

XML = "application/xml"
HTML = "text/html; charset=utf-8"


@dataclass(slots=True)
class Site:
    """The files a server answers with, by path; `base` is its URL without a slash."""

    base: str = ""
    files: dict[str, tuple[str, bytes]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def put(self, path: str, body: str, content_type: str = HTML) -> str:
        with self.lock:
            self.files[path] = (content_type, body.encode("utf-8"))
        return self.base + path

    def url(self, path: str) -> str:
        return self.base + path


def repository_sentences() -> list[str]:
    """Plain sentences of README.md (markdown marks left out), in order."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    text = re.sub(r"```.*?```", " ", text, flags=re.S)
    text = re.sub(r"[`*_#>|\[\]()]", " ", text)
    sentences = re.split(r"(?<=[.!?])\s+", " ".join(text.split()))
    return [s for s in sentences if 40 <= len(s) <= 140 and re.fullmatch(r"[\w ,.;:'’-]+[.]", s)]


def page_html(number: int, sentences: list[str]) -> str:
    """A page with a heading, a paragraph, a second heading and a paragraph."""
    first, second = sentences[: len(sentences) // 2 or 1], sentences[len(sentences) // 2 :]
    return (
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        f"<title>Page {number}</title></head><body><nav><a href='/'>Home</a></nav><main>"
        f"<h1>Page {number} of the reader</h1><p>{html.escape(' '.join(first))}</p>"
        f"<h2>More of page {number}</h2><p>{html.escape(' '.join(second))}</p></main></body></html>"
    )


def sitemap(urls: list[str]) -> str:
    entries = "".join(f"<url><loc>{html.escape(u)}</loc></url>" for u in urls)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{entries}</urlset>'
    )


def add_pages(site: Site, count: int, sentences_per_page: int = 2) -> list[str]:
    """`count` pages of repository text (`/page-N.html`); returns their URLs."""
    sentences = repository_sentences()
    assert len(sentences) >= sentences_per_page, "README.md has too few plain sentences"
    urls = []
    for number in range(count):
        start = number * sentences_per_page % max(1, len(sentences) - sentences_per_page)
        chosen = sentences[start : start + sentences_per_page]
        urls.append(site.put(f"/page-{number}.html", page_html(number, chosen)))
    return urls


class _Handler(http.server.BaseHTTPRequestHandler):
    site: Site

    def do_GET(self) -> None:
        with self.site.lock:
            found = self.site.files.get(self.path.split("?")[0])
        if found is None:
            self.send_error(404)
            return
        content_type, body = found
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        return None


@contextmanager
def serve_site() -> Iterator[Site]:
    """A loopback server answering from a Site's files."""
    site = Site()
    handler = type("SiteHandler", (_Handler,), {"site": site})
    with serving(http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)) as port:
        site.base = f"http://127.0.0.1:{port}"
        yield site
