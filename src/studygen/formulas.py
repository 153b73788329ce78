"""The formula language of lesson files: safe parsing, teacher display, exact evaluation, steps."""

from __future__ import annotations

import decimal
import difflib
import re
import unicodedata
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal
from typing import TypeVar

__all__ = [
    "MAX_DEPTH",
    "MAX_EXPONENT",
    "MAX_NODES",
    "MAX_SOURCE_LENGTH",
    "PRECISION",
    "Formula",
    "FormulaError",
    "NumberFormat",
    "Working",
    "evaluate",
    "format_number",
    "parse",
    "work",
]

# Limits: lesson files are untrusted, so every refusal must be cheap and happen before any big work.
MAX_SOURCE_LENGTH = 500
MAX_DEPTH = 40
MAX_NODES = 200
MAX_EXPONENT = 100  # every value v must satisfy 1e-100 <= |v| < 1e100 (or be zero)
PRECISION = 28
MAX_ROUND_DECIMALS = 20
INEXACT_SIGNIFICANT = 6  # how an inexact value such as 1/3 is shown when no format is asked for

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


class FormulaError(ValueError):
    """Raised when a formula cannot be parsed or evaluated; `message` says what to write instead."""

    message: str
    position: int | None

    def __init__(self, message: str, position: int | None = None) -> None:
        """Keep the teacher-facing message and the 0-based character index of the problem."""
        super().__init__(message)
        self.message = message
        self.position = position

    def __str__(self) -> str:
        """Show only the message, which is written for teachers."""
        return self.message

    def __reduce__(self) -> tuple[type[FormulaError], tuple[str, int | None]]:
        """Keep the position when the error is pickled (e.g. across worker processes)."""
        return (FormulaError, (self.message, self.position))


# ---------------------------------------------------------------------------------------------
# The tree
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Num:
    """A number: a literal, a substituted value or an intermediate result of a worked formula."""

    value: Decimal
    exact: bool = True
    pos: int = field(default=-1, compare=False)


@dataclass(frozen=True)
class _Name:
    """A symbol whose value is given at evaluation time."""

    name: str
    pos: int = field(default=-1, compare=False)


@dataclass(frozen=True)
class _Neg:
    """Unary minus."""

    operand: _Node
    pos: int = field(default=-1, compare=False)


@dataclass(frozen=True)
class _BinOp:
    """A binary operation; `op` is one of + - * / ^."""

    op: str
    left: _Node
    right: _Node
    pos: int = field(default=-1, compare=False)


@dataclass(frozen=True)
class _Call:
    """A call of one of the whitelisted functions."""

    func: str
    args: tuple[_Node, ...]
    pos: int = field(default=-1, compare=False)


_Node = _Num | _Name | _Neg | _BinOp | _Call
_N = TypeVar("_N", _Num, _Name, _Neg, _BinOp, _Call)


def _children(node: _Node) -> tuple[_Node, ...]:
    """The operands of a node, left to right."""
    if isinstance(node, _Neg):
        return (node.operand,)
    if isinstance(node, _BinOp):
        return (node.left, node.right)
    if isinstance(node, _Call):
        return node.args
    return ()


def _rebuild(node: _Node, children: Sequence[_Node]) -> _Node:
    """The same operation with new operands."""
    if isinstance(node, _Neg):
        return replace(node, operand=children[0])
    if isinstance(node, _BinOp):
        return replace(node, left=children[0], right=children[1])
    if isinstance(node, _Call):
        return replace(node, args=tuple(children))
    return node


# ---------------------------------------------------------------------------------------------
# Tokens
# ---------------------------------------------------------------------------------------------

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
_SUPERSCRIPTS = "⁰¹²³⁴⁵⁶⁷⁸⁹⁻ⁿⁱ"
_TO_SUPERSCRIPT = str.maketrans("0123456789-ni", _SUPERSCRIPTS)
_FROM_SUPERSCRIPT = str.maketrans(_SUPERSCRIPTS, "0123456789-ni")
# Some of these count as identifier characters for Python (· and ⁿ do), but here they are operators.
_NOT_IN_NAMES = frozenset(_OPERATORS) | _PUNCTUATION | frozenset(_SUPERSCRIPTS)
_DIGITS = frozenset("0123456789")  # ASCII only: str.isdigit() would also accept ² and ٣
_NUMBER_RE = re.compile(r"[0-9]+(?:\.[0-9]*)?|\.[0-9]+")
_SCIENTIFIC_RE = re.compile(r"[eE]([+\-\u2212]?)([0-9]+)")
_SUPERSCRIPT_RE = re.compile(r"(-?)([0-9]+|n|i)")
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
class _Token:
    """One token: `kind` is num, name, op, sup, end or the punctuation character itself."""

    kind: str
    text: str  # normalised: '·' becomes '*', superscripts become plain digits
    raw: str  # as written in the source, for messages
    pos: int


