"""Turn the bytes of a page into text the way a browser would (WHATWG Encoding, simplified)."""

from __future__ import annotations

import codecs
import re

# Browsers decode these labels as windows-1252, which is a superset of Latin-1 and ASCII:
# a Swedish page labelled iso-8859-1 that uses "–" (0x96) still shows a dash.
# Other entries follow the WHATWG table where Python's codec of the same name is narrower.
LABEL_ALIASES = {
    "iso-8859-1": "windows-1252",
    "iso8859-1": "windows-1252",
    "iso_8859-1": "windows-1252",
    "latin1": "windows-1252",
    "latin-1": "windows-1252",
    "l1": "windows-1252",
    "cp819": "windows-1252",
    "ascii": "windows-1252",
    "us-ascii": "windows-1252",
    "cp1252": "windows-1252",
    "x-cp1252": "windows-1252",
    "iso-8859-9": "windows-1254",
    "latin5": "windows-1254",
    "tis-620": "windows-874",
    "iso-8859-11": "windows-874",
    "gb2312": "gbk",
    "x-gbk": "gbk",
    "euc-kr": "cp949",
    "shift_jis": "cp932",
    "x-sjis": "cp932",
}
# Encodings a browser decodes pages in (the WHATWG Encoding list), by Python's codec name.
# Any other label is unknown, as in a browser: Python also names codecs that are not text
# encodings ("rot13", "base64"), cannot decode with replacement ("idna", "undefined") or
# are not ASCII-compatible ("utf-7", EBCDIC's "cp037"), and a page may name any of them.
PAGE_CODECS = frozenset(
    {
        "utf-8", "utf-16", "utf-16-le", "utf-16-be", "cp866", "koi8-r", "koi8-u",
        "mac-roman", "mac-cyrillic", "cp874", "gbk", "gb18030", "big5", "big5hkscs",
        "euc_jp", "iso2022_jp", "shift_jis", "cp932", "euc_kr", "cp949",
        *(f"iso8859-{n}" for n in (2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 14, 15, 16)),
        *(f"cp{n}" for n in range(1250, 1259)),
    }
)  # fmt: skip
_ALIAS_TARGETS = frozenset(LABEL_ALIASES.values())
# Byte order marks outrank every label (WHATWG "BOM sniffing").
BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16le"),
    (codecs.BOM_UTF16_BE, "utf-16be"),
)
# A page's own declaration is only looked for near its start, as browsers do.
PRESCAN_BYTES = 4096
_META_CHARSET = re.compile(rb"<meta\s[^>]*?charset\s*=\s*[\"']?\s*([A-Za-z0-9_.:-]+)", re.I)
_XML_ENCODING = re.compile(rb"^<\?xml[^>]*?encoding\s*=\s*[\"']([A-Za-z0-9_.:-]+)")
_HTML_COMMENT = re.compile(rb"<!--.*?-->", re.S)


def decode_html(data: bytes, header_charset: str = "") -> tuple[str, str]:
    """Decode page bytes; return (text, name of the encoding used)."""
    for bom, name in BOMS:
        if data.startswith(bom):
            return data[len(bom) :].decode(name, errors="replace"), name
    name = (
        _unless_disproved(normalize_label(header_charset), data)
        or _unless_disproved(_declared_in_markup(data[:PRESCAN_BYTES]), data)
        or _sniff(data)
    )
    try:
        text = data.decode(_codec(name), errors="replace")
    except (LookupError, UnicodeError):
        # Every name reaching here is a page codec, but a codec's own limits (a stateful
        # one cut short) must not make a page unreadable: read it as UTF-8 instead.
        text, name = data.decode("utf-8", errors="replace"), "utf-8"
    return text.lstrip("\ufeff"), name


def normalize_label(label: str) -> str:
    """Map a charset label to the encoding a browser would use; "" when unknown."""
    label = label.strip().strip("\"'").lower()
    if not label:
        return ""
    if label in LABEL_ALIASES:
        return LABEL_ALIASES[label]
    try:
        name = codecs.lookup(label).name
    except (LookupError, ValueError):  # ValueError: a NUL or a lone surrogate in the label
        return ""
    name = LABEL_ALIASES.get(name, name)
    return name if name in PAGE_CODECS or name in _ALIAS_TARGETS else ""


def _declared_in_markup(head: bytes) -> str:
    """The encoding named by an XML declaration or a <meta> in the first bytes."""
    xml = _XML_ENCODING.match(head)
    if xml:
        name = normalize_label(xml.group(1).decode("ascii"))
        if name:
            return _ascii_compatible(name)
    for match in _META_CHARSET.finditer(_HTML_COMMENT.sub(b"", head)):
        name = normalize_label(match.group(1).decode("ascii"))
        if name:
            return _ascii_compatible(name)
    return ""


def _ascii_compatible(name: str) -> str:
    # Markup that could be read to find the label is ASCII-compatible, so a label of
    # UTF-16 there is a mistake; browsers use UTF-8 instead.
    return "utf-8" if name.startswith("utf-16") or name.startswith("utf_16") else name


def _unless_disproved(name: str, data: bytes) -> str:
    """A declared encoding, or "" when the bytes prove the declaration wrong.

    Servers and templates often declare one encoding and send another. Text in a legacy
    encoding almost never forms valid multi-byte UTF-8, and UTF-8 text is never full of
    invalid sequences, so whichever the bytes show wins over the label; a page that is
    mostly UTF-8 with a stray byte keeps its label.
    """
    if not name or data.isascii():
        return name
    text = data.decode("utf-8", errors="replace")
    invalid = text.count("\ufffd")
    valid = len(text) - len(text.encode("ascii", "ignore")) - invalid
    if name == "utf-8":
        return name if valid >= invalid else ""
    if name.startswith(("utf-16", "utf_16")):
        return name  # only reached without a BOM, and UTF-16 is not ASCII-shaped
    return "" if valid > invalid else name


def _sniff(data: bytes) -> str:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return "windows-1252"
    return "utf-8"


def _codec(name: str) -> str:
    return {"windows-1252": "cp1252", "windows-1254": "cp1254", "windows-874": "cp874"}.get(
        name, name
    )
