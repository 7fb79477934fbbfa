"""What a new visitor sees of the widget on a host page, desktop and phone, in Chromium."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page

from reader_web.security import CONTENT_SECURITY_POLICY

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
AUDIO_WAIT_MS = 30_000
SCREENS = {
    "desktop": {"viewport": {"width": 1280, "height": 800}},
    "phone": {
        "viewport": {"width": 390, "height": 844},
        "device_scale_factor": 2,
        "is_mobile": True,
        "has_touch": True,
    },
}
# On a phone the bar holds one line of what is read and two rows of 44 px targets:
# 4 (edge) + 2 × 6 (padding) + 22 (line) + 2 × 4 (gaps) + 2 × 44 = 134 px, a sixth of the
# screen. A third row of controls would make it ~180.
PHONE_BAR_MAX_PX = 140

# A news-like page: serif type, a cookie banner first, no <main> or <article>.
HOST_PAGE = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Park reopens | The Daily</title>
<style>body { margin: 0; font-family: Georgia, "DejaVu Serif", serif; }
.cookies { background: #222; color: #fff; padding: 1rem; }
.cookies button { font: inherit; }
.page { padding: 0 1.25rem; max-width: 40rem; }</style></head>
<body>
<div class="cookies"><p>We use cookies.</p><button type="button">Accept</button></div>
<header><p>The Daily</p><nav><a href="/">Home</a></nav></header>
<div class="page">
<h1>The park reopens on Saturday</h1>
<p>After two years of work the city park opens again this weekend.</p>
<p>The new playground has swings, a sandpit and a climbing frame.</p>
<p>Dogs are welcome on a lead in every part of the park.</p>
</div>
<script type="module" src="/widget.js"></script>
</body></html>"""


@pytest.fixture(params=list(SCREENS))
def host(request: pytest.FixtureRequest, browser: Browser, live_server: str) -> Iterator[Page]:
    """The host page, served from the reader's origin, on a desktop or a phone."""
    context = browser.new_context(**SCREENS[request.param])  # type: ignore[arg-type]
    page = context.new_page()
    page.route(
        f"{live_server}/park",
        lambda route: route.fulfill(
            status=200,
            content_type="text/html; charset=utf-8",
            headers={"Content-Security-Policy": CONTENT_SECURITY_POLICY},
            body=HOST_PAGE,
        ),
    )
    page.goto(f"{live_server}/park")
    page.locator(".js-reader-listen").wait_for()
    page.screen = request.param  # type: ignore[attr-defined]
    yield page
    context.close()


def shoot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"widget-{name}-{page.screen}.png"))  # type: ignore[attr-defined]


def box(page: Page, selector: str) -> dict[str, float]:
    found = page.locator(selector).first.bounding_box()
    assert found is not None, selector
    return found


def open_bar(page: Page) -> None:
    page.get_by_role("button", name="Listen").click()
    page.wait_for_function(
        "() => { const a = document.querySelector('.js-reader-audio');"
        " return !!a && !a.paused && a.currentTime > 0.2; }",
        timeout=AUDIO_WAIT_MS,
    )
    # The bar slides in: measure it where it stays.
    page.wait_for_function(
        "() => document.querySelector('.reader-player').getAnimations().length === 0"
    )


def test_the_listen_button_stands_before_the_headline(host: Page) -> None:
    shoot(host, "host-closed")
    listen = box(host, ".js-reader-listen")
    headline = box(host, "h1")
    banner = box(host, ".cookies")
    # Below the cookie banner and the site's header, just above the headline, in its column.
    assert listen["y"] >= banner["y"] + banner["height"]
    assert 0 < headline["y"] - (listen["y"] + listen["height"]) < 60
    assert listen["x"] == pytest.approx(headline["x"], abs=1)
    assert listen["x"] >= 16


def test_the_widget_uses_the_system_font_not_the_pages(host: Page) -> None:
    open_bar(host)
    fonts = host.evaluate(
        """() => ['.js-reader-listen', '.reader-player', '.js-reader-play',
                  '.reader-player__heading', '.js-reader-speed']
            .map((s) => getComputedStyle(document.querySelector(s)).fontFamily)"""
    )
    body_font = host.evaluate("() => getComputedStyle(document.body).fontFamily")
    assert body_font.startswith("Georgia")
    for font in fonts:
        assert font.startswith("system-ui"), font
        assert "Georgia" not in font