def _at(pos: int) -> str:
    """Where something is, for a teacher (1-based)."""
    return f"at character {pos + 1}"


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


def _tokenize(source: str) -> list[_Token]:
    """Split the source into tokens, refusing any character outside the language."""
    tokens: list[_Token] = []
    i = 0
    while i < len(source):
        ch = source[i]
        if ch.isspace():
            i += 1
        elif ch in _DIGITS or (ch == "." and source[i + 1 : i + 2] in _DIGITS):
            i = _read_number(source, i, tokens)
        elif ch in _SUPERSCRIPTS:
            end = i
            while end < len(source) and source[end] in _SUPERSCRIPTS:
                end += 1
            raw = source[i:end]
            tokens.append(_Token("sup", raw.translate(_FROM_SUPERSCRIPT), raw, i))
            i = end
        elif _is_name_start(ch):
            end = i + 1
            while end < len(source) and _is_name_part(source[end]):
                end += 1
            name = source[i:end]
            assert name.isidentifier()
            tokens.append(_Token("name", name, name, i))
            i = end
        elif ch in _OPERATORS:
            if source.startswith("**", i):
                raise FormulaError(_double_star_message(source, i, tokens), i)
            tokens.append(_Token("op", _OPERATORS[ch], ch, i))
            i += 1
        elif ch in _PUNCTUATION:
            tokens.append(_Token(ch, ch, ch, i))
            i += 1
        else:
            raise FormulaError(_bad_character_message(ch, i), i)
    tokens.append(_Token("end", "", "", len(source)))
    return tokens


def _read_number(source: str, start: int, tokens: list[_Token]) -> int:
    """Read one decimal number starting at `start`; return the index just after it."""
    match = _NUMBER_RE.match(source, start)
    assert match is not None
    text = match.group()
    end = match.end()
    if source[end : end + 1] == ".":
        written = re.match(r"[0-9.]*", source[start:])
        assert written is not None
        raise FormulaError(f"a number can have only one decimal point: '{written.group()}' {_at(start)}", end)
    scientific = _SCIENTIFIC_RE.match(source, end)
    if scientific is not None:
        sign = "-" if scientific.group(1) else ""
        power = f"10^{sign}{scientific.group(2)}"
        hint = power if Decimal(text) == 1 else f"{text} * {power}"
        raise FormulaError(
            f"'{source[start : scientific.end()]}' {_at(start)}: scientific notation is not "
            f"supported, write '{hint}'",
            start,
        )
    tokens.append(_Token("num", text, text, start))
    return end


def _double_star_message(source: str, pos: int, tokens: list[_Token]) -> str:
    """Explain that powers are written with '^', using the author's own operands if possible."""
    base = tokens[-1].raw if tokens and tokens[-1].kind in ("num", "name") else "T"
    following = _WORD_RE.match(source, pos + 2)
    exponent = following.group(1) if following is not None else "2"
    return f"'**' is not a power here ({_at(pos)}): write '{base}^{exponent}'"


def _bad_character_message(ch: str, pos: int) -> str:
    """Name a character the language does not accept, with a hint when one helps."""
    message = f"unexpected character {_describe_character(ch)} {_at(pos)}"
    if ch in _QUOTES:
        return f"{message}: text in quotes is not allowed in a formula"
    hint = _CHARACTER_HINTS.get(ch)
    return f"{message}: {hint}" if hint else message


# ---------------------------------------------------------------------------------------------
# Parser: recursive descent with an explicit depth counter, so Python's recursion limit is
# never reached whatever the input.
#
#   expression := product (('+' | '-') product)*
#   product    := unary (('*' | '/') unary)*
#   unary      := ('-' | '+') unary | power
#   power      := postfix ('^' unary)?              right-associative; 2^-1 is allowed
#   postfix    := primary SUPERSCRIPT*             x², x⁻¹, xⁿ
#   primary    := number | name | function '(' args ')' | '(' expression ')'
#               | '|' expression '|' | '√' primary
# ---------------------------------------------------------------------------------------------

_OPERAND_START = frozenset({"num", "name", "(", "\u221a"})


def _check_magnitude(value: Decimal, pos: int | None, what: str = "result") -> Decimal:
    """Refuse values that are not finite or outside 1e-100 <= |v| < 1e100; zero is fine."""
    if not value.is_finite():
        raise FormulaError(f"{what} is not a finite number", pos)
    if value.is_zero():
        return Decimal(0)  # also drops the sign of -0
    if value.adjusted() >= MAX_EXPONENT:
        raise FormulaError(f"{what} is too large (more than {MAX_EXPONENT} digits)", pos)
    if value.adjusted() < -MAX_EXPONENT:
        raise FormulaError(
            f"{what} is too small (more than {MAX_EXPONENT} zeros after the decimal point)", pos
        )
    return value


