"""Swedish: what eSpeak NG's Swedish voice reads badly, rewritten as a Swede would say it.

eSpeak reads plain numbers, years, percentages and "10 000" well in Swedish, so those are left
as digits. It reads "t.ex." as "t punkt ex", "2:e" as "två e", "kl. 08.00" as "k l" (a sentence
end) then "noll åtta punkt noll noll", "3,5" as "tre punkt fem", and postcodes as hundreds.
"""

from __future__ import annotations

import re

from reader.text.normalize.common import ROMAN_NUMERAL, phone_rules, range_rule, roman_reading
from reader.text.spoken import Language, Replacement, Rule, grouped, spell_digits, word_pattern

ONES = ("noll", "ett", "två", "tre", "fyra", "fem", "sex", "sju", "åtta", "nio", "tio", "elva",
        "tolv", "tretton", "fjorton", "femton", "sexton", "sjutton", "arton", "nitton")  # fmt: skip
TENS = ("", "", "tjugo", "trettio", "fyrtio", "femtio", "sextio", "sjuttio", "åttio", "nittio")
ORDINALS = ("nollte", "första", "andra", "tredje", "fjärde", "femte", "sjätte", "sjunde",
            "åttonde", "nionde", "tionde", "elfte", "tolfte", "trettonde", "fjortonde",
            "femtonde", "sextonde", "sjuttonde", "artonde", "nittonde")  # fmt: skip
MONTHS = ("januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti", "september",
          "oktober", "november", "december")  # fmt: skip
# Opening hours are written "mån–fre"; eSpeak would read "mån" as the moon.
WEEKDAYS = {"mån": "måndag", "tis": "tisdag", "ons": "onsdag", "tor": "torsdag",
            "tors": "torsdag", "fre": "fredag", "lör": "lördag", "sön": "söndag"}  # fmt: skip

ABBREVIATIONS = {
    "t.ex.": "till exempel", "t ex": "till exempel", "bl a": "bland annat", "c:a": "cirka",
    "bl.a.": "bland annat", "m.m.": "med mera", "osv.": "och så vidare",
    "o.s.v.": "och så vidare", "dvs.": "det vill säga", "d.v.s.": "det vill säga",
    "s.k.": "så kallad", "ca.": "cirka", "ca": "cirka", "kl.": "klockan", "nr.": "nummer",
    "nr": "nummer", "tel.": "telefon", "tfn": "telefon", "tfn.": "telefon", "etc.": "etcetera",
    "fr.o.m.": "från och med", "t.o.m.": "till och med", "m.fl.": "med flera", "mfl.": "med flera",
    "resp.": "respektive", "jfr.": "jämför", "jfr": "jämför", "enl.": "enligt",
    "inkl.": "inklusive", "exkl.": "exklusive", "ev.": "eventuellt", "p.g.a.": "på grund av",
    "pga.": "på grund av", "pga": "på grund av", "f.d.": "före detta", "fr.a.": "framför allt",
    "f.ö.": "för övrigt", "o.d.": "och dylikt", "e.Kr.": "efter Kristus",
    "f.Kr.": "före Kristus", "st.": "stycken", "kap.": "kapitel", "obs.": "observera",
    "ang.": "angående", "fig.": "figur",
    "tr.": "trappor", "vard.": "vardagar",
}  # fmt: skip
# These often close a sentence ("... böcker, tidningar m.m. Nästa mening").
FINAL_ABBREVIATIONS = frozenset({"m.m.", "osv.", "o.s.v.", "etc.", "m.fl.", "mfl.", "e.Kr.",
                                 "f.Kr.", "st.", "resp."})  # fmt: skip
# "kr/månad", "100 kr/st": a slash before a unit of time or count is "per", not "eller".
PER_UNITS = ("månad", "mån", "år", "timme", "tim", "dag", "dygn", "vecka", "person", "pers",
             "natt", "st", "h", "kvm")  # fmt: skip
