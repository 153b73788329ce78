"""Formula source to a tree, within the limits on length, depth and size; the Formula and parse()."""

from __future__ import annotations

import decimal
import difflib
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TypeVar

from studygen.formulas.display import show
from studygen.formulas.errors import FormulaError, at
from studygen.formulas.limits import MAX_DEPTH, MAX_NODES, MAX_SOURCE_LENGTH, PRECISION, check_magnitude
from studygen.formulas.tokens import Token, tokenize
from studygen.formulas.tree import BinOp, Call, Name, Neg, Node, Num, names_in_order

# Name -> (fewest arguments, most arguments or None for "any", how to call it).
_FUNCTIONS: dict[str, tuple[int, int | None, str]] = {
    "abs": (1, 1, "abs(x)"),
    "exp": (1, 1, "exp(x)"),
    "ln": (1, 1, "ln(x)"),
    "log": (1, 2, "log(x) or log(x, base)"),
    "log10": (1, 1, "log10(x)"),
    "max": (1, None, "max(a, b, ...)"),
    "min": (1, None, "min(a, b, ...)"),
    "round": (1, 2, "round(x) or round(x, n)"),
    "sqrt": (1, 1, "sqrt(x)"),
}


# ---------------------------------------------------------------------------------------------
# Parser: recursive descent with an explicit depth counter, so Python's recursion limit is
# never reached whatever the input.
#
#   expression := product (('+' | '-') product)*
#   product    := unary (('*' | '/') unary)*
#   unary      := ('-' | '+') unary | power
#   power      := postfix ('^' unary)?              right-associative; 2^-1 is allowed
#   postfix    := primary SUPERSCRIPT*             x², x⁻¹, xⁿ
#   primary    := number | fraction (½ ⅓ ⅔ ¼ ¾) | name | function '(' args ')' | '(' expression ')'
#               | '|' expression '|' | '√' primary
# ---------------------------------------------------------------------------------------------

_OPERAND_START = frozenset({"num", "frac", "name", "(", "\u221a"})
_SUPERSCRIPT_RE = re.compile(r"(-?)([0-9]+|n|i)")
_N = TypeVar("_N", Num, Name, Neg, BinOp, Call)


