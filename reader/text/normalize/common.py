"""Rules every language shares, parametrised by the language's words and tables."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from functools import partial

from reader.text.gates import Gated, abbreviation_gate, url_gate
from reader.text.spoken import Language, Piece, Replacement, Rule, grouped, spell_digits

# A footnote mark after a word or a bracket ("rideshare¹", "(Dual Degree)²") is not read: eSpeak
# would say "rideshare one". After a short unit it is a power ("m²", "km²") and is kept.
FOOTNOTE_MARK = re.compile(
    r"(?:(?<=[^\W\d_\u00b2\u00b3\u00b9\u2070-\u209f]{3})|(?<=[).,]))"
    r"[\u00b9\u00b2\u00b3\u2070\u2074-\u2079]+(?!\w)"
)
# Characters eSpeak reads aloud or stumbles on: the acute accent used as an apostrophe
# ("Municipality´s") would be named "acute"; quotes, soft hyphens and the registered sign
# ("SkyMiles® Members": "registered") only get in the way, and so do the combining strokes of
# struck-through or underlined text ("£̶9̶,̶9̶5̶0̶", which eSpeak reads "symbol 3 3 6").
CLEANUP: tuple[Rule, ...] = (
    (re.compile(r"[´’‘`ʼ′]"), lambda m: "'"),
    (re.compile(r"[\"“”„«»‹›®]|[\u00ad\u200b-\u200d\u2060\ufeff\u0332-\u0338]"), lambda m: ""),
    (FOOTNOTE_MARK, lambda m: ""),
    (re.compile(r"[\u00a0\u2000-\u200a\u202f\u205f\u3000\t\n\r]"), lambda m: " "),
    (re.compile(r"\s*[•·|▪►→]\s*"), lambda m: ", "),
)
# "social media.Voice": a sentence end that lost its space (blocks run together on the page)
# is read by eSpeak as "media dot Voice"; addresses have been read by then.
RUN_TOGETHER = re.compile(r"(?<=[^\W\d_A-ZÅÄÖÆØÜ]{2})\.(?=[A-ZÅÄÖÆØÜ][^\W\d_A-ZÅÄÖÆØÜ])")
# A dash between words is a pause; between numbers it is a range (left to the language rules).
DASH = re.compile(r"\s*[—–―]\s*|\s+-\s+")
# Words said as words, not spelled, whatever the language; each language adds its own.
COMMON_ACRONYM_WORDS = {
    "UNESCO": "Unesco", "NATO": "Nato", "UNICEF": "Unicef", "NASA": "Nasa", "FIFA": "Fifa",
    "UEFA": "Uefa", "AIDS": "Aids", "OPEC": "Opec", "ASEAN": "Asean", "COVID": "Covid",
    "EFTA": "Efta", "FRONTEX": "Frontex", "INTERPOL": "Interpol", "ERASMUS": "Erasmus",
    "INTERREG": "Interreg", "SARS": "Sars", "JPEG": "Jpeg", "IKEA": "Ikea", "ISO": "Iso",
}  # fmt: skip
# Acronyms that look like words but are spelled all the same.
COMMON_SPELLED = frozenset({"OECD", "IAEA", "ECDC", "EEA", "AIIB"})
# Two capitals or more, not after a letter or an apostrophe. The lookbehind comes after the
# first capital (it looks back past it), so the pattern starts with a class and the regex
# engine skips from capital to capital instead of trying every position.
ACRONYM = re.compile(r"([A-ZÅÄÖÆØÜÉ](?<![\w'].)[A-ZÅÄÖÆØÜÉ]+)(:s|'s)?(?!\w)")
# Roman numerals (Gustav III, World War II) are not acronyms.
ROMAN = re.compile(r"(?=[IVX]{2,}$)X{0,3}(?:IX|IV|V?I{0,3})")
# A Roman numeral of two letters or more after a word: the languages read it as a ruler's
# ordinal after a name ("Karl XII") and as a number after a word such as "Part" or "SGB".
ROMAN_NUMERAL = r"(?<=[^\W\d_] )(?=[IVX]{2,}\b)(X{0,3}(?:IX|IV|V?I{0,3}))(?![\w'’´-])"
ROMAN_VALUES = {"I": 1, "V": 5, "X": 10}


def roman_value(numeral: str) -> int:
    """The value of a Roman numeral of I, V and X ("XIV" -> 14); 0 for an empty string."""
    total = 0
    for i, char in enumerate(numeral):
        value = ROMAN_VALUES[char]
        following = ROMAN_VALUES[numeral[i + 1]] if i + 1 < len(numeral) else 0
        total += -value if value < following else value
    return total


def roman_reading(m: re.Match[str], cardinal_words: frozenset[str]) -> tuple[int, bool] | None:
    """A Roman numeral (group 1) after a word: its value, and True where the word makes it a
    number ("Part", "SGB", an acronym) or False where a name makes it a ruler's ordinal ("Karl");
    None where it is neither."""
    n = roman_value(m[1])
    before = re.search(r"([^\W\d_]+)\s+$", m.string[: m.start()])
    if not n or not before:
        return None
    word = before[1]
    if word.lower() in cardinal_words or (word.isupper() and len(word) > 1):
        return n, True
    return (n, False) if word[0].isupper() else None


# Longer all-caps words are ordinary words in capitals (KOMMUNFULLMÄKTIGE), not acronyms.
MAX_ACRONYM = 6
# Four letters or more with vowels between short consonant clusters can be said as a word
# (NATO, SIDA, COLOR); SMHI, RFSU, GDPR cannot and are spelled. eSpeak's Swedish voice tries to
# pronounce them all ("smhi"), so spelling is ours to decide.
_V, _C = "[AEIOUYÅÄÖÆØÜÉ]", "[^AEIOUYÅÄÖÆØÜÉ]"
PRONOUNCEABLE = re.compile(rf"{_C}{{0,2}}(?:{_V}{{1,2}}{_C}{{0,2}})*{_V}{{1,2}}{_C}{{0,2}}S?")
EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_END = r"(?=[.,;:!?)\]]*(?:\s|$))"
TOP_LEVEL_DOMAINS = ("se", "nu", "com", "org", "net", "eu", "no", "fi", "de", "dk", "uk", "io",
                     "info", "gov", "edu")  # fmt: skip
URL = re.compile(
    rf"(?<![\w@./-])(?:https?://|www\.)\S+?{_END}"
    rf"|(?<![\w@./-])[\w-]+(?:\.[\w-]+)*\.(?:{'|'.join(TOP_LEVEL_DOMAINS)})"
    rf"(?:/\S*?)?{_END}",
    re.IGNORECASE,
)
# How the parts of an address are said (keys into Language.words).
ADDRESS_SYMBOLS = {".": "dot", "@": "at", "/": "slash", "-": "dash", "_": "underscore"}
# A web address is read as its site ("github dot com"): a listener cannot follow a path of
# ids and dates, and the site is what they would type or search for. One short path word
# ("ostersund.se/bygglov") is kept: it is the part of a vanity address people say aloud.
SHORT_PATH = re.compile(r"/[^\W\d_]{2,16}/?")
# Pictographs: arrows and geometric shapes stand between items like bullets and are read
# as a pause; a few emoji carry meaning and are named once in the block's language
# (keys into Language.words); every other emoji, dingbat and flag is decoration and is
# skipped. A run of the same pictograph is said (or skipped) once.
PICTOGRAPH_NAMES = {"☎": "phone", "📞": "phone", "📱": "phone", "✉": "email", "📧": "email",
                    "📩": "email", "⚠": "warning", "❗": "important", "❕": "important",
                    "‼": "important", "⛔": "warning", "🚫": "warning"}  # fmt: skip
_PICTOGRAPH = (
    "\u2300-\u23ff\u2460-\u24ff\u2600-\u27bf\u2b00-\u2bff\u3297\u3299"
    "\U0001f000-\U0001faff\U000e0020-\U000e007f\u203c\u2049\u2122\u2139"
)
_JOINERS = "[\ufe0e\ufe0f\u20e3\u200d]*"
PICTOGRAPHS = re.compile(
    rf"\s*([\u2190-\u21ff\u25a0-\u25ff{_PICTOGRAPH}]){_JOINERS}(?:\s*\1{_JOINERS})*"
)


def _dash(m: re.Match[str]) -> Replacement:
    text = m.string
    before = text[m.start() - 1] if m.start() else ""
    after = text[m.end()] if m.end() < len(text) else ""
    return None if before.isdigit() and after.isdigit() else ", "


def _address(words: dict[str, str], m: re.Match[str]) -> Replacement:
    text = re.sub(r"^https?://", lambda s: " " * len(s[0]), m[0]).rstrip("/")
    if "@" not in text:
        text = _site(text)
    readings: list[tuple[str, int, int]] = []
    for token in re.finditer(r"[^\W_]+|\S", text):
        part = token[0]
        if part.isalnum():
            said = " ".join(part) if part.lower() == "www" else part
        else:
            said = words.get(ADDRESS_SYMBOLS.get(part, ""), "")
        if said:
            readings.append((said, token.start(), token.end()))
    pieces: list[Piece] = []
    for said, start, end in readings:
        if pieces:
            pieces.append((" ", pieces[-1][2], start))
        pieces.append((said, start, end))
    return pieces


def _site(address: str) -> str:
    """The site of a web address, blanked past it: "www.zeit.de/politik/2021" -> "zeit.de"."""
    host_end = address.find("/") if "/" in address else len(address)
    path = address[host_end:]
    keep = host_end + (len(path) if SHORT_PATH.fullmatch(path) else 0)
    start = len(address) - len(address.lstrip())
    host = address[start:host_end]
    # "www." is not what people say of a site, unless it is all there is of the name.
    if host.lower().startswith("www.") and host.count(".") >= 2:
        start += 4
    return " " * start + address[start:keep] + " " * (len(address) - keep)


def _pictograph(words: dict[str, str], m: re.Match[str]) -> Replacement:
    char = m[1]
    name = words.get(PICTOGRAPH_NAMES.get(char, ""), "")
    if name:
        return f" {name}, "
    return ", " if "\u2190" <= char <= "\u21ff" or "\u25a0" <= char <= "\u25ff" else " "


def pictograph_rules(language: Language) -> tuple[Rule, ...]:
    """Emoji and pictographs: named once, a pause, or skipped (see PICTOGRAPH_NAMES)."""
    return ((PICTOGRAPHS, partial(_pictograph, dict(language.words))),)


def _in_capitals(m: re.Match[str]) -> bool:
    """True for a word in a stretch written in capitals ("ÖSTERSUNDS KOMMUN")."""
    text = m.string
    before = _word_before(text, m.start())
    after = _WORD_AFTER.match(text, m.end())
    neighbours = [w for w in (before, after and after[1]) if w and w.isupper() and len(w) >= 4]
    if neighbours:
        return True
    # A text with a small letter is not in capitals: most are found so at their first word,
    # before every word of the text is listed.
    if any(c.islower() for c in text):
        return False
    return len([w for w in _LETTERS.findall(text) if len(w) > 1 and w.isupper()]) >= 2


# A run of letters ([^\W\d_]: a word character, not a digit or "_").
_LETTERS = re.compile(r"[^\W\d_]+")
_WORD_AFTER = re.compile(r"\s+([^\W\d_]+)")


def _word_before(text: str, end: int) -> str:
    """The run of letters that spaces separate from `end`; "" if there is none.

    Read backwards from `end`, so a long text costs the length of a word, not of the text.
    """
    gap = end
    while gap > 0 and text[gap - 1].isspace():
        gap -= 1
    start = gap
    if gap < end:
        while start > 0 and text[start - 1].isalnum() and not text[start - 1].isdecimal():
            start -= 1
    return text[start:gap]


def _acronym(language: Language, m: re.Match[str]) -> Replacement:
    word, genitive = m[1], m[2] or ""
    known = language.acronym_words.get(word) or COMMON_ACRONYM_WORDS.get(word)
    if known is None:
        if ROMAN.match(word) or len(word) > MAX_ACRONYM or _in_capitals(m):
            return None
        if len(word) >= 4 and word not in COMMON_SPELLED and PRONOUNCEABLE.fullmatch(word):
            known = word.capitalize()
        else:
            known = language.letter_joiner.join(word)
    return known + language.acronym_genitive.get(genitive, genitive)


def _abbreviation(language: Language, m: re.Match[str]) -> Replacement:
    written = m[0]
    said = language.abbreviations.get(written) or language.abbreviations.get(written.lower())
    if said is None:
        return None
    return said[0].upper() + said[1:] if written[0].isupper() and said[0].islower() else said


def abbreviation_pattern(language: Language) -> re.Pattern[str]:
    """One pattern for all of a language's abbreviations, longest first, whole tokens only."""
    keys = sorted(language.abbreviations, key=len, reverse=True)
    alternatives = [re.escape(k) if k != k.lower() else f"(?i:{re.escape(k)})" for k in keys]
    return re.compile(rf"(?<![\w.])(?:{'|'.join(alternatives) or '(?!)'})(?!\w)")