# Currency signs and words: (one, many, hundredth).
CURRENCIES = {"kr": ("krona", "kronor", "öre"), "kronor": ("krona", "kronor", "öre"),
              "sek": ("krona", "kronor", "öre"), ":-": ("krona", "kronor", "öre"),
              "€": ("euro", "euro", "cent"), "euro": ("euro", "euro", "cent"),
              "eur": ("euro", "euro", "cent"), "$": ("dollar", "dollar", "cent")}  # fmt: skip
WORDS = {"dot": "punkt", "at": "snabel-a", "slash": "snedstreck", "dash": "streck",
         "underscore": "understreck", "and": "och", "or": "eller", "to": "till", "plus": "plus",
         "degrees": "grader", "celsius": "Celsius", "section": "paragraf",
         "sections": "paragraferna", "phone": "telefon", "email": "e-post",
         "warning": "varning", "important": "viktigt"}  # fmt: skip
# Swedish agencies and firms said as words; everything else short is spelled.
ACRONYM_WORDS = {"PIN": "pin", "SIDA": "Sida", "IKEA": "Ikea", "ICA": "Ika", "SAAB": "Saab",
                 "VINNOVA": "Vinnova", "FORMAS": "Formas", "ALMI": "Almi", "BRIS": "Bris",
                 "KOMVUX": "Komvux", "SWEDAC": "Swedac", "SKOLFS": "Skolfs"}  # fmt: skip


