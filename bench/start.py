"""What the widget's placement costs the server: `/api/start` per sample page.

For each sample page, the body the widget posts, the CPU time of `POST /api/start` for a
version of the page the server has not read (parse and extract, no speech; the median of
`--posts` versions), and of `GET /api/start/<digest>` once it has (the mean of `--gets`
look-ups), through the Flask app in this process (no network). CPU times, so a loaded
machine changes them little; wall times are printed beside them.

    python bench/start.py [--posts N] [--gets N]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "web"))

from reader_web import create_app  # noqa: E402
from reader_web.extensions import service_of  # noqa: E402
from reader_web.posted import widget_payload  # noqa: E402

SAMPLES = Path(__file__).resolve().parents[1] / "samples"


def timed(call: Callable[[], object]) -> tuple[float, float]:
    """(CPU ms, wall ms) of one call."""
    wall, cpu = time.perf_counter(), time.process_time()
    call()
    return (time.process_time() - cpu) * 1000, (time.perf_counter() - wall) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=5)
    parser.add_argument("--gets", type=int, default=300)
    args = parser.parse_args()
    app = create_app({"TESTING": True, "READER_CACHE_DIR": tempfile.mkdtemp(), "READER_WORKERS": 1})
    client = app.test_client()
    client.post("/api/start", json={"html": "<p>Warming up the reader.</p>"})
    print(f"{'page':<42} {'body':>8} {'POST cpu/wall ms':>17} {'GET cpu/wall ms':>16}")
    try:
        for sample in sorted(SAMPLES.glob("*.html")):
            html = sample.read_bytes().decode("utf-8", "replace")
            posts, digest = [], ""
            for version in range(args.posts):  # another URL: a version not read yet
                body = json.dumps(widget_payload(html, url=f"https://x.example/{version}"))
                data = body.encode("utf-8")
                digest = hashlib.sha256(data).hexdigest()[:32]
                post = partial(client.post, "/api/start", data=data, mimetype="application/json")
                posts.append(timed(post))
            known = partial(client.get, f"/api/start/{digest}")
            gets = [timed(known) for _ in range(args.gets)]
            post_cpu = statistics.median(p[0] for p in posts)
            post_wall = statistics.median(p[1] for p in posts)
            get_cpu = statistics.fmean(g[0] for g in gets)
            get_wall = statistics.fmean(g[1] for g in gets)
            print(
                f"{sample.name:<42} {len(data) // 1024:>6} KB {post_cpu:>7.1f} /{post_wall:>7.1f}"
                f" {get_cpu:>7.2f} /{get_wall:>6.2f}"
            )
    finally:
        service_of(app).close()


if __name__ == "__main__":
    main()
