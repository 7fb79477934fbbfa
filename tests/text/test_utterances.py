from __future__ import annotations

from pathlib import Path

import pytest

from reader.model import Block, LangSpan, Page, Utterance
from reader.options import SpeechOptions
from reader.text.utterances import MAX_SPOKEN_BYTES, to_utterances

SEED = Path(__file__).resolve().parents[2] / "samples"


def page_of(*blocks: Block, lang: str = "en") -> Page:
    return Page(url="", title="", lang=lang, blocks=blocks)


def block(index: int, text: str, lang: str, kind: str = "paragraph", **kw: object) -> Block:
    return Block(index=index, kind=kind, text=text, locator=f"#b{index}", lang=lang, **kw)


def utterances(*blocks: Block, options: SpeechOptions | None = None) -> tuple[Utterance, ...]:
    return to_utterances(page_of(*blocks), options or SpeechOptions())


def seed_page() -> Page:
    """The Östersund seed text as blocks: the footer and header in Swedish, the rest English."""
    lines = [
        line.strip().lstrip("•").strip()
        for line in (SEED / "ostersund-international-cooperation.txt")
        .read_text("utf-8")
        .splitlines()
    ]
    swedish = ("Östersunds", "Du är", "Lyssna", "Telefon", "831 82", "Sundsvall, Östersund och")
    blocks = [
        block(i, text, "sv" if text.startswith(swedish) else "en")
        for i, text in enumerate(line for line in lines if line)
    ]
    return page_of(*blocks)


def test_footer_is_read_as_a_swede_reads_it() -> None:
    spoken = [u.text for u in to_utterances(seed_page(), SpeechOptions()) if u.lang == "sv"]
    assert "Telefon: noll sex tre, fjorton trettio noll noll" in spoken
    assert "åtta tre ett, åttiotvå Östersund" in spoken


def test_seed_page_utterances_cover_sentences_and_map_back() -> None:
    page = seed_page()
    found = to_utterances(page, SpeechOptions())
    texts = {u.text for u in found}
    assert (
        "Within this frame-work, the office works with influencing the process of "
        "decision-making in the E.U, ensuring that the region's interests are taken care of."
        in texts
    )
    assert any("Unesco's Creative Cities Network" in t for t in texts)
    assert any("since nineteen ninety-nine" in t for t in texts)
    for u in found:
        shown = page.blocks[u.block].text
        assert u.text.strip() and any(ch.isalnum() for ch in u.text)
        assert len(u.char_map) == len(u.text) + 1
        assert all(a <= b for a, b in zip(u.char_map, u.char_map[1:], strict=False))
        assert u.start <= u.char_map[0] and u.char_map[-1] <= u.end <= len(shown)
        assert shown[u.start : u.end] == shown[u.start : u.end].strip()
        assert u.voice == ""
    blocks_in_order = [u.block for u in found]
    assert blocks_in_order == sorted(blocks_in_order)


def test_sentences_are_numbered_in_each_block_and_span_the_shown_sentence() -> None:
    text = "Vi har t.ex. Sundsvall. Ring 063-14 30 00!"
    found = utterances(block(3, text, "sv"))
    assert [(u.block, u.sentence, u.part) for u in found] == [(3, 0, 0), (3, 1, 0)]
    assert [text[u.start : u.end] for u in found] == [
        "Vi har t.ex. Sundsvall.",
        "Ring 063-14 30 00!",
    ]
    first = found[0]
    at = first.text.index("till exempel")
    assert text[first.char_map[at] : first.char_map[at + len("till exempel")]] == "t.ex."
    second = found[1]
    at = second.text.index("fjorton")
    assert text[second.char_map[at] : second.char_map[at + len("fjorton")]] == "14"


def test_inline_language_spans_become_parts_in_their_language() -> None:
    text = "The three cities of Sundsvall, Östersund och Trondheim work together. Next."
    start = text.index("Sundsvall")
    end = text.index(" work")
    found = utterances(block(0, text, "en", spans=(LangSpan(start=start, end=end, lang="sv"),)))
    assert [(u.sentence, u.part, u.lang) for u in found] == [
        (0, 0, "en"),
        (0, 1, "sv"),
        (0, 2, "en"),
        (1, 0, "en"),
    ]
    assert [text[u.start : u.end] for u in found] == [
        "The three cities of",
        "Sundsvall, Östersund och Trondheim",
        "work together.",
        "Next.",
    ]
    # Parts the sentence goes on after end with a comma, so eSpeak keeps the voice up.
    assert [u.text for u in found[:3]] == [
        "The three cities of,",
        "Sundsvall, Östersund och Trånnhejm,",
        "work together.",
    ]


