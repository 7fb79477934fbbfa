"""The Listen button's path reads a page as `reader blocks` does: same blocks, order, languages."""

from __future__ import annotations

import gzip
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from reader.errors import NoContentError
from reader.extract.blocks import UNREAD_TAGS
from reader.load.source import load
from reader.options import ReadOptions
from reader.pipeline import read_page
from reader_web.extensions import service_of
from reader_web.posted import UNSENT_TAGS, is_unsent_attribute, widget_payload

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = sorted((ROOT / "samples").glob("*.html"))
STATIC = ROOT / "web" / "reader_web" / "static"


def markup(path: Path) -> str:
    """The page's markup as the browser gets it (decoded by its declared charset)."""
    return load(path, ReadOptions()).html


def cli_blocks(path: Path) -> list[tuple[str, str]]:
    """What `reader blocks` reads from the saved page: (text, language) in order."""
    try:
        page = read_page(path, ReadOptions())
    except NoContentError:
        return []
    return [(block.text, block.lang) for block in page.blocks]


def posted_blocks(client: FlaskClient, payload: dict[str, str], **kwargs: Any) -> Any:
    response = client.post("/api/read", json=payload, **kwargs)
    if response.status_code == 422:
        return []
    assert response.status_code == 200, response.get_data(as_text=True)
    return [(block["text"], block["lang"]) for block in response.get_json()["blocks"]]


@pytest.mark.parametrize("sample", SAMPLES, ids=[p.stem for p in SAMPLES])
def test_every_sample_reads_the_same_on_the_listen_path_as_on_the_cli(
    client: FlaskClient, sample: Path
) -> None:
    expected = cli_blocks(sample)
    payload = widget_payload(markup(sample), url=sample.as_uri())
    assert posted_blocks(client, payload) == expected
    if sample.name != "nothing-readable.html":
        assert len(expected) >= 7


def test_the_cli_and_the_listen_path_agree_on_the_saved_file(
    client: FlaskClient, tmp_path: Path
) -> None:
    # `reader blocks --json` itself, not the library under it.
    sample = ROOT / "samples" / "no-main-scoring.html"
    result = subprocess.run(
        [sys.executable, "-m", "reader", "blocks", "--json", str(sample)],
        capture_output=True,
        text=True,
        check=True,
        cwd=tmp_path,
    )
    cli = [(b["text"], b["lang"]) for b in json.loads(result.stdout)["blocks"]]
    assert cli[0] == ("Snöröjning och halkbekämpning", "sv")
    assert not any("Dela på Facebook" in text or "Du är här" in text for text, _ in cli)
    assert posted_blocks(client, widget_payload(markup(sample))) == cli


def test_an_english_page_marked_swedish_is_heard_in_english_on_the_listen_path(
    app: Flask, client: FlaskClient
) -> None:
    payload = widget_payload(markup(ROOT / "samples" / "en-marked-sv.html"))
    assert payload["lang"] == "sv"
    plan = client.post("/api/read", json=payload).get_json()
    assert plan["lang"] == "en"
    prose = [b for b in plan["blocks"] if b["kind"] in ("paragraph", "list_item")]
    assert len(prose) == 7 and all(b["lang"] == "en" for b in prose)
    # A phone number in such a page is said by the English voice, as the CLI says it.
    fragment = (
        "<main><h1>Contact us</h1><p>Our customer service answers questions about waste "
        "collection, recycling centres and bulky items on weekdays. Call 063-14 30 00 "
        "between eight and four, or write to us at any time.</p></main>"
    )
    plan = client.post("/api/read", json={"html": fragment, "lang": "sv"}).get_json()
    said = [s for b in plan["blocks"] for s in b["sentences"] if "063-14 30 00" in s["text"]]
    assert said and said[0]["lang"] == "en"
    english = service_of(app).engine_info()
    job = service_of(app).known(said[0]["audio"].rsplit("/", 1)[1][:32])
    assert job is not None
    voices = {v.id: v for v in english.voices}
    assert {part.lang for part in job.sentence.parts} == {"en"}
    assert all("en" in voices[part.voice].languages[0] for part in job.sentence.parts)


def test_a_gzipped_page_reads_as_the_plain_one(client: FlaskClient) -> None:
    payload = widget_payload(markup(ROOT / "samples" / "author-area-skip.html"))
    packed = gzip.compress(json.dumps(payload).encode("utf-8"))
    response = client.post(
        "/api/read",
        data=packed,
        headers={"Content-Type": "application/json", "Content-Encoding": "gzip"},
    )
    assert response.status_code == 200
    assert (
        response.get_json()["blocks"] == client.post("/api/read", json=payload).get_json()["blocks"]
    )


def test_a_gzip_bomb_is_refused_with_413_before_it_is_unpacked(app_factory: Any) -> None:
    client = app_factory(READER_MAX_MARKUP=1024 * 1024).test_client()
    bomb = gzip.compress(b'{"html": "' + b" " * (64 * 1024 * 1024) + b'"}')
    assert len(bomb) < 100_000
    response = client.post(
        "/api/read",
        data=bomb,
        headers={"Content-Type": "application/json", "Content-Encoding": "gzip"},
    )
    assert response.status_code == 413
    assert "unpacks to more than 1048576 bytes" in response.get_json()["error"]
    broken = client.post(
        "/api/read",
        data=bomb[:500],
        headers={"Content-Type": "application/json", "Content-Encoding": "gzip"},
    )
    assert broken.status_code == 400
    brotli = client.post(
        "/api/read",
        data=b"{}",
        headers={"Content-Type": "application/json", "Content-Encoding": "br"},
    )
    assert brotli.status_code == 400 and "Content-Encoding" in brotli.get_json()["error"]