class _Parser:
    """Turns tokens into a tree, enforcing MAX_DEPTH and MAX_NODES as it goes."""

    def __init__(self, source: str, tokens: list[_Token]) -> None:
        """Start at the first token."""
        self.source = source
        self.tokens = tokens
        self.index = 0
        self.depth = 0
        self.nodes = 0

    def peek(self, ahead: int = 0) -> _Token:
        """The current token (or one further on), without consuming it."""
        return self.tokens[min(self.index + ahead, len(self.tokens) - 1)]

    def advance(self) -> _Token:
        """Consume and return the current token."""
        token = self.tokens[self.index]
        self.index += 1
        return token

    def is_op(self, symbols: str) -> bool:
        """Whether the current token is one of the given operators."""
        token = self.peek()
        return token.kind == "op" and token.text in symbols

    @contextmanager
    def nested(self, token: _Token) -> Iterator[None]:
        """Count one level of nesting for the duration of the block."""
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise FormulaError(
                f"the formula is nested too deeply (more than {MAX_DEPTH} levels) {_at(token.pos)}",
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

    def parse(self) -> _Node:
        """Parse the whole formula."""
        if self.peek().kind == "end":
            raise FormulaError("the formula is empty", 0)
        node = self.expression()
        token = self.peek()
        if token.kind != "end":
            raise self.leftover(token)
        return node

    def expression(self) -> _Node:
        """A sum or difference of products."""
        node = self.product()
        while self.is_op("+-"):
            op = self.advance()
            node = self.count(_BinOp(op.text, node, self.product(), op.pos))
        return node

    def product(self) -> _Node:
        """A product or quotient of factors."""
        node = self.factor()
        while self.is_op("*/"):
            op = self.advance()
            node = self.count(_BinOp(op.text, node, self.factor(), op.pos))
        return node

    def factor(self) -> _Node:
        """One factor of a product; two factors side by side (`2T`) are refused."""
        start = self.peek()
        node = self.unary()
        following = self.peek()
        if following.kind in _OPERAND_START:
            raise self.implicit_multiplication(start, following)
        return node

    def unary(self) -> _Node:
        """A signed operand: the sign binds looser than '^', so -2^2 is -(2^2)."""
        token = self.peek()
        if not self.is_op("+-"):
            return self.power()
        self.advance()
        with self.nested(token):
            operand = self.unary()
        if token.text == "+":
            return operand
        return self.count(_Neg(operand, token.pos))

    def power(self) -> _Node:
        """A power; the exponent may itself be signed and a power (right-associative)."""
        base = self.postfix()
        if not self.is_op("^"):
            return base
        op = self.advance()
        with self.nested(op):
            exponent = self.unary()
        return self.count(_BinOp("^", base, exponent, op.pos))

    def postfix(self) -> _Node:
        """An operand followed by superscript exponents such as ² or ⁻¹."""
        node = self.primary()
        while self.peek().kind == "sup":
            token = self.advance()
            node = self.count(_BinOp("^", node, self.superscript(token), token.pos))
        return node

    def superscript(self, token: _Token) -> _Node:
        """The exponent written as superscripts: digits, n or i, optionally negative."""
        match = _SUPERSCRIPT_RE.fullmatch(token.text)
        if match is None:
            raise FormulaError(
                f"cannot read the superscript '{token.raw}' {_at(token.pos)}: "
                "write '^' and the exponent instead",
                token.pos,
            )
        sign, body = match.groups()
        node: _Node
        if body in ("n", "i"):
            node = self.count(_Name(body, token.pos))
        else:
            node = self.count(_Num(self.literal(body, token.pos), True, token.pos))
        return self.count(_Neg(node, token.pos)) if sign else node

    def literal(self, text: str, pos: int) -> Decimal:
        """The value of a number literal, within the size limits."""
        return _check_magnitude(Decimal(text), pos, f"the number {_at(pos)}")

    def primary(self) -> _Node:
        """A number, name, call, parenthesised expression, |absolute value| or √root."""
        token = self.peek()
        if token.kind == "num":
            self.advance()
            return self.count(_Num(self.literal(token.text, token.pos), True, token.pos))
        if token.kind == "name":
            return self.name()
        if token.kind == "(":
            return self.parenthesised()
        if token.kind == "|":
            return self.absolute()
        if token.kind == "\u221a":
            return self.root()
        raise self.expected_operand(token)

    def name(self) -> _Node:
        """A symbol, or a function call when followed by '('."""
        token = self.advance()
        if self.peek().kind == "(":
            return self.call(token)
        if token.text in _FUNCTIONS:
            usage = _FUNCTIONS[token.text][2]
            raise FormulaError(f"'{token.text}' is a function {_at(token.pos)}: write {usage}", token.pos)
        return self.count(_Name(token.text, token.pos))

    def parenthesised(self) -> _Node:
        """An expression in parentheses; the parentheses themselves leave no node."""
        opening = self.advance()
        with self.nested(opening):
            if self.peek().kind == ")":
                raise FormulaError(f"empty parentheses {_at(opening.pos)}", opening.pos)
            inner = self.expression()
        self.close(")", opening)
        return inner

    def absolute(self) -> _Node:
        """|x|: after a complete operand a '|' can only close, so nesting like ||x| - 1| works."""
        opening = self.advance()
        with self.nested(opening):
            inner = self.expression()
        self.close("|", opening)
        return self.count(_Call("abs", (inner,), opening.pos))

    def root(self) -> _Node:
        """√ applies to the atom right after it: √2, √x, √(x + 1)."""
        sign = self.advance()
        if self.peek().kind not in _OPERAND_START | {"|"}:
            raise FormulaError(
                f"'√' {_at(sign.pos)} must be followed by a number, a name or '(': "
                "write √(…) for anything longer",
                sign.pos,
            )
        with self.nested(sign):
            inner = self.primary()
        return self.count(_Call("sqrt", (inner,), sign.pos))

    def call(self, name: _Token) -> _Node:
        """A function call: whitelisted name, arguments, arity check."""
        if name.text not in _FUNCTIONS:
            raise self.unknown_function(name)
        self.advance()
        args: list[_Node] = []
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
        return self.count(_Call(name.text, tuple(args), name.pos))

    def close(self, kind: str, opening: _Token, what: str = "") -> None:
        """Consume the token closing `opening` (described by `what`), or explain what is missing."""
        token = self.peek()
        if token.kind == kind:
            self.advance()
            return
        what = what or f"'{opening.raw}'"
        if token.kind == "end":
            raise FormulaError(f"missing '{kind}' to close {what} {_at(opening.pos)}", opening.pos)
        if token.kind == ",":
            raise FormulaError(
                f"unexpected ',' {_at(token.pos)}: commas only separate the arguments of a function",
                token.pos,
            )
        raise FormulaError(
            f"expected '{kind}' {_at(token.pos)} to close {what} {_at(opening.pos)}, but found '{token.raw}'",
            token.pos,
        )

    def leftover(self, token: _Token) -> FormulaError:
        """The error for a token left over after a complete formula."""
        if token.kind == ")":
            message = f"unexpected ')' {_at(token.pos)}: there is no '(' for it to close"
        elif token.kind == ",":
            message = (
                f"unexpected ',' {_at(token.pos)}: commas only separate the arguments of a "
                "function; write 2.5 for a decimal number"
            )
        elif token.kind == "|":
            message = (
                f"unexpected '|' {_at(token.pos)}: there is no '|' for it to close "
                "(to multiply by |x|, write '* |x|')"
            )
        else:
            message = f"unexpected '{token.raw}' {_at(token.pos)}"
        return FormulaError(message, token.pos)

    def expected_operand(self, token: _Token) -> FormulaError:
        """The error for a missing number or name."""
        if token.kind == "end":
            before = self.tokens[self.index - 1].raw if self.index > 0 else ""
            return FormulaError(
                f"the formula ends too early: a number or name is missing after '{before}'",
                token.pos,
            )
        if token.kind == ")":
            return FormulaError(
                f"unexpected ')' {_at(token.pos)}: a number or name is missing before it",
                token.pos,
            )
        return FormulaError(
            f"unexpected '{token.raw}' {_at(token.pos)}: expected a number, a name or '('",
            token.pos,
        )

    def implicit_multiplication(self, start: _Token, following: _Token) -> FormulaError:
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
            f"missing '*' between '{left}' and '{right}' {_at(following.pos)}: "
            f"write '{left} * {right}' for multiplication",
            following.pos,
        )

    def unknown_function(self, name: _Token) -> FormulaError:
        """The error for a call of a function that is not in the whitelist."""
        close = difflib.get_close_matches(name.text, list(_FUNCTIONS), n=1, cutoff=0.6)
        if close:
            hint = f" — did you mean '{close[0]}'?"
        else:
            hint = (
                f" (known functions: {', '.join(sorted(_FUNCTIONS))}; to multiply, write '{name.text} * (…)')"
            )
        return FormulaError(f"unknown function '{name.text}' {_at(name.pos)}{hint}", name.pos)


