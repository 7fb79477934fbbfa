"""Network faults, from the command line and through the web API, against a loopback server.

Each fault gives the documented exit code (CLI) or HTTP status (web), a one-line message,
and ends within the configured timeout: one deadline for the whole fetch, so a server that
trickles a byte at a time is cut off as surely as one that never answers.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NamedTuple
from urllib.parse import quote

import pytest
from faultserver import FaultServer, TestNetwork, fault_server
from liveserver import LiveServer, start_server
from support import Scenario

from reader_web import create_app
from reader_web.extensions import service_of

TIMEOUT = 1.0  # the configured fetch timeout, seconds
# What may pass between the deadline and the answer (decompressing, writing the message).
MARGIN = 0.75
# The most a CLI run may take: interpreter start and imports, the timeout, the margin.
CLI_LIMIT = 8.0
SWEDISH_TEXT = ("Välkommen till Östersund", "Här är det gött att bo – året runt")


class Fault(NamedTuple):
    path: str
    injected: str
    exit_code: int  # CLI
    status: int  # web
    message: str  # in the one line both print; for a page that reads, its heading


FAULTS = [
    Fault("/silent", "accepts, never answers", 2, 502, f"timed out after {TIMEOUT:g} s"),
    Fault("/trickle", "trickles a byte per 0.2 s", 2, 502, f"timed out after {TIMEOUT:g} s"),
    Fault("/endless", "endless body, no length", 2, 502, "page larger than 10485760 bytes"),
    Fault("/bomb", "gzip bomb: 32 KB → 32 MB", 2, 502, "larger than 10485760 bytes once decomp"),
    Fault("/truncated", "body cut off mid-way", 2, 502, "connection closed after 100 of 5000"),
    Fault("/loop", "redirect loop", 2, 502, "too many redirects (more than 5)"),
    Fault("/to-file", "redirect to file:///etc/passwd", 2, 403, "only http and https URLs"),
    Fault("/pdf", "wrong content type (PDF)", 2, 502, "not an HTML page (application/pdf)"),
    Fault("/untyped-png", "no content type, PNG body", 2, 502, "not an HTML page (binary data"),
    Fault("/untyped", "no content type, HTML body", 0, 200, "Välkommen till Östersund"),
    Fault("/lying-utf8", "says UTF-8, sends windows-1252", 0, 200, "Välkommen till Östersund"),
    Fault("/lying-latin1", "says ISO-8859-1, sends UTF-8", 0, 200, "Välkommen till Östersund"),
]
# Only the web refuses private addresses (the CLI reads what its user points it at).
WEB_ONLY = [
    Fault(
        "/to-internal",
        "redirect to a name that resolves to 127.0.0.1",
        2,
        403,
        "internal.site.example resolves to a private address (127.0.0.1)",
    ),
]


@pytest.fixture(scope="module")
def faults() -> Iterator[FaultServer]:
    with fault_server() as server:
        yield server


@pytest.fixture(scope="module")
def cli_config(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("cli") / "reader.toml"
    path.write_text(f"timeout = {TIMEOUT}\n", encoding="utf-8")
    return path


class Web(NamedTuple):
    server: LiveServer
    network: TestNetwork
    site: str  # the fault server under a public name


@pytest.fixture(scope="module")
def web(faults: FaultServer, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Web]:
    """The app on waitress with its production policy, the fault server as a public site."""
    with pytest.MonkeyPatch.context() as monkeypatch:
        network = TestNetwork(monkeypatch, faults.port)
        network.name("site.example", "93.184.215.14")
        network.name("internal.site.example", "127.0.0.1")
        network.hanging("dead-dns.example", 3 * TIMEOUT)
        app = create_app(
            {
                "READER_CACHE_DIR": str(tmp_path_factory.mktemp("web-cache")),
                "READER_WORKERS": 1,
                "READER_ALLOWED_HOSTS": ["site.example", "dead-dns.example"],
                "READER_FETCH_TIMEOUT": TIMEOUT,
            }
        )
        service_of(app).engine_info()  # the engines are up before any clock starts
        server = start_server(app)
        try:
            yield Web(server, network, f"http://site.example:{faults.port}")
        finally:
            server.stop()
            service_of(app).close()


def run_cli(config: Path, url: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "reader", "--config", str(config), "blocks", url],
        capture_output=True,
        text=True,
        timeout=CLI_LIMIT + 5,
        cwd=cwd,
    )


@pytest.mark.parametrize("fault", FAULTS, ids=[f.path.strip("/") for f in FAULTS])
def test_cli_gives_its_exit_code_and_one_line_in_time(
    fault: Fault, faults: FaultServer, cli_config: Path, tmp_path: Path, scenario: Scenario
) -> None:
    url = faults.url + fault.path
    scenario.inject(f"CLI: {fault.injected}")
    started = time.monotonic()
    done = run_cli(cli_config, url, tmp_path)
    ended = time.monotonic()
    line = done.stderr.strip()
    scenario.saw(f"exit {done.returncode}: {line or done.stdout.splitlines()[0].strip()}")
    assert done.returncode == fault.exit_code, done.stderr
    if fault.exit_code:
        assert line.count("\n") == 0 and "Traceback" not in line
        assert line.startswith("reader: ") and fault.message in line
        assert done.stdout == ""  # nothing half-printed
    else:
        assert line == ""
        for text in SWEDISH_TEXT:
            assert text in done.stdout
        assert "Ã" not in done.stdout and "\ufffd" not in done.stdout
    # From the moment the server had the request, the run ended within the deadline.
    arrived = next(hit.arrived for hit in faults.hits if hit.path == fault.path)
    assert ended - arrived < TIMEOUT + MARGIN
    assert ended - started < CLI_LIMIT
    scenario.recovered()
    scenario.lost("none")


def get_json(url: str) -> tuple[int, Any]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:
        with error:
            assert error.headers["Content-Type"] == "application/json"
            return error.code, json.load(error)


@pytest.mark.parametrize(
    "fault", FAULTS + WEB_ONLY, ids=[f.path.strip("/") for f in FAULTS + WEB_ONLY]
)
def test_web_api_gives_its_status_and_a_json_error_in_time(
    fault: Fault, web: Web, scenario: Scenario
) -> None:
    page = web.site + fault.path
    scenario.inject(f"web: {fault.injected}")
    started = time.monotonic()
    status, body = get_json(f"{web.server.url}/api/read?url={quote(page, safe='')}")
    elapsed = time.monotonic() - started
    if status >= 400:
        scenario.saw(f"HTTP {status}: {body['error']}")
        assert list(body) == ["error"] and fault.message in body["error"]
        assert "\n" not in body["error"] and "Traceback" not in body["error"]
        assert elapsed < TIMEOUT + MARGIN
    else:
        texts = [block["text"] for block in body["blocks"]]
        scenario.saw(f"HTTP {status}: {len(texts)} blocks, {texts[0]!r}")
        assert texts[0] == SWEDISH_TEXT[0] and texts[1].startswith(SWEDISH_TEXT[1])
        assert not any("Ã" in text or "\ufffd" in text for text in texts)
    assert status == fault.status
    # The server is still there for the next visitor.
    health_status, health = get_json(f"{web.server.url}/healthz")
    assert health_status == 200 and health["status"] == "ok"
    scenario.recovered()
    scenario.lost("none")


def test_a_resolver_that_never_answers_ends_at_the_deadline(web: Web, scenario: Scenario) -> None:
    page = f"http://dead-dns.example:{web.server.url.rsplit(':', 1)[1]}/page"
    scenario.inject(f"web: DNS lookup that takes {3 * TIMEOUT:g} s")
    started = time.monotonic()
    status, body = get_json(f"{web.server.url}/api/read?url={quote(page, safe='')}")
    elapsed = time.monotonic() - started
    scenario.saw(f"HTTP {status}: {body['error']}")
    assert status == 502 and f"timed out after {TIMEOUT:g} s" in body["error"]
    assert elapsed < TIMEOUT + MARGIN
    health_status, _ = get_json(f"{web.server.url}/healthz")
    assert health_status == 200
    scenario.recovered()
    scenario.lost("none")