TEASER_FIRST = """<!DOCTYPE html><html lang="en"><head><title>Sweden's new rules</title></head>
<body><header><a href="/">The Local</a></header>
<article class="teaser"><h2><a href="/a">Ten things to do in Malmö this summer</a></h2>
<p>From beaches to food markets.</p></article>
<div class="story"><article>
<h1>Sweden changes the rules for work permits</h1>
<p>The government has announced that the salary threshold for work permits will rise next
year, a change that affects thousands of people who come to Sweden to work.</p>
<p>Employers' organisations have criticised the decision, saying that it will make it harder
for small companies to hire the staff they need, especially in the north of the country.</p>
<p>The new threshold applies to applications made after the first of June.</p>
</article></div>
<section class="related"><h2>Related</h2><ul><li><a href="/b">Housing queues grow</a></li>
<li><a href="/c">Trains cancelled</a></li><li><a href="/d">New Swedish courses</a></li></ul>
</section></body></html>"""


def test_the_story_is_read_when_the_first_article_is_a_teaser(client: FlaskClient) -> None:
    texts = [text for text, _ in posted_blocks(client, widget_payload(TEASER_FIRST))]
    assert texts[0] == "Sweden changes the rules for work permits"
    assert texts[-1].startswith("The new threshold")
    assert not any("Malmö" in text or "Housing" in text for text in texts)


AREA_PAGE = """<!DOCTYPE html><html lang="en"><head><title>Permits</title></head><body>
<nav><a href="/">Home</a> <a href="/permits">Permits</a></nav>
<div id="text"><h1>Parking permits</h1>
<p>Residents can apply for a parking permit for the street where they live.</p>
<p><a href="/apply">Apply online</a></p>
<div class="share"><a href="#fb">Share on Facebook</a> <a href="#x">Share on X</a></div>
<ul class="related-links"><li><a href="/a">Parking fines</a></li><li><a href="/b">Bus lanes
</a></li><li><a href="/c">Snow clearing</a></li></ul>
<section class="comments"><h2>Comments</h2><p>Great, thanks for the information!</p></section>
</div>
<div id="news"><h2>News</h2><p>The library opens on Sunday this week, from eleven to four,
with a reading for children at one and a book sale all day long.</p></div>
<script type="module" src="https://reader.example/widget.js" data-reader-area="#text"></script>
</body></html>"""


def test_the_area_named_on_the_script_tag_is_read_without_its_furniture(
    client: FlaskClient, tmp_path: Path
) -> None:
    saved = tmp_path / "permits.html"
    saved.write_text(AREA_PAGE, encoding="utf-8")
    expected = [
        ("Parking permits", "en"),
        ("Residents can apply for a parking permit for the street where they live.", "en"),
        ("Apply online", "en"),
    ]
    assert cli_blocks(saved) == expected
    payload = widget_payload(AREA_PAGE)
    assert payload["area"] == "#text" and "<script" not in payload["html"]
    assert posted_blocks(client, payload) == expected


def test_what_the_widget_leaves_out_is_never_read() -> None:
    # The widget's own list (player.js) is the one the server and the benchmarks model.
    script = (STATIC / "player.js").read_text(encoding="utf-8")
    match = re.search(r'const UNSENT_SELECTOR = ((?:"[^"]*"\s*\+?\s*)+);', script)
    assert match is not None
    listed = "".join(re.findall(r'"([^"]*)"', match.group(1)))
    assert tuple(tag.strip() for tag in listed.split(",")) == UNSENT_TAGS
    assert set(UNSENT_TAGS) <= set(UNREAD_TAGS)
    # No attribute extraction reads is among those the widget drops.
    source = "\n".join(p.read_text("utf-8") for p in (ROOT / "reader" / "extract").glob("*.py"))
    read = set(re.findall(r"""\.get\(\s*["']([\w:-]+)["']""", source))
    read |= set(re.findall(r'^[A-Z_]+ = "(data-[\w-]+)"', source, re.M))
    assert {"alt", "class", "data-reader-area", "href", "lang", "style"} <= read
    assert [name for name in read if is_unsent_attribute(name)] == []
    assert is_unsent_attribute("data-src") and is_unsent_attribute("onclick")


def test_a_lang_as_the_page_wrote_it_is_read_as_the_cli_reads_it(client: FlaskClient) -> None:
    text = "Residents can apply for a parking permit for the street where they live."
    injected = '"><p>Injected text</p><x y="'
    # The widget sends a malformed lang as none, which is how the CLI reads it on the page.
    page = f"<html lang='{injected}'><body><main><p>{text}</p></main></body></html>"
    assert widget_payload(page)["lang"] == ""
    for lang, expected in (("EN_gb", "en-gb"), ("", "en")):
        body = {"html": f"<main><p>{text}</p></main>", "lang": lang}
        plan = client.post("/api/read", json=body).get_json()
        assert [(b["text"], b["lang"]) for b in plan["blocks"]] == [(text, expected)]
    # Posted as it stands, it is a mistake the client hears about.
    answer = client.post(
        "/api/read", json={"html": f"<main><p>{text}</p></main>", "lang": injected}
    )
    assert answer.status_code == 400
    assert "'lang' must be a language code" in answer.get_json()["error"]