class _Parser:
    """Turns tokens into a tree, enforcing MAX_DEPTH and MAX_NODES as it goes."""

    def __init__(self, source: str, tokens: list[Token]) -> None:
        """Start at the first token."""
        self.source = source
        self.tokens = tokens
        self.index = 0
        self.depth = 0
        self.nodes = 0

    def peek(self, ahead: int = 0) -> Token:
        """The current token (or one further on), without consuming it."""
        return self.tokens[min(self.index + ahead, len(self.tokens) - 1)]

    def advance(self) -> Token:
        """Consume and return the current token."""
        token = self.tokens[self.index]
        self.index += 1
        return token

    def is_op(self, symbols: str) -> bool:
        """Whether the current token is one of the given operators."""
        token = self.peek()
        return token.kind == "op" and token.text in symbols

    @contextmanager
    def nested(self, token: Token) -> Iterator[None]:
        """Count one level of nesting for the duration of the block."""
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise FormulaError(
                f"the formula is nested too deeply (more than {MAX_DEPTH} levels) {at(token.pos)}",
                token.pos,
            )
        try:
            yield
        finally:
            self.depth -= 1

    def count(self, node: _N) -> _N:
        """Count one tree node."""
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise FormulaError(
                f"the formula is too long (more than {MAX_NODES} numbers, names and operations)",
                None,
            )
        return node

    def parse(self) -> Node:
        """Parse the whole formula."""
        if self.peek().kind == "end":
            raise FormulaError("the formula is empty", 0)
        node = self.expression()
        token = self.peek()
        if token.kind != "end":
            raise self.leftover(token)
        return node

    def expression(self) -> Node:
        """A sum or difference of products."""
        node = self.product()
        while self.is_op("+-"):
            op = self.advance()
            node = self.count(BinOp(op.text, node, self.product(), op.pos))
        return node

    def product(self) -> Node:
        """A product or quotient of factors."""
        node = self.factor()
        while self.is_op("*/"):
            op = self.advance()
            node = self.count(BinOp(op.text, node, self.factor(), op.pos))
        return node

    def factor(self) -> Node:
        """One factor of a product; two factors side by side (`2T`) are refused."""
        start = self.peek()
        node = self.unary()
        following = self.peek()
        if following.kind in _OPERAND_START:
            raise self.implicit_multiplication(start, following)
        return node

    def unary(self) -> Node:
        """A signed operand: the sign binds looser than '^', so -2^2 is -(2^2)."""
        token = self.peek()
        if not self.is_op("+-"):
            return self.power()
        self.advance()
        with self.nested(token):
            operand = self.unary()
        if token.text == "+":
            return operand
        return self.count(Neg(operand, token.pos))

    def power(self) -> Node:
        """A power; the exponent may itself be signed and a power (right-associative)."""
        base = self.postfix()
        if not self.is_op("^"):
            return base
        op = self.advance()
        with self.nested(op):
            exponent = self.unary()
        return self.count(BinOp("^", base, exponent, op.pos))

    def postfix(self) -> Node:
        """An operand followed by superscript exponents such as ² or ⁻¹."""
        node = self.primary()
        while self.peek().kind == "sup":
            token = self.advance()
            node = self.count(BinOp("^", node, self.superscript(token), token.pos))
        return node

    def superscript(self, token: Token) -> Node:
        """The exponent written as superscripts: digits, n or i, optionally negative."""
        match = _SUPERSCRIPT_RE.fullmatch(token.text)
        if match is None:
            raise FormulaError(
                f"cannot read the superscript '{token.raw}' {at(token.pos)}: "
                "write '^' and the exponent instead",
                token.pos,
            )
        sign, body = match.groups()
        node: Node
        if body in ("n", "i"):
            node = self.count(Name(body, token.pos))
        else:
            node = self.count(Num(self.literal(body, token.pos), True, token.pos))
        return self.count(Neg(node, token.pos)) if sign else node

    def literal(self, text: str, pos: int) -> Decimal:
        """The value of a number literal, within the size limits."""
        return check_magnitude(Decimal(text), pos, f"the number {at(pos)}")

    def primary(self) -> Node:
        """A number, name, call, parenthesised expression, |absolute value| or √root."""
        token = self.peek()
        if token.kind == "num":
            self.advance()
            return self.count(Num(self.literal(token.text, token.pos), True, token.pos))
        if token.kind == "frac":
            self.advance()
            return self.count(fraction(token.text, token.pos))
        if token.kind == "name":
            return self.name()
        if token.kind == "(":
            return self.parenthesised()
        if token.kind == "|":
            return self.absolute()
        if token.kind == "\u221a":
            return self.root()
        raise self.expected_operand(token)

    def name(self) -> Node:
        """A symbol, or a function call when followed by '('."""
        token = self.advance()
        if self.peek().kind == "(":
            return self.call(token)
        if token.text in _FUNCTIONS:
            usage = _FUNCTIONS[token.text][2]
            raise FormulaError(f"'{token.text}' is a function {at(token.pos)}: write {usage}", token.pos)
        return self.count(Name(token.text, token.pos))

    def parenthesised(self) -> Node:
        """An expression in parentheses; the parentheses themselves leave no node."""
        opening = self.advance()
        with self.nested(opening):
            if self.peek().kind == ")":
                raise FormulaError(f"empty parentheses {at(opening.pos)}", opening.pos)
            inner = self.expression()
        self.close(")", opening)
        return inner

    def absolute(self) -> Node:
        """|x|: after a complete operand a '|' can only close, so nesting like ||x| - 1| works."""
        opening = self.advance()
        with self.nested(opening):
            inner = self.expression()
        self.close("|", opening)
        return self.count(Call("abs", (inner,), opening.pos))

    def root(self) -> Node:
        """√ applies to the atom right after it: √2, √x, √(x + 1)."""
        sign = self.advance()
        if self.peek().kind not in _OPERAND_START | {"|"}:
            raise FormulaError(
                f"'√' {at(sign.pos)} must be followed by a number, a name or '(': "
                "write √(…) for anything longer",
                sign.pos,
            )
        with self.nested(sign):
            inner = self.primary()
        return self.count(Call("sqrt", (inner,), sign.pos))

    def call(self, name: Token) -> Node:
        """A function call: whitelisted name, arguments, arity check."""
        if name.text not in _FUNCTIONS:
            raise self.unknown_function(name)
        self.advance()
        args: list[Node] = []
        with self.nested(name):
            if self.peek().kind != ")":
                args.append(self.expression())
                while self.peek().kind == ",":
                    self.advance()
                    args.append(self.expression())
        self.close(")", name, f"'{name.text}('")
        fewest, most, usage = _FUNCTIONS[name.text]
        if len(args) < fewest or (most is not None and len(args) > most):
            raise FormulaError(_arity_message(name.text, len(args), fewest, most, usage), name.pos)
        return self.count(Call(name.text, tuple(args), name.pos))

    def close(self, kind: str, opening: Token, what: str = "") -> None:
        """Consume the token closing `opening` (described by `what`), or explain what is missing."""
        token = self.peek()
        if token.kind == kind:
            self.advance()
            return
        what = what or f"'{opening.raw}'"
        if token.kind == "end":
            raise FormulaError(f"missing '{kind}' to close {what} {at(opening.pos)}", opening.pos)
        if token.kind == ",":
            raise FormulaError(
                f"unexpected ',' {at(token.pos)}: commas only separate the arguments of a function",
                token.pos,
            )
        raise FormulaError(
            f"expected '{kind}' {at(token.pos)} to close {what} {at(opening.pos)}, but found '{token.raw}'",
            token.pos,
        )

    def leftover(self, token: Token) -> FormulaError:
        """The error for a token left over after a complete formula."""
        if token.kind == ")":
            message = f"unexpected ')' {at(token.pos)}: there is no '(' for it to close"
        elif token.kind == ",":
            message = (
                f"unexpected ',' {at(token.pos)}: commas only separate the arguments of a "
                "function; write 2.5 for a decimal number"
            )
        elif token.kind == "|":
            message = (
                f"unexpected '|' {at(token.pos)}: there is no '|' for it to close "
                "(to multiply by |x|, write '* |x|')"
            )
        else:
            message = f"unexpected '{token.raw}' {at(token.pos)}"
        return FormulaError(message, token.pos)

    def expected_operand(self, token: Token) -> FormulaError:
        """The error for a missing number or name."""
        if token.kind == "end":
            before = self.tokens[self.index - 1].raw if self.index > 0 else ""
            return FormulaError(
                f"the formula ends too early: a number or name is missing after '{before}'",
                token.pos,
            )
        if token.kind == ")":
            return FormulaError(
                f"unexpected ')' {at(token.pos)}: a number or name is missing before it",
                token.pos,
            )
        return FormulaError(
            f"unexpected '{token.raw}' {at(token.pos)}: expected a number, a name or '('",
            token.pos,
        )

    def implicit_multiplication(self, start: Token, following: Token) -> FormulaError:
        """The error for two operands side by side, with the multiplication written out."""
        previous = self.tokens[self.index - 1]
        left = self.source[start.pos : previous.pos + len(previous.raw)].strip()
        if following.kind == "(":
            right = "(…)"
        elif following.kind == "name" and self.peek(1).kind == "(":
            right = f"{following.raw}(…)"
        else:
            right = following.raw
        if len(left) > 20:
            left = "…" + left[-19:]
        return FormulaError(
            f"missing '*' between '{left}' and '{right}' {at(following.pos)}: "
            f"write '{left} * {right}' for multiplication",
            following.pos,
        )

    def unknown_function(self, name: Token) -> FormulaError:
        """The error for a call of a function that is not in the whitelist."""
        close = difflib.get_close_matches(name.text, list(_FUNCTIONS), n=1, cutoff=0.6)
        if close:
            hint = f" — did you mean '{close[0]}'?"
        else:
            hint = (
                f" (known functions: {', '.join(sorted(_FUNCTIONS))}; to multiply, write '{name.text} * (…)')"
            )
        return FormulaError(f"unknown function '{name.text}' {at(name.pos)}{hint}", name.pos)


