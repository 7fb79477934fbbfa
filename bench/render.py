"""`reader render` of a whole site: 50 pages (and two broken ones) served from loopback.

Prints, per run, the pages rendered, skipped and failed, the exit status, wall and CPU time,
pages per second and seconds of audio per CPU-second, then the floor's checks: every page
rendered or reported; a second run renders none; Ctrl-C (SIGINT to the process group, as a
terminal sends it) leaves no partial file; a rerun finishes the rest.

    python bench/render.py [--pages 50] [--jobs 2]

The pages are made of the repository's own text (README.md and docs/); CPU time counts every
process of the run (render processes and their encoders). Exits 1 if a check fails.
"""

from __future__ import annotations

import argparse
import html
import http.server
import json
import os
import re
import resource
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ENV = {**os.environ, "READER_NEURAL": "off"}
SENTENCES_PER_PAGE = 4
BROKEN = ("/gone.html", "/picture.html")  # a 404 and a page that is not HTML


@dataclass(frozen=True, slots=True, kw_only=True)
class Run:
    name: str
    rendered: int
    skipped: int
    failed: int
    code: int
    wall: float
    cpu: float
    audio: float
    leftovers: int


def sentences() -> list[str]:
    """Plain sentences of README.md and docs/*.md, markdown marks left out."""
    found: list[str] = []
    for path in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        text = re.sub(r"```.*?```", " ", path.read_text(encoding="utf-8"), flags=re.S)
        text = " ".join(re.sub(r"[`*_#>|\[\]()]", " ", text).split())
        found += [
            s
            for s in re.split(r"(?<=[.!?])\s+", text)
            if 40 <= len(s) <= 200 and re.fullmatch(r"[\w ,.;:'’/-]+[.]", s)
        ]
    return found


def site_files(count: int, base: str) -> dict[str, tuple[str, bytes]]:
    pool = sentences()
    files: dict[str, tuple[str, bytes]] = {}
    urls = []
    for number in range(count):
        start = number * SENTENCES_PER_PAGE % max(1, len(pool) - SENTENCES_PER_PAGE)
        chosen = [html.escape(s) for s in pool[start : start + SENTENCES_PER_PAGE]]
        body = (
            f"<!DOCTYPE html><html lang='en'><head><title>Page {number}</title></head><body>"
            f"<main><h1>Page {number}</h1><p>{' '.join(chosen[:2])}</p>"
            f"<h2>More on page {number}</h2><p>{' '.join(chosen[2:])}</p></main></body></html>"
        )
        files[f"/page-{number}.html"] = ("text/html; charset=utf-8", body.encode())
        urls.append(f"{base}/page-{number}.html")
    files[BROKEN[1]] = ("image/png", b"\x89PNG\r\n\x1a\n")
    urls += [base + path for path in BROKEN]
    entries = "".join(f"<url><loc>{url}</loc></url>" for url in urls)
    sitemap = f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{entries}</urlset>'
    files["/sitemap.xml"] = ("application/xml", sitemap.encode())
    return files


def serve(files: dict[str, tuple[str, bytes]]) -> http.server.ThreadingHTTPServer:
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            found = files.get(self.path)
            if found is None:
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("Content-Type", found[0])
            self.send_header("Content-Length", str(len(found[1])))
            self.end_headers()
            self.wfile.write(found[1])

        def log_message(self, format: str, *args: object) -> None:
            return None

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def counts(stderr: str) -> tuple[int, int, int]:
    line = next((line for line in stderr.splitlines() if re.search(r"\d+ pages? in ", line)), "")
    found = [re.search(rf"(\d+) {kind}", line) for kind in ("rendered", "skipped", "failed")]
    return tuple(int(m.group(1)) if m else 0 for m in found)  # type: ignore[return-value]


def audio_seconds(out: Path, before: dict[str, float]) -> float:
    """Seconds of audio of the pages the manifest gained or changed since `before`."""
    now = manifest_durations(out)
    return sum(d for url, d in now.items() if before.get(url) != d)


def manifest_durations(out: Path) -> dict[str, float]:
    try:
        pages = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["pages"]
    except OSError:
        return {}
    return {url: float(entry["duration"]) for url, entry in pages.items()}


