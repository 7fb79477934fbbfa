"""Hostile page text in a real browser: shown and spoken as text, never run; the CSP holds.

Debian's Chromium driven by Playwright, against the real waitress server. Every test fails
on a dialog, a console error, an uncaught page error or a Content-Security-Policy violation.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import pytest
from faultserver import PUBLIC_IP, TestNetwork, fault_server
from liveserver import start_server
from playwright.sync_api import BrowserContext, Page
from support import Scenario

from reader_web import create_app
from reader_web.extensions import service_of
from reader_web.security import CONTENT_SECURITY_POLICY

AUDIO_WAIT_MS = 30_000
AUDIO = "document.querySelector('.js-reader-audio')"
HIGHLIGHT = (
    "(() => { const h = CSS.highlights.get('reader-sentence'); return h ? [...h]"
    ".map((r) => r.toString()).join(' ').replace(/\\s+/g, ' ').trim() : null; })()"
)
# Collects CSP violations from the first moment of every document.
WATCH_VIOLATIONS = """
window.__violations = [];
document.addEventListener('securitypolicyviolation',
  (e) => window.__violations.push(`${e.violatedDirective} ${e.blockedURI}`));
"""
# Elements and globals that only exist if a payload ran or was parsed as markup.
PAYLOAD_TRACES = """() => ({
  ran: [window.pwned, window.pwned_lang, window.pwned_alt],
  images: [...document.images].map((img) => img.getAttribute('src')),
  svgs: document.querySelectorAll('svg:not(.reader-icon)').length,
  inline: [...document.scripts].filter((s) => !s.src).length,
  handlers: [...document.querySelectorAll('*')].flatMap((el) =>
    [...el.attributes].filter((a) => a.name.startsWith('on')).map((a) => a.name)),
  violations: window.__violations,
})"""

HOSTILE = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>&lt;script&gt;window.pwned=1&lt;/script&gt; Opening hours</title>
<link rel="icon" href="data:,"><link rel="stylesheet" href="/widget.css"></head>
<body><main id="content">
<h1>&lt;img src=x onerror="window.pwned=1"&gt; Opening hours</h1>
<p lang='en" onmouseover="window.pwned_lang=1'>Type &lt;script&gt;window.pwned=1&lt;/script&gt;
into the search box.</p>
<p>Read <a href="javascript:window.pwned=1">the rules</a> before you come.</p>
<figure><img src="/logo.png" alt="&quot;&gt;&lt;svg onload=&quot;window.pwned_alt=1&quot;&gt;">
<figcaption>The hall &lt;/title&gt;&lt;iframe
srcdoc='&lt;script&gt;parent.pwned=1&lt;/script&gt;'&gt; opens at nine.</figcaption></figure>
</main><script type="module" src="/widget.js" data-reader-area="#content"></script>
</body></html>"""


@dataclass
class Watched:
    """A browser page and what went wrong on it."""

    page: Page
    problems: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)


@pytest.fixture
def watched(context: BrowserContext) -> Watched:
    page = context.new_page()
    seen = Watched(page)
    page.add_init_script(WATCH_VIOLATIONS)

    def on_dialog(dialog: object) -> None:
        seen.problems.append(f"dialog: {dialog.message}")  # type: ignore[attr-defined]
        dialog.dismiss()  # type: ignore[attr-defined]

    page.on("dialog", on_dialog)
    page.on("pageerror", lambda error: seen.problems.append(f"page error: {error}"))
    page.on(
        "console",
        lambda message: (
            message.type == "error" and seen.problems.append(f"console: {message.text}")
        ),
    )
    page.on("request", lambda request: seen.requests.append(request.url))
    return seen


# A 1×1 transparent PNG: the hostile page's own picture.
PIXEL = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c"
    "6300010000050001"
    "0d0a2db40000000049454e44ae426082"
)


def serve(page: Page, url: str, html: str) -> None:
    """Answer `url` (on our server's origin, so its CSP and API apply) with this page."""
    origin = url.rsplit("/", 1)[0]
    page.route(
        f"{origin}/logo.png",
        lambda route: route.fulfill(status=200, content_type="image/png", body=PIXEL),
    )
    page.route(
        url,
        lambda route: route.fulfill(
            status=200,
            content_type="text/html; charset=utf-8",
            headers={"Content-Security-Policy": CONTENT_SECURITY_POLICY},
            body=html,
        ),
    )


def wait_playing(page: Page) -> None:
    page.wait_for_function(
        f"() => {{ const a = {AUDIO}; return !!a && !a.paused && a.currentTime > 0.3; }}",
        timeout=AUDIO_WAIT_MS,
    )


