"""One Common Log Format line per request, written when the response has been sent."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TextIO

Wsgi = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def clf_line(environ: dict[str, Any], status: str, size: int, when: float) -> str:
    """`host - - [day/Mon/year:H:M:S +zone] "METHOD /path?query PROTO" status bytes`."""
    path = environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", "")
    if environ.get("QUERY_STRING"):
        path += "?" + environ["QUERY_STRING"]
    request = f"{environ.get('REQUEST_METHOD', '-')} {path} {environ.get('SERVER_PROTOCOL', '-')}"
    # Paths may hold any byte (WSGI hands them over as latin-1): escape quotes, backslashes and
    # control characters so a line stays one line and cannot forge another.
    request = "".join(
        chr(b) if 32 <= b < 127 and b not in b'"\\' else f"\\x{b:02x}"
        for b in request.encode("latin-1", "replace")
    )
    stamp = time.strftime("%d/%b/%Y:%H:%M:%S %z", time.localtime(when))
    host = environ.get("REMOTE_ADDR", "-")
    return f'{host} - - [{stamp}] "{request}" {status.split(" ", 1)[0]} {size or "-"}'


def access_log(app: Wsgi, stream: TextIO | None = None) -> Wsgi:
    """Wrap a WSGI app so every request it answers is logged (as `reader serve` does)."""

    def logged(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterator[bytes]:
        when = time.time()
        seen = {"status": "500 Internal Server Error"}

        def start(status: str, headers: list[tuple[str, str]], *exc_info: Any) -> Any:
            seen["status"] = status
            return start_response(status, headers, *exc_info)

        size = 0
        body = app(environ, start)
        try:
            for chunk in body:
                size += len(chunk)
                yield chunk
        finally:
            close = getattr(body, "close", None)
            if close is not None:
                close()
            out = stream or sys.stderr
            out.write(clf_line(environ, seen["status"], size, when) + "\n")
            out.flush()

    return logged
