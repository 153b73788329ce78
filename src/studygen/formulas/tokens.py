"""The characters of the formula language: source split into tokens, anything else refused."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal

from studygen.formulas.errors import FormulaError, at

_OPERATORS = {
    "+": "+",
    "-": "-",
    "\u2212": "-",  # minus sign
    "*": "*",
    "\u00b7": "*",  # · middle dot
    "\u22c5": "*",  # ⋅ dot operator
    "\u00d7": "*",  # multiplication sign
    "/": "/",
    "\u00f7": "/",  # division sign
    "^": "^",
}
_PUNCTUATION = frozenset("(),|\u221a")  # √ is a prefix square root
FRACTION_GLYPHS = {(1, 2): "½", (1, 3): "⅓", (2, 3): "⅔", (1, 4): "¼", (3, 4): "¾"}
"""The fractions a formula may write as one character; each is the exact value p/q."""
_FRACTIONS = {glyph: pq for pq, glyph in FRACTION_GLYPHS.items()}
SUPERSCRIPTS = "⁰¹²³⁴⁵⁶⁷⁸⁹⁻ⁿⁱ"
_FROM_SUPERSCRIPT = str.maketrans(SUPERSCRIPTS, "0123456789-ni")
# Some of these count as identifier characters for Python (· and ⁿ do), but here they are operators.
_NOT_IN_NAMES = frozenset(_OPERATORS) | _PUNCTUATION | frozenset(SUPERSCRIPTS) | frozenset(_FRACTIONS)
_DIGITS = frozenset("0123456789")  # ASCII only: str.isdigit() would also accept ² and ٣
_NUMBER_RE = re.compile(r"[0-9]+(?:\.[0-9]*)?|\.[0-9]+")
_SCIENTIFIC_RE = re.compile(r"[eE]([+\-\u2212]?)([0-9]+)")
_WORD_RE = re.compile(r"\s*([0-9.]+|\w+)")

_CHARACTER_HINTS = {
    "[": "use '(' and ')' for brackets",
    "]": "use '(' and ')' for brackets",
    "{": "use '(' and ')' for brackets",
    "}": "use '(' and ')' for brackets",
    "=": "write only the right-hand side of the formula, without '='",
    ".": "a decimal point must be part of a number, like 0.5",
    "%": "write '/ 100' instead of '%'",
    "!": "factorials are not supported",
    "<": "comparisons are not supported",
    ">": "comparisons are not supported",
    ";": "write one formula only",
    ":": "write one formula only",
}
_QUOTES = frozenset("'\"`\u2018\u2019\u201c\u201d")


@dataclass(frozen=True)
class Token:
    """One token: `kind` is num, frac, name, op, sup, end or the punctuation character itself."""

    kind: str
    text: str  # normalised: '·' becomes '*', superscripts become plain digits
    raw: str  # as written in the source, for messages
    pos: int


def _describe_character(ch: str) -> str:
    """A readable name for a character that may be invisible or unusual."""
    code = f"U+{ord(ch):04X}"
    if ch.isprintable() and not ch.isspace():
        if ch.isascii():
            return f"'{ch}'"
        return f"'{ch}' ({unicodedata.name(ch, code)})"
    return f"{code} ({unicodedata.name(ch, 'control character')})"


def _is_name_start(ch: str) -> bool:
    """Whether a name may begin with this character."""
    return ch not in _NOT_IN_NAMES and ch.isidentifier()


def _is_name_part(ch: str) -> bool:
    """Whether a name may continue with this character."""
    return ch not in _NOT_IN_NAMES and ("_" + ch).isidentifier()


def tokenize(source: str) -> list[Token]:
    """Split the source into tokens, refusing any character outside the language."""
    tokens: list[Token] = []
    i = 0
    while i < len(source):
        ch = source[i]
        if ch.isspace():
            i += 1
        elif ch in _DIGITS or (ch == "." and source[i + 1 : i + 2] in _DIGITS):
            i = _read_number(source, i, tokens)
        elif ch in SUPERSCRIPTS:
            end = i
            while end < len(source) and source[end] in SUPERSCRIPTS:
                end += 1
            raw = source[i:end]
            tokens.append(Token("sup", raw.translate(_FROM_SUPERSCRIPT), raw, i))
            i = end
        elif ch in _FRACTIONS:
            numerator, denominator = _FRACTIONS[ch]
            tokens.append(Token("frac", f"{numerator}/{denominator}", ch, i))
            i += 1
        elif _is_name_start(ch):
            end = i + 1
            while end < len(source) and _is_name_part(source[end]):
                end += 1
            name = source[i:end]
            assert name.isidentifier()
            tokens.append(Token("name", name, name, i))
            i = end
        elif ch in _OPERATORS:
            if source.startswith("**", i):
                raise FormulaError(_double_star_message(source, i, tokens), i)
            tokens.append(Token("op", _OPERATORS[ch], ch, i))
            i += 1
        elif ch in _PUNCTUATION:
            tokens.append(Token(ch, ch, ch, i))
            i += 1
        else:
            raise FormulaError(_bad_character_message(ch, i), i)
    tokens.append(Token("end", "", "", len(source)))
    return tokens


def _read_number(source: str, start: int, tokens: list[Token]) -> int:
    """Read one decimal number starting at `start`; return the index just after it."""
    match = _NUMBER_RE.match(source, start)
    assert match is not None
    text = match.group()
    end = match.end()
    if source[end : end + 1] == ".":
        written = re.match(r"[0-9.]*", source[start:])
        assert written is not None
        raise FormulaError(f"a number can have only one decimal point: '{written.group()}' {at(start)}", end)
    scientific = _SCIENTIFIC_RE.match(source, end)
    if scientific is not None:
        sign = "-" if scientific.group(1) else ""
        power = f"10^{sign}{scientific.group(2)}"
        hint = power if Decimal(text) == 1 else f"{text} * {power}"
        raise FormulaError(
            f"'{source[start : scientific.end()]}' {at(start)}: scientific notation is not "
            f"supported, write '{hint}'",
            start,
        )
    tokens.append(Token("num", text, text, start))
    return end


def _double_star_message(source: str, pos: int, tokens: list[Token]) -> str:
    """Explain that powers are written with '^', using the author's own operands if possible."""
    base = tokens[-1].raw if tokens and tokens[-1].kind in ("num", "name") else "T"
    following = _WORD_RE.match(source, pos + 2)
    exponent = following.group(1) if following is not None else "2"
    return f"'**' is not a power here ({at(pos)}): write '{base}^{exponent}'"


def _bad_character_message(ch: str, pos: int) -> str:
    """Name a character the language does not accept, with a hint when one helps."""
    message = f"unexpected character {_describe_character(ch)} {at(pos)}"
    if ch in _QUOTES:
        return f"{message}: text in quotes is not allowed in a formula"
    hint = _CHARACTER_HINTS.get(ch)
    return f"{message}: {hint}" if hint else message