def render(name: str, args: list[str], out: Path, interrupt_after: int = 0) -> Run:
    """Run `reader render`; with `interrupt_after`, Ctrl-C once that many pages are done."""
    before, cpu, started = manifest_durations(out), children_cpu(), time.monotonic()
    process = subprocess.Popen(
        [sys.executable, "-m", "reader", "render", *args, "-o", str(out)],
        stderr=subprocess.PIPE,
        text=True,
        env=ENV,
        start_new_session=True,
    )
    assert process.stderr is not None
    lines, done = [], 0
    for line in process.stderr:
        lines.append(line)
        done += line.startswith(("rendered ", "failed ", "skipped "))
        if interrupt_after and done >= interrupt_after:
            os.killpg(process.pid, signal.SIGINT)
            break
    lines.append(process.stderr.read())
    process.stderr.close()
    code = process.wait()
    stderr = "".join(lines)
    if interrupt_after:
        rendered = sum(line.startswith("rendered ") for line in stderr.splitlines())
        skipped = sum(line.startswith("skipped ") for line in stderr.splitlines())
        failed = sum(line.startswith("failed ") for line in stderr.splitlines())
    else:
        rendered, skipped, failed = counts(stderr)
    return Run(
        name=name,
        rendered=rendered,
        skipped=skipped,
        failed=failed,
        code=code,
        wall=time.monotonic() - started,
        cpu=children_cpu() - cpu,
        audio=audio_seconds(out, before),
        leftovers=sum(1 for p in out.iterdir() if p.name.startswith(".")),
    )


def row(run: Run) -> str:
    pages_per_s = run.rendered / run.wall if run.wall else 0.0
    per_cpu = run.audio / run.cpu if run.cpu else 0.0
    return (
        f"{run.name:<22}{run.rendered:>9}{run.skipped:>8}{run.failed:>7}{run.code:>6}"
        f"{run.wall:>8.1f}{run.cpu:>8.1f}{pages_per_s:>9.2f}{run.audio:>9.0f}{per_cpu:>10.1f}"
        f"{run.leftovers:>7}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=50)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    options = parser.parse_args()
    files: dict[str, tuple[str, bytes]] = {}
    server = serve(files)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    files.update(site_files(options.pages, base))
    args = [f"{base}/sitemap.xml", "--jobs", str(options.jobs), "--engine", "espeak"]
    total = options.pages + len(BROKEN)
    with tempfile.TemporaryDirectory(prefix="reader-bench-render-") as folder:
        clean, resumed = Path(folder) / "clean", Path(folder) / "resumed"
        runs = [
            render("first run", args, clean),
            render("second run", args, clean),
            render("Ctrl-C after a third", args, resumed, interrupt_after=total // 3),
            render("rerun", args, resumed),
        ]
        whole = len(manifest_durations(resumed)) == options.pages
    server.shutdown()
    first, second, stopped, rerun = runs
    load = os.getloadavg()[0]
    print(
        f"reader render: {options.pages} loopback pages and {len(BROKEN)} broken ones, "
        f"--jobs {options.jobs}, eSpeak NG; load average {load:.1f} on {os.cpu_count()} cores"
    )
    print(
        f"{'run':<22}{'rendered':>9}{'skipped':>8}{'failed':>7}{'exit':>6}{'wall s':>8}"
        f"{'CPU s':>8}{'pages/s':>9}{'audio s':>9}{'audio/CPU':>10}{'temps':>7}"
    )
    for run in runs:
        print(row(run))
    checks = {
        "every page rendered or reported": first.rendered == options.pages
        and first.failed == len(BROKEN)
        and first.code == 5,
        "a second run renders none": second.rendered == 0 and second.skipped == options.pages,
        "Ctrl-C leaves no partial file": stopped.code == 130 and stopped.leftovers == 0,
        "a rerun finishes the rest": rerun.rendered + stopped.rendered == options.pages
        and rerun.leftovers == 0
        and whole,
    }
    for check, passed in checks.items():
        print(f"{'ok  ' if passed else 'FAIL'} {check}")
    return 0 if all(checks.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
