"""What a new visitor sees of the widget on a host page, desktop and phone, in Chromium."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, Response, Route

from reader_web.security import CONTENT_SECURITY_POLICY

AUDIO_WAIT_MS = 30_000
# The widget's wait for the server before it places the button by the page's headings
# (DEFAULTS.placeWaitMs), and the time a test gives it beyond that.
PLACE_WAIT_MS = 1500
PLACE_SLACK_MS = 5000
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


# A council page without `main` whose first headings are a cookie banner's and a promotion's:
# the text the server reads starts further down, at the page's own heading.
COUNCIL_PAGE = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Bin collections over the holidays | Ostbury Council</title>
<style>body { margin: 0; font-family: Georgia, "DejaVu Serif", serif; }
.cookies { background: #222; color: #fff; padding: 1rem; }
.masthead { background: #0b3d5c; color: #fff; padding: 0.5rem 1.25rem; }
.masthead a { color: #fff; }
.promo { background: #fde7a9; padding: 0.5rem 1.25rem; }
.content { padding: 0 1.25rem; max-width: 40rem; }</style></head>
<body>
<div class="cookies"><h2>Cookies on this site</h2><p>We use cookies to make the site work.</p>
<button type="button">Accept</button></div>
<div class="masthead"><p>Ostbury Council</p><a href="/">Home</a> <a href="/bins">Bins</a></div>
<div class="promo"><h2>Sign up for our newsletter</h2><a href="/news">Subscribe</a></div>
<div class="content">
<h2>Bin collections over the holidays</h2>
<p>Bins are collected two days later than usual in the week after Christmas.</p>
<p>Garden waste is not collected between 24 December and 2 January.</p>
<p>Put your bin out by seven in the morning on the new day of collection.</p>
</div>
<script type="module" src="/widget.js"></script>
</body></html>"""
CONTENT_HEADING = "Bin collections over the holidays"


def council_page(note: str = "") -> str:
    """The council page, its text told apart by `note` (a page version the server has not read)."""
    return COUNCIL_PAGE.replace("</div>\n<script", f"<p>{note}</p></div>\n<script", 1)


@dataclass(kw_only=True)
class Host:
    """A host page open in Chromium on a desktop or a phone, and what it asked the server."""

    page: Page
    screen: str
    shots: Path
    asked: list[tuple[str, str, int]] = field(default_factory=list)  # /api/start answers

    def shoot(self, name: str) -> None:
        self.page.screenshot(path=str(self.shots / f"widget-{name}-{self.screen}.png"))


Show = Callable[..., Host]


@pytest.fixture
def show(browser: Browser, live_server: str, tmp_path: Path) -> Iterator[Show]:
    """Open a page served from the reader's origin (its CSP and API apply) on a screen; every
    context is closed after the test, and a script error fails it."""
    opened: list[tuple[Host, list[str]]] = []

    def open_page(
        html: str,
        screen: str,
        *,
        path: str = "/host",
        before: Callable[[Page], None] | None = None,
    ) -> Host:
        context = browser.new_context(**SCREENS[screen])  # type: ignore[arg-type]
        page = context.new_page()
        host, errors = Host(page=page, screen=screen, shots=tmp_path), []
        opened.append((host, errors))
        page.on("pageerror", lambda error: errors.append(str(error)))

        def note(response: Response) -> None:
            if "/api/start" in response.url:
                kind = "known?" if response.request.method == "GET" else "read"
                host.asked.append((response.request.method, kind, response.status))

        page.on("response", note)
        page.route(
            f"{live_server}{path}",
            lambda route: route.fulfill(
                status=200,
                content_type="text/html; charset=utf-8",
                headers={"Content-Security-Policy": CONTENT_SECURITY_POLICY},
                body=html,
            ),
        )
        if before is not None:
            before(page)
        page.goto(f"{live_server}{path}")
        page.locator(".js-reader-listen").wait_for(timeout=PLACE_WAIT_MS + PLACE_SLACK_MS)
        return host

    yield open_page
    for host, errors in opened:
        host.page.context.close()
        assert errors == []


