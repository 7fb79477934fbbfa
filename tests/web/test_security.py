"""Attacks on the web app: allow-list bypasses, DNS rebinding, path traversal, oversized
requests, hostile page text, and the security headers of every route.

The app runs with its production policy (an allow-list, no private addresses). The allowed
site is a loopback server behind a public address of a test network (faultserver.py); a
second loopback server stands for what an attacker wants to reach, and must never be hit.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import socket
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NamedTuple
from urllib.parse import quote

import pytest
from bs4 import BeautifulSoup
from faultserver import PUBLIC_IP, FaultServer, TestNetwork, fault_server
from flask import Flask
from flask.testing import FlaskClient
from liveserver import LiveServer, start_server
from support import Scenario

from reader_web import create_app
from reader_web.extensions import reader_of, service_of
from reader_web.security import CONTENT_SECURITY_POLICY

ALLOWED = "site.example"
CANARY = b"CANARY: this file lies outside the cache"
KEY = "0" * 32


class Net(NamedTuple):
    app: Flask
    client: FlaskClient
    network: TestNetwork
    site: FaultServer  # the allowed site, reached through PUBLIC_IP
    internal: FaultServer  # what an attacker aims at: never to be reached

    @property
    def site_url(self) -> str:
        return f"http://{ALLOWED}:{self.site.port}"


@pytest.fixture(scope="module")
def net(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Net]:
    with fault_server() as site, fault_server() as internal, pytest.MonkeyPatch.context() as mp:
        network = TestNetwork(mp, site.port)
        network.name(ALLOWED, PUBLIC_IP)
        app = create_app(
            {
                "TESTING": True,
                "READER_CACHE_DIR": str(tmp_path_factory.mktemp("security") / "cache"),
                "READER_WORKERS": 1,
                "READER_ALLOWED_HOSTS": [ALLOWED],
                "READER_FETCH_TIMEOUT": 2.0,
            }
        )
        try:
            yield Net(app, app.test_client(), network, site, internal)
        finally:
            service_of(app).close()


@pytest.fixture
def fresh(net: Net) -> Net:
    """The shared app with the records of earlier tests cleared and the usual DNS answer."""
    net.site.hits.clear()
    net.internal.hits.clear()
    net.network.connections.clear()
    net.network.lookups.clear()
    net.network.name(ALLOWED, PUBLIC_IP)
    return net


def read_url(net: Net, url: str) -> tuple[int, dict[str, Any]]:
    response = net.client.get("/api/read", query_string={"url": url})
    assert response.mimetype == "application/json", response.get_data(as_text=True)[:200]
    return response.status_code, response.get_json()


def refused(net: Net, scenario: Scenario, what: str, url: str) -> tuple[int, dict[str, Any]]:
    """Ask the app to read `url` as a fault scenario; the status and JSON error it answered."""
    scenario.inject(what)
    status, body = read_url(net, url)
    scenario.saw(f"{status} JSON error: {body['error']}")
    return status, body


def assert_nothing_private_reached(net: Net) -> None:
    assert net.internal.hits == []
    assert set(net.network.connections) <= {PUBLIC_IP}


# Every way to write "this machine" (or to hide it behind the allowed name) in a URL.
LOOPBACK_FORMS = {
    "IPv4 loopback": "http://127.0.0.1:{port}/page",
    "localhost": "http://localhost:{port}/page",
    "localhost. (trailing dot)": "http://localhost.:{port}/page",
    "LOCALHOST (capitals)": "http://LOCALHOST:{port}/page",
    "IPv6 loopback [::1]": "http://[::1]:{port}/page",
    "IPv4-mapped [::ffff:127.0.0.1]": "http://[::ffff:127.0.0.1]:{port}/page",
    "IPv4-mapped hex [::ffff:7f00:1]": "http://[::ffff:7f00:1]:{port}/page",
    "IPv4-compatible [::127.0.0.1]": "http://[::127.0.0.1]:{port}/page",
    "decimal 2130706433": "http://2130706433:{port}/page",
    "octal 0177.0.0.1": "http://0177.0.0.1:{port}/page",
    "hex 0x7f.0.0.1": "http://0x7f.0.0.1:{port}/page",
    "hex 0x7f000001": "http://0x7f000001:{port}/page",
    "short 127.1": "http://127.1:{port}/page",
    "unspecified 0.0.0.0": "http://0.0.0.0:{port}/page",
    "zero 0": "http://0:{port}/page",
    "userinfo allowed@127.0.0.1": "http://site.example@127.0.0.1:{port}/page",
    "userinfo allowed:80@127.0.0.1": "http://site.example:80@127.0.0.1:{port}/page",
    "fragment 127.0.0.1#@allowed": "http://127.0.0.1:{port}#@site.example/page",
    "query 127.0.0.1?@allowed": "http://127.0.0.1:{port}?@site.example/page",
    "backslash 127.0.0.1\\@allowed": "http://127.0.0.1:{port}\\@site.example/page",
    "encoded slash 127.0.0.1%2f@allowed": "http://127.0.0.1:{port}%2f@site.example/page",
    "allowed as a subdomain of an IP name": "http://site.example.127.0.0.1.nip.io:{port}/page",
    "allowed name plus suffix": "http://site.example.evil.test:{port}/page",
    "lookalike Cyrillic s": "http://\u0455ite.example:{port}/page",
    "encoded dot": "http://site%2eexample:{port}/page",
    "tab inside the host": "http://127.0.0.1\t:{port}/page",
}
# Forms that are not http URLs at all: a 400, not a 403.
NOT_HTTP_FORMS = {
    "file scheme": "file:///etc/passwd",
    "gopher scheme": "gopher://127.0.0.1:{port}/_GET%20/page",
    "one slash": "http:/127.0.0.1:{port}/page",
    "scheme-relative": "//127.0.0.1:{port}/page",
}


@pytest.mark.parametrize("form", list(LOOPBACK_FORMS))
def test_no_form_of_a_private_address_gets_past_the_allow_list(
    fresh: Net, form: str, scenario: Scenario
) -> None:
    url = LOOPBACK_FORMS[form].format(port=fresh.internal.port)
    status, body = refused(fresh, scenario, f"GET /api/read?url= {form}: {url}", url)
    assert status == 403
    assert_nothing_private_reached(fresh)
    assert fresh.site.hits == []
    scenario.recovered()
    scenario.lost("none")


@pytest.mark.parametrize("form", list(NOT_HTTP_FORMS))
def test_urls_that_are_not_http_are_refused_as_bad_requests(
    fresh: Net, form: str, scenario: Scenario
) -> None:
    url = NOT_HTTP_FORMS[form].format(port=fresh.internal.port)
    status, body = refused(fresh, scenario, f"GET /api/read?url= {form}: {url}", url)
    assert status == 400 and "http or https" in body["error"]
    assert_nothing_private_reached(fresh)
    scenario.recovered()
    scenario.lost("none")


@pytest.mark.parametrize("form", list(LOOPBACK_FORMS) + ["file scheme", "scheme-relative"])
def test_a_redirect_from_the_allowed_site_to_a_private_address_is_refused(
    fresh: Net, form: str, scenario: Scenario
) -> None:
    target = {**LOOPBACK_FORMS, **NOT_HTTP_FORMS}[form].format(port=fresh.internal.port)
    url = f"{fresh.site_url}/redirect?to={quote(target, safe='')}"
    status, body = refused(fresh, scenario, f"allowed site redirects to {form}: {target}", url)
    assert status == 403
    assert [hit.path for hit in fresh.site.hits] == ["/redirect"]
    assert_nothing_private_reached(fresh)
    scenario.recovered()
    scenario.lost("none")


def test_the_allowed_site_itself_is_read(fresh: Net) -> None:
    # The control for the refusals above: the same app and network do read the allowed site.
    status, body = read_url(fresh, f"{fresh.site_url}/page")
    assert status == 200 and body["blocks"][0]["text"] == "Välkommen till Östersund"
    assert fresh.site.hits[0].host == f"{ALLOWED}:{fresh.site.port}"
    assert fresh.network.connections == [PUBLIC_IP]


# Addresses an allowed name may resolve to that lead back inside: each is refused.
PRIVATE_ANSWERS = {
    "loopback": "127.0.0.1",
    "IPv6 loopback": "::1",
    "IPv4-mapped loopback": "::ffff:127.0.0.1",
    "IPv4-compatible loopback": "::127.0.0.1",
    "NAT64 of loopback": "64:ff9b::7f00:1",
    "NAT64 of a private network": "64:ff9b::a00:1",
    "local-use NAT64": "64:ff9b:1::5db8:d70e",
    "6to4 of loopback": "2002:7f00:1::1",
    "cloud metadata": "169.254.169.254",
    "private network": "10.0.0.1",
    "carrier-grade NAT": "100.64.0.1",
    "IPv6 link-local": "fe80::1",
    "IPv6 unique local": "fd00::1",
    "unspecified": "0.0.0.0",
}


@pytest.mark.parametrize("answer", list(PRIVATE_ANSWERS))
def test_an_allowed_name_that_resolves_inside_is_refused(
    fresh: Net, answer: str, scenario: Scenario
) -> None:
    address = PRIVATE_ANSWERS[answer]
    fresh.network.name(ALLOWED, address)
    status, body = refused(
        fresh,
        scenario,
        f"DNS answers {ALLOWED} with {answer} ({address})",
        f"{fresh.site_url}/page",
    )
    assert status == 403 and f"private address ({address})" in body["error"]
    assert fresh.network.connections == []
    scenario.recovered()
    scenario.lost("none")


def test_dns_rebinding_cannot_move_the_fetch_to_loopback(fresh: Net, scenario: Scenario) -> None:
    fresh.network.rebinding(ALLOWED, [PUBLIC_IP], ["127.0.0.1"])
    scenario.inject(f"DNS rebinding: {ALLOWED} answers {PUBLIC_IP}, then 127.0.0.1")
    status, body = read_url(fresh, f"{fresh.site_url}/page")
    scenario.saw(f"{status}: read the vetted {PUBLIC_IP}; 0 connections to 127.0.0.1")
    assert status == 200 and body["blocks"][0]["text"] == "Välkommen till Östersund"
    # One lookup, checked, and the one connection went to the address that was checked.
    assert fresh.network.lookups == [ALLOWED]
    assert fresh.network.connections == [PUBLIC_IP]
    assert_nothing_private_reached(fresh)
    scenario.recovered()
    scenario.lost("none")


def test_dns_rebinding_between_redirect_hops_is_caught(fresh: Net, scenario: Scenario) -> None:
    fresh.network.rebinding(ALLOWED, [PUBLIC_IP], ["127.0.0.1"])
    again = quote(f"{fresh.site_url}/page", safe="")
    status, body = refused(
        fresh,
        scenario,
        "DNS rebinding between hops: public for the first, 127.0.0.1 for the next",
        f"{fresh.site_url}/redirect?to={again}",
    )
    assert status == 403 and "private address (127.0.0.1)" in body["error"]
    assert fresh.network.connections == [PUBLIC_IP]
    assert_nothing_private_reached(fresh)
    scenario.recovered()
    scenario.lost("none")


def test_a_mixed_dns_answer_is_refused_whole(fresh: Net, scenario: Scenario) -> None:
    fresh.network.name(ALLOWED, PUBLIC_IP, "127.0.0.1")
    status, body = refused(
        fresh,
        scenario,
        f"DNS answers {ALLOWED} with {PUBLIC_IP} and 127.0.0.1 together",
        f"{fresh.site_url}/page",
    )
    assert status == 403 and "private address (127.0.0.1)" in body["error"]
    assert fresh.network.connections == []
    scenario.recovered()
    scenario.lost("none")


HOSTILE_PAGE = """<!DOCTYPE html>
<html lang="en"><head><title>&lt;script&gt;alert('title')&lt;/script&gt; Opening hours</title>
</head><body><main>
<h1>&lt;img src=x onerror=alert('h1')&gt; Opening hours</h1>
<p lang='sv" onmouseover="alert(1)'>Biblioteket &lt;script&gt;alert('text')&lt;/script&gt; är
öppet varje vardag.</p>
<p>Read <a href="javascript:alert('link')">the rules</a> before you visit the library.</p>
<figure><img src="/x.png" alt="&quot;&gt;&lt;svg onload=alert('alt')&gt;"><figcaption>The
reading room &lt;/title&gt;&lt;script&gt;alert('caption')&lt;/script&gt;</figcaption></figure>
</main></body></html>"""


@pytest.fixture
def hostile_site(fresh: Net) -> Net:
    fresh.site.extra["/hostile"] = (200, {"Content-Type": "text/html"}, HOSTILE_PAGE.encode())
    return fresh


def test_the_no_script_reader_shows_hostile_page_text_as_text(
    hostile_site: Net, scenario: Scenario
) -> None:
    url = f"{hostile_site.site_url}/hostile"
    scenario.inject("page text with <script>, onerror=, javascript: in text, lang, title, alt")
    response = hostile_site.client.get("/read", query_string={"url": url})
    assert response.status_code == 200
    assert response.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    soup = BeautifulSoup(response.get_data(as_text=True), "lxml")
    handlers = [
        (tag.name, name)
        for tag in soup.find_all(True)
        for name in tag.attrs
        if name.lower().startswith("on")
    ]
    assert handlers == []
    assert soup.find_all(["script", "img", "svg", "iframe", "object", "embed"]) == []
    hrefs = [a["href"] for a in soup.find_all("a", href=True)]
    assert not any(href.strip().lower().startswith("javascript:") for href in hrefs)
    text = soup.get_text(" ")
    assert "<script>alert('text')</script>" in text
    assert "<img src=x onerror=alert('h1')> Opening hours" in text
    assert soup.title is not None and "<script>alert('title')</script>" in soup.title.get_text()
    scenario.saw(f"200 page: {len(hrefs)} links, 0 scripts, 0 handlers, payloads shown as text")
    scenario.recovered()
    scenario.lost("none")


# ---- Path traversal against the audio and page routes, over a real server ----


@pytest.fixture(scope="module")
def traversal_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """A real server whose cache directory has canary files around it (and one inside)."""
    root = tmp_path_factory.mktemp("traversal")
    cache = root / "cache"
    app = create_app({"READER_CACHE_DIR": str(cache), "READER_WORKERS": 1})
    for canary in (root / "canary.mp3", root / f"{KEY}.mp3", root / "secret.txt"):
        canary.write_bytes(CANARY)
    (cache / "00").mkdir(parents=True, exist_ok=True)
    (cache / "canary.mp3").write_bytes(CANARY)  # inside, but not a cache entry
    (cache / "00" / f"{KEY}.txt").write_bytes(CANARY)
    server = start_server(app)
    try:
        yield server.url, root
    finally:
        server.stop()
        service_of(app).close()


# The same few targets (the canaries next to the cache, /etc/passwd) in every encoding.
TRAVERSALS = {
    "plain ../": "/api/audio/../canary.mp3",
    "encoded slash ..%2f": "/api/audio/..%2fcanary.mp3",
    "encoded slash twice ..%2f..%2f": "/api/audio/..%2f..%2fcanary.mp3",
    "encoded dots %2e%2e/": "/api/audio/%2e%2e/canary.mp3",
    "all encoded %2e%2e%2f": "/api/audio/%2e%2e%2f" + KEY + ".mp3",
    "double encoded %252e%252e%252f": "/api/audio/%252e%252e%252fcanary.mp3",
    "double encoded slash ..%252f": "/api/audio/..%252f" + KEY + ".mp3",
    "backslash ..\\": "/api/audio/..\\canary.mp3",
    "encoded backslash ..%5c": "/api/audio/..%5ccanary.mp3",
    "overlong UTF-8 %c0%ae%c0%ae%c0%af": "/api/audio/%c0%ae%c0%ae%c0%afcanary.mp3",
    "overlong UTF-8 slash ..%c0%af": "/api/audio/..%c0%afcanary.mp3",
    "NUL after the name": "/api/audio/" + KEY + ".mp3%00.txt",
    "NUL before the extension": "/api/audio/" + KEY + "%00.mp3",
    "absolute path": "/api/audio//etc/passwd",
    "encoded absolute path": "/api/audio/%2fetc%2fpasswd",
    "unicode one-dot leaders": "/api/audio/%e2%80%a4%e2%80%a4%2fcanary.mp3",
    "fullwidth dots and slash": "/api/audio/%ef%bc%8e%ef%bc%8e%ef%bc%8fcanary.mp3",
    "dot segments in the key": "/api/audio/./" + KEY + ".mp3",
    "semicolon ..;/": "/api/audio/..;/canary.mp3",
    "other extension in the cache": "/api/audio/" + KEY + ".txt",
    "a non-entry inside the cache": "/api/audio/canary.mp3",
    "page route ..%2f": "/api/page/..%2f" + KEY + ".mp3",
    "page route %2e%2e%2f": "/api/page/%2e%2e%2fcanary.mp3",
    "widget route ..%2f": "/..%2fsecret.txt",
    "widget route ..%2f.js": "/..%2f..%2fweb%2fapp.js",
    "widget route absolute": "//etc/passwd",
}


def raw_get(base: str, path: str) -> tuple[int, dict[str, str], bytes]:
    """GET a path sent exactly as written: no client library tidies it first."""
    host, port = base.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=10)
    try:
        connection.putrequest("GET", path, skip_accept_encoding=True)
        connection.endheaders()
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


@pytest.mark.parametrize("attempt", list(TRAVERSALS))
def test_no_path_encoding_reaches_a_file_outside_the_cache(
    traversal_server: tuple[str, Path], attempt: str, scenario: Scenario
) -> None:
    base, root = traversal_server
    path = TRAVERSALS[attempt]
    scenario.inject(f"path traversal, {attempt}: GET {path}")
    status, headers, body = raw_get(base, path)
    scenario.saw(f"{status} {body[:60].decode('utf-8', 'replace')}")
    assert status in (400, 404)
    assert b"CANARY" not in body and b"root:" not in body
    assert b"Traceback" not in body
    assert headers.get("X-Content-Type-Options") == "nosniff" or status == 400
    assert (root / "canary.mp3").read_bytes() == CANARY
    scenario.recovered()
    scenario.lost("none")


# ---- Oversized requests, over a real server ----


@pytest.fixture(scope="module")
def limits_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    app = create_app(
        {"READER_CACHE_DIR": str(tmp_path_factory.mktemp("limits")), "READER_WORKERS": 1}
    )
    server = start_server(app)
    try:
        yield server
    finally:
        server.stop()
        service_of(app).close()


def send_raw(base: str, head: bytes, body: bytes = b"", *, timeout: float = 10) -> tuple[int, str]:
    """Send a request as bytes; the status and the start of the body, or (0, why) on none."""
    host, port = base.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=timeout) as sock:
        try:
            sock.sendall(head + body)
        except OSError:
            pass  # the server may answer and close before taking it all
        data = b""
        try:
            while b"\r\n\r\n" not in data:
                chunk = sock.recv(65536)
                if not chunk:
                    break
                data += chunk
        except (TimeoutError, ConnectionResetError) as exc:
            return 0, repr(exc)
    status_line, _, rest = data.partition(b"\r\n")
    parts = status_line.split()
    return (int(parts[1]) if len(parts) > 1 else 0), rest.decode("latin-1")[:400]


POST_HEAD = b"POST /api/read HTTP/1.1\r\nHost: reader\r\nContent-Type: application/json\r\n"
MAX_BODY = 2 * 1024 * 1024
OVERSIZED = {
    # name: (request head, body, the statuses that say clearly what was wrong)
    "body of 3 MB": (POST_HEAD + b"Content-Length: 3145728\r\n\r\n", b"{" * 3_145_728, (413,)),
    "Content-Length of 10 GB, no body sent": (
        POST_HEAD + b"Content-Length: 10737418240\r\n\r\n",
        b"",
        (413,),
    ),
    "3 MB announced, 1 byte sent": (POST_HEAD + b"Content-Length: 3145728\r\n\r\n", b"{", (413,)),
    "chunked body of 3 MB": (
        POST_HEAD + b"Transfer-Encoding: chunked\r\n\r\n",
        b"".join(b"100000\r\n" + b"{" * 0x100000 + b"\r\n" for _ in range(3)) + b"0\r\n\r\n",
        (413,),
    ),
    "header of 300 KB": (
        b"GET /healthz HTTP/1.1\r\nHost: reader\r\nX-Filler: " + b"a" * 300_000 + b"\r\n\r\n",
        b"",
        (431,),
    ),
    "URL of 300 KB": (
        b"GET /api/read?url=" + b"a" * 300_000 + b" HTTP/1.1\r\nHost: reader\r\n\r\n",
        b"",
        (414, 431),
    ),
}


@pytest.mark.parametrize("case", list(OVERSIZED))
def test_oversized_requests_get_a_clear_status_at_once(
    limits_server: LiveServer, case: str, scenario: Scenario
) -> None:
    head, body, statuses = OVERSIZED[case]
    scenario.inject(f"oversized request: {case}")
    started = time.monotonic()
    status, rest = send_raw(limits_server.url, head, body)
    elapsed = time.monotonic() - started
    scenario.saw(f"{status} in {elapsed:.2f} s")
    assert status in statuses, rest
    assert elapsed < 3
    scenario.recovered()
    ok, health = send_raw(limits_server.url, b"GET /healthz HTTP/1.1\r\nHost: reader\r\n\r\n")
    assert ok == 200, health
    scenario.lost("none")


def send_raw_whole(base: str, head: bytes, body: bytes = b"") -> tuple[int, str, bytes]:
    """Send a request as bytes; the status, the Content-Type and the whole answer's body."""
    host, port = base.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        try:
            sock.sendall(head + body)
        except OSError:
            pass  # the server may answer and close before taking it all
        data = b""
        with contextlib.suppress(ConnectionResetError):
            while chunk := sock.recv(65536):
                data += chunk
    head_bytes, _, answer = data.partition(b"\r\n\r\n")
    lines = head_bytes.decode("latin-1").split("\r\n")
    headers = dict(line.lower().split(": ", 1) for line in lines[1:] if ": " in line)
    return int(lines[0].split()[1]), headers.get("content-type", ""), answer


