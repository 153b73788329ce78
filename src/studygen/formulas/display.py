"""Teacher notation for a formula tree: superscripts, √, |x|, U+2212 and only the parentheses needed."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from studygen.formulas.numbers import (
    EXACT,
    INEXACT_SIGNIFICANT,
    MAX_SIGNIFICANT,
    MINUS,
    TIMES,
    NumberFormat,
    format_decimal,
    is_whole,
)
from studygen.formulas.tokens import FRACTION_GLYPHS, SUPERSCRIPTS
from studygen.formulas.tree import BinOp, Call, Name, Neg, Node, Num
from studygen.language import value_separator

_TO_SUPERSCRIPT = str.maketrans("0123456789-ni", SUPERSCRIPTS)

# Binding strength of what a piece of display text is, weakest first.
_SUM, _PRODUCT, _NEGATIVE, _POWER, _PREFIX, _ATOM = range(1, 7)


def _number_text(node: Num, style: NumberFormat) -> str:
    """A number as shown inside a formula: ½ as written, round()'s decimals, exact, or 6 figures."""
    if node.fraction is not None:
        numerator, denominator = node.fraction
        glyph = FRACTION_GLYPHS[(abs(numerator), denominator)]
        return MINUS + glyph if numerator < 0 else glyph
    if node.places is not None:
        return format_decimal(node.value, replace(style, decimals=node.places), True)
    return format_decimal(node.value, style, node.exact)


def _show_number(node: Num, style: NumberFormat) -> tuple[str, int]:
    """A number and how it binds: scientific notation is a product, so it gets parentheses as one."""
    text = _number_text(node, style)
    if TIMES in text:
        return text, _PRODUCT
    return text, (_NEGATIVE if node.value < 0 else _ATOM)


def _superscript(exponent: Node) -> str | None:
    """The exponent as superscripts (², ⁻¹, ⁿ) when it is a whole number, n or i; else None."""
    negative = False
    if isinstance(exponent, Neg):
        negative, exponent = True, exponent.operand
    if isinstance(exponent, Num) and exponent.exact and is_whole(exponent.value):
        whole = int(exponent.value)
        if whole < 0:
            if negative:
                return None
            negative, whole = True, -whole
        body = str(whole)
    elif isinstance(exponent, Name) and exponent.name in ("n", "i"):
        body = exponent.name
    else:
        return None
    return (("-" if negative else "") + body).translate(_TO_SUPERSCRIPT)


def show(node: Node, style: NumberFormat = EXACT) -> tuple[str, int]:
    """Display text of a node and how strongly that text binds; numbers are shown in `style`."""
    if isinstance(node, Num):
        return _show_number(node, style)
    if isinstance(node, Name):
        return node.name, _ATOM
    if isinstance(node, Neg):
        return MINUS + _wrapped(node.operand, lambda p: p <= _NEGATIVE, style), _NEGATIVE
    if isinstance(node, BinOp):
        return _show_binary(node, style)
    return _show_call(node, style)


def _wrapped(node: Node, needs_parentheses: Callable[[int], bool], style: NumberFormat) -> str:
    """Display text, parenthesised when the parent's precedence requires it."""
    text, strength = show(node, style)
    return f"({text})" if needs_parentheses(strength) else text


def _show_binary(node: BinOp, style: NumberFormat) -> tuple[str, int]:
    """Display a binary operation with only the parentheses precedence needs."""
    if node.op == "^":
        base = _wrapped(node.left, lambda p: p != _ATOM, style)
        superscript = _superscript(node.right)
        if superscript is not None:
            return base + superscript, _POWER
        return f"{base}^{_wrapped(node.right, lambda p: p != _ATOM, style)}", _POWER
    level = _SUM if node.op in "+-" else _PRODUCT
    symbol = {"+": "+", "-": MINUS, "*": "\u00b7", "/": "/"}[node.op]
    left = _wrapped(node.left, lambda p: p < level, style)
    # A right operand at the same level keeps its parentheses, as in a - (b - c), and a negative
    # one gets them as in hand-written maths: 2 * (-3), 1 - (-3).
    right = _wrapped(node.right, lambda p: p <= level or p == _NEGATIVE, style)
    return f"{left} {symbol} {right}", level


def _show_call(node: Call, style: NumberFormat) -> tuple[str, int]:
    """Display a function call: √x, |x| or name(a, b)."""
    if node.func == "sqrt":
        (arg,) = node.args
        text, strength = show(arg, style)
        if isinstance(arg, (Name, Num)) and strength == _ATOM:
            return "\u221a" + text, _PREFIX
        return f"\u221a({text})", _PREFIX
    if node.func == "round":
        return _show_round(node, style), _ATOM
    if node.func == "abs":
        return f"|{show(node.args[0], style)[0]}|", _ATOM
    return f"{node.func}({value_separator().join(show(arg, style)[0] for arg in node.args)})", _ATOM


def _show_round(node: Call, style: NumberFormat) -> str:
    """round(x, n) with an inexact x shows x to n + 2 decimals, so round(54778.0784, 2) reads right."""
    places = node.args[1] if len(node.args) == 2 else None
    value = node.args[0]
    texts = [show(arg, style)[0] for arg in node.args]
    if isinstance(value, Num) and not value.exact and value.fraction is None and isinstance(places, Num):
        figures = value.value.adjusted() + 1 + int(places.value) + 2
        if figures > INEXACT_SIGNIFICANT:
            shown = replace(style, significant=min(figures, MAX_SIGNIFICANT))
            texts[0] = format_decimal(value.value, shown, False)
    return f"round({value_separator().join(texts)})"
