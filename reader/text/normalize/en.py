"""English: what eSpeak NG's English voice reads badly, rewritten as a listener expects.

eSpeak reads "1999" as "nineteen hundred and ninety nine", "10 000" as "ten zero zero zero",
"$5" as "dollar five", "Mr. Smith" as two sentences and "e.g." as "e g"; ordinals and
percentages it reads well, but they are written out so other engines say the same.
"""

from __future__ import annotations

import re

from reader.text.normalize.common import ROMAN_NUMERAL, phone_rules, range_rule, roman_reading
from reader.text.spoken import Language, Piece, Replacement, Rule, spell_digits, word_pattern

ONES = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
        "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
        "eighteen", "nineteen")  # fmt: skip
TENS = ("", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")
IRREGULAR_ORDINALS = {"one": "first", "two": "second", "three": "third", "five": "fifth",
                      "eight": "eighth", "nine": "ninth", "twelve": "twelfth"}  # fmt: skip
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")  # fmt: skip

ABBREVIATIONS = {
    "e.g.": "for example", "i.e.": "that is", "etc.": "et cetera", "Mr.": "Mister",
    "Mrs.": "Missus", "Ms.": "Miz", "Dr.": "Doctor", "Prof.": "Professor", "vs.": "versus",
    "approx.": "approximately", "Jr.": "Junior", "Sr.": "Senior", "Ltd.": "Limited",
    "Inc.": "Incorporated", "dept.": "department", "Ave.": "Avenue", "Rd.": "Road",
    "Mt.": "Mount", "U.S.": "U S", "U.K.": "U K", "U.N.": "U N", "E.U.": "E U",
    "a.m.": "AM", "p.m.": "PM", "Jan.": "January", "Feb.": "February", "Aug.": "August",
    "Sept.": "September", "Oct.": "October", "Nov.": "November", "Dec.": "December",
    "cf.": "compare", "incl.": "including", "min.": "minutes", "tel.": "telephone",
}  # fmt: skip
# These may close a sentence ("... in the U.S. Then ...").
FINAL_ABBREVIATIONS = frozenset({"etc.", "U.S.", "U.K.", "U.N.", "E.U.", "a.m.", "p.m.",
                                 "Ltd.", "Inc.", "Jr.", "Sr.", "min."})  # fmt: skip
PROTECTED = frozenset({"St.", "No.", "Nos.", "Gen.", "Gov.", "Sen.", "Rev.", "Col.", "Capt.",
                       "Lt.", "Sgt.", "Mar.", "Apr.", "Jun.", "Jul.", "p.", "pp.", "ch.",
                       "fig.", "vol."})  # fmt: skip
WORDS = {"dot": "dot", "at": "at", "slash": "slash", "dash": "dash", "underscore": "underscore",
         "and": "and", "or": "or", "to": "to", "plus": "plus", "degrees": "degrees",
         "celsius": "Celsius", "section": "section",
         "sections": "sections", "phone": "phone", "email": "e-mail",
         "warning": "warning", "important": "important"}  # fmt: skip
# Short weekday and month names, written out where a date makes them unambiguous ("Tue 28
# Apr"): alone, "Sun", "Sat", "Wed" and "Mar" are words.
WEEKDAYS = {"Mon": "Monday", "Tue": "Tuesday", "Tues": "Tuesday", "Wed": "Wednesday",
            "Thu": "Thursday", "Thur": "Thursday", "Thurs": "Thursday", "Fri": "Friday",
            "Sat": "Saturday", "Sun": "Sunday"}  # fmt: skip
SHORT_MONTHS = {"Jan": "January", "Feb": "February", "Mar": "March", "Apr": "April",
                "Jun": "June", "Jul": "July", "Aug": "August", "Sep": "September",
                "Sept": "September", "Oct": "October", "Nov": "November",
                "Dec": "December"}  # fmt: skip
# Before these a Roman numeral is a number ("World War II", "Part IV"), not a ruler's ordinal.
ROMAN_CARDINAL_WORDS = frozenset({"war", "part", "chapter", "phase", "type", "class", "volume",
                                  "vol", "act", "title", "article", "section", "level", "stage",
                                  "grade", "book", "series", "league", "division", "tier",
                                  "schedule", "annex", "appendix", "round", "step", "pillar",
                                  "category", "group", "edition", "council"})  # fmt: skip
# "8 AM" is read by eSpeak as letters already; spelling it "A M" makes it say "a" as in "cat".
ACRONYM_WORDS = {"AM": "AM", "PM": "PM"}
# "$1400/month": a slash before a unit of time or count is "per", not "or".
PER_UNITS = ("month", "mo", "year", "yr", "hour", "hr", "h", "day", "week", "person", "night",
             "minute", "min", "session", "lesson", "class", "semester", "term", "visit", "user",
             "seat", "unit", "item", "mile", "gallon")  # fmt: skip
# Spelled letters are joined by dots ("N.P.A"): eSpeak's English voice says a lone "A" as the
# article ("A I" is "uh eye"), and dotted letters as letter names with an acronym's stress; no
# dot at the end, so eSpeak sees no sentence end before a capital ("N.P.A Instructors").
LETTER_JOINER = "."
# Written short scales of amounts of money ("$2.5M", "$40K", "$3bn").
SCALES = {"K": "thousand", "M": "million", "B": "billion", "bn": "billion"}
# Currency signs and words: (one, many, hundredth).
CURRENCIES = {"$": ("dollar", "dollars", "cents"), "€": ("euro", "euros", "cents"),
              "£": ("pound", "pounds", "pence"), "eur": ("euro", "euros", "cents"),
              "usd": ("dollar", "dollars", "cents"), "kr": ("krona", "kronor", "öre"),
              "sek": ("krona", "kronor", "öre"), "kronor": ("krona", "kronor", "öre"),
              "gbp": ("pound", "pounds", "pence"),
              "aud": ("Australian dollar", "Australian dollars", "cents"),
              "cad": ("Canadian dollar", "Canadian dollars", "cents")}  # fmt: skip
# A currency code before an amount ("USD 9,970", "GBP £7,450"): the amount in that currency.
_CODE_BEFORE = r"\b(?P<unit>USD|EUR|GBP|AUD|CAD|SEK)\s?(?:[$€£]\s?)?"
# "4.9/5", "8.5/10": a rating, said "out of" ("3/5" may be a date or a fraction).
RATING = re.compile(r"(?<![\d.,/])(\d{1,2}\.\d)\s?/\s?(5|10)(?![\d.,/]|\.\d)")


def cardinal(n: int) -> str:
    """A number from 0 to 999 999 in words, British style ("two hundred and five")."""
    if n < 20:
        return ONES[n]
    if n < 100:
        return TENS[n // 10] + (f"-{ONES[n % 10]}" if n % 10 else "")
    if n < 1000:
        rest = n % 100
        return f"{ONES[n // 100]} hundred" + (f" and {cardinal(rest)}" if rest else "")
    rest = n % 1000
    joiner = " and " if rest < 100 else " "
    return f"{cardinal(n // 1000)} thousand" + (joiner + cardinal(rest) if rest else "")


def ordinal(n: int) -> str:
    """An ordinal in words ("first", "twenty-third", "hundredth")."""
    words = cardinal(n)
    head, sep, last = max(words.rpartition(" "), words.rpartition("-"), key=lambda p: len(p[0]))
    if last in IRREGULAR_ORDINALS:
        last = IRREGULAR_ORDINALS[last]
    else:
        last = last[:-1] + "ieth" if last.endswith("y") else last + "th"
    return head + sep + last


def year(n: int) -> str:
    """A year as it is said: "nineteen ninety-nine", "nineteen oh five", "two thousand"."""
    if 2000 <= n <= 2009:
        return cardinal(n)
    century, rest = divmod(n, 100)
    if rest == 0:
        return f"{cardinal(century)} hundred"
    return f"{cardinal(century)} {'oh ' + ONES[rest] if rest < 10 else cardinal(rest)}"


def _plural(words: str) -> str:
    """ "nineteen ninety" -> "nineteen nineties", "two thousand" -> "two thousands"."""
    return words[:-1] + "ies" if words.endswith("y") else words + "s"


def _date_iso(m: re.Match[str]) -> Replacement:
    month, day = int(m[2]), int(m[3])
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return None
    return f"{MONTHS[month - 1]} {ordinal(day)}, {m[1]}"


def _day_range(m: re.Match[str]) -> Replacement:
    """ "April 29–30" -> "April twenty-ninth to thirtieth"."""
    first, last = int(m[2]), int(m[3])
    if not 1 <= first < last <= 31:
        return None
    return f"{m[1]} {ordinal(first)} to {ordinal(last)}"


def _clock(m: re.Match[str]) -> Replacement:
    hour, minute, suffix = int(m[1]), int(m[2] or 0), (m[3] or "").replace(".", "").upper()
    if hour > 24 or minute > 59 or (not m[2] and not suffix):
        return None
    if minute == 0:
        said = cardinal(hour) + ("" if suffix or hour > 12 else " o'clock")
        said += " hundred" if hour > 12 and not suffix else ""
    else:
        said = f"{cardinal(hour)} {'oh ' + ONES[minute] if minute < 10 else cardinal(minute)}"
    return f"{said} {suffix}" if suffix else said


def _money(m: re.Match[str]) -> Replacement:
    amount, cents, scale = m["amount"].replace(" ", ""), m["cents"], m["scale"]
    one, many, small = CURRENCIES[m["unit"].lower()]
    if scale:
        scale = SCALES.get(scale.strip(" -"), scale.strip(" -"))
        return f"{amount}{'.' + m['decimals'] if m['decimals'] else ''} {scale} {many}"
    said = f"{amount} {one if amount == '1' else many}"
    return said + (f" and {int(cents)} {small}" if cents and int(cents) else "")


def _year_range(m: re.Match[str]) -> Replacement:
    """ "2011-12" -> "twenty eleven to twelve": a season or a financial year."""
    first, second = int(m[1]), int(m[2])
    if not 1100 <= first <= 2099 or second != (first + 1) % 100:
        return None
    if second == 0:  # "1999-00": the next century's first year
        return f"{year(first)} to {year(first + 1)}"
    return f"{year(first)} to {'oh ' + ONES[second] if second < 10 else cardinal(second)}"


def _roman(m: re.Match[str]) -> Replacement:
    reading = roman_reading(m, ROMAN_CARDINAL_WORDS)
    if reading is None:
        return None
    n, counted = reading
    return cardinal(n) if counted else f"the {ordinal(n)}"


def _north_american_phone(m: re.Match[str]) -> Replacement:
    """ "(800) 995-5003" -> "eight zero zero, nine nine five, five zero zero three"."""
    groups = list(re.finditer(r"\d+", m[0]))
    # Two numbers side by side ("(800) 995-5003 (866) 761-6071") are two, with a pause.
    pieces: list[Piece] = [(", ", 0, 0)] if m.string[: m.start()].rstrip()[-1:].isdigit() else []
    for i, g in enumerate(groups):
        if i:
            pieces.append((", ", groups[i - 1].end(), g.start()))
        pieces.append((spell_digits(g[0], ONES), g.start(), g.end()))
    return pieces


def _year(m: re.Match[str]) -> Replacement:
    return year(int(m[0])) if 1100 <= int(m[0]) <= 2099 else None


_MONTHS = word_pattern(MONTHS)
# "$18.4 billion" and "$2.5M" are amounts with a scale; "$5.50" has cents.
_SCALE = r"(?:[- ]?(?:thousand|million|billion|trillion)\b|(?:K|M|B|bn)\b)"
_AMOUNT = (
    r"(?P<amount>\d{1,3}(?:,\d{3})+|\d{1,3}(?: \d{3})+|\d+)"
    rf"(?:\.(?P<cents>\d{{2}})(?!\d|{_SCALE})|\.(?P<decimals>\d+)(?={_SCALE}))?"
    rf"(?P<scale>{_SCALE})?"
)
_UNIT_AFTER = r"(?P<unit>€|EUR\b|USD\b|kr\b|SEK\b|kronor\b)"

# "(800) 995-5003", "1-800-995-5003", "212.555.0100": read digit by digit in its groups; read
# as numbers they were a range ("995 to 5003") and a year ("twelve thirty-four").
NORTH_AMERICAN_PHONE = re.compile(
    r"(?<![\w+(.-])(?:1[-.\s])?(?:\(\d{3}\)\s?|\d{3}[-.])\d{3}[-.]\d{4}(?![\w-]|\.\d)"
)
# "1 – 4 pm", "9:30-11 am": a range of times; the clock rule reads the second one with its
# "pm" and would leave the first behind a dash (a pause, not "to").
TIME_RANGE = re.compile(
    r"(?<![\d.,:])(\d{1,2}(?::\d{2})?)\s?[–-]\s?"
    r"(?=\d{1,2}(?::\d{2})?\s?(?:[ap]\.m\.|[ap]m\b|[AP]M\b))"
)
_WEEKDAY = word_pattern(tuple(WEEKDAYS))
_SHORT_MONTH = word_pattern(tuple(SHORT_MONTHS))

RULES: tuple[Rule, ...] = (
    (
        re.compile(rf"\b({_WEEKDAY})\.?\s?[–-]\s?({_WEEKDAY})\b\.?"),
        lambda m: f"{WEEKDAYS[m[1]]} to {WEEKDAYS[m[2]]}",
    ),
    (
        re.compile(rf"\b({_WEEKDAY})\.?(?=,?\s+(?:\d{{1,2}}\b|{_SHORT_MONTH}\b|{_MONTHS}\b))"),
        lambda m: WEEKDAYS[m[1]],
    ),
    (
        re.compile(rf"(?<=\d )({_SHORT_MONTH})\b\.?|\b({_SHORT_MONTH})\b\.?(?= \d)"),
        lambda m: SHORT_MONTHS[m[1] or m[2]],
    ),
    (re.compile(r"(?<![\d.,/-])(\d{4})[–-](\d{2})(?![\d.,/-]|\s?%)"), _year_range),
    (re.compile(ROMAN_NUMERAL), _roman),
    *phone_rules(
        ONES, lambda d: spell_digits(d, ONES), lambda n: spell_digits(str(n), ONES), "plus", ", "
    ),
    (NORTH_AMERICAN_PHONE, _north_american_phone),
    (re.compile(r"(?<![\d-])(\d{4})-(\d{2})-(\d{2})(?![\d-])"), _date_iso),
    (
        re.compile(rf"\b((?:{_MONTHS})\.?)\s(\d{{1,2}})\s?[–-]\s?(\d{{1,2}})\b(?![:.,]?\d)"),
        _day_range,
    ),
    (
        re.compile(rf"\b((?:{_MONTHS})\.?)\s(\d{{1,2}})(?:st|nd|rd|th)?\b(?!:)"),
        lambda m: f"{m[1]} {ordinal(int(m[2]))}" if 1 <= int(m[2]) <= 31 else None,
    ),
    (
        re.compile(rf"(?<![\d.,])(\d{{1,2}})(?:st|nd|rd|th)?\s(?=(?:{_MONTHS})\b)"),
        lambda m: f"the {ordinal(int(m[1]))} of " if 1 <= int(m[1]) <= 31 else None,
    ),
    (TIME_RANGE, lambda m: f"{m[1]} to "),
    (
        re.compile(
            r"(?<![\d:.])(\d{1,2})(?::(\d{2}))?(?:\s?(a\.m\.|p\.m\.|am\b|pm\b|AM\b|PM\b))?(?![\d:])"
        ),
        _clock,
    ),
    (re.compile(rf"{_CODE_BEFORE}{_AMOUNT}"), _money),
    (re.compile(rf"(?P<unit>[$€£])\s?{_AMOUNT}"), _money),
    (re.compile(rf"{_AMOUNT}\s?{_UNIT_AFTER}"), _money),
    (RATING, lambda m: f"{m[1]} out of {m[2]}" if float(m[1]) <= int(m[2]) else None),
    (re.compile(rf"\s?/\s?(?=(?i:{word_pattern(PER_UNITS)})\b)"), lambda m: " per "),
    range_rule("to"),
    (re.compile(r"(?<![\d.,])\d{1,3}(?: \d{3})+(?![\d.,]\d)"), lambda m: m[0].replace(" ", "")),
    (re.compile(r"\b((?:1[1-9]|20)\d0)'?s\b"), lambda m: _plural(year(int(m[1])))),
    (
        re.compile(r"(?<![\d.,$€£/])\b\d{4}\b(?!\s?%|[.,]\d|\s(?:kr|SEK|EUR|euros?|dollars?)\b)"),
        _year,
    ),
    (
        re.compile(r"\b(\d+)(?:st|nd|rd|th)\b"),
        lambda m: ordinal(int(m[1])) if 0 < int(m[1]) < 1_000_000 else None,
    ),
    (re.compile(r"\bNo\.\s?(?=\d)"), lambda m: "number "),
    (re.compile(r"\bSt\.(?=\s+[A-Z])"), lambda m: "Saint"),
    (re.compile(r"\bSt\.(?!\w)"), lambda m: "Street"),
)

LANGUAGE = Language(
    code="en",
    abbreviations=ABBREVIATIONS,
    final_abbreviations=FINAL_ABBREVIATIONS,
    protected=PROTECTED,
    months=MONTHS,
    words=WORDS,
    acronym_words=ACRONYM_WORDS,
    acronym_genitive={"'s": "'s"},
    letter_joiner=LETTER_JOINER,
    rules=RULES,
)