def _arity_message(func: str, got: int, fewest: int, most: int | None, usage: str) -> str:
    """Explain how many arguments a function takes."""
    if most is None:
        expected = f"needs at least {fewest} argument{'s' if fewest != 1 else ''}"
    elif fewest == most:
        expected = f"takes exactly {fewest} argument{'s' if fewest != 1 else ''}"
    else:
        expected = f"takes {fewest} or {most} arguments"
    return f"{func} {expected}, but got {got}: write {usage}"


def _parse_tree(source: str) -> _Node:
    """Check the length, tokenize and parse."""
    if not isinstance(source, str):
        raise FormulaError(f"a formula must be text, not {type(source).__name__}", None)
    if len(source) > MAX_SOURCE_LENGTH:
        raise FormulaError(
            f"the formula is too long ({len(source)} characters; at most {MAX_SOURCE_LENGTH})",
            None,
        )
    return _Parser(source, _tokenize(source)).parse()


# ---------------------------------------------------------------------------------------------
# Number formatting
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NumberFormat:
    """How an answer is shown: fixed decimals, significant figures, or (default) exactly."""

    decimals: int | None = None
    significant: int | None = None

    def __post_init__(self) -> None:
        """Refuse impossible formats early, where the lesson is read."""
        if self.decimals is not None and self.significant is not None:
            raise ValueError("choose either decimals or significant figures, not both")
        if self.decimals is not None and not _int_between(self.decimals, 0, 12):
            raise ValueError(f"decimals must be a whole number from 0 to 12, not {self.decimals!r}")
        if self.significant is not None and not _int_between(self.significant, 1, 15):
            raise ValueError(
                f"significant figures must be a whole number from 1 to 15, not {self.significant!r}"
            )


