"""Finnish, basic: abbreviations, ordinal dates, clock times and phone numbers.

eSpeak NG's Finnish voice reads "1. toukokuuta" as "yksi toukokuuta" and "klo 8.30" as
"klo kahdeksan piste kolmekymmentä".
"""

from __future__ import annotations

import re

from reader.text.normalize.common import ROMAN_NUMERAL, phone_rules, roman_reading
from reader.text.spoken import Language, Replacement, Rule, spell_digits, word_pattern

# Month stems; dates use the partitive ("toukokuuta"), so a stem starts the word.
MONTHS = ("tammikuu", "helmikuu", "maaliskuu", "huhtikuu", "toukokuu", "kesäkuu", "heinäkuu",
          "elokuu", "syyskuu", "lokakuu", "marraskuu", "joulukuu")  # fmt: skip
ORDINALS = ("", "ensimmäinen", "toinen", "kolmas", "neljäs", "viides", "kuudes", "seitsemäs",
            "kahdeksas", "yhdeksäs", "kymmenes", "yhdestoista", "kahdestoista", "kolmastoista",
            "neljästoista", "viidestoista", "kuudestoista", "seitsemästoista",
            "kahdeksastoista", "yhdeksästoista")  # fmt: skip
TENS_ORDINALS = ("", "", "kahdeskymmenes", "kolmaskymmenes")
ABBREVIATIONS = {
    "esim.": "esimerkiksi", "jne.": "ja niin edelleen", "ns.": "niin sanottu", "n.": "noin",
    "ks.": "katso", "mm.": "muun muassa", "puh.": "puhelin", "klo": "kello",
    "yms.": "ynnä muuta sellaista", "ym.": "ynnä muuta", "tms.": "tai muuta sellaista",
    "nro": "numero", "ts.": "toisin sanoen", "v.": "vuonna", "krs.": "kerros",
}  # fmt: skip
FINAL_ABBREVIATIONS = frozenset({"jne.", "yms.", "ym.", "tms."})
WORDS = {"dot": "piste", "at": "ät", "slash": "kauttaviiva", "dash": "viiva",
         "underscore": "alaviiva", "and": "ja", "or": "tai", "plus": "plus",
         "degrees": "astetta", "celsius": "celsiusta", "section": "pykälä",
         "sections": "pykälät", "phone": "puhelin", "email": "sähköposti",
         "warning": "varoitus", "important": "tärkeää"}  # fmt: skip


def ordinal(n: int) -> str:
    """An ordinal from 1 to 39 in words ("ensimmäinen", "kahdeskymmenestoinen")."""
    return ORDINALS[n] if n < 20 else TENS_ORDINALS[n // 10] + ORDINALS[n % 10]


# Before these a Roman numeral is a number ("osa II"), not a ruler's ordinal.
ROMAN_CARDINAL_WORDS = frozenset({"osa", "luku", "vaihe", "tyyppi", "luokka", "liite", "kirja",
                                  "sarja", "ryhmä", "divisioona"})  # fmt: skip


def _numeric_date(m: re.Match[str]) -> Replacement:
    day, month = int(m[1]), int(m[2])
    if not (1 <= day <= 31 and 1 <= month <= 12):
        return None
    return f"{ordinal(day)} {MONTHS[month - 1]}ta {m[3]}"


def _roman(m: re.Match[str]) -> Replacement:
    reading = roman_reading(m, ROMAN_CARDINAL_WORDS)
    if reading is None or reading[0] > 39:
        return None
    n, counted = reading
    return str(n) if counted else ordinal(n)


def _time(m: re.Match[str]) -> Replacement:
    hour, minute = int(m[1]), int(m[2] or 0)
    if hour > 24 or minute > 59:
        return None
    return f"kello {hour}" + (f" {minute}" if minute else "")


# Phone numbers: the area code digit by digit, the other groups as the voice reads numbers.
DIGITS = ("nolla", "yksi", "kaksi", "kolme", "neljä", "viisi", "kuusi", "seitsemän", "kahdeksan",
          "yhdeksän")  # fmt: skip


def _pair(digits: str) -> str:
    return spell_digits(digits, DIGITS) if digits.startswith("0") else digits


RULES: tuple[Rule, ...] = (
    (re.compile(r"(?<![\d.])(\d{1,2})\.(\d{1,2})\.(\d{4})(?![\d.]\d)"), _numeric_date),
    (re.compile(ROMAN_NUMERAL), _roman),
    *phone_rules(DIGITS, _pair, str, "plus", ", "),
    (
        re.compile(rf"(?<![\d.,])(\d{{1,2}})\.\s(?=(?:{word_pattern(MONTHS)})\w*)", re.I),
        lambda m: ordinal(int(m[1])) + " " if 1 <= int(m[1]) <= 31 else None,
    ),
    (re.compile(r"\b(?:klo\s?|kello\s)(\d{1,2})(?:[.:](\d{2}))?(?![\d,])", re.I), _time),
)

LANGUAGE = Language(
    code="fi",
    abbreviations=ABBREVIATIONS,
    final_abbreviations=FINAL_ABBREVIATIONS,
    months=MONTHS,
    words=WORDS,
    acronym_genitive={":s": ":s", ":n": ":n"},
    rules=RULES,
)
