"""The tree a parsed formula is made of: numbers, names, minus signs, operations and calls."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal


@dataclass(frozen=True)
class Num:
    """A number: a literal, a substituted value or an intermediate result of a worked formula."""

    value: Decimal
    exact: bool = True
    pos: int = field(default=-1, compare=False)
    fraction: tuple[int, int] | None = None
    """(p, q) for a fraction written as ½ or ⅔: its value is p/q exactly, whatever `value` holds."""
    places: int | None = None
    """Decimals to show it with: the result of round(x, 2) prints as 1050.00."""


@dataclass(frozen=True)
class Name:
    """A symbol whose value is given at evaluation time."""

    name: str
    pos: int = field(default=-1, compare=False)


@dataclass(frozen=True)
class Neg:
    """Unary minus."""

    operand: Node
    pos: int = field(default=-1, compare=False)


@dataclass(frozen=True)
class BinOp:
    """A binary operation; `op` is one of + - * / ^."""

    op: str
    left: Node
    right: Node
    pos: int = field(default=-1, compare=False)


@dataclass(frozen=True)
class Call:
    """A call of one of the whitelisted functions."""

    func: str
    args: tuple[Node, ...]
    pos: int = field(default=-1, compare=False)


Node = Num | Name | Neg | BinOp | Call


def children(node: Node) -> tuple[Node, ...]:
    """The operands of a node, left to right."""
    if isinstance(node, Neg):
        return (node.operand,)
    if isinstance(node, BinOp):
        return (node.left, node.right)
    if isinstance(node, Call):
        return node.args
    return ()


def names_in_order(node: Node) -> list[Name]:
    """Every name node, in source order."""
    if isinstance(node, Name):
        return [node]
    return [name for child in children(node) for name in names_in_order(child)]
