from __future__ import annotations

import pytest

from reader.text.sentences import MAX_SENTENCE, split_sentences


def sentences(text: str, lang: str, kind: str = "paragraph") -> list[str]:
    return [text[start:end] for start, end in split_sentences(text, lang, kind)]


@pytest.mark.parametrize(
    ("lang", "text", "expected"),
    [
        (
            "sv",
            "Vi har t.ex. Sundsvall. Och bl.a. Trondheim.",
            ["Vi har t.ex. Sundsvall.", "Och bl.a. Trondheim."],
        ),
        (
            "sv",
            "Det gäller s.k. vänorter, dvs. städer. Ring kl. 8 eller tel. 063-14 30 00.",
            ["Det gäller s.k. vänorter, dvs. städer.", "Ring kl. 8 eller tel. 063-14 30 00."],
        ),
        ("sv", "Böcker, tidningar m.m. Nästa mening.", ["Böcker, tidningar m.m.", "Nästa mening."]),
        ("sv", "Mötet är den 1. maj i år. Välkommen!", ["Mötet är den 1. maj i år.", "Välkommen!"]),
        (
            "sv",
            "Det kostar ca. 500 kr. Betala i nr. 5 eller Nr. 6 idag.",
            ["Det kostar ca. 500 kr.", "Betala i nr. 5 eller Nr. 6 idag."],
        ),
        (
            "en",
            "Mr. Smith met Dr. Jones. They talked.",
            ["Mr. Smith met Dr. Jones.", "They talked."],
        ),
        (
            "en",
            "Cities, e.g. Berlin, i.e. a capital. Next one.",
            ["Cities, e.g. Berlin, i.e. a capital.", "Next one."],
        ),
        ("en", "J. R. R. Tolkien wrote it. It sold.", ["J. R. R. Tolkien wrote it.", "It sold."]),
        ("en", "It rose by 3.5 per cent. It fell.", ["It rose by 3.5 per cent.", "It fell."]),
        (
            "en",
            "Open at 8 a.m. every day. Closed on St. Lucy's day.",
            ["Open at 8 a.m. every day.", "Closed on St. Lucy's day."],
        ),
        ("en", "We moved to the U.S. Then we left.", ["We moved to the U.S.", "Then we left."]),
        (
            "en",
            "Room No. 5 is free. Books, pens, etc. Then more.",
            ["Room No. 5 is free.", "Books, pens, etc.", "Then more."],
        ),
        ("en", 'He said "Stop." Then he left.', ['He said "Stop."', "Then he left."]),
        ("en", "Really? Yes! Wait... Now.", ["Really?", "Yes!", "Wait...", "Now."]),
        ("en", "Is it (really.) True.", ["Is it (really.)", "True."]),
        ("en", "What? he asked.", ["What? he asked."]),
        ("nb", "Vi har bl.a. Oslo. Og f.eks. Bergen.", ["Vi har bl.a. Oslo.", "Og f.eks. Bergen."]),
        ("nb", "Den 17. mai er det fest. Kom.", ["Den 17. mai er det fest.", "Kom."]),
        (
            "fi",
            "Esim. Helsinki on suuri. Se on pääkaupunki.",
            ["Esim. Helsinki on suuri.", "Se on pääkaupunki."],
        ),
        ("fi", "Juhla on 1. toukokuuta. Tervetuloa.", ["Juhla on 1. toukokuuta.", "Tervetuloa."]),
        (
            "de",
            "Am 1. Mai ist frei. Im 2. Weltkrieg nicht.",
            ["Am 1. Mai ist frei.", "Im 2. Weltkrieg nicht."],
        ),
        (
            "de",
            "Das gilt z.B. für Nr. 5 usw. Danach kommt mehr.",
            ["Das gilt z.B. für Nr. 5 usw.", "Danach kommt mehr."],
        ),
        ("de", "Das gilt z. B. hier. Ende.", ["Das gilt z. B. hier.", "Ende."]),
    ],
)
def test_sentences_split_at_stops_not_at_abbreviations(
    lang: str, text: str, expected: list[str]
) -> None:
    assert sentences(text, lang) == expected


def test_one_maj_is_a_sentence_end_in_english_but_a_date_in_swedish() -> None:
    assert sentences("Vi ses den 1. Maj.", "sv") == ["Vi ses den 1. Maj."]
    assert sentences("They came 1. Then 2.", "en") == ["They came 1.", "Then 2."]


def test_headings_and_list_items_are_one_sentence() -> None:
    text = "Step one. Do this. Then that."
    assert sentences(text, "en", "heading") == [text]
    assert sentences(text, "en", "list_item") == [text]
    assert sentences(text, "en", "paragraph") == ["Step one.", "Do this.", "Then that."]


def test_long_sentences_are_cut_at_pauses_and_cover_the_text() -> None:
    clause = "the office works with influencing the process of decision-making in the region"
    text = "; ".join([clause] * 6) + ", and " + ", ".join([clause] * 4) + "."
    spans = split_sentences(text, "en")
    parts = [text[s:e] for s, e in spans]
    assert len(parts) > 2
    assert all(len(p) <= MAX_SENTENCE for p in parts)
    assert parts[0].endswith(";")  # cut after a semicolon, not mid-clause
    assert " ".join(parts) == text


def test_a_long_heading_is_cut_too() -> None:
    text = " ".join(["word"] * 200)
    spans = split_sentences(text, "sv", "heading")
    assert all(e - s <= MAX_SENTENCE for s, e in spans)
    assert " ".join(text[s:e] for s, e in spans) == text


def test_spans_are_trimmed_and_blank_text_has_none() -> None:
    assert split_sentences("   ", "sv") == ()
    assert split_sentences("  Hej.  Hallå.  ", "sv") == ((2, 6), (8, 14))


def test_unknown_language_still_splits_at_stops() -> None:
    assert sentences("Salaan. Mahadsanid!", "so") == ["Salaan.", "Mahadsanid!"]