def _int_between(value: object, low: int, high: int) -> bool:
    """Whether value is a real int (not a bool) within [low, high]."""
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high


_EXACT = NumberFormat()


def _unit(exponent: int) -> Decimal:
    """10 ** exponent, built without touching any decimal context."""
    return Decimal((0, (1,), exponent))


def _wide_context(value: Decimal, extra: int) -> decimal.Context:
    """A context precise enough to round `value` without losing digits it keeps."""
    return decimal.Context(
        prec=max(PRECISION, abs(value.adjusted()) + extra + 2, len(value.as_tuple().digits) + 2)
    )


def _round_decimals(value: Decimal, decimals: int) -> Decimal:
    """Round half up to a fixed number of decimals."""
    context = _wide_context(value, decimals)
    return value.quantize(_unit(-decimals), rounding=ROUND_HALF_UP, context=context)


def _round_significant(value: Decimal, significant: int) -> Decimal:
    """Round half up to a number of significant figures, keeping the trailing zeros."""
    if value.is_zero():
        return Decimal(0)
    context = _wide_context(value, significant)
    exponent = value.adjusted() - significant + 1
    rounded = value.quantize(_unit(exponent), rounding=ROUND_HALF_UP, context=context)
    if rounded.adjusted() != value.adjusted():  # 9.99 -> 10.0, not 10.00
        rounded = value.quantize(_unit(exponent + 1), rounding=ROUND_HALF_UP, context=context)
    return rounded


def _plain(value: Decimal) -> str:
    """Fixed-point text (never scientific), with a U+2212 minus and no '-0'."""
    text = format(value, "f")
    if not any(ch in "123456789" for ch in text):
        text = text.lstrip("-")
    return text.replace("-", "\u2212")


def _strip_zeros(text: str) -> str:
    """Drop trailing zeros after the decimal point (and the point itself if nothing is left)."""
    return text.rstrip("0").rstrip(".") if "." in text else text


def _looks_exact(value: Decimal) -> bool:
    """A bare Decimal does not say whether it is exact; one using all 28 digits is taken as not."""
    digits = "".join(map(str, value.as_tuple().digits)).rstrip("0")
    return len(digits) < PRECISION


def _format(value: Decimal, fmt: NumberFormat, exact: bool) -> str:
    """Format a finite Decimal whose exactness is known."""
    if fmt.decimals is not None:
        return _plain(_round_decimals(value, fmt.decimals))
    if fmt.significant is not None:
        return _plain(_round_significant(value, fmt.significant))
    if exact:
        return _strip_zeros(_plain(value))
    return _strip_zeros(_plain(_round_significant(value, INEXACT_SIGNIFICANT)))


def format_number(value: Decimal, fmt: NumberFormat = _EXACT) -> str:
    """Format a number for print: never scientific, U+2212 for minus, half-up rounding."""
    number = _to_decimal(value)
    if number is None or not number.is_finite():
        raise ValueError(f"cannot format {value!r}: it is not a finite number")
    return _format(number, fmt, _looks_exact(number))


