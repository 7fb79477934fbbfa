"""Loading pages from a real local HTTP server, files, stdin and HTML given directly."""

from __future__ import annotations

import gzip
import io
import ssl
import subprocess
import sys
import time
import zlib
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from support import SAMPLES, serving

from reader.errors import BlockedSourceError, SourceError
from reader.load.source import load
from reader.options import ReadOptions

OPTIONS = ReadOptions()
# A Swedish page as an older CMS writes it: en dash (0x96 in windows-1252) and å/ä/ö.
SWEDISH = (
    "<!DOCTYPE html><html lang='sv'><head>{meta}<title>Bygglov – Östersunds kommun</title>"
    "</head><body><h1>Välkommen till Östersund</h1>"
    "<p>Här är det gött att bo – året runt, säger många.</p></body></html>"
)
LATIN1_META = '<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1">'


def swedish(meta: str = "", encoding: str = "cp1252") -> bytes:
    return SWEDISH.format(meta=meta).encode(encoding)


def _redirect(n: int) -> tuple[int, dict[str, str], bytes]:
    if n == 0:
        return 200, {"Content-Type": "text/html; charset=utf-8"}, swedish(encoding="utf-8")
    return 302, {"Location": f"/redirect/{n - 1}"}, b""


HTML_UTF8 = {"Content-Type": "text/html; charset=utf-8"}
ROUTES: dict[str, tuple[int, dict[str, str], bytes]] = {
    "/latin1-header": (200, {"Content-Type": "text/html; charset=ISO-8859-1"}, swedish()),
    "/latin1-meta": (200, {"Content-Type": "text/html"}, swedish(LATIN1_META)),
    "/meta-charset": (200, {"Content-Type": "text/html"}, swedish('<meta charset="windows-1252">')),
    "/bom": (
        200,
        {"Content-Type": "text/html; charset=iso-8859-1"},
        b"\xef\xbb\xbf" + swedish(encoding="utf-8"),
    ),
    "/unknown-label": (200, {"Content-Type": "text/html; charset=x-klingon"}, swedish("", "utf-8")),
    "/no-type": (200, {}, swedish("", "utf-8")),
    "/xhtml": (200, {"Content-Type": "application/xhtml+xml"}, swedish("", "utf-8")),
    "/deflate": (
        200,
        {"Content-Encoding": "deflate", **HTML_UTF8},
        zlib.compress(swedish("", "utf-8")),
    ),
    "/language": (200, {"Content-Language": "sv-SE", **HTML_UTF8}, swedish("", "utf-8")),
    "/big": (200, {"Content-Type": "text/html"}, b"<p>" + b"x" * 5000 + b"</p>"),
    "/bomb": (
        200,
        {"Content-Type": "text/html", "Content-Encoding": "gzip"},
        gzip.compress(b"<p>" + b" " * 5_000_000 + b"</p>"),
    ),
    "/pdf": (200, {"Content-Type": "application/pdf"}, b"%PDF-1.7"),
    "/missing": (404, {"Content-Type": "text/html"}, b"<h1>Sidan finns inte</h1>"),
    **{f"/redirect/{n}": _redirect(n) for n in range(8)},
}


class Handler(BaseHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass

    def do_GET(self) -> None:
        port = self.server.server_address[1]
        if self.path == "/slow":
            time.sleep(1.5)
            status, headers, body = 200, HTML_UTF8, b"<p>late</p>"
        elif self.path == "/gzip":
            asked = "gzip" in self.headers.get("Accept-Encoding", "")
            body = gzip.compress(swedish("", "utf-8")) if asked else b"gzip not asked for"
            status, headers = (
                (200, {"Content-Encoding": "gzip", **HTML_UTF8}) if asked else (406, {})
            )
        elif self.path == "/agent":
            agent = self.headers.get("User-Agent", "")
            status, headers, body = 200, HTML_UTF8, f"<p>{agent}</p>".encode()
        elif self.path == "/to-localhost":
            status, headers, body = 302, {"Location": f"http://localhost:{port}/redirect/0"}, b""
        elif self.path == "/big-stream":
            self._stream()
            return
        else:
            status, headers, body = ROUTES.get(self.path, (404, {}, b"not found"))
        self._send(status, headers, body)

    def _send(self, status: int, headers: dict[str, str], body: bytes) -> None:
        try:
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (timeouts, size cap): expected here

    def _stream(self) -> None:
        # No Content-Length: the body runs until the connection closes (HTTP/1.0).
        try:
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            for _ in range(50):
                self.wfile.write(b"<p>" + b"y" * 1000 + b"</p>")
        except (BrokenPipeError, ConnectionResetError):
            pass


class Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    with serving(Server(("127.0.0.1", 0), Handler)) as port:
        yield f"http://127.0.0.1:{port}"


@pytest.fixture(scope="module")
def tls_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """An HTTPS server for "localhost" with a self-signed certificate; yields (URL, cert)."""
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost",
         "-keyout", str(key), "-out", str(cert)],
        check=True,
        capture_output=True,
    )  # fmt: skip
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    httpd = Server(("127.0.0.1", 0), Handler)
    httpd.socket = context.wrap_socket(httpd.socket, server_side=True)
    with serving(httpd) as port:
        yield f"https://localhost:{port}", cert