@pytest.fixture(params=list(SCREENS))
def screen(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def host(show: Show, screen: str) -> Host:
    """The news-like host page on a desktop or a phone."""
    return show(HOST_PAGE, screen, path="/park")


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


def test_the_listen_button_stands_before_the_headline(host: Host) -> None:
    host.shoot("host-closed")
    listen = box(host.page, ".js-reader-listen")
    headline = box(host.page, "h1")
    banner = box(host.page, ".cookies")
    # Below the cookie banner and the site's header, just above the headline, in its column.
    assert listen["y"] >= banner["y"] + banner["height"]
    assert 0 < headline["y"] - (listen["y"] + listen["height"]) < 60
    assert listen["x"] == pytest.approx(headline["x"], abs=1)
    assert listen["x"] >= 16


def test_the_widget_uses_the_system_font_not_the_pages(host: Host) -> None:
    open_bar(host.page)
    fonts = host.page.evaluate(
        """() => ['.js-reader-listen', '.reader-player', '.js-reader-play',
                  '.reader-player__heading', '.js-reader-speed']
            .map((s) => getComputedStyle(document.querySelector(s)).fontFamily)"""
    )
    body_font = host.page.evaluate("() => getComputedStyle(document.body).fontFamily")
    assert body_font.startswith("Georgia")
    for font in fonts:
        assert font.startswith("system-ui"), font
        assert "Georgia" not in font


def test_opening_the_bar_does_not_move_the_page(host: Host) -> None:
    before = {s: box(host.page, s)["y"] for s in ("h1", ".page p", ".js-reader-listen")}
    open_bar(host.page)
    host.shoot("host-open")
    after = {s: box(host.page, s)["y"] for s in before}
    assert after == before
    # The button stays in place and says that it opened the player; pressing it goes there.
    listen = host.page.get_by_role("button", name="Listen")
    assert listen.get_attribute("aria-expanded") == "true"
    listen.click()
    assert host.page.evaluate("() => document.activeElement.classList.contains('js-reader-play')")


# The text a control shows: its parts that take up room on the screen.
SHOWN_TEXT = """(control) => [...control.querySelectorAll('span')]
  .filter((s) => s.getBoundingClientRect().width > 1 && s.getBoundingClientRect().height > 1)
  .map((s) => s.textContent.trim()).join(' ')"""


def test_every_icon_button_shows_its_name(host: Host) -> None:
    open_bar(host.page)
    shown = {}
    for hook, name, caption in [
        ("js-reader-stop", "Stop", "Stop"),
        ("js-reader-previous", "Previous sentence", "Previous"),
        ("js-reader-next", "Next sentence", "Next"),
        ("js-reader-close", "Close the player", "Close"),
        ("js-reader-download", "Download MP3", None),
        ("js-reader-highlight", "Highlight text", None),
    ]:
        control = host.page.locator(f".{hook}")
        # The accessible name contains what is shown (WCAG 2.5.3), the tooltip says it whole.
        assert control.get_attribute("title") == name
        role = "link" if hook == "js-reader-download" else "button"
        assert host.page.get_by_role(role, name=name).count() == 1
        visible = control.evaluate(SHOWN_TEXT)
        assert visible, hook
        assert visible in name
        if caption:
            assert visible == caption
        assert control.is_visible()
        shown[hook] = visible
    # The speed control keeps its visible label on every screen.
    assert host.page.locator(".reader-player__field-label", has_text="Speed").is_visible()
    assert host.page.get_by_label("Speed").is_visible()


def test_the_bar_is_compact_on_a_phone(host: Host) -> None:
    open_bar(host.page)
    host.shoot("bar")
    bar = box(host.page, ".reader-player")
    viewport = host.page.viewport_size
    assert viewport is not None
    if viewport["width"] < 500:
        assert bar["height"] <= PHONE_BAR_MAX_PX
    # Every control is inside the bar and the window: nothing cut off at the edge.
    for control in host.page.locator(
        ".reader-player button:visible, .reader-player select:visible, .reader-player a:visible"
    ).all():
        place = control.bounding_box()
        assert place is not None
        assert place["x"] >= 0 and place["x"] + place["width"] <= viewport["width"]
        assert place["y"] >= bar["y"] and place["height"] >= 44


SPEED_LOOK = """() => { const s = getComputedStyle(document.querySelector('.js-reader-speed'));
  return [s.borderTopWidth, s.boxShadow, s.backgroundColor]; }"""


def test_the_speed_list_looks_focused_only_when_focused_by_keyboard(host: Host) -> None:
    open_bar(host.page)
    width, shadow, _ = host.page.evaluate(SPEED_LOOK)
    assert (width, shadow) == ("1px", "none")
    # Chosen with the mouse: no focus ring either.
    host.page.locator(".js-reader-speed").select_option("1.25")
    width, shadow, _ = host.page.evaluate(SPEED_LOOK)
    assert (width, shadow) == ("1px", "none")
    # Reached with Tab from the next-sentence button: the ring shows.
    host.page.locator(".js-reader-next").focus()
    host.page.keyboard.press("Tab")
    assert host.page.evaluate("() => document.activeElement.classList.contains('js-reader-speed')")
    _, shadow, background = host.page.evaluate(SPEED_LOOK)
    assert shadow != "none"
    assert background == "rgb(255, 221, 0)"


# Where the widget's own placement (without the server) would put the button: the text of the
# element it would stand before.
BY_HEADING = """async () => {
  const { placeByHeading } = await import('/place.js');
  const probe = document.createElement('div');
  placeByHeading(probe, document.body);
  const next = probe.nextElementSibling.textContent.trim();
  probe.remove();
  return next;
}"""
BEFORE_BUTTON = (
    "() => document.querySelector('.reader-widget').nextElementSibling.textContent.trim()"
)


def assert_just_above(host: Host, heading: str, above: str) -> None:
    """The Listen button stands just above `heading`, below `above`, in its column."""
    listen = box(host.page, ".js-reader-listen")
    target = host.page.get_by_role("heading", name=CONTENT_HEADING).bounding_box()
    assert target is not None
    assert host.page.evaluate(BEFORE_BUTTON) == heading
    assert listen["y"] >= box(host.page, above)["y"] + box(host.page, above)["height"]
    assert 0 < target["y"] - (listen["y"] + listen["height"]) < 60
    assert listen["x"] == pytest.approx(target["x"], abs=1)


def test_the_button_stands_before_the_text_the_server_found_not_a_banner_heading(
    show: Show, screen: str
) -> None:
    host = show(council_page(), screen)
    host.shoot("council")
    # The page's first heading outside header and navigation is the cookie banner's.
    assert host.page.evaluate(BY_HEADING) == "Cookies on this site"
    assert_just_above(host, CONTENT_HEADING, ".promo")
    assert box(host.page, ".js-reader-listen")["x"] >= 16


def test_a_page_version_is_posted_once_then_known_by_one_small_get(show: Show) -> None:
    html = council_page(f"Version {uuid.uuid4().hex}.")
    first = show(html, "desktop")
    assert first.asked == [("GET", "known?", 204), ("POST", "read", 200)]
    # Another visitor (a browser with nothing cached) sends no page: one GET is answered.
    second = show(html, "phone")
    assert second.asked == [("GET", "known?", 200)]
    assert_just_above(second, CONTENT_HEADING, ".promo")
    # The page changes: its new version is read once more.
    changed = show(html.replace("Version", "Changed version"), "desktop")
    assert changed.asked == [("GET", "known?", 204), ("POST", "read", 200)]


def test_without_an_answer_in_time_the_button_is_placed_once_by_the_headings(
    show: Show, screen: str, live_server: str
) -> None:
    held: list[Route] = []

    def hold_the_server(page: Page) -> None:
        page.route(f"{live_server}/api/start**", lambda route: held.append(route))
        # Every time the widget's mount enters the page is counted.
        page.add_init_script(
            "window.mounts = 0; new MutationObserver((changes) => { for (const c of changes)"
            " for (const n of c.addedNodes) if (n.classList?.contains('reader-widget'))"
            " window.mounts += 1; }).observe(document, { childList: true, subtree: true });"
        )

    host = show(council_page(f"Slow {uuid.uuid4().hex}."), screen, before=hold_the_server)
    page = host.page
    assert page.evaluate(BEFORE_BUTTON) == "Cookies on this site"
    place = box(page, ".js-reader-listen")
    assert place["x"] >= 12
    # The server answers late (the page is read): the button stays where it was placed.
    for _ in range(PLACE_SLACK_MS // 50):
        if any(method == "POST" for method, _, _ in host.asked):
            break
        for route in held:
            route.continue_()
        held.clear()
        page.wait_for_timeout(50)
    host.shoot("late-answer")
    assert host.asked[-1] == ("POST", "read", 200)
    assert box(page, ".js-reader-listen") == place
    assert page.evaluate("() => window.mounts") == 1


def test_where_the_site_put_data_reader_widget_the_button_goes_unasked(show: Show) -> None:
    html = council_page().replace(
        "<p>Ostbury Council</p>", '<p>Ostbury Council</p><div data-reader-widget id="here"></div>'
    )
    host = show(html, "desktop")
    assert host.page.locator("#here .js-reader-listen").is_visible()
    host.page.wait_for_timeout(PLACE_WAIT_MS)
    assert host.asked == []


# Pages whose text stands against the window's edge: no padding, or no heading at all.
EDGE_CHANGES = {
    "flush-text": [(".content { padding: 0 1.25rem;", ".content { padding: 0;")],
    "no-heading": [
        (".content { padding: 0 1.25rem;", ".content { padding: 0;"),
        ("<h2>Bin", "<p>Bin"),
        ("holidays</h2>", "holidays</p>"),
    ],
}


@pytest.mark.parametrize("what", EDGE_CHANGES)
def test_the_button_keeps_off_the_window_edge(show: Show, screen: str, what: str) -> None:
    html = council_page()
    for old, new in EDGE_CHANGES[what]:
        html = html.replace(old, new)
    host = show(html, screen)
    host.shoot(f"edge-{what}")
    listen = box(host.page, ".js-reader-listen")
    assert listen["x"] >= 12
    assert host.page.evaluate(BEFORE_BUTTON) == CONTENT_HEADING


@pytest.mark.parametrize(
    "answer",
    [{"start": {"kind": "heading", "text": "Bin"}}, {"start": [None, "x", {"text": 5}]}],
    ids=["not-a-list", "odd-marks"],
)
def test_an_answer_of_another_shape_still_gives_the_page_its_button(
    show: Show, live_server: str, answer: dict[str, object]
) -> None:
    def answer_oddly(page: Page) -> None:
        page.route(f"{live_server}/api/start**", lambda route: route.fulfill(json=answer))

    host = show(council_page(), "desktop", before=answer_oddly)
    assert host.page.evaluate(BEFORE_BUTTON) == "Cookies on this site"
    assert host.page.get_by_role("button", name="Listen").is_visible()