def cardinal(n: int) -> str:
    """A number from 0 to 999 in words, written together as Swedish does."""
    if n < 20:
        return ONES[n]
    if n < 100:
        return TENS[n // 10] + (ONES[n % 10] if n % 10 else "")
    hundreds = ("" if n < 200 else ONES[n // 100]) + "hundra"
    return hundreds + (cardinal(n % 100) if n % 100 else "")


# Before these a Roman numeral is a number ("del II", "fas III"), not a ruler's ordinal.
ROMAN_CARDINAL_WORDS = frozenset({"del", "kapitel", "fas", "typ", "klass", "avdelning", "bilaga",
                                  "steg", "nivå", "etapp", "bok", "serie", "division", "grupp",
                                  "band", "världskriget"})  # fmt: skip


def ordinal(n: int) -> str:
    """An ordinal from 1 to 99 in words ("första", "tjugoandra")."""
    if n < 20:
        return ORDINALS[n]
    return TENS[n // 10] + (ORDINALS[n % 10] if n % 10 else "nde")


def pair(digits: str) -> str:
    """A group of two digits as a Swede reads it in a phone number: "30" -> "trettio"."""
    return spell_digits(digits, ONES) if digits.startswith("0") else cardinal(int(digits))


def clock(hour: str, minute: str | None) -> str | None:
    """A time of day in words ("åtta", "fjorton och trettio", "åtta noll fem")."""
    h, m = int(hour), int(minute or 0)
    if h > 24 or m > 59:
        return None
    if m == 0:
        return cardinal(h)
    return f"{cardinal(h)} {'noll ' + ONES[m] if m < 10 else 'och ' + cardinal(m)}"


def _date_iso(m: re.Match[str]) -> Replacement:
    year, month, day = int(m[1]), int(m[2]), int(m[3])
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return None
    return f"{ordinal(day)} {MONTHS[month - 1]} {year}"


def _numeric_date(m: re.Match[str]) -> Replacement:
    day, month = int(m[1]), int(m[2])
    if not (1 <= day <= 31 and 1 <= month <= 12):
        return None
    return f"{ordinal(day)} {MONTHS[month - 1]} {m[3]}"


def _roman(m: re.Match[str]) -> Replacement:
    reading = roman_reading(m, ROMAN_CARDINAL_WORDS)
    if reading is None or reading[0] > 99:
        return None
    n, counted = reading
    if counted:
        return cardinal(n)
    # A king is "den förste", "den andre": the masculine forms of 1 and 2.
    return f"den { ({1: 'förste', 2: 'andre'}.get(n) or ordinal(n)) }"


def _day_of_month(m: re.Match[str]) -> Replacement:
    day = int(m[1])
    return ordinal(day) + " " if 1 <= day <= 31 else None


def _day_slash_month(m: re.Match[str]) -> Replacement:
    day, month = int(m[1]), int(m[2])
    return f"{ordinal(day)} {MONTHS[month - 1]}" if 1 <= day <= 31 and 1 <= month <= 12 else None


def _time_range(m: re.Match[str]) -> Replacement:
    first, second = clock(m[2], m[3]), clock(m[4], m[5])
    if first is None or second is None:
        return None
    return ("klockan " if m[1] else "") + f"{first} till {second}"


def _time(m: re.Match[str]) -> Replacement:
    said = clock(m[2], m[3])
    return None if said is None else (m[1] and "klockan ") + said


def _postcode(m: re.Match[str]) -> Replacement:
    return grouped(m, [(1, spell_digits(m[1], ONES)), (2, pair(m[2]))], ", ")


def _money(m: re.Match[str]) -> Replacement:
    amount, cents = m["amount"], m["cents"]
    one, many, small = CURRENCIES[m["unit"].lower()]
    said = f"en {one}" if amount == "1" else f"{amount} {many}"
    if cents and cents.isdigit() and int(cents):
        said += f" och {int(cents)} {small}"
    return said


_MONTHS = word_pattern(MONTHS)
_WEEKDAY = r"(mån|tis|ons|tors?|fre|lör|sön)(?:dag)?\.?"
_AMOUNT = r"(?P<amount>\d{1,3}(?: \d{3})+|\d+)(?:,(?P<cents>\d{2}|-))?"
_CLOCK = r"(\d{1,2})[.:](\d{2})"

RULES: tuple[Rule, ...] = (
    *phone_rules(ONES, pair, cardinal, "plus"),
    (re.compile(r"(?<![\d-])(\d{4})-(\d{2})-(\d{2})(?![\d-])"), _date_iso),
    (re.compile(r"(?<![\d.])(\d{1,2})\.(\d{1,2})\.(\d{4})(?![\d.]\d)"), _numeric_date),
    (re.compile(ROMAN_NUMERAL), _roman),
    (re.compile(rf"(?<![\d.,])(\d{{1,2}})(?:\.|:[ae])?\s(?=(?:{_MONTHS})\b)", re.I), _day_of_month),
    (re.compile(r"(?<![\d/.,])(\d{1,2})/(\d{1,2})(?![\d/])"), _day_slash_month),
    (
        re.compile(rf"\b{_WEEKDAY}\s?[–-]\s?{_WEEKDAY}", re.I),
        lambda m: f"{WEEKDAYS[m[1].lower()]} till {WEEKDAYS[m[2].lower()]}",
    ),
    (re.compile(rf"\b(kl\.?\s?|klockan\s)?{_CLOCK}\s?[–-]\s?{_CLOCK}(?!\d)", re.I), _time_range),
    (re.compile(rf"\s?/\s?(?=(?:{word_pattern(PER_UNITS)})\b)"), lambda m: " per "),
    range_rule("till"),
    (re.compile(r"\b(kl\.?\s?|klockan\s)(\d{1,2})(?:[.:](\d{2}))?(?![\d,])", re.I), _time),
    (re.compile(r"(?<![\d:.])()(\d{1,2}):(\d{2})(?![\d:])"), _time),
    (re.compile(r"(?<!\d)(?<!\d )(?:SE-?)?\b(\d{3})\s(\d{2})(?=\s+[A-ZÅÄÖ])"), _postcode),
    (re.compile(rf"{_AMOUNT}\s?(?P<unit>kr\b|kronor\b|SEK\b|:-(?!\w)|€|euro\b|EUR\b|\$)"), _money),
    (re.compile(rf"(?P<unit>\bSEK|€|\$)\s?{_AMOUNT}"), _money),
    (re.compile(r"(?<![\d,])(\d+),(\d+)(?![\d,])"), lambda m: f"{m[1]} komma {m[2]}"),
    (re.compile(r"\b(\d{1,2}):[ae]\b"), lambda m: ordinal(int(m[1])) if int(m[1]) else None),
)

LANGUAGE = Language(
    code="sv",
    abbreviations=ABBREVIATIONS,
    final_abbreviations=FINAL_ABBREVIATIONS,
    months=MONTHS,
    words=WORDS,
    acronym_words=ACRONYM_WORDS,
    acronym_genitive={":s": "s", "'s": "s"},
    rules=RULES,
)
