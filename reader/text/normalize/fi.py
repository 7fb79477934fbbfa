"""Finnish, basic: abbreviations, ordinal dates, clock times and phone numbers.

eSpeak NG's Finnish voice reads "1. toukokuuta" as "yksi toukokuuta" and "klo 8.30" as
"klo kahdeksan piste kolmekymmentä".
"""

from __future__ import annotations

import re

from reader.text.normalize.common import phone_rules
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
         "degrees": "astetta", "celsius": "celsiusta", "section": "pykälä"}  # fmt: skip


def ordinal(n: int) -> str:
    """An ordinal from 1 to 39 in words ("ensimmäinen", "kahdeskymmenestoinen")."""
    return ORDINALS[n] if n < 20 else TENS_ORDINALS[n // 10] + ORDINALS[n % 10]


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
