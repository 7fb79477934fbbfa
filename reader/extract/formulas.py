"""Formulas read in place: MathML by its `alttext` or annotation, formula images by their alt.

Wikipedia, and most sites that render TeX, ship each formula twice: hidden MathML for
screen readers and an image hidden from them (`aria-hidden`). Both are left out as hidden
markup, so a sentence loses its formulas and keeps their commas ("objects , , t-SNE …").
Before the page is measured, each formula is replaced by its text where it stands: the
element that holds nothing but the formula keeps its place (so locators still resolve)
and holds the text instead. TeX is turned into what a listener can follow: symbols
eSpeak NG names ("∑", "≤", "α"), no braces or layout commands. A formula with nothing to
read leaves no gap: the punctuation that only separated formulas goes with it.
"""

from __future__ import annotations

import re

from lxml import etree

from reader.extract.rules import hidden_by_attributes, is_block_tag, is_skipped_class

# Images of formulas, by the class names of the renderers that make them (MediaWiki, WordPress
# LaTeX plugins, QuickLaTeX) or by an alt that is TeX. Not by their source: the Listen button
# does not send image sources.
FORMULA_IMAGE_CLASSES = frozenset(
    {"mwe-math-fallback-image-inline", "mwe-math-fallback-image-display", "tex", "latex",
     "ql-img-inline-formula", "ql-img-displayed-equation", "math-formula"}
)  # fmt: skip
TEX_ENCODINGS = ("application/x-tex", "TeX", "text/x-tex")
# TeX commands said as the symbol eSpeak NG names; layout commands say nothing.
TEX_SYMBOLS = {
    "dots": "…", "ldots": "…", "cdots": "…", "vdots": "…", "cdot": "·", "times": "×",
    "div": "÷", "pm": "±", "mp": "∓", "leq": "≤", "le": "≤", "geq": "≥", "ge": "≥",
    "neq": "≠", "ne": "≠", "approx": "≈", "sim": "~", "simeq": "≃", "equiv": "≡",
    "propto": "∝", "in": "∈", "notin": "∉", "subset": "⊂", "subseteq": "⊆", "cup": "∪",
    "cap": "∩", "infty": "∞", "sum": "∑", "prod": "∏", "int": "∫", "partial": "∂",
    "nabla": "∇", "to": "→", "rightarrow": "→", "leftarrow": "←", "Rightarrow": "⇒",
    "mapsto": "↦", "mid": "|", "vert": "|", "lvert": "|", "rvert": "|", "Vert": "‖",
    "lVert": "‖", "rVert": "‖", "langle": "⟨", "rangle": "⟩", "forall": "∀", "exists": "∃",
    "emptyset": "∅", "circ": "∘",
    "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ε", "varepsilon": "ε",
    "zeta": "ζ", "eta": "η", "theta": "θ", "iota": "ι", "kappa": "κ", "lambda": "λ",
    "mu": "μ", "nu": "ν", "xi": "ξ", "pi": "π", "rho": "ρ", "sigma": "σ", "tau": "τ",
    "upsilon": "υ", "phi": "φ", "varphi": "φ", "chi": "χ", "psi": "ψ", "omega": "ω",
    "Gamma": "Γ", "Delta": "Δ", "Theta": "Θ", "Lambda": "Λ", "Xi": "Ξ", "Pi": "Π",
    "Sigma": "Σ", "Phi": "Φ", "Psi": "Ψ", "Omega": "Ω",
}  # fmt: skip
TEX_SILENT = frozenset(
    {"displaystyle", "textstyle", "scriptstyle", "left", "right", "big", "Big", "bigg", "Bigg",
     "bigl", "bigr", "Bigl", "Bigr", "mathbf", "mathrm", "mathit", "mathcal", "mathbb",
     "mathsf", "mathtt", "mathfrak", "boldsymbol", "bf", "rm", "it", "operatorname", "text",
     "textrm", "textit", "textbf", "mbox", "limits", "nolimits", "quad", "qquad", "hat", "bar",
     "tilde", "vec", "overline", "underline", "begin", "end"}
)  # fmt: skip
TEX_FRACTION = re.compile(r"\\d?frac\s*\{([^{}]*)\}\s*\{([^{}]*)\}")
TEX_ROOT = re.compile(r"\\sqrt\s*\{([^{}]*)\}")
TEX_SCRIPT = re.compile(r"\s*([_^])\s*\{([^{}]*)\}")
UNBRACED_SCRIPT = re.compile(r"\s*([_^])\s*")
TEX_COMMAND = re.compile(r"\\([A-Za-z]+)|\\[,;:! ]")
# An alt text that is TeX marks an image as a formula; a formula's text is treated as TeX
# when it has even a bare script ("x_1").
TEX_ALT = re.compile(r"\\[A-Za-z]|[_^]\{|\{\\")
LOOKS_LIKE_TEX = re.compile(r"\\[A-Za-z]|[_^]\{|\{\\|\w[_^]\w")
# Punctuation that closes up to the word before it when a formula between has nothing to
# read, and separators that go when they only separated formulas.
CLOSING = ",;:.)!?"
SEPARATORS = ",;:"