@pytest.mark.parametrize("case", list(OVERSIZED))
def test_every_refusal_of_the_server_is_json(limits_server: LiveServer, case: str) -> None:
    # Whether waitress or the app refuses it, a client reads {"error": ...}.
    head, body, statuses = OVERSIZED[case]
    status, content_type, answer = send_raw_whole(limits_server.url, head, body)
    assert status in statuses
    assert content_type == "application/json"
    error = json.loads(answer)["error"]
    assert isinstance(error, str) and "too large" in error or status == 414


def test_a_body_of_2_8_mb_gets_a_json_413(limits_server: LiveServer) -> None:
    body = json.dumps({"html": "<p>" + "word " * 560_000 + "</p>"}).encode()
    assert 2_700_000 < len(body) < 2_900_000
    head = POST_HEAD + f"Content-Length: {len(body)}\r\n\r\n".encode()
    status, content_type, answer = send_raw_whole(limits_server.url, head, body)
    assert (status, content_type) == (413, "application/json")
    assert json.loads(answer) == {"error": "request body too large"}


def test_a_body_within_the_limit_is_still_read(limits_server: LiveServer) -> None:
    # The control for the 413s: a posted area just under the limit is taken and planned.
    filler = "<!-- " + "ö" * ((MAX_BODY - 300) // 2) + " -->"
    html = f"<p>Biblioteket är öppet varje vardag.</p>{filler}"
    body = json.dumps({"html": html, "lang": "sv"}, ensure_ascii=False).encode()
    assert len(body) < MAX_BODY
    head = POST_HEAD + f"Content-Length: {len(body)}\r\n\r\n".encode()
    status, rest = send_raw(limits_server.url, head, body, timeout=60)
    assert status == 200, rest
    assert len(body) > MAX_BODY - 1000


# ---- The security headers on every route ----


def route_requests(net: Net, plan: dict[str, Any]) -> dict[str, list[tuple[str, str, Any]]]:
    """For each endpoint, the requests that exercise it: success, refusal and not-found."""
    clip = plan["blocks"][0]["sentences"][0]
    site = f"{net.site_url}/page"
    return {
        "pages.index": [("GET", "/", None)],
        "pages.read_page_view": [
            ("GET", "/read", None),
            ("GET", f"/read?url={quote(site, safe='')}", None),
            ("GET", "/read?url=http://127.0.0.1/", None),
        ],
        "widget.widget_file": [
            ("GET", "/widget.js", None),
            ("GET", "/widget.css", None),
            ("GET", "/nothing.js", None),
        ],
        "api.read_posted": [
            ("POST", "/api/read", {"html": "<p>Öppet i dag.</p>", "lang": "sv"}),
            ("POST", "/api/read", {"html": ""}),
            ("OPTIONS", "/api/read", None),
        ],
        "api.read_rest": [
            ("GET", f"/api/read/{plan['key']}", None),
            ("GET", f"/api/read/{KEY}", None),
            ("GET", "/api/read/not-a-key", None),
        ],
        "api.read_url": [
            ("GET", f"/api/read?url={quote(site, safe='')}", None),
            ("GET", "/api/read?url=http://127.0.0.1/", None),
        ],
        "api.audio": [
            ("GET", clip["audio"], None),
            ("GET", clip["timing"], None),
            ("GET", f"/api/audio/{KEY}.mp3", None),
        ],
        "api.page_audio": [
            ("GET", plan["download"], None),
            ("GET", f"/api/page/{KEY}.mp3", None),
        ],
        "api.start_known": [
            ("GET", f"/api/start/{KEY}", None),
            ("GET", "/api/start/not-a-digest", None),
        ],
        "api.start_posted": [
            ("POST", "/api/start", {"html": "<p>Öppet i dag.</p>", "lang": "sv"}),
            ("POST", "/api/start", {"html": ""}),
            ("OPTIONS", "/api/start", None),
        ],
        "api.voices": [("GET", "/api/voices", None)],
        "api.health": [("GET", "/healthz", None), ("POST", "/healthz", None)],
    }


def test_every_route_carries_the_security_headers(fresh: Net) -> None:
    client = fresh.client
    plan = client.post("/api/read", json={"html": "<p>Öppet varje dag.</p>", "lang": "sv"})
    requests = route_requests(fresh, plan.get_json())
    endpoints = {rule.endpoint for rule in fresh.app.url_map.iter_rules()}
    assert endpoints == set(requests), "a route without security checks"
    requests["unknown"] = [("GET", "/no/such/page", None), ("GET", "/api/no/such", None)]
    seen: list[tuple[str, int, str]] = []
    for endpoint, calls in requests.items():
        for method, path, body in calls:
            response = client.open(path, method=method, json=body)
            seen.append((path, response.status_code, response.mimetype))
            where = f"{method} {path} ({endpoint}) → {response.status_code}"
            assert response.status_code != 500, where
            assert response.headers.get("X-Content-Type-Options") == "nosniff", where
            if response.mimetype == "text/html":
                csp = response.headers.get("Content-Security-Policy")
                assert csp == CONTENT_SECURITY_POLICY, where
            if path.startswith("/api/") and response.status_code >= 400:
                assert response.mimetype == "application/json", where
    # Successes, refusals and errors were all looked at, HTML error pages among them.
    assert {status for _, status, _ in seen} >= {200, 400, 403, 404, 405}
    assert any(mimetype == "text/html" and status >= 400 for _, status, mimetype in seen)


def test_an_unexpected_error_is_a_plain_page_with_the_headers(
    fresh: Net, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(url: Any) -> dict[str, Any]:
        raise RuntimeError("secret detail /etc/passwd")

    monkeypatch.setattr(reader_of(fresh.app), "read_url", broken)
    for path in ("/read?url=http://site.example/", "/api/read?url=http://site.example/"):
        response = fresh.client.get(path)
        assert response.status_code == 500
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        text = response.get_data(as_text=True)
        assert "secret detail" not in text and "Traceback" not in text
        if response.mimetype == "text/html":
            assert response.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
        else:
            assert response.get_json() == {"error": "internal error"}


def test_the_policy_allows_no_inline_script_eval_plugins_or_framing() -> None:
    directives = dict(
        (part.split()[0], part.split()[1:]) for part in CONTENT_SECURITY_POLICY.split("; ")
    )
    assert directives["script-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["base-uri"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'self'"]
    assert "'unsafe-eval'" not in CONTENT_SECURITY_POLICY
