"""A loopback HTTP server that misbehaves on purpose, and a make-believe public network.

`FaultServer` answers each path with one fault (silence, a trickle, an endless body, a
gzip bomb, a redirect loop, lying headers) and records every request it gets. `TestNetwork`
gives a few made-up names public addresses (or any answers, for DNS rebinding) and routes
connections to those addresses to the loopback server, so the web app can run with its
production policy (no private addresses) against it. No connection ever leaves the machine.
"""

from __future__ import annotations

import functools
import socket
import threading
import time
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, NamedTuple
from urllib.parse import parse_qs, urlsplit

import pytest

# A public address that stands for a site on the internet; connections to it are routed to
# the loopback fault server.
PUBLIC_IP = "93.184.215.14"
# A Swedish page; the faults that lie about its encoding serve it in the other encoding.
SWEDISH = (
    "<!DOCTYPE html><html lang='sv'><head><title>Bygglov – Östersunds kommun</title></head>"
    "<body><main><h1>Välkommen till Östersund</h1>"
    "<p>Här är det gött att bo – året runt, säger många som flyttat hit.</p></main></body></html>"
)
# The first bytes of a PNG image: binary, whatever headers come with it.
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06" + bytes(64)
# Pauses of a trickling server: each shorter than any read timeout, together endless.
TRICKLE_PAUSE = 0.2
BOMB_MEGABYTES = 32  # past the 10 MB page cap once inflated; 32 KB on the wire


