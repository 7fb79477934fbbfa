"""Formulas are read where they stand: MathML alttext or annotation, formula image alt."""

from __future__ import annotations

import pytest
from support import SAMPLES

from reader.extract.blocks import extract_blocks
from reader.load.source import load
from reader.model import Document
from reader.options import ReadOptions


def texts(html: str) -> list[str]:
    return [block.text for block in extract_blocks(Document(html=html)).blocks]


def test_wikipedia_formulas_are_read_in_place() -> None:
    # Hidden MathML for screen readers beside an image hidden from them, in every sentence.
    page = extract_blocks(load(SAMPLES / "en-wikipedia-formulas.html", ReadOptions()))
    assert [block.text for block in page.blocks][3:5] == [
        "Given a set of N high-dimensional objects x1, …, xN, t-SNE first computes "
        "probabilities pij that are proportional to the similarity of objects xi and xj, "
        "as follows.",
        "The similarity of datapoint xj to datapoint xi is the conditional probability, "
        "pj|i, that xi would pick xj as its neighbor.",
    ]


@pytest.mark.parametrize(
    ("formula", "said"),
    [
        ('<math alttext="a plus b"><mi>a</mi><mo>+</mo><mi>b</mi></math>', "a plus b"),
        (
            "<math><semantics><mrow><mi>x</mi></mrow>"
            '<annotation encoding="application/x-tex">x^{2}</annotation></semantics></math>',
            "x^2",
        ),
        ("<math><mi>a</mi><mo>+</mo><mi>b</mi></math>", "a + b"),
        ('<img class="tex" src="/f.png" alt="\\alpha \\leq \\frac{1}{2}">', "α ≤ 1/2"),
        ('<img class="latex" src="https://latex.codecogs.com/svg.latex?x_1" alt="x_1">', "x1"),
    ],
)
def test_a_formula_is_read_by_its_text(formula: str, said: str) -> None:
    assert texts(f"<main><p>The value {formula} is small.</p></main>") == [
        f"The value {said} is small."
    ]


def test_a_formula_with_nothing_to_read_leaves_the_sentence_whole() -> None:
    html = (
        "<main><p>Given objects <math></math>, <math></math>, <math></math>, the method "
        'compares <img class="tex" src="/a.png" alt=""> pairs.</p></main>'
    )
    assert texts(html) == ["Given objects, the method compares pairs."]


def test_a_formula_hidden_on_its_own_stays_hidden() -> None:
    html = (
        '<main><p>Area <span style="display:none"><math alttext="A = \\pi r^2"></math></span>'
        '<img class="tex" alt="\\pi r^2" aria-hidden="true"> of a circle.</p></main>'
    )
    assert texts(html) == ["Area of a circle."]
