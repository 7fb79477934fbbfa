"""Norwegian Bokmål, basic: abbreviations, dates, clock times, ranges, regnal numbers and
phone numbers.

eSpeak NG's Norwegian voice already reads "1. mai" as "første mai" and "3,5" as "tre komma
fem"; it reads "kl. 08.30" as "k l" (a sentence end) and "null åtte punktum tretti",
"10.11.2021" with "punktum" between the numbers and "Haakon VII" as letters.
"""

from __future__ import annotations

import re

from reader.text.normalize.common import ROMAN_NUMERAL, phone_rules, range_rule, roman_reading
from reader.text.spoken import Language, Replacement, Rule, spell_digits

MONTHS = ("januar", "februar", "mars", "april", "mai", "juni", "juli", "august", "september",
          "oktober", "november", "desember")  # fmt: skip
ABBREVIATIONS = {
    "bl.a.": "blant annet", "f.eks.": "for eksempel", "osv.": "og så videre", "ca.": "cirka",
    "nr.": "nummer", "dvs.": "det vil si", "mv.": "med videre", "m.m.": "med mer",
    "kl.": "klokken", "tlf.": "telefon", "evt.": "eventuelt", "inkl.": "inklusive",
    "pga.": "på grunn av", "ifm.": "i forbindelse med", "jf.": "jamfør",
    "mht.": "med hensyn til", "iht.": "i henhold til", "etc.": "etcetera", "o.l.": "og lignende",
}  # fmt: skip
FINAL_ABBREVIATIONS = frozenset({"osv.", "mv.", "m.m.", "etc.", "o.l."})
WORDS = {"dot": "punktum", "at": "krøllalfa", "slash": "skråstrek", "dash": "bindestrek",
         "underscore": "understrek", "and": "og", "or": "eller", "to": "til", "plus": "pluss",
         "degrees": "grader", "celsius": "Celsius", "section": "paragraf",
         "sections": "paragrafene", "phone": "telefon", "email": "e-post",
         "warning": "advarsel", "important": "viktig"}  # fmt: skip


ORDINALS = ("", "første", "andre", "tredje", "fjerde", "femte", "sjette", "sjuende", "åttende",
            "niende", "tiende", "ellevte", "tolvte", "trettende", "fjortende", "femtende",
            "sekstende", "syttende", "attende", "nittende", "tjuende", "tjueførste",
            "tjueandre", "tjuetredje", "tjuefjerde", "tjuefemte", "tjuesjette", "tjuesjuende",
            "tjueåttende", "tjueniende", "trettiende", "trettiførste")  # fmt: skip
# Before these a Roman numeral is a number ("del II"), not a ruler's ordinal.
ROMAN_CARDINAL_WORDS = frozenset({"del", "kapittel", "fase", "type", "klasse", "trinn", "nivå",
                                  "vedlegg", "bok", "serie", "divisjon", "gruppe"})  # fmt: skip


def _numeric_date(m: re.Match[str]) -> Replacement:
    day, month = int(m[1]), int(m[2])
    if not (1 <= day <= 31 and 1 <= month <= 12):
        return None
    return f"{ORDINALS[day]} {MONTHS[month - 1]} {m[3]}"


def _roman(m: re.Match[str]) -> Replacement:
    reading = roman_reading(m, ROMAN_CARDINAL_WORDS)
    if reading is None or reading[0] >= len(ORDINALS):
        return None
    n, counted = reading
    return str(n) if counted else f"den {ORDINALS[n]}"


def _time(m: re.Match[str]) -> Replacement:
    hour, minute = int(m[1]), int(m[2] or 0)
    if hour > 24 or minute > 59:
        return None
    return f"klokken {hour}" + (f" {minute:02d}" if minute else "")


# Phone numbers: the area code digit by digit, the other groups as the voice reads numbers.
DIGITS = ("null", "en", "to", "tre", "fire", "fem", "seks", "sju", "åtte", "ni")  # fmt: skip


def _pair(digits: str) -> str:
    return spell_digits(digits, DIGITS) if digits.startswith("0") else digits


RULES: tuple[Rule, ...] = (
    (re.compile(r"(?<![\d.])(\d{1,2})\.(\d{1,2})\.(\d{4})(?![\d.]\d)"), _numeric_date),
    (re.compile(ROMAN_NUMERAL), _roman),
    *phone_rules(DIGITS, _pair, str, "pluss", ", "),
    range_rule("til"),
    (re.compile(r"\b(?:kl\.?\s?|klokken\s)(\d{1,2})(?:[.:](\d{2}))?(?![\d,])", re.I), _time),
)

LANGUAGE = Language(
    code="nb",
    abbreviations=ABBREVIATIONS,
    final_abbreviations=FINAL_ABBREVIATIONS,
    months=MONTHS,
    words=WORDS,
    acronym_genitive={"'s": "s", ":s": "s"},
    rules=RULES,
)