@functools.cache
def gzip_bomb() -> bytes:
    """A gzip body that inflates to 32 MB of spaces inside one paragraph."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    block = b" " * (1 << 20)
    parts = [packer.compress(b"<p>")]
    parts += [packer.compress(block) for _ in range(BOMB_MEGABYTES)]
    return b"".join([*parts, packer.compress(b"</p>"), packer.flush()])


HTML = "text/html; charset=utf-8"
# path → (status, headers, body) for the faults that are plain answers.
FIXED: dict[str, tuple[int, dict[str, str], bytes]] = {
    "/page": (200, {"Content-Type": HTML}, SWEDISH.encode("utf-8")),
    "/loop": (302, {"Location": "/loop"}, b""),
    "/to-file": (302, {"Location": "file:///etc/passwd"}, b""),
    "/pdf": (200, {"Content-Type": "application/pdf"}, b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"),
    # Promises 5,000 bytes, sends 100, hangs up.
    "/truncated": (200, {"Content-Type": HTML, "Content-Length": "5000"}, b"<p>" + b"x" * 97),
    "/untyped": (200, {}, SWEDISH.encode("utf-8")),
    "/untyped-png": (200, {}, PNG),
    "/lying-utf8": (200, {"Content-Type": HTML}, SWEDISH.encode("cp1252")),
    "/lying-latin1": (
        200,
        {"Content-Type": "text/html; charset=iso-8859-1"},
        SWEDISH.encode("utf-8"),
    ),
}


class Hit(NamedTuple):
    """One request the fault server got."""

    path: str
    host: str  # the Host header: the name the client meant
    arrived: float  # time.monotonic() when the request line and headers were in


class _Handler(BaseHTTPRequestHandler):
    server: FaultServer  # type: ignore[assignment]

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        return None

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        self.server.hits.append(Hit(parts.path, self.headers.get("Host", ""), time.monotonic()))
        special = {
            "/silent": self._silent,
            "/trickle": self._trickle,
            "/endless": self._endless,
            "/bomb": self._bomb,
            "/redirect": lambda: self._redirect(parse_qs(parts.query).get("to", ["/"])[0]),
            "/to-internal": lambda: self._redirect(
                f"http://internal.site.example:{self.server.port}/page"
            ),
        }
        try:
            if parts.path in special:
                special[parts.path]()
            else:
                answers = {**FIXED, **self.server.extra}
                self._send(*answers.get(parts.path, (404, {}, b"not found")))
        except OSError:
            pass  # the client gave up (a timeout, a size cap): that is the point

    def _send(self, status: int, headers: dict[str, str], body: bytes) -> None:
        self.send_response(status)
        for name, value in headers.items():
            # Sent as UTF-8, as servers do with a non-ASCII Location, not refused.
            self.send_header(name, value.encode("utf-8").decode("latin-1"))
        if "Content-Length" not in headers:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _redirect(self, location: str) -> None:
        self._send(302, {"Location": location}, b"")

    def _silent(self) -> None:
        # Accepted, read, never answered: only the server's shutdown ends the wait.
        self.server.stopping.wait()

    def _trickle(self) -> None:
        answer = b"HTTP/1.0 200 OK\r\nContent-Type: text/html\r\n\r\n<p>" + b"slow " * 10_000
        for byte in answer:
            if self.server.stopping.wait(TRICKLE_PAUSE):
                return
            self.wfile.write(bytes([byte]))

    def _endless(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.end_headers()  # no length: the body runs until the connection closes
        chunk = b"<p>" + b"endless " * 8000 + b"</p>"
        while not self.server.stopping.is_set():
            self.wfile.write(chunk)

    def _bomb(self) -> None:
        headers = {"Content-Type": "text/html", "Content-Encoding": "gzip"}
        self._send(200, headers, gzip_bomb())


class FaultServer(ThreadingHTTPServer):
    """The misbehaving server on 127.0.0.1; `hits` lists every request it got."""

    daemon_threads = True
    block_on_close = False

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.hits: list[Hit] = []
        self.extra: dict[str, tuple[int, dict[str, str], bytes]] = {}  # more fixed answers
        self.stopping = threading.Event()
        self._thread = threading.Thread(target=self.serve_forever, daemon=True)

    @property
    def port(self) -> int:
        return int(self.server_address[1])

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> FaultServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.stopping.set()
        self.shutdown()
        self.server_close()
        self._thread.join()


@contextmanager
def fault_server() -> Iterator[FaultServer]:
    """A running fault server, stopped (and its hanging handlers released) afterwards."""
    server = FaultServer().start()
    try:
        yield server
    finally:
        server.stop()


Answer = Callable[[], list[str]]


class TestNetwork:
    """Made-up DNS names and a route from their public addresses to a loopback port."""

    __test__ = False  # not a test class, whatever its name

    def __init__(self, monkeypatch: pytest.MonkeyPatch, loopback_port: int) -> None:
        self.names: dict[str, Answer] = {}
        self.lookups: list[str] = []
        self.connections: list[str] = []  # the address of every connection attempt
        self._port = loopback_port
        real_getaddrinfo = socket.getaddrinfo
        real_connect = socket.socket.connect

        def getaddrinfo(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
            name = str(host).lower().rstrip(".")
            if name not in self.names:
                return real_getaddrinfo(host, port, *args, **kwargs)
            self.lookups.append(name)
            return [_info(address, int(port or 0)) for address in self.names[name]()]

        def connect(sock: socket.socket, address: Any) -> None:
            host = str(address[0])
            self.connections.append(host)
            if host == PUBLIC_IP:
                return real_connect(sock, ("127.0.0.1", self._port))
            if host not in ("127.0.0.1", "::1"):
                raise ConnectionRefusedError(f"the test network has no route to {host}")
            return real_connect(sock, address)

        monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
        monkeypatch.setattr(socket.socket, "connect", connect)

    def name(self, host: str, *addresses: str) -> None:
        """`host` resolves to these addresses, every time."""
        self.names[host] = lambda: list(addresses)

    def hanging(self, host: str, seconds: float) -> None:
        """`host` has a resolver that answers only after `seconds` (a dead DNS server)."""

        def late() -> list[str]:
            time.sleep(seconds)
            return [PUBLIC_IP]

        self.names[host] = late

    def rebinding(self, host: str, first: list[str], later: list[str]) -> None:
        """`host` answers `first` to the first lookup and `later` to every one after it."""
        calls = iter(range(1_000_000))
        self.names[host] = lambda: first if next(calls) == 0 else later


def _info(address: str, port: int) -> tuple[Any, ...]:
    if ":" in address:
        return (socket.AF_INET6, socket.SOCK_STREAM, 6, "", (address, port, 0, 0))
    return (socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port))


def wait_until(condition: Callable[[], bool], timeout: float = 10.0) -> None:
    """Poll `condition` until it holds; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition never held"
        time.sleep(0.01)