def test_the_comma_after_a_span_starts_no_part() -> None:
    text = "It is called Gränslöst samarbete, and we like it."
    start, end = text.index("Gränslöst"), text.index(", and")
    found = utterances(block(0, text, "en", spans=(LangSpan(start=start, end=end, lang="sv"),)))
    assert [text[u.start : u.end] for u in found] == [
        "It is called",
        "Gränslöst samarbete",
        "and we like it.",
    ]
    assert found[-1].text == "and we like it."


def test_a_span_is_normalised_in_its_own_language() -> None:
    text = "Call kl. 08.00 tomorrow."
    start, end = text.index("kl."), text.index(" tomorrow")
    found = utterances(block(0, text, "en", spans=(LangSpan(start=start, end=end, lang="sv"),)))
    assert [(u.lang, u.text) for u in found] == [
        ("en", "Call,"),
        ("sv", "klockan åtta,"),
        ("en", "tomorrow."),
    ]


def test_a_span_in_the_blocks_own_language_does_not_split() -> None:
    text = "Welcome to Östersund."
    found = utterances(block(0, text, "en-GB", spans=(LangSpan(start=11, end=20, lang="en"),)))
    assert [(u.part, u.lang, u.text) for u in found] == [(0, "en-GB", "Welcome to Östersund.")]


def test_no_empty_or_punctuation_only_utterances() -> None:
    found = utterances(
        block(0, "   ", "sv"),
        block(1, "— … !", "sv"),
        block(2, "“ ” . Hej.", "sv"),
        block(3, "Hej.", "sv", spans=(LangSpan(start=3, end=4, lang="en"),)),
    )
    assert [(u.block, u.sentence, u.part, u.text) for u in found] == [
        (2, 0, 0, "Hej."),
        (3, 0, 0, "Hej"),
    ]


def test_headings_are_one_utterance_and_keep_their_text() -> None:
    found = utterances(block(0, "International Strategy", "en", kind="heading", level=2))
    assert [(u.text, u.start, u.end) for u in found] == [("International Strategy", 0, 22)]


@pytest.mark.parametrize("kind", ["paragraph", "heading", "list_item"])
def test_utterances_stay_short(kind: str) -> None:
    clause = "and the number 063-14 30 00 at www.ostersund.se, t.ex. kl. 08.00"
    long_text = " ".join([clause] * 40) + "."
    no_spaces = "x" * 5000
    found = utterances(block(0, long_text, "sv", kind=kind), block(1, no_spaces, "sv", kind=kind))
    assert all(len(u.text.encode("utf-8")) <= MAX_SPOKEN_BYTES for u in found)
    covered = "".join(no_spaces[u.start : u.end] for u in found if u.block == 1)
    assert covered == no_spaces


def test_site_lexicon_is_used(tmp_path: Path) -> None:
    (tmp_path / "sv.tsv").write_text("Östersund\tÖstersunn\n", "utf-8")
    found = utterances(
        block(0, "831 82 Östersund", "sv"), options=SpeechOptions(lexicon_dir=tmp_path)
    )
    assert [u.text for u in found] == ["åtta tre ett, åttiotvå Östersunn"]


def test_block_without_language_takes_the_page_language() -> None:
    found = to_utterances(page_of(block(0, "t.ex. här", ""), lang="sv"), SpeechOptions())
    assert [(u.lang, u.text) for u in found] == [("sv", "till exempel här")]


def test_a_kicker_is_said_apart_before_the_title() -> None:
    text = "Thema Verbraucherschutz Mehr Transparenz bei Stromtarifen"
    heading = block(0, text, "de", kind="heading", level=1, breaks=(23,))
    parts = utterances(heading)
    assert [(u.sentence, u.part, text[u.start : u.end]) for u in parts] == [
        (0, 0, "Thema Verbraucherschutz"),
        (1, 0, "Mehr Transparenz bei Stromtarifen"),
    ]