def assert_swedish(html: str) -> None:
    assert "Välkommen till Östersund" in html
    assert "gött att bo – året runt" in html
    assert "Ã" not in html and "\ufffd" not in html


@pytest.mark.parametrize(
    ("path", "charset"),
    [
        ("/latin1-header", "windows-1252"),
        ("/latin1-meta", "windows-1252"),
        ("/meta-charset", "windows-1252"),
        ("/bom", "utf-8"),
        ("/unknown-label", "utf-8"),
        ("/no-type", "utf-8"),
        ("/xhtml", "utf-8"),
        ("/gzip", "utf-8"),
        ("/deflate", "utf-8"),
    ],
)
def test_http_pages_decode_to_the_text_a_browser_shows(
    server: str, path: str, charset: str
) -> None:
    document = load(server + path, OPTIONS)
    assert_swedish(document.html)
    assert not document.html.startswith("\ufeff")
    assert document.charset == charset
    assert document.url == server + path


def test_content_language_header_is_kept(server: str) -> None:
    assert load(server + "/language", OPTIONS).content_language == "sv-SE"


def test_user_agent_names_reader(server: str) -> None:
    assert "<p>reader/" in load(server + "/agent", OPTIONS).html


def test_three_redirects_are_followed_to_the_final_url(server: str) -> None:
    document = load(server + "/redirect/3", OPTIONS)
    assert_swedish(document.html)
    assert document.url == server + "/redirect/0"


def test_five_redirects_are_allowed_six_are_not(server: str) -> None:
    assert_swedish(load(server + "/redirect/5", OPTIONS).html)
    with pytest.raises(SourceError, match="too many redirects"):
        load(server + "/redirect/6", OPTIONS)


def test_oversize_body_is_refused(server: str) -> None:
    with pytest.raises(SourceError, match="larger than 1000 bytes"):
        load(server + "/big", ReadOptions(max_bytes=1000))


def test_oversize_stream_without_length_is_cut_off(server: str) -> None:
    with pytest.raises(SourceError, match="larger than 2000 bytes"):
        load(server + "/big-stream", ReadOptions(max_bytes=2000))


def test_gzip_bomb_is_stopped_at_the_decompressed_cap(server: str) -> None:
    with pytest.raises(SourceError, match="larger than 100000 bytes once decompressed"):
        load(server + "/bomb", ReadOptions(max_bytes=100_000))


def test_non_html_content_type_is_refused_by_name(server: str) -> None:
    with pytest.raises(SourceError, match=r"not an HTML page \(application/pdf\)"):
        load(server + "/pdf", OPTIONS)


def test_http_error_names_the_status(server: str) -> None:
    with pytest.raises(SourceError, match="HTTP 404"):
        load(server + "/missing", OPTIONS)


def test_slow_server_times_out(server: str) -> None:
    started = time.monotonic()
    with pytest.raises(SourceError, match="timed out after 0.3 s"):
        load(server + "/slow", ReadOptions(timeout=0.3))
    assert time.monotonic() - started < 1.4


def test_private_address_is_refused_when_not_allowed(server: str) -> None:
    with pytest.raises(BlockedSourceError, match=r"private address \(127\.0\.0\.1\)"):
        load(server + "/latin1-header", ReadOptions(allow_private=False))
    port = server.rsplit(":", 1)[1]
    with pytest.raises(BlockedSourceError, match="localhost resolves to a private address"):
        load(f"http://localhost:{port}/latin1-header", ReadOptions(allow_private=False))