def _to_decimal(value: object) -> Decimal | None:
    """Accept Decimal, int and float (by its shortest repr) as numbers; anything else is None."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))
    return None


# ---------------------------------------------------------------------------------------------
# Display
# ---------------------------------------------------------------------------------------------

# Binding strength of what a piece of display text is, weakest first.
_SUM, _PRODUCT, _NEGATIVE, _POWER, _PREFIX, _ATOM = range(1, 7)


def _number_text(node: _Num) -> str:
    """A number as shown inside a formula: exact, or 6 significant digits when inexact."""
    return _format(node.value, _EXACT, node.exact)


def _is_whole(value: Decimal) -> bool:
    """Whether a finite Decimal is a whole number, decided without any decimal context."""
    _, digits, exponent = value.as_tuple()
    assert isinstance(exponent, int)
    return exponent >= 0 or not any(digits[exponent:])


def _superscript(exponent: _Node) -> str | None:
    """The exponent as superscripts (², ⁻¹, ⁿ) when it is a whole number, n or i; else None."""
    negative = False
    if isinstance(exponent, _Neg):
        negative, exponent = True, exponent.operand
    if isinstance(exponent, _Num) and exponent.exact and _is_whole(exponent.value):
        whole = int(exponent.value)
        if whole < 0:
            if negative:
                return None
            negative, whole = True, -whole
        body = str(whole)
    elif isinstance(exponent, _Name) and exponent.name in ("n", "i"):
        body = exponent.name
    else:
        return None
    return (("-" if negative else "") + body).translate(_TO_SUPERSCRIPT)


def _show(node: _Node) -> tuple[str, int]:
    """Display text of a node and how strongly that text binds."""
    if isinstance(node, _Num):
        return _number_text(node), (_NEGATIVE if node.value < 0 else _ATOM)
    if isinstance(node, _Name):
        return node.name, _ATOM
    if isinstance(node, _Neg):
        return "\u2212" + _wrapped(node.operand, lambda p: p <= _NEGATIVE), _NEGATIVE
    if isinstance(node, _BinOp):
        return _show_binary(node)
    return _show_call(node)


def _wrapped(node: _Node, needs_parentheses: Callable[[int], bool]) -> str:
    """Display text, parenthesised when the parent's precedence requires it."""
    text, strength = _show(node)
    return f"({text})" if needs_parentheses(strength) else text


def _show_binary(node: _BinOp) -> tuple[str, int]:
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


def _show_call(node: _Call) -> tuple[str, int]:
    """Display a function call: √x, |x| or name(a, b)."""
    if node.func == "sqrt":
        (arg,) = node.args
        text, strength = _show(arg)
        if isinstance(arg, (_Name, _Num)) and strength == _ATOM:
            return "\u221a" + text, _PREFIX
        return f"\u221a({text})", _PREFIX
    if node.func == "abs":
        return f"|{_show(node.args[0])[0]}|", _ATOM
    return f"{node.func}({', '.join(_show(arg)[0] for arg in node.args)})", _ATOM


# ---------------------------------------------------------------------------------------------
# Evaluation
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Value:
    """An intermediate result and whether it is exact."""

    value: Decimal
    exact: bool


def _new_context() -> decimal.Context:
    """A private context per evaluation: the global decimal context is never touched."""
    return decimal.Context(
        prec=PRECISION,
        rounding=decimal.ROUND_HALF_EVEN,
        traps=[decimal.InvalidOperation, decimal.DivisionByZero, decimal.Overflow],
    )


def _run(context: decimal.Context, operation: Callable[..., Decimal], *args: _Value) -> _Value:
    """Apply a context operation, noting whether it had to round."""
    context.clear_flags()
    result = operation(*(arg.value for arg in args))
    exact = not context.flags[decimal.Inexact] and all(arg.exact for arg in args)
    return _Value(result, exact)


def _apply(node: _Node, args: Sequence[_Value], context: decimal.Context) -> _Value:
    """Compute one operation node from the values of its operands."""
    try:
        if isinstance(node, _Neg):
            result = _run(context, context.minus, args[0])
        elif isinstance(node, _BinOp):
            result = _binary(node.op, args[0], args[1], context, node.pos)
        elif isinstance(node, _Call):
            result = _call(node.func, args, context, node.pos)
        else:  # pragma: no cover - leaves are never applied
            raise AssertionError(node)
    except decimal.Overflow:
        raise FormulaError(f"result is too large (more than {MAX_EXPONENT} digits)", node.pos) from None
    except decimal.DivisionByZero:
        raise FormulaError("division by zero", node.pos) from None
    except decimal.DecimalException:
        raise FormulaError("this part of the formula cannot be computed", node.pos) from None
    return _Value(_check_magnitude(result.value, node.pos), result.exact)


def _binary(op: str, a: _Value, b: _Value, context: decimal.Context, pos: int) -> _Value:
    """+ - * / ^ on two values."""
    if op == "+":
        return _run(context, context.add, a, b)
    if op == "-":
        return _run(context, context.subtract, a, b)
    if op == "*":
        return _run(context, context.multiply, a, b)
    if op == "/":
        if b.value.is_zero():
            raise FormulaError("division by zero", pos)
        return _run(context, context.divide, a, b)
    return _power(a, b, context, pos)


def _power(base: _Value, exponent: _Value, context: decimal.Context, pos: int) -> _Value:
    """base ^ exponent, refusing huge results by estimating their size before computing."""
    b, e = base.value, exponent.value
    if b.is_zero():
        if e > 0:
            return _Value(Decimal(0), base.exact and exponent.exact)
        if e.is_zero():
            raise FormulaError("0^0 is undefined", pos)
        raise FormulaError("division by zero (0 to a negative power)", pos)
    if b < 0 and not _is_whole(e):
        raise FormulaError(
            f"a negative number to a fractional power has no real value: "
            f"({_plain(b)})^{_format(e, _EXACT, exponent.exact)}",
            pos,
        )
    # Digits before the point of the result, roughly: log10|b| * e, in a throwaway context.
    rough = decimal.Context(prec=12)
    size = rough.multiply(rough.log10(b.copy_abs()), e)
    if size > MAX_EXPONENT + 1:
        raise FormulaError(f"result is too large (more than {MAX_EXPONENT} digits)", pos)
    if size < -MAX_EXPONENT - 1:
        raise FormulaError(
            f"result is too small (more than {MAX_EXPONENT} zeros after the decimal point)", pos
        )
    return _run(context, context.power, base, exponent)


