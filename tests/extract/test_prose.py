"""Nothing is read that is not language: templates, code, JSON, minified script, noise."""

from __future__ import annotations

import random

import pytest

from reader.errors import NoContentError
from reader.extract.blocks import extract_blocks
from reader.model import Document

ANGULAR_PAGE = """<!DOCTYPE html><html lang="nb" ng-app="nrco"><head><title>Nyhet</title></head>
<body ng-controller="contentDetailController as nrco.contentDetailController">
<main>
<h1 ng-bind="nrco.contentDetailController.content.title">
  {{nrco.contentDetailController.content.title}}</h1>
<span class="status">{{nrco.contentDetailController.content.status === "published" ?
  "Publisert " + (nrco.contentDetailController.content.published | date:'dd.MM.yyyy')
  : "Utkast"}}</span>
<div class="ingress">{{ nrco.contentDetailController.content.lead }}</div>
<div ng-repeat="block in nrco.contentDetailController.content.blocks">
  <p ng-if="block.type === 'text'">{{ block.text | limitTo: 400 }}</p>
  <p>{% if user %}{{ user.name }}{% endif %}</p>
</div>
</main></body></html>"""


def texts(html: str) -> list[str]:
    return [block.text for block in extract_blocks(Document(html=html)).blocks]


def test_a_page_made_only_of_template_placeholders_has_nothing_to_read() -> None:
    with pytest.raises(NoContentError):
        extract_blocks(Document(html=ANGULAR_PAGE))


@pytest.mark.parametrize(
    "code",
    [
        "{{ article.title }}",
        "Hallo {{ user.firstName }} {{ user.lastName }}",
        '{"props":{"pageProps":{"title":"Hello world","id":1,"tags":["a","b"]}}}',
        "!function(e){var t={};function n(r){if(t[r])return t[r].exports;var o=t[r]={i:r};"
        "return e[r].call(o.exports,o,o.exports,n),o.l=!0,o.exports}}([]);",
        ".site-header{display:flex;margin:0 auto}.site-header a{color:#fff}",
        "<%= @page.title %> <%= render 'shared/menu' %>",
    ],
)
def test_code_in_a_text_node_is_not_read(code: str) -> None:
    html = (
        f"<main><h1>Öppettider</h1><div>{code}</div><p>Biblioteket är öppet alla dagar.</p></main>"
    )
    assert texts(html) == ["Öppettider", "Biblioteket är öppet alla dagar."]


@pytest.mark.parametrize(
    "text",
    [
        "Der Zug fährt zwischen Madrid und Köln (siehe https://example.com/fahrplan?tag=1).",
        "東京都は、日本の首都です。人口は約千四百万人です。",
        "Call list.extend(iterable) or json.dump(obj, fp, indent=None) to write it.",
        "Fortune® World’s Most Admired Companies™ 2025: 3 × 4 = 12, 50 % off, 20 °C.",
        "C++ and C# are languages; Q&A at 18:00.",
        "Skriv till info@ostersund.se eller ring 063-14 30 00.",
    ],
)
def test_language_with_symbols_urls_and_signatures_is_read(text: str) -> None:
    assert texts(f"<main><p>{text}</p></main>") == [text]


def test_code_the_author_marks_as_code_is_read() -> None:
    html = (
        "<main><h1>Templates</h1><p>Write <code>{{ user.name }}</code> to show a name.</p>"
        '<pre>{"name": "Anna", "roles": ["editor"]}</pre></main>'
    )
    assert texts(html) == [
        "Templates",
        "Write {{ user.name }} to show a name.",
        '{"name": "Anna", "roles": ["editor"]}',
    ]


@pytest.mark.parametrize("seed", range(20))
@pytest.mark.parametrize("decoding", ["latin-1", "utf-8"])
def test_random_bytes_as_text_have_nothing_to_read(seed: int, decoding: str) -> None:
    noise = random.Random(seed).randbytes(300).decode(decoding, errors="replace")
    with pytest.raises(NoContentError):
        extract_blocks(
            Document(html=f"<html><body><div data-reader-area>{noise}</div></body></html>")
        )


def test_a_stray_control_character_in_a_sentence_is_not_noise() -> None:
    [text] = texts("<p>Biblioteket\x7f är öppet alla dagar.</p>")
    assert text.split() == ["Biblioteket\x7f", "är", "öppet", "alla", "dagar."]