def fraction(text: str, pos: int) -> Num:
    """The node of a fraction such as ⅓ (`text` is "1/3"): exactly p/q, its decimal value for show."""
    numerator, denominator = (int(part) for part in text.split("/"))
    context = decimal.Context(prec=PRECISION)
    value = context.divide(Decimal(numerator), Decimal(denominator))
    return Num(value, not context.flags[decimal.Inexact], pos, fraction=(numerator, denominator))


def _arity_message(func: str, got: int, fewest: int, most: int | None, usage: str) -> str:
    """Explain how many arguments a function takes."""
    if most is None:
        expected = f"needs at least {fewest} argument{'s' if fewest != 1 else ''}"
    elif fewest == most:
        expected = f"takes exactly {fewest} argument{'s' if fewest != 1 else ''}"
    else:
        expected = f"takes {fewest} or {most} arguments"
    return f"{func} {expected}, but got {got}: write {usage}"


def _parse_tree(source: str) -> Node:
    """Check the length, tokenize and parse."""
    if not isinstance(source, str):
        raise FormulaError(f"a formula must be text, not {type(source).__name__}", None)
    if len(source) > MAX_SOURCE_LENGTH:
        raise FormulaError(
            f"the formula is too long ({len(source)} characters; at most {MAX_SOURCE_LENGTH})",
            None,
        )
    return _Parser(source, tokenize(source)).parse()


@dataclass(frozen=True)
class Formula:
    """A parsed formula; build it with parse(source)."""

    source: str
    _tree: Node | None = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        """Parse the source when no tree was given, so Formula(source) is also safe."""
        if self._tree is None:
            object.__setattr__(self, "_tree", _parse_tree(self.source))

    @property
    def _root(self) -> Node:
        """The parsed tree."""
        assert self._tree is not None
        return self._tree

    @property
    def names(self) -> frozenset[str]:
        """The symbols the formula uses (not function names)."""
        return frozenset(node.name for node in names_in_order(self._root))

    def display(self) -> str:
        """The formula in teacher notation: ε · T², √x, |x|, U+2212 for minus."""
        return show(self._root)[0]


def parse(source: str) -> Formula:
    """Parse a formula, raising FormulaError with a teacher-readable message."""
    return Formula(source, _parse_tree(source))
