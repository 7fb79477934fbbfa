"""The real widget on saved pages in Chromium reads what `reader blocks` reads from the file."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, Route

ROOT = Path(__file__).resolve().parents[2]
WIDGET_TAG = b'<script type="module" src="/widget.js"></script>'
# Pages without a `main` (scoring finds the text), wrongly marked `lang="sv"`, and with an
# author's area full of skip markup (hidden, inert, template, noscript, SVG, a form).
PAGES = ["no-main-scoring.html", "en-marked-sv.html", "author-area-skip.html"]
WAIT_MS = 30_000


def cli_blocks(path: Path) -> list[tuple[str, str]]:
    result = subprocess.run(
        [sys.executable, "-m", "reader", "blocks", "--json", str(path)],
        capture_output=True,
        text=True,
        check=True,
    )
    return [(b["text"], b["lang"]) for b in json.loads(result.stdout)["blocks"]]


@pytest.mark.parametrize("name", PAGES)
def test_listen_on_a_saved_page_reads_the_cli_blocks_and_finds_each_in_the_page(
    context: BrowserContext, live_server: str, name: str
) -> None:
    sample = ROOT / "samples" / name
    # The saved page with the widget's script added, served from the reader's own origin.
    body = sample.read_bytes().replace(b"</body>", WIDGET_TAG + b"</body>")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))

    def serve(route: Route) -> None:
        route.fulfill(status=200, content_type="text/html", body=body)

    page.route(f"{live_server}/saved/{name}", serve)
    page.goto(f"{live_server}/saved/{name}")
    with page.expect_response(f"{live_server}/api/read?first=1") as answer:
        page.locator(".js-reader-listen").click()  # "Lyssna" on Swedish pages
    response = answer.value
    assert response.ok
    assert response.request.headers.get("content-encoding") == "gzip"
    blocks = response.json()["blocks"]
    assert [(b["text"], b["lang"]) for b in blocks] == cli_blocks(sample)

    # Every block's locator leads the widget back to the live element holding its text.
    found = page.evaluate(
        """async (blocks) => {
          const { pageCopy } = await import('/player.js');
          const { locate } = pageCopy();
          return blocks.map((block) => {
            const element = locate(block.locator);
            if (!element || !document.body.contains(element)) return null;
            return block.kind === 'image' ? element.alt
              : element.textContent.replace(/\\s+/g, ' ').trim();
          });
        }""",
        blocks,
    )
    for block, text in zip(blocks, found, strict=True):
        assert text is not None, block["locator"]
        words = block["text"].split()[:5]
        assert all(word in text for word in words), (block["text"], text)
    page.wait_for_function(
        "() => { const a = document.querySelector('.js-reader-audio');"
        " return !!a && !a.paused && a.currentTime > 0.2; }",
        timeout=WAIT_MS,
    )
    # The sentence being read is painted over the page's own text.
    said = [" ".join(s["text"].split()) for block in blocks for s in block["sentences"]]
    page.wait_for_function(
        "(said) => { const h = CSS.highlights.get('reader-sentence');"
        " const text = h ? [...h].map((r) => r.toString()).join(' ') : '';"
        " return said.includes(text.replace(/\\s+/g, ' ').trim()); }",
        arg=said,
        timeout=WAIT_MS,
    )
    assert errors == []