def test_opening_the_bar_does_not_move_the_page(host: Page) -> None:
    before = {s: box(host, s)["y"] for s in ("h1", ".page p", ".js-reader-listen")}
    open_bar(host)
    shoot(host, "host-open")
    after = {s: box(host, s)["y"] for s in before}
    assert after == before
    # The button stays in place and says that it opened the player; pressing it goes there.
    listen = host.get_by_role("button", name="Listen")
    assert listen.get_attribute("aria-expanded") == "true"
    listen.click()
    assert host.evaluate("() => document.activeElement.classList.contains('js-reader-play')")


# The text a control shows: its parts that take up room on the screen.
SHOWN_TEXT = """(control) => [...control.querySelectorAll('span')]
  .filter((s) => s.getBoundingClientRect().width > 1 && s.getBoundingClientRect().height > 1)
  .map((s) => s.textContent.trim()).join(' ')"""


def test_every_icon_button_shows_its_name(host: Page) -> None:
    open_bar(host)
    shown = {}
    for hook, name, caption in [
        ("js-reader-stop", "Stop", "Stop"),
        ("js-reader-previous", "Previous sentence", "Previous"),
        ("js-reader-next", "Next sentence", "Next"),
        ("js-reader-close", "Close the player", "Close"),
        ("js-reader-download", "Download MP3", None),
        ("js-reader-highlight", "Highlight text", None),
    ]:
        control = host.locator(f".{hook}")
        # The accessible name contains what is shown (WCAG 2.5.3), the tooltip says it whole.
        assert control.get_attribute("title") == name
        role = "link" if hook == "js-reader-download" else "button"
        assert host.get_by_role(role, name=name).count() == 1
        visible = control.evaluate(SHOWN_TEXT)
        assert visible, hook
        assert visible in name
        if caption:
            assert visible == caption
        assert control.is_visible()
        shown[hook] = visible
    # The speed control keeps its visible label on every screen.
    assert host.locator(".reader-player__field-label", has_text="Speed").is_visible()
    assert host.get_by_label("Speed").is_visible()


def test_the_bar_is_compact_on_a_phone(host: Page) -> None:
    open_bar(host)
    shoot(host, "bar")
    bar = box(host, ".reader-player")
    viewport = host.viewport_size
    assert viewport is not None
    if viewport["width"] < 500:
        assert bar["height"] <= PHONE_BAR_MAX_PX
    # Every control is inside the bar and the window: nothing cut off at the edge.
    for control in host.locator(
        ".reader-player button:visible, .reader-player select:visible, .reader-player a:visible"
    ).all():
        place = control.bounding_box()
        assert place is not None
        assert place["x"] >= 0 and place["x"] + place["width"] <= viewport["width"]
        assert place["y"] >= bar["y"] and place["height"] >= 44


SPEED_LOOK = """() => { const s = getComputedStyle(document.querySelector('.js-reader-speed'));
  return [s.borderTopWidth, s.boxShadow, s.backgroundColor]; }"""


def test_the_speed_list_looks_focused_only_when_focused_by_keyboard(host: Page) -> None:
    open_bar(host)
    width, shadow, _ = host.evaluate(SPEED_LOOK)
    assert (width, shadow) == ("1px", "none")
    # Chosen with the mouse: no focus ring either.
    host.locator(".js-reader-speed").select_option("1.25")
    width, shadow, _ = host.evaluate(SPEED_LOOK)
    assert (width, shadow) == ("1px", "none")
    # Reached with Tab from the next-sentence button: the ring shows.
    host.locator(".js-reader-next").focus()
    host.keyboard.press("Tab")
    assert host.evaluate("() => document.activeElement.classList.contains('js-reader-speed')")
    _, shadow, background = host.evaluate(SPEED_LOOK)
    assert shadow != "none"
    assert background == "rgb(255, 221, 0)"


def test_without_a_heading_the_button_keeps_off_the_window_edge(
    browser: Browser, live_server: str
) -> None:
    context = browser.new_context(**SCREENS["phone"])  # type: ignore[arg-type]
    try:
        page = context.new_page()
        html = HOST_PAGE.replace("<h1>", "<p>").replace("</h1>", "</p>")
        page.route(
            f"{live_server}/notice",
            lambda route: route.fulfill(
                status=200,
                content_type="text/html; charset=utf-8",
                headers={"Content-Security-Policy": CONTENT_SECURITY_POLICY},
                body=html,
            ),
        )
        page.goto(f"{live_server}/notice")
        listen = page.locator(".js-reader-listen")
        listen.wait_for()
        place = listen.bounding_box()
        assert place is not None
        assert place["x"] >= 12 and place["y"] >= 8
    finally:
        context.close()