def test_hostile_page_text_is_read_as_text_and_never_run(
    watched: Watched, live_server: str, scenario: Scenario
) -> None:
    page = watched.page
    serve(page, f"{live_server}/hostile", HOSTILE)
    scenario.inject("page text with <script>, onerror=, javascript:, in text, lang, title, alt")
    with page.expect_response(f"{live_server}/api/read?first=1") as answer:
        page.goto(f"{live_server}/hostile")
        page.get_by_role("button", name="Listen").click()
    plan = answer.value.json()
    texts = [block["text"] for block in plan["blocks"]]
    assert texts[0] == '<img src=x onerror="window.pwned=1"> Opening hours'
    assert any("<script>window.pwned=1</script>" in text for text in texts)
    wait_playing(page)
    assert page.evaluate(f"() => {HIGHLIGHT}") == texts[0]
    # The payload sentence is spoken: its clip is real audio of some length.
    payload = next(
        sentence
        for block in plan["blocks"]
        for sentence in block["sentences"]
        if "<script>" in sentence["text"]
    )
    timing = page.request.get(f"{live_server}{payload['timing']}").json()
    assert timing["duration"] > 1.0
    page.get_by_role("button", name="Next sentence").click()
    page.get_by_role("button", name="Next sentence").click()
    wait_playing(page)
    traces = page.evaluate(PAYLOAD_TRACES)
    assert traces == {
        "ran": [None, None, None],
        "images": ["/logo.png"],
        "svgs": 0,
        "inline": 0,
        "handlers": [],
        "violations": [],
    }
    assert not any(url.endswith("/x") or url.startswith("javascript:") for url in watched.requests)
    assert watched.problems == []
    scenario.saw("read aloud as text; 0 dialogs, 0 errors, 0 CSP violations, no payload in DOM")
    scenario.recovered()
    scenario.lost("none")


# A page's lang is whatever its author (or an attacker) typed.
ODD_LANGS = {
    "underscore sv_SE": ("sv_SE", "Lyssna"),
    "markup in lang": ('"><img src=x onerror=window.pwned=1>', "Listen"),
    "__proto__": ("__proto__", "Listen"),
    "constructor": ("constructor", "Listen"),
    "empty after trim": ("  ", "Listen"),
}


@pytest.mark.parametrize("case", list(ODD_LANGS))
def test_an_odd_page_language_still_gives_a_working_button(
    watched: Watched, live_server: str, case: str, scenario: Scenario
) -> None:
    lang, label = ODD_LANGS[case]
    page = watched.page
    html = HOSTILE.replace('<html lang="en">', f"<html lang='{lang}'>", 1)
    serve(page, f"{live_server}/odd-lang", html)
    scenario.inject(f"<html lang> is {case}: {lang!r}")
    page.goto(f"{live_server}/odd-lang")
    listen = page.get_by_role("button", name=label, exact=True)
    listen.click()
    wait_playing(page)
    traces = page.evaluate(PAYLOAD_TRACES)
    assert traces["ran"] == [None, None, None] and traces["violations"] == []
    assert watched.problems == []
    scenario.saw(f"a working {label!r} button; no error, nothing run")
    scenario.recovered()
    scenario.lost("none")


def test_the_demo_page_runs_the_widget_without_a_policy_violation(
    watched: Watched, live_server: str, scenario: Scenario
) -> None:
    page = watched.page
    scenario.inject("the demo page under our CSP, widget playing and stepping")
    page.goto(f"{live_server}/")
    page.get_by_role("button", name="Listen").click()
    wait_playing(page)
    page.get_by_role("button", name="Next sentence").click()
    wait_playing(page)
    page.get_by_label("Speed").select_option("1.5")
    page.get_by_role("button", name="Pause", exact=True).click()
    assert page.evaluate("() => window.__violations") == []
    assert watched.problems == []
    scenario.saw("0 CSP violations, 0 console errors")
    scenario.recovered()
    scenario.lost("none")


@pytest.fixture(scope="module")
def reader_of_hostile_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A server allowed to read site.example, which serves the hostile page; yields /read URL."""
    with fault_server() as site, pytest.MonkeyPatch.context() as monkeypatch:
        network = TestNetwork(monkeypatch, site.port)
        network.name("site.example", PUBLIC_IP)
        site.extra["/hostile"] = (200, {"Content-Type": "text/html"}, HOSTILE.encode())
        cache: Path = tmp_path_factory.mktemp("hostile-cache")
        app = create_app(
            {
                "READER_CACHE_DIR": str(cache),
                "READER_WORKERS": 1,
                "READER_ALLOWED_HOSTS": ["site.example"],
            }
        )
        server = start_server(app)
        try:
            target = quote(f"http://site.example:{site.port}/hostile", safe="")
            yield f"{server.url}/read?url={target}"
        finally:
            server.stop()
            service_of(app).close()


def test_the_no_script_reader_shows_hostile_text_and_runs_nothing(
    watched: Watched, reader_of_hostile_site: str, scenario: Scenario
) -> None:
    page = watched.page
    scenario.inject("/read of a page whose text, title, lang and alt carry script payloads")
    response = page.goto(reader_of_hostile_site)
    assert response is not None and response.status == 200
    assert page.title().startswith("<script>window.pwned=1</script> Opening hours")
    body = page.locator("main").inner_text()
    assert "<script>window.pwned=1</script>" in body
    page.locator("main h1").hover()
    for paragraph in page.locator("main p").all():
        paragraph.hover()
    traces = page.evaluate(PAYLOAD_TRACES)
    assert traces == {
        "ran": [None, None, None],
        "images": [],
        "svgs": 0,
        "inline": 0,
        "handlers": [],
        "violations": [],
    }
    assert watched.problems == []
    scenario.saw("200 page, payloads as text; 0 dialogs, 0 errors, 0 CSP violations")
    scenario.recovered()
    scenario.lost("none")
