"""Teacher notation for a formula tree: superscripts, √, |x|, U+2212 and only the parentheses needed."""

from __future__ import annotations

from collections.abc import Callable

from studygen.formulas.numbers import EXACT, format_decimal, is_whole
from studygen.formulas.tokens import SUPERSCRIPTS
from studygen.formulas.tree import BinOp, Call, Name, Neg, Node, Num

_TO_SUPERSCRIPT = str.maketrans("0123456789-ni", SUPERSCRIPTS)

# Binding strength of what a piece of display text is, weakest first.
_SUM, _PRODUCT, _NEGATIVE, _POWER, _PREFIX, _ATOM = range(1, 7)


def _number_text(node: Num) -> str:
    """A number as shown inside a formula: exact, or 6 significant digits when inexact."""
    return format_decimal(node.value, EXACT, node.exact)


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


def show(node: Node) -> tuple[str, int]:
    """Display text of a node and how strongly that text binds."""
    if isinstance(node, Num):
        return _number_text(node), (_NEGATIVE if node.value < 0 else _ATOM)
    if isinstance(node, Name):
        return node.name, _ATOM
    if isinstance(node, Neg):
        return "\u2212" + _wrapped(node.operand, lambda p: p <= _NEGATIVE), _NEGATIVE
    if isinstance(node, BinOp):
        return _show_binary(node)
    return _show_call(node)


def _wrapped(node: Node, needs_parentheses: Callable[[int], bool]) -> str:
    """Display text, parenthesised when the parent's precedence requires it."""
    text, strength = show(node)
    return f"({text})" if needs_parentheses(strength) else text


def _show_binary(node: BinOp) -> tuple[str, int]:
    """Display a binary operation with only the parentheses precedence needs."""
    if node.op == "^":
        base = _wrapped(node.left, lambda p: p != _ATOM)
        superscript = _superscript(node.right)
        if superscript is not None:
            return base + superscript, _POWER
        return f"{base}^{_wrapped(node.right, lambda p: p != _ATOM)}", _POWER
    level = _SUM if node.op in "+-" else _PRODUCT
    symbol = {"+": "+", "-": "\u2212", "*": "\u00b7", "/": "/"}[node.op]
    left = _wrapped(node.left, lambda p: p < level)
    # A right operand at the same level keeps its parentheses, as in a - (b - c), and a negative
    # one gets them as in hand-written maths: 2 * (-3), 1 - (-3).
    right = _wrapped(node.right, lambda p: p <= level or p == _NEGATIVE)
    return f"{left} {symbol} {right}", level


def _show_call(node: Call) -> tuple[str, int]:
    """Display a function call: √x, |x| or name(a, b)."""
    if node.func == "sqrt":
        (arg,) = node.args
        text, strength = show(arg)
        if isinstance(arg, (Name, Num)) and strength == _ATOM:
            return "\u221a" + text, _PREFIX
        return f"\u221a({text})", _PREFIX
    if node.func == "abs":
        return f"|{show(node.args[0])[0]}|", _ATOM
    return f"{node.func}({', '.join(show(arg)[0] for arg in node.args)})", _ATOM