def spell_formulas(root: etree._Element) -> None:
    """Replace every formula in the tree by its text, in place."""
    for math in list(root.iter("math")):
        if math.getparent() is not None:  # not inside a formula already replaced
            _put(_unit(math), math_text(math))
    for image in list(root.iter("img")):
        if image.getparent() is not None and is_formula_image(image) and not _hidden(image):
            _put(image, tex_text(image.get("alt") or ""))


def math_text(math: etree._Element) -> str:
    """What a MathML formula says: its alttext, its annotation, else its tokens."""
    alt = (math.get("alttext") or "").strip()
    if not alt:
        annotations = [a for a in math.iter("annotation") if (a.text or "").strip()]
        tex = [a for a in annotations if a.get("encoding") in TEX_ENCODINGS]
        chosen = (tex or annotations)[:1]
        alt = chosen[0].text.strip() if chosen and chosen[0].text else ""
    if not alt:
        alt = " ".join(
            (el.text or "").strip()
            for el in math.iter("mi", "mn", "mo", "mtext", "ms")
            if (el.text or "").strip()
        )
    return tex_text(alt)


def tex_text(tex: str) -> str:
    """TeX (or plain text) as a listener can follow it: symbols, no braces or layout."""
    text = " ".join(tex.split())
    if not LOOKS_LIKE_TEX.search(text):
        return text
    while True:  # innermost groups first: scripts, fractions and roots nest
        before = text
        text = TEX_SCRIPT.sub(lambda m: ("^" if m[1] == "^" else "") + _grouped(m[2]), text)
        text = TEX_FRACTION.sub(r"(\1)/(\2)", text)
        text = TEX_ROOT.sub(r"√(\1)", text)
        if text == before:
            break
    text = TEX_COMMAND.sub(_command, text)
    text = text.replace("{", "").replace("}", "")
    text = UNBRACED_SCRIPT.sub(lambda m: "^" if m[1] == "^" else "", text)
    text = re.sub(r"\((\w)\)", r"\1", text)  # "(1)/(2)" → "1/2"
    text = re.sub(r"\s+([,;:.)])", r"\1", " ".join(text.split()))
    return re.sub(r"([(⟨])\s+", r"\1", text).strip()


def is_formula_image(image: etree._Element) -> bool:
    """Whether an image shows a formula (by its renderer's class, or an alt that is TeX)."""
    classes = (image.get("class") or "").split()
    if not FORMULA_IMAGE_CLASSES.isdisjoint(classes):
        return True
    return bool(TEX_ALT.search(image.get("alt") or ""))


def _hidden(image: etree._Element) -> bool:
    """Whether the author hid an image (`aria-hidden`, `hidden`, a skip class) from reading."""
    if hidden_by_attributes(image, image.keys(), hidden=True):
        return True
    return is_skipped_class(image.get("class") or "")


def _grouped(inner: str) -> str:
    inner = inner.strip()
    return inner if len(inner) <= 1 else f"({inner})" if " " in inner else inner


def _command(match: re.Match[str]) -> str:
    name = match.group(1)
    if name is None or name in TEX_SILENT:
        return " "
    return f" {TEX_SYMBOLS.get(name, name)} "


def _unit(math: etree._Element) -> etree._Element:
    """The outermost inline element that holds this formula and nothing else to read."""
    unit, parent = math, math.getparent()
    while parent is not None and not is_block_tag(parent.tag) and _only_formula(parent, math):  # type: ignore[arg-type]
        unit, parent = parent, parent.getparent()
    return unit


def _only_formula(el: etree._Element, math: etree._Element) -> bool:
    """Whether el holds no text outside the formula (its other renderings are images)."""
    inside = set(math.iter())
    for node in el.iter():
        if node in inside:
            if node is math and (node.tail or "").strip():
                return False
        elif (node.text or "").strip() or (node is not el and (node.tail or "").strip()):
            return False
    return True


def _put(el: etree._Element, text: str) -> None:
    """Put a formula's text where it stands; with none, close up the sentence around it."""
    tail = el.tail or ""
    if el.tag == "img":  # the image stays, for locators; its text follows it
        el.tail = text + tail
    elif el.tag == "math":  # MathML elements are never read: the text takes their place
        el.tail = None
        _append_before(el, text + tail)
        el.getparent().remove(el)  # type: ignore[union-attr]
        return
    else:  # the element that held only the formula keeps its place and holds its text
        for child in list(el):
            el.remove(child)
        el.text = text or None
    if not text:
        el.tail = None
        _append_before(el, tail)


def _append_before(el: etree._Element, text: str) -> None:
    """Add text to what precedes el; punctuation left between formulas closes up."""
    previous = el.getprevious()
    while previous is not None and _emptied(previous):
        previous = previous.getprevious()
    if previous is not None:
        previous.tail = _joined(previous.tail or "", text)
    elif el.getparent() is not None:
        parent = el.getparent()
        parent.text = _joined(parent.text or "", text)  # type: ignore[union-attr]


def _emptied(el: etree._Element) -> bool:
    return not len(el) and not el.text and not el.tail and el.tag != "br"


def _joined(before: str, after: str) -> str:
    start = after.lstrip()[:1]
    if not start or start not in CLOSING:
        return before + after
    head, rest = before.rstrip(), after.lstrip()
    if head[-1:] in SEPARATORS and start in SEPARATORS:
        rest = rest[1:].lstrip()  # ", ," where a formula stood between two commas
        if not rest or rest[0] not in CLOSING:
            return f"{head} {rest}"
    return head + rest
