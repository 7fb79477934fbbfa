"""A real waitress server running the app in a background thread, for tests.

A module of its own beside support.py: the web tests and the network fault tests both serve
the app on a real port. It reaches into waitress's private dispatcher map to stop cleanly,
which is why it lives with the tests and not in the app.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from typing import Any

from flask import Flask
from waitress.server import BaseWSGIServer

from reader_web.app import create_server


@dataclass(frozen=True, slots=True, kw_only=True)
class LiveServer:
    """A waitress server running in a background thread."""

    url: str
    server: BaseWSGIServer
    thread: threading.Thread

    def stop(self) -> None:
        """Close every connection, stop the loop and the request threads."""
        server: Any = self.server
        server.logger.setLevel(logging.CRITICAL)

        # Closing every dispatcher in waitress's map ends its loop. Done in the loop's own
        # thread (a trigger thunk): closed from here, a socket the loop is selecting on
        # ends the loop thread with EBADF now and then.
        def close_all() -> None:
            for dispatcher in list(server._map.values()):
                dispatcher.handle_close()

        server.trigger.pull_trigger(close_all)
        self.thread.join(timeout=10)
        server.task_dispatcher.shutdown()


def start_server(app: Flask, host: str = "127.0.0.1", port: int = 0) -> LiveServer:
    """Start waitress on `host:port` (0 = a free port) in a thread, with the app's limits."""
    server: Any = create_server(app, host=host, port=port)
    thread = threading.Thread(target=server.run, name="reader-waitress", daemon=True)
    thread.start()
    return LiveServer(url=f"http://{host}:{server.effective_port}", server=server, thread=thread)
