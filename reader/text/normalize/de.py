"""German, basic: abbreviations, ordinals with a dot, clock times, ranges and phone
numbers.

eSpeak NG's German voice reads "1. Mai" and "2. Weltkrieg" as "eins" plus a sentence end,
"8.30 Uhr" as "acht Punkt dreißig Uhr" and "z.B." as letters.
"""

from __future__ import annotations

import re

from reader.text.normalize.common import phone_rules, range_rule
from reader.text.spoken import Language, Replacement, Rule, spell_digits

MONTHS = ("Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September",
          "Oktober", "November", "Dezember")  # fmt: skip
ONES = ("", "ein", "zwei", "drei", "vier", "fünf", "sechs", "sieben", "acht", "neun", "zehn",
        "elf", "zwölf", "dreizehn", "vierzehn", "fünfzehn", "sechzehn", "siebzehn", "achtzehn",
        "neunzehn")  # fmt: skip
IRREGULAR_ORDINALS = {1: "erst", 3: "dritt", 7: "siebt", 8: "acht"}
TENS = ("", "", "zwanzig", "dreißig")
# After these words an ordinal takes the dative ending: "am ersten Mai".
DATIVE_WORDS = frozenset({"am", "vom", "zum", "im", "dem", "seit", "ab", "bis"})
ABBREVIATIONS = {
    "z.B.": "zum Beispiel", "z. B.": "zum Beispiel", "d.h.": "das heißt", "usw.": "und so weiter",
    "bzw.": "beziehungsweise", "Nr.": "Nummer", "ca.": "circa", "u.a.": "unter anderem",
    "ggf.": "gegebenenfalls", "Tel.": "Telefon", "Str.": "Straße", "evtl.": "eventuell",
    "inkl.": "inklusive", "z.T.": "zum Teil", "vgl.": "vergleiche", "s.o.": "siehe oben",
    "s.u.": "siehe unten", "u.U.": "unter Umständen", "o.ä.": "oder ähnliches",
    "Dr.": "Doktor", "Prof.": "Professor", "Hr.": "Herr", "Fr.": "Frau", "etc.": "et cetera",
    "bspw.": "beispielsweise", "sog.": "sogenannt", "zzgl.": "zuzüglich", "Mio.": "Millionen",
    "Mrd.": "Milliarden", "Jh.": "Jahrhundert", "v.a.": "vor allem",
}  # fmt: skip
FINAL_ABBREVIATIONS = frozenset({"usw.", "etc.", "o.ä.", "Mio.", "Mrd.", "Jh."})
WORDS = {"dot": "Punkt", "at": "ät", "slash": "Schrägstrich", "dash": "Bindestrich",
         "underscore": "Unterstrich", "and": "und", "or": "oder", "to": "bis", "plus": "plus",
         "degrees": "Grad", "celsius": "Celsius", "section": "Paragraf"}  # fmt: skip


def ordinal_stem(n: int) -> str:
    """The stem of an ordinal from 1 to 39 ("erst", "zweit", "einundzwanzigst")."""
    if n < 20:
        return IRREGULAR_ORDINALS.get(n) or ONES[n] + "t"
    units = ONES[n % 10] + "und" if n % 10 else ""
    return units + TENS[n // 10] + "st"


def _ordinal(m: re.Match[str]) -> Replacement:
    n = int(m[1])
    if not 1 <= n <= 39:
        return None
    before = m.string[: m.start()].split()
    ending = "en" if before and before[-1].lower() in DATIVE_WORDS else "e"
    return ordinal_stem(n) + ending + " "


def _time(m: re.Match[str]) -> Replacement:
    hour, minute = int(m[1]), int(m[2])
    if hour > 24 or minute > 59:
        return None
    return f"{hour} Uhr" + (f" {minute}" if minute else "")


# Phone numbers: the area code digit by digit, the other groups as the voice reads numbers.
DIGITS = ("null", "eins", "zwei", "drei", "vier", "fünf", "sechs", "sieben", "acht", "neun")


def _pair(digits: str) -> str:
    return spell_digits(digits, DIGITS) if digits.startswith("0") else digits


RULES: tuple[Rule, ...] = (
    *phone_rules(DIGITS, _pair, str, "plus", ", "),
    (re.compile(r"(?<![\d.,])(\d{1,2})\.\s(?=[A-ZÄÖÜ])"), _ordinal),
    (re.compile(r"\b(\d{1,2})[.:](\d{2})\s?Uhr\b"), _time),
    range_rule("bis"),
)

LANGUAGE = Language(
    code="de",
    abbreviations=ABBREVIATIONS,
    final_abbreviations=FINAL_ABBREVIATIONS,
    months=MONTHS,
    words=WORDS,
    acronym_genitive={"'s": "s"},
    rules=RULES,
    ordinal_before_capital=True,
)