def _call(func: str, args: Sequence[_Value], context: decimal.Context, pos: int) -> _Value:
    """One of the whitelisted functions."""
    x = args[0]
    if func == "sqrt":
        if x.value < 0:
            raise FormulaError(
                f"the square root of a negative number ({_plain(x.value)}) has no real value", pos
            )
        return _run(context, context.sqrt, x)
    if func == "abs":
        return _run(context, context.abs, x)
    if func in ("min", "max"):
        # The answer is one of the arguments, so it is exactly as exact as that argument.
        pick = min if func == "min" else max
        return pick(args, key=lambda arg: arg.value)
    if func == "round":
        return _round(x, args[1] if len(args) > 1 else None, context, pos)
    if func == "exp":
        # e^230.26 = 1e100: refuse before computing, so exp(exp(exp(100))) is cheap.
        if x.value > 231:
            raise FormulaError(f"result is too large (more than {MAX_EXPONENT} digits)", pos)
        if x.value < -231:
            raise FormulaError(
                f"result is too small (more than {MAX_EXPONENT} zeros after the decimal point)",
                pos,
            )
        return _run(context, context.exp, x)
    _require_positive(x.value, "logarithm", pos)
    if func in ("ln", "log") and len(args) == 1:
        return _run(context, context.ln, x)
    if func == "log10":
        return _run(context, context.log10, x)
    return _log(x, args[1], context, pos)


def _require_positive(value: Decimal, what: str, pos: int) -> None:
    """Logarithms are only defined for positive numbers."""
    if value <= 0:
        raise FormulaError(f"the {what} of zero or a negative number ({_plain(value)}) is undefined", pos)


def _log(x: _Value, base: _Value, context: decimal.Context, pos: int) -> _Value:
    """log(x, base); whole-number answers such as log(8, 2) = 3 come out exact."""
    _require_positive(base.value, "logarithm base", pos)
    if base.value == 1:
        raise FormulaError("a logarithm cannot have base 1", pos)
    finer = decimal.Context(prec=PRECISION + 6)
    quotient = finer.divide(finer.ln(x.value), finer.ln(base.value))
    whole = quotient.to_integral_value(context=finer)
    close_to_whole = finer.subtract(quotient, whole).copy_abs() < _unit(4 - PRECISION)
    if x.exact and base.exact and close_to_whole:
        try:
            check = _power(base, _Value(whole, True), context, pos)
        except FormulaError:
            check = _Value(Decimal(0), False)
        if check.exact and check.value == x.value:
            return _Value(whole, True)
    return _Value(context.plus(quotient), False)


def _round(x: _Value, places: _Value | None, context: decimal.Context, pos: int) -> _Value:
    """round(x, n) half up, as done by hand; the result is exactly what was asked for."""
    digits = 0
    if places is not None:
        n = places.value
        if not (places.exact and _is_whole(n) and 0 <= n <= MAX_ROUND_DECIMALS):
            raise FormulaError(
                f"round(x, n): n must be a whole number from 0 to {MAX_ROUND_DECIMALS}, "
                f"not {_format(n, _EXACT, places.exact)}",
                pos,
            )
        digits = int(n)
    exponent = x.value.as_tuple().exponent
    assert isinstance(exponent, int)
    if exponent >= -digits:  # already has no more decimals than asked for
        return _Value(x.value, True)
    return _Value(x.value.quantize(_unit(-digits), rounding=ROUND_HALF_UP, context=context), True)


def _tidy(value: Decimal) -> Decimal:
    """Same value, written plainly: 2000 rather than 2000.00 or 2E+3, 2.5 rather than 2.50."""
    if value.is_zero():
        return Decimal(0)
    context = _wide_context(value, 0)
    if _is_whole(value):
        return value.quantize(Decimal(1), context=context)
    return value.normalize(context)


def _environment(formula: Formula, values: Mapping[str, Decimal]) -> dict[str, Decimal]:
    """Check that every name has a usable value; the message lists the names that do."""
    missing = [node for node in _names_in_order(formula._root) if node.name not in values]
    if missing:
        raise _unknown_name(missing[0], values)
    env: dict[str, Decimal] = {}
    for name in formula.names:
        number = _to_decimal(values[name])
        if number is None:
            raise FormulaError(
                f"the value of '{name}' must be a number, not {type(values[name]).__name__}", None
            )
        env[name] = _check_magnitude(number, None, f"the value of '{name}'")
    return env


