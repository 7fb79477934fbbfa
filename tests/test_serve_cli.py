"""`reader serve` as a user runs it: a busy port, the access log, --quiet."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

CLF = re.compile(
    r"^127\.0\.0\.1 - - \[\d{2}/\w{3}/\d{4}:\d{2}:\d{2}:\d{2} [+-]\d{4}\] "
    r'"GET /healthz\?probe=1 HTTP/1\.1" 200 \d+$'
)


@contextmanager
def serving(tmp_path: Path, *flags: str) -> Iterator[tuple[str, subprocess.Popen[str]]]:
    env = dict(os.environ, XDG_CACHE_HOME=str(tmp_path))
    command = [sys.executable, "-m", "reader", "serve", "--port", "0", "--workers", "1"]
    with subprocess.Popen([*command, *flags], stderr=subprocess.PIPE, text=True, env=env) as server:
        try:
            assert server.stderr is not None
            first = server.stderr.readline()
            announced = r"reader: serving on (http://127\.0\.0\.1:\d+/) \(Ctrl-C stops\)\n"
            match = re.fullmatch(announced, first)
            assert match, first
            yield match.group(1), server
        finally:
            server.terminate()
            server.wait(timeout=30)


def test_a_busy_port_is_one_line_and_exit_1_with_no_announcement(tmp_path: Path) -> None:
    with socket.socket() as held:
        held.bind(("127.0.0.1", 0))
        held.listen()
        port = held.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-m", "reader", "serve", "--port", str(port)],
            capture_output=True,
            text=True,
            timeout=120,
            env=dict(os.environ, XDG_CACHE_HOME=str(tmp_path)),
        )
    assert result.returncode == 1, result.stderr
    assert result.stderr.splitlines() == [
        f"reader: cannot listen on 127.0.0.1:{port}: Address already in use"
    ]


def test_every_request_is_one_common_log_format_line(tmp_path: Path) -> None:
    with serving(tmp_path) as (url, server):
        with urllib.request.urlopen(url + "healthz?probe=1", timeout=60) as response:
            assert response.status == 200
        assert server.stderr is not None
        line = server.stderr.readline().rstrip("\n")
    assert CLF.match(line), line


def test_quiet_logs_no_requests(tmp_path: Path) -> None:
    with serving(tmp_path, "--quiet") as (url, server):
        for _ in range(3):
            with urllib.request.urlopen(url + "healthz?probe=1", timeout=60) as response:
                assert response.status == 200
        assert server.stderr is not None
        server.terminate()
        rest = server.stderr.read()
    assert "GET" not in rest, rest