def web_rules(language: Language) -> tuple[Rule, ...]:
    """E-mail addresses and URLs, said part by part ("kommun snabel-a ostersund punkt se")."""
    if "dot" not in language.words:
        return ()
    read = partial(_address, dict(language.words))
    return ((EMAIL, read), (Gated(URL, url_gate(TOP_LEVEL_DOMAINS)), read))


def text_rules(language: Language) -> tuple[Rule, ...]:
    """Run-together sentences, dashes, acronyms and abbreviations, after the number rules."""
    return (
        (RUN_TOGETHER, lambda m: ". "),
        (DASH, _dash),
        (ACRONYM, partial(_acronym, language)),
        (
            Gated(abbreviation_pattern(language), abbreviation_gate(language.abbreviations)),
            partial(_abbreviation, language),
        ),
    )


def symbol_rules(language: Language) -> tuple[Rule, ...]:
    """Symbols said as words: "&", "/" between words, degrees, paragraph signs."""
    w = language.words
    if not w:
        return ()
    return (
        (re.compile(r"\s*&\s*"), lambda m: f" {w['and']} "),
        (re.compile(r"(?<=[^\W\d_])/(?=[^\W\d_])"), lambda m: f" {w['or']} "),
        (re.compile(r"\s?°\s?C\b"), lambda m: f" {w['degrees']} {w['celsius']}"),
        (re.compile(r"\s?°"), lambda m: f" {w['degrees']}"),
        (re.compile(r"§§\s?"), lambda m: f"{w.get('sections', w['section'])} "),
        (re.compile(r"§\s?"), lambda m: f"{w['section']} "),
    )