def test_allow_list_refuses_other_hosts_on_every_hop(server: str) -> None:
    with pytest.raises(BlockedSourceError, match="host not allowed: 127.0.0.1"):
        load(server + "/latin1-header", ReadOptions(allowed_hosts=("ostersund.se",)))
    allowed = ReadOptions(allowed_hosts=("127.0.0.1",))
    assert_swedish(load(server + "/latin1-header", allowed).html)
    with pytest.raises(BlockedSourceError, match="host not allowed: localhost"):
        load(server + "/to-localhost", allowed)


def test_allow_list_admits_subdomains_but_not_lookalikes() -> None:
    options = ReadOptions(allowed_hosts=("ostersund.invalid",))
    with pytest.raises(SourceError, match="cannot resolve host www.ostersund.invalid") as caught:
        load("http://www.ostersund.invalid/", options)
    assert not isinstance(caught.value, BlockedSourceError)
    with pytest.raises(BlockedSourceError, match="host not allowed: evilostersund.invalid"):
        load("http://evilostersund.invalid/", options)


def test_https_with_a_trusted_certificate(
    tls_server: tuple[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    url, cert = tls_server
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))
    document = load(url + "/redirect/2", OPTIONS)
    assert_swedish(document.html)
    assert document.url == url + "/redirect/0"


def test_https_with_an_untrusted_certificate_is_refused(tls_server: tuple[str, Path]) -> None:
    with pytest.raises(SourceError, match="TLS error from localhost"):
        load(tls_server[0] + "/latin1-header", OPTIONS)


def test_only_http_and_https_are_fetched() -> None:
    with pytest.raises(BlockedSourceError, match="only http and https"):
        load("ftp://ftp.ostersund.se/page.html", OPTIONS)


def test_file_path_as_str_and_path() -> None:
    sample = SAMPLES / "sv-latin1-bygglov.html"
    for source in (str(sample), sample):
        document = load(source, OPTIONS)
        assert "Östersunds kommun" in document.html and "Ã" not in document.html
        assert "När behöver jag bygglov?" in document.html
        assert document.charset == "windows-1252"
        assert document.url == sample.resolve().as_uri()


def test_missing_file() -> None:
    with pytest.raises(SourceError, match=r"samples/finns-inte\.html: no such file"):
        load("samples/finns-inte.html", OPTIONS)


def test_directory_is_not_a_page() -> None:
    with pytest.raises(SourceError, match="is a directory"):
        load(SAMPLES, OPTIONS)


def test_stdin(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(swedish(LATIN1_META))))
    document = load("-", OPTIONS)
    assert_swedish(document.html)
    assert document.url == ""


def test_raw_bytes_are_sniffed() -> None:
    assert_swedish(load(swedish(LATIN1_META), OPTIONS).html)
    assert_swedish(load(swedish("", "utf-8"), OPTIONS).html)
    undeclared = load(swedish(), OPTIONS)  # windows-1252 bytes, no label anywhere
    assert_swedish(undeclared.html)
    assert undeclared.charset == "windows-1252"


def test_raw_str_is_html_and_other_text_is_a_path() -> None:
    document = load("\ufeff\n  " + SWEDISH.format(meta=""), OPTIONS)
    assert_swedish(document.html)
    assert document.url == ""
    with pytest.raises(SourceError, match="Östersund: no such file"):
        load("Östersund", OPTIONS)


def test_restricted_options_refuse_local_files(monkeypatch: pytest.MonkeyPatch) -> None:
    restricted = ReadOptions(allowed_hosts=("ostersund.se",))
    with pytest.raises(BlockedSourceError, match="local files"):
        load(Path("/etc/passwd"), restricted)
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"<p>x</p>")))
    with pytest.raises(BlockedSourceError, match="local files"):
        load("-", ReadOptions(allow_private=False))
    assert_swedish(load(swedish(LATIN1_META), restricted).html)


PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"


@pytest.mark.parametrize("data", [PNG, b"PK\x03\x04\x14\x00\x00\x00\x08\x00", bytes(range(256))])
def test_a_file_named_html_holding_binary_data_is_not_a_page(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "page.html"
    path.write_bytes(data)
    with pytest.raises(SourceError, match=r"page\.html: not an HTML page \(binary data\)$"):
        load(path, ReadOptions())
    with pytest.raises(SourceError, match=r"^not an HTML page \(binary data\)$"):
        load(data, ReadOptions())


def test_markup_at_the_start_is_a_page_whatever_bytes_follow() -> None:
    document = load(b"<!DOCTYPE html><p>Hej\x00\x01 d\xc3\xa4r</p>", ReadOptions())
    assert "Hej" in document.html
