"""The Listen widget in a real browser: Debian's Chromium driven by Playwright, real server."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from mutagen.id3 import ID3
from mutagen.mp3 import MP3
from playwright.sync_api import Browser, BrowserContext, Page, Request

from reader_web.security import CONTENT_SECURITY_POLICY

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = ROOT / "test-artifacts"
# Bounded waits (ms): the first clip may need a cold synthesis, later ones come from the cache.
AUDIO_WAIT_MS = 30_000
STEP_WAIT_MS = 15_000
# Long enough for a playing clip to move on by a measurable amount.
STILLNESS_MS = 600

FIRST_SENTENCE = "International cooperation"
SECOND_SENTENCE_START = "Co-operation with other cities"

AUDIO = "document.querySelector('.js-reader-audio')"


def highlighted(name: str) -> str:
    """JS expression: the text painted by a named highlight, whitespace collapsed, or null."""
    return (
        f"(() => {{ const h = CSS.highlights.get('{name}'); return h ? [...h]"
        ".map((r) => r.toString()).join(' ').replace(/\\s+/g, ' ').trim() : null; })()"
    )


HIGHLIGHT = highlighted("reader-sentence")
WORD = highlighted("reader-word")
PROGRESS = "document.querySelector('.reader-player__progress').textContent"
# The player's controls in tab order (js- hooks), as a keyboard user meets them.
CONTROL_ORDER = [
    "js-reader-play",
    "js-reader-stop",
    "js-reader-previous",
    "js-reader-next",
    "js-reader-speed",
    "js-reader-volume",
    "js-reader-highlight",
    "js-reader-download",
    "js-reader-close",
]


@pytest.fixture
def page(context: BrowserContext) -> Iterator[Page]:
    """A page that fails the test on any script error or console error."""
    page = context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    page.on(
        "console",
        lambda message: message.type == "error" and problems.append(f"console: {message.text}"),
    )
    yield page
    assert problems == []


def open_player(page: Page, base: str) -> None:
    page.goto(f"{base}/")
    page.get_by_role("button", name="Listen").click()
    wait_playing(page)


def wait_playing(page: Page, beyond: float = 0.3) -> None:
    page.wait_for_function(
        f"() => {{ const a = {AUDIO}; return !!a && !a.paused && a.currentTime > {beyond}; }}",
        timeout=AUDIO_WAIT_MS,
    )


def wait_highlight(page: Page, condition: str) -> str:
    """Wait until the highlighted sentence `text` meets a JS condition; return it."""
    page.wait_for_function(
        f"() => {{ const text = {HIGHLIGHT}; return text !== null && ({condition}); }}",
        timeout=STEP_WAIT_MS,
    )
    return str(page.evaluate(f"() => {HIGHLIGHT}"))


def wait_progress(page: Page, number: int) -> None:
    page.wait_for_function(
        f"() => {PROGRESS}.startsWith('Sentence {number} of')", timeout=STEP_WAIT_MS
    )


def settle_scrolling(page: Page) -> None:
    """Wait until the page has not scrolled for ten frames (a smooth scroll has ended)."""
    page.evaluate(
        """() => new Promise((resolve, reject) => {
          let last = scrollY, still = 0;
          const give_up = setTimeout(() => reject(new Error('still scrolling')), 5000);
          const frame = () => {
            still = scrollY === last ? still + 1 : 0;
            last = scrollY;
            if (still < 10) return requestAnimationFrame(frame);
            clearTimeout(give_up);
            resolve();
          };
          requestAnimationFrame(frame);
        })"""
    )


def audio_time(page: Page) -> float:
    return float(page.evaluate(f"() => {AUDIO}.currentTime"))


def focused_hook(page: Page) -> str:
    """The js- hook class of the focused element ('' when it has none)."""
    return str(
        page.evaluate(
            "() => [...document.activeElement.classList].find((c) => c.startsWith('js-')) || ''"
        )
    )


def test_listen_click_plays_and_highlights_each_sentence(page: Page, live_server: str) -> None:
    clips: list[str] = []
    page.on("request", lambda request: "/api/audio/" in request.url and clips.append(request.url))
    page.goto(f"{live_server}/")
    listen = page.get_by_role("button", name="Listen")
    assert listen.is_visible()
    listen.click()
    wait_playing(page)
    assert wait_highlight(page, "true") == FIRST_SENTENCE
    # While the first sentence plays, the next two clips are already on their way.
    if page.evaluate(f"() => {PROGRESS}").startswith("Sentence 1 of"):
        assert len({url for url in clips if url.endswith(".mp3")}) >= 3
    following = wait_highlight(page, f"text.startsWith({json.dumps(SECOND_SENTENCE_START)})")
    assert following.endswith("work.")
    # The word being spoken is painted too, inside the sentence and moving on with the voice.
    page.wait_for_function(f"() => {WORD} !== null")
    first_word = str(page.evaluate(f"() => {WORD}"))
    # eSpeak marks the parts of a hyphenated word ("Co-operation") as words of their own.
    assert first_word and first_word in following
    page.wait_for_function(f"() => ![null, {json.dumps(first_word)}].includes({WORD})")
    wait_playing(page)
    assert page.evaluate(f"() => {PROGRESS}").startswith("Sentence 2 of")
    status = page.locator(".reader-widget__status")
    assert status.get_attribute("role") == "status"
    assert status.text_content() == "Playing"


def test_pause_resume_next_and_previous(page: Page, live_server: str) -> None:
    open_player(page, live_server)
    page.get_by_role("button", name="Pause", exact=True).click()
    page.wait_for_function(f"() => {AUDIO}.paused")
    held = audio_time(page)
    page.wait_for_timeout(STILLNESS_MS)
    assert audio_time(page) == held
    assert page.locator(".reader-widget__status").text_content() == "Paused"

    page.get_by_role("button", name="Play", exact=True).click()
    wait_playing(page, beyond=held + 0.2)

    page.get_by_role("button", name="Pause", exact=True).click()
    start = int(page.evaluate(f"() => {PROGRESS}").split()[1])
    before = str(page.evaluate(f"() => {HIGHLIGHT}"))
    page.get_by_role("button", name="Next sentence").click()
    wait_progress(page, start + 1)
    after = wait_highlight(page, f"text !== {json.dumps(before)}")
    wait_playing(page, beyond=0.1)
    page.get_by_role("button", name="Previous sentence").click()
    wait_progress(page, start)
    assert wait_highlight(page, f"text !== {json.dumps(after)}") == before
    wait_playing(page, beyond=0.1)


def test_download_link_is_an_mp3_with_chapters(
    page: Page, context: BrowserContext, live_server: str
) -> None:
    open_player(page, live_server)
    link = page.get_by_role("link", name="Download MP3")
    href = link.get_attribute("href")
    assert href is not None and href.startswith(f"{live_server}/api/page/")
    response = context.request.get(href)
    assert response.ok
    assert "attachment" in response.headers["content-disposition"]
    body = response.body()
    assert body[:3] == b"ID3"
    titles = [
        chapter.sub_frames["TIT2"].text[0] for chapter in ID3(io.BytesIO(body)).getall("CHAP")
    ]
    assert "International Strategy" in titles
    assert "Twin Towns" in titles
    assert MP3(io.BytesIO(body)).info.length > 30


def test_keyboard_alone_reaches_and_operates_the_player(page: Page, live_server: str) -> None:
    page.goto(f"{live_server}/")
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.textContent") == "Hoppa till innehållet"
    # The skip link lands just past the button: one step back reaches it.
    page.keyboard.press("Enter")
    page.keyboard.press("Shift+Tab")
    assert focused_hook(page) == "js-reader-listen"

    # From the top, every tab stop before the button is a visible control of the page: no traps.
    page.reload()
    stops_before = int(
        page.evaluate(
            """() => {
              const button = document.querySelector('.js-reader-listen');
              const focusable = 'a[href], button, input, select, textarea, [tabindex]';
              return [...document.querySelectorAll(focusable)].filter((el) =>
                el.compareDocumentPosition(button) & Node.DOCUMENT_POSITION_FOLLOWING
                && el.getClientRects().length > 0 && el.tabIndex >= 0).length;
            }"""
        )
    )
    presses = 0
    while focused_hook(page) != "js-reader-listen" and presses <= stops_before:
        page.keyboard.press("Tab")
        presses += 1
    assert focused_hook(page) == "js-reader-listen"
    assert presses == stops_before + 1

    page.keyboard.press("Enter")
    wait_playing(page)
    assert focused_hook(page) == "js-reader-play"
    reached = [focused_hook(page)]
    for _ in CONTROL_ORDER[1:]:
        page.keyboard.press("Tab")
        reached.append(focused_hook(page))
    assert reached == CONTROL_ORDER

    for _ in CONTROL_ORDER[1:]:
        page.keyboard.press("Shift+Tab")
    assert focused_hook(page) == "js-reader-play"
    page.keyboard.press("Space")
    page.wait_for_function(f"() => {AUDIO}.paused")
    assert page.locator(".js-reader-play").text_content() == "Play"
    page.keyboard.press("Enter")
    wait_playing(page, beyond=audio_time(page) + 0.2)
    page.keyboard.press("Space")
    page.wait_for_function(f"() => {AUDIO}.paused")

    before = int(page.evaluate(f"() => {PROGRESS}").split()[1])
    for _ in range(3):
        page.keyboard.press("Tab")
    assert focused_hook(page) == "js-reader-next"
    page.keyboard.press("Enter")
    wait_progress(page, before + 1)
    wait_playing(page, beyond=0.1)
    page.keyboard.press("Shift+Tab")
    assert focused_hook(page) == "js-reader-previous"
    page.keyboard.press("Space")
    wait_progress(page, before)
    wait_playing(page, beyond=0.1)

    for _ in range(6):
        page.keyboard.press("Tab")
    assert focused_hook(page) == "js-reader-close"
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.querySelector('.reader-player').hidden")
    assert focused_hook(page) == "js-reader-listen"
    assert page.evaluate(f"() => {AUDIO}.paused")


# Desktop, and a phone held upright (touch, high-density screen).
SCREENS = {
    "desktop": {"viewport": {"width": 1280, "height": 800}},
    "mobile": {
        "viewport": {"width": 390, "height": 844},
        "device_scale_factor": 2,
        "is_mobile": True,
        "has_touch": True,
    },
}


@pytest.mark.parametrize("screen", SCREENS)
def test_axe_finds_no_violations_with_the_player_open(
    browser: Browser, live_server: str, screen: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # axe is injected as a script, which our own Content-Security-Policy rightly refuses.
    context = browser.new_context(**SCREENS[screen], bypass_csp=True)  # type: ignore[arg-type]
    try:
        page = context.new_page()
        open_player(page, live_server)
        wait_highlight(page, f"text.startsWith({json.dumps(SECOND_SENTENCE_START)})")
        page.add_script_tag(path=str(AXE))
        results = page.evaluate(
            "async () => await axe.run(document, { resultTypes: ['violations'] })"
        )
        violations = [
            f"{rule['id']}: {[node['target'] for node in rule['nodes']]}"
            for rule in results["violations"]
        ]
        assert violations == []
        ARTIFACTS.mkdir(exist_ok=True)
        path = ARTIFACTS / f"widget-player-{screen}.png"
        page.screenshot(path=str(path))
        with capsys.disabled():
            print(f"\nscreenshot: {path}")
    finally:
        context.close()


def test_interface_speaks_swedish_on_a_swedish_page(page: Page, live_server: str) -> None:
    # The page's language is set as soon as <html> exists, before the widget module runs.
    page.add_init_script(
        "new MutationObserver((_, observer) => { if (document.documentElement) {"
        " document.documentElement.lang = 'sv'; observer.disconnect(); } })"
        ".observe(document, { childList: true });"
    )
    page.goto(f"{live_server}/")
    page.get_by_role("button", name="Lyssna").click()
    region = page.get_by_role("region", name="Uppläsning")
    for name in ("Pausa", "Stoppa", "Föregående mening", "Nästa mening", "Stäng uppläsningen"):
        assert region.get_by_role("button", name=name).is_visible()
    assert region.get_by_label("Hastighet").is_visible()
    wait_playing(page)
    assert page.locator(".reader-widget__status").text_content() == "Läser upp"


def test_reading_starts_where_the_visitor_clicks_or_selects(page: Page, live_server: str) -> None:
    open_player(page, live_server)
    brussels = page.locator("#content p").nth(2)
    brussels.click(position={"x": 20, "y": 10})
    assert wait_highlight(page, "text.startsWith('The counties of Jämtland')").endswith('Office".')
    wait_playing(page, beyond=0.1)

    page.evaluate(
        """() => {
          const twin = [...document.querySelectorAll('#content p')].at(-1).firstChild;
          const start = twin.data.indexOf('Hopefully');
          getSelection().setBaseAndExtent(twin, start, twin, start + 20);
        }"""
    )
    page.get_by_role("button", name="Read from here").click()
    assert wait_highlight(page, "text.startsWith('Hopefully')").startswith(
        "Hopefully this contact will help"
    )
    wait_playing(page, beyond=0.1)


def test_page_text_is_read_as_text_and_never_run(page: Page, live_server: str) -> None:
    # A page on the server's own origin (so its API and CSP apply) whose text looks like code.
    html = """<!DOCTYPE html><html lang="en"><head><title>Code as text</title>
