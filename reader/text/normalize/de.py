"""German: abbreviations, ordinals and dates that agree with their case, clock times, ranges,
paragraphs of law, regnal numbers and phone numbers.

eSpeak NG's German voice reads "1. Mai" and "2. Weltkrieg" as "eins" plus a sentence end,
"10.11.2021" as "zehn Punkt elf Punkt ...", "8.30 Uhr" as "acht Punkt dreißig Uhr", "z.B." as
letters, "ff." as "Ef Ef" and "Ludwig XIV." as "römisch vierzehnte".
"""

from __future__ import annotations

import re

from reader.text.normalize.common import ROMAN_NUMERAL, phone_rules, range_rule, roman_reading
from reader.text.spoken import Language, Replacement, Rule, spell_digits

MONTHS = ("Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September",
          "Oktober", "November", "Dezember")  # fmt: skip
# Austria writes "Jänner" (and sometimes "Feber"): a date all the same.
DATE_MONTHS = (*MONTHS, "Jänner", "Feber")
WEEKDAYS = {"Mo": "Montag", "Di": "Dienstag", "Mi": "Mittwoch", "Do": "Donnerstag",
            "Fr": "Freitag", "Sa": "Samstag", "So": "Sonntag"}  # fmt: skip
ONES = ("", "ein", "zwei", "drei", "vier", "fünf", "sechs", "sieben", "acht", "neun", "zehn",
        "elf", "zwölf", "dreizehn", "vierzehn", "fünfzehn", "sechzehn", "siebzehn", "achtzehn",
        "neunzehn")  # fmt: skip
IRREGULAR_ORDINALS = {1: "erst", 3: "dritt", 7: "siebt", 8: "acht"}
TENS = ("", "", "zwanzig", "dreißig")
# After these words (one of the two before it) an ordinal takes the weak ending -en: "am
# ersten Mai", "bis einschließlich neunten November", "den zweiten Weltkrieg".
OBLIQUE_WORDS = frozenset({"am", "vom", "zum", "im", "beim", "dem", "den", "des", "seit", "ab",
                           "bis", "zur", "einschließlich", "spätestens", "frühestens", "nach",
                           "vor", "zwischen", "jeweils", "an", "um", "von"})  # fmt: skip
# After these, the weak nominative -e: "der zweite Weltkrieg", "die dritte Lesung".
NOMINATIVE_ARTICLES = frozenset({"der", "die", "das"})
# Before these a Roman numeral is a number ("Teil II", "SGB XII"), not a ruler's ordinal.
ROMAN_CARDINAL_WORDS = frozenset({"teil", "kapitel", "phase", "typ", "klasse", "band", "stufe",
                                  "abschnitt", "anlage", "buch", "titel", "artikel", "liga",
                                  "runde", "gruppe"})  # fmt: skip
ABBREVIATIONS = {
    "z.B.": "zum Beispiel", "z. B.": "zum Beispiel", "d.h.": "das heißt", "usw.": "und so weiter",
    "bzw.": "beziehungsweise", "Nr.": "Nummer", "ca.": "circa", "u.a.": "unter anderem",
    "ggf.": "gegebenenfalls", "Tel.": "Telefon", "Str.": "Straße", "evtl.": "eventuell",
    "inkl.": "inklusive", "z.T.": "zum Teil", "vgl.": "vergleiche", "s.o.": "siehe oben",
    "s.u.": "siehe unten", "u.U.": "unter Umständen", "o.ä.": "oder ähnliches",
    "Dr.": "Doktor", "Prof.": "Professor", "Hr.": "Herr", "Fr.": "Frau", "etc.": "et cetera",
    "bspw.": "beispielsweise", "sog.": "sogenannt", "zzgl.": "zuzüglich", "Mio.": "Millionen",
    "Mrd.": "Milliarden", "Jh.": "Jahrhundert", "v.a.": "vor allem", "ff.": "und folgende",
    "Abs.": "Absatz", "Art.": "Artikel", "i.V.m.": "in Verbindung mit", "gem.": "gemäß",
    "bzgl.": "bezüglich", "Std.": "Stunden", "Min.": "Minuten", "ggü.": "gegenüber",
    "Mo.": "Montag", "Di.": "Dienstag", "Mi.": "Mittwoch", "Do.": "Donnerstag",
    "Sa.": "Samstag", "So.": "Sonntag",
}  # fmt: skip
FINAL_ABBREVIATIONS = frozenset({"usw.", "etc.", "o.ä.", "Mio.", "Mrd.", "Jh."})
WORDS = {"dot": "Punkt", "at": "ät", "slash": "Schrägstrich", "dash": "Bindestrich",
         "underscore": "Unterstrich", "and": "und", "or": "oder", "to": "bis", "plus": "plus",
         "degrees": "Grad", "celsius": "Celsius", "section": "Paragraf",
         "sections": "Paragrafen", "phone": "Telefon", "email": "E-Mail",
         "warning": "Achtung", "important": "wichtig"}  # fmt: skip