def phone_rules(
    digits: Sequence[str],
    pair: Callable[[str], str],
    country: Callable[[int], str],
    plus: str,
    group_sep: str = " ",
) -> tuple[Rule, Rule]:
    """Phone numbers read in groups: area code digit by digit, then pairs ("063-14 30 00")."""

    def read(international: bool, m: re.Match[str]) -> Replacement:
        groups = [g for g in re.finditer(r"\d+", m[0]) if m[0][g.start() - 1 : g.end()] != "(0"]
        count = sum(len(g[0]) for g in groups)
        if not (8 <= count <= 13 if international else 7 <= count <= 10):
            return None
        pieces: list[Piece] = [(plus + " ", 0, 1)] if international else []
        area = 1 if international else 0
        for i, g in enumerate(groups):
            if i:
                sep = ", " if i <= area + 1 else group_sep
                pieces.append((sep, groups[i - 1].end(), g.start()))
            if international and i == 0 and len(g[0]) <= 2:
                said = country(int(g[0]))
            elif i > area and len(g[0]) == 2:
                said = pair(g[0])
            else:
                said = spell_digits(g[0], digits)
            pieces.append((said, g.start(), g.end()))
        return pieces

    domestic = re.compile(r"(?<![\w+])0\d{1,3}[-\s/]\d{2,3}(?:[\s-]\d{2,3}){1,3}(?!\d)")
    international = re.compile(
        r"(?<![\w+])\+\d{1,3}[\s-]?(?:\(0\)\s?)?\d{1,3}(?:[\s-]\d{2,4}){1,4}(?!\d)"
    )
    return (international, partial(read, True)), (domestic, partial(read, False))


def range_rule(word: str) -> Rule:
    """A range of numbers, "8–16", said with the language's "to"."""
    pattern = re.compile(r"(?<![\w.,:/–-])(\d+)\s?[–-]\s?(\d+)(?!\d|[.,:–-]\d)")

    def read(m: re.Match[str]) -> Replacement:
        # "15650-5" is an account number, not a range: ranges go up.
        if int(m[2]) <= int(m[1]):
            return None
        return grouped(m, [(1, m[1]), (2, m[2])], f" {word} ")

    return pattern, read