def _unknown_name(node: _Name, values: Mapping[str, object]) -> FormulaError:
    """The error for a name without a value, with a did-you-mean hint."""
    known = sorted(values)
    by_lower = {name.lower(): name for name in known}
    close = difflib.get_close_matches(node.name.lower(), list(by_lower), n=1, cutoff=0.6)
    hint = f" — did you mean '{by_lower[close[0]]}'?" if close else ""
    listing = ", ".join(f"'{name}'" for name in known) if known else "none"
    return FormulaError(
        f"unknown name '{node.name}' {_at(node.pos)}{hint} (known names: {listing})", node.pos
    )


def _names_in_order(node: _Node) -> list[_Name]:
    """Every name node, in source order."""
    if isinstance(node, _Name):
        return [node]
    return [name for child in _children(node) for name in _names_in_order(child)]


def _evaluate_node(node: _Node, env: Mapping[str, Decimal], context: decimal.Context) -> _Value:
    """Evaluate a tree bottom-up."""
    if isinstance(node, _Num):
        return _Value(node.value, node.exact)
    if isinstance(node, _Name):
        return _Value(env[node.name], True)
    args = [_evaluate_node(child, env, context) for child in _children(node)]
    return _apply(node, args, context)


# ---------------------------------------------------------------------------------------------
# Public API
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Formula:
    """A parsed formula; build it with parse(source)."""

    source: str
    _tree: _Node | None = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        """Parse the source when no tree was given, so Formula(source) is also safe."""
        if self._tree is None:
            object.__setattr__(self, "_tree", _parse_tree(self.source))

    @property
    def _root(self) -> _Node:
        """The parsed tree."""
        assert self._tree is not None
        return self._tree

    @property
    def names(self) -> frozenset[str]:
        """The symbols the formula uses (not function names)."""
        return frozenset(node.name for node in _names_in_order(self._root))

    def display(self) -> str:
        """The formula in teacher notation: ε · T², √x, |x|, U+2212 for minus."""
        return _show(self._root)[0]


def parse(source: str) -> Formula:
    """Parse a formula, raising FormulaError with a teacher-readable message."""
    return Formula(source, _parse_tree(source))


def evaluate(formula: Formula, values: Mapping[str, Decimal]) -> Decimal:
    """The exact (28-digit when inexact) value of the formula for the given values."""
    env = _environment(formula, values)
    return _tidy(_evaluate_node(formula._root, env, _new_context()).value)


@dataclass(frozen=True)
class Working:
    """A formula worked out for given values: one evaluation level per step, the answer last."""

    value: Decimal
    steps: tuple[str, ...]
    relations: tuple[str, ...]

    @property
    def answer(self) -> str:
        """The formatted answer (the last step)."""
        return self.steps[-1]

    def line(self) -> str:
        """The steps joined by their relations: '0.05 · 50² = 0.05 · 2500 = 125'."""
        parts = [self.steps[0]]
        for relation, step in zip(self.relations, self.steps[1:], strict=True):
            parts += [relation, step]
        return " ".join(parts)


def _substitute(node: _Node, env: Mapping[str, Decimal]) -> _Node:
    """Replace every name by its value."""
    if isinstance(node, _Name):
        return _Num(env[node.name], True, node.pos)
    children = _children(node)
    if not children:
        return node
    return _rebuild(node, [_substitute(child, env) for child in children])


def _reduce(node: _Node, context: decimal.Context, rounded: list[bool]) -> _Node:
    """One evaluation level: compute every operation whose operands are all numbers."""
    children = _children(node)
    if not children:
        return node
    if all(isinstance(child, _Num) for child in children):
        args = [_Value(child.value, child.exact) for child in children if isinstance(child, _Num)]
        result = _apply(node, args, context)
        rounded.append(not result.exact)
        return _Num(result.value, result.exact, node.pos)
    return _rebuild(node, [_reduce(child, context, rounded) for child in children])


def work(formula: Formula, values: Mapping[str, Decimal], fmt: NumberFormat = _EXACT) -> Working:
    """Work the formula out step by step, as on a hand-written answer key."""
    env = _environment(formula, values)
    context = _new_context()
    tree = _substitute(formula._root, env)
    steps = [_show(tree)[0]]
    relations: list[str] = []
    while not isinstance(tree, _Num):
        rounded: list[bool] = []
        tree = _reduce(tree, context, rounded)
        if isinstance(tree, _Num):
            break  # the final number is shown with the requested format below
        text = _show(tree)[0]
        if text != steps[-1]:  # -(3) turning into the number -3 looks the same
            steps.append(text)
            relations.append("\u2248" if any(rounded) else "=")
    answer = _format(tree.value, fmt, tree.exact)
    if answer != steps[-1]:
        shown = Decimal(answer.replace("\u2212", "-"))
        relations.append("=" if tree.exact and shown == tree.value else "\u2248")
        steps.append(answer)
    return Working(_tidy(tree.value), tuple(steps), tuple(relations))