def ordinal_stem(n: int) -> str:
    """The stem of an ordinal from 1 to 39 ("erst", "zweit", "einundzwanzigst")."""
    if n < 20:
        return IRREGULAR_ORDINALS.get(n) or ONES[n] + "t"
    units = ONES[n % 10] + "und" if n % 10 else ""
    return units + TENS[n // 10] + "st"


def _ending(text: str, at: int, date: bool) -> str:
    """The ordinal's ending from the words before it: "am ersten", "der erste", "erster"."""
    before = [w.lower() for w in re.findall(r"[^\W\d_]+", text[max(0, at - 40) : at])[-2:]]
    if any(w in OBLIQUE_WORDS for w in before):
        return "en"
    if before and before[-1] in NOMINATIVE_ARTICLES:
        return "e"
    # A date on its own is masculine ("erster Februar"); a noun's gender is not known here,
    # and "-e" is right for the feminine and neuter and after an article.
    return "er" if date else "e"


def _ordinal(m: re.Match[str]) -> Replacement:
    n = int(m[1])
    if not 1 <= n <= 39:
        return None
    month = re.match(rf"\s*(?:{'|'.join(DATE_MONTHS)})\b", m.string[m.end() :])
    return ordinal_stem(n) + _ending(m.string, m.start(), bool(month)) + " "


def _numeric_date(m: re.Match[str]) -> Replacement:
    day, month = int(m[1]), int(m[2])
    if not (1 <= day <= 31 and 1 <= month <= 12):
        return None
    said = f"{ordinal_stem(day)}{_ending(m.string, m.start(), True)} {MONTHS[month - 1]}"
    return said + (f" {m[3]}" if m[3] else "")


def _roman(m: re.Match[str]) -> Replacement:
    reading = roman_reading(m, ROMAN_CARDINAL_WORDS)
    if reading is None:
        return None
    n, counted = reading
    if counted:
        return str(n)
    return f"der {ordinal_stem(n)}e" if n <= 39 else None


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
    (
        re.compile(r"(?<![\d.])(\d{1,2})\.(\d{1,2})\.(?:(\d{4})(?![\d.]\d)|(?=\s))"),
        _numeric_date,
    ),
    *phone_rules(DIGITS, _pair, str, "plus", ", "),
    (re.compile(r"(?<=\d)\s?f\.(?=\s|$)"), lambda m: " und folgender"),
    (
        re.compile(r"\b(Mo|Di|Mi|Do|Fr|Sa|So)\.?\s?[–-]\s?(Mo|Di|Mi|Do|Fr|Sa|So)\b\.?"),
        lambda m: f"{WEEKDAYS[m[1]]} bis {WEEKDAYS[m[2]]}",
    ),
    (re.compile(rf"{ROMAN_NUMERAL}(?:\.(?=\s+[^\W\d_]))?"), _roman),
    (re.compile(r"(?<![\d.,])(\d{1,2})\.\s(?=[A-ZÄÖÜ])"), _ordinal),
    (re.compile(r"\b(\d{1,2})[.:](\d{2})\s?Uhr\b"), _time),
    range_rule("bis"),
)

LANGUAGE = Language(
    code="de",
    abbreviations=ABBREVIATIONS,
    final_abbreviations=FINAL_ABBREVIATIONS,
    months=DATE_MONTHS,
    words=WORDS,
    acronym_genitive={"'s": "s"},
    rules=RULES,
    ordinal_before_capital=True,
)