<link rel="icon" href="data:,"><link rel="stylesheet" href="/widget.css"></head>
<body><main id="content">
<h1>&lt;img src=x onerror="window.pwned=1"&gt; Code as text</h1>
<p>Type &lt;script&gt;window.pwned = 1&lt;/script&gt; into the box to see it.</p>
<script src="/counter.js"></script>
<p>The counter above runs once, when the page loads.</p>
</main><script type="module" src="/widget.js" data-reader-area="#content"></script></body></html>"""
    page.route(
        f"{live_server}/code-as-text",
        lambda route: route.fulfill(
            status=200,
            content_type="text/html; charset=utf-8",
            headers={"Content-Security-Policy": CONTENT_SECURITY_POLICY},
            body=html,
        ),
    )
    page.route(
        f"{live_server}/counter.js",
        lambda route: route.fulfill(
            status=200,
            content_type="text/javascript",
            body="window.runs = (window.runs || 0) + 1;",
        ),
    )
    with page.expect_response(f"{live_server}/api/read?first=1") as answer:
        page.goto(f"{live_server}/code-as-text")
        page.get_by_role("button", name="Listen").click()
    texts = [block["text"] for block in answer.value.json()["blocks"]]
    assert any("<script>window.pwned = 1</script>" in text for text in texts)
    wait_playing(page)
    assert wait_highlight(page, "true").startswith("<img src=x onerror=")
    heading = page.locator(".reader-player__heading").text_content()
    assert heading == '<img src=x onerror="window.pwned=1"> Code as text'
    assert page.locator(".reader-player img").count() == 0
    assert page.evaluate("() => [window.pwned, window.runs]") == [None, 1]


def test_a_speed_stored_by_an_earlier_version_is_kept(page: Page, live_server: str) -> None:
    page.goto(f"{live_server}/")
    page.evaluate("() => localStorage.setItem('reader-settings', JSON.stringify({rate: 1.25}))")
    open_player(page, live_server)
    assert page.get_by_label("Speed").input_value() == "1.25"
    assert page.evaluate(f"() => {AUDIO}.playbackRate") == 1.25


def test_settings_persist_without_cookies_or_foreign_requests(
    page: Page, context: BrowserContext, live_server: str
) -> None:
    origin = urlsplit(live_server)
    foreign: list[str] = []

    def note(request: Request) -> None:
        url = urlsplit(request.url)
        if url.scheme not in ("blob", "data") and (url.scheme, url.netloc) != origin[:2]:
            foreign.append(request.url)

    page.on("request", note)
    open_player(page, live_server)
    page.get_by_label("Speed").select_option("1.5")
    page.get_by_label("Volume").fill("0.5")
    page.get_by_role("button", name="Highlight text").click()
    page.wait_for_function("() => !CSS.highlights.has('reader-sentence')")

    page.reload()
    stored = json.loads(page.evaluate("() => localStorage.getItem('reader-settings')"))
    assert stored == {"speed": 1.5, "volume": 0.5, "highlight": False}
    page.get_by_role("button", name="Listen").click()
    wait_playing(page)
    assert page.get_by_label("Speed").input_value() == "1.5"
    assert page.get_by_label("Volume").input_value() == "0.5"
    toggle = page.get_by_role("button", name="Highlight text")
    assert toggle.get_attribute("aria-pressed") == "false"
    assert page.evaluate(f"() => [{AUDIO}.playbackRate, {AUDIO}.volume]") == [1.5, 0.5]
    assert not page.evaluate("() => CSS.highlights.has('reader-sentence')")
    toggle.click()
    assert wait_highlight(page, "true")

    assert context.cookies() == []
    assert page.evaluate("() => document.cookie") == ""
    assert foreign == []


def test_following_stops_when_the_visitor_scrolls_away(page: Page, live_server: str) -> None:
    at_bottom = "() => scrollY + innerHeight >= document.documentElement.scrollHeight - 2"
    open_player(page, live_server)
    page.get_by_text("Increased power of attraction and sustainable growth").click()
    wait_highlight(page, "text.startsWith('Increased power of attraction')")
    reading_at = int(page.evaluate(f"() => {PROGRESS}").split()[1])

    # A wheel turned while the page still glides is swallowed by the browser: wait that out.
    settle_scrolling(page)
    page.mouse.move(400, 300)
    page.mouse.wheel(0, 10_000)
    page.wait_for_function(at_bottom)
    bottom = page.evaluate("() => scrollY")
    wait_progress(page, reading_at + 1)
    wait_playing(page, beyond=0.3)
    assert page.evaluate("() => scrollY") == bottom

    page.get_by_role("button", name="Pause", exact=True).click()
    page.get_by_role("button", name="Play", exact=True).click()
    page.wait_for_function(f"() => scrollY < {bottom} - 200")
    settle_scrolling(page)
    assert page.evaluate(
        "() => { const box = document.querySelectorAll('#content li')[1].getBoundingClientRect();"
        " return box.top >= 0 && box.bottom <= innerHeight; }"
    )
    assert wait_highlight(page, "true").startswith("Increased knowledge of")


def test_reduced_motion_and_forced_colors_are_respected(page: Page, live_server: str) -> None:
    page.emulate_media(reduced_motion="reduce", forced_colors="active")
    open_player(page, live_server)
    assert wait_highlight(page, "true")
    assert (
        page.evaluate(
            "() => getComputedStyle(document.querySelector('.reader-player')).animationName"
        )
        == "none"
    )
    page.keyboard.press("Tab")
    outline = page.evaluate(
        "() => { const s = getComputedStyle(document.activeElement);"
        " return [s.outlineStyle, parseFloat(s.outlineWidth)]; }"
    )
    assert outline[0] == "solid" and outline[1] >= 2
