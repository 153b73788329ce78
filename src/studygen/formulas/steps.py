"""Worked steps: a formula worked out one evaluation level at a time, as on a hand-written key."""

from __future__ import annotations

import decimal
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal

from studygen.formulas.display import show
from studygen.formulas.evaluation import Value, apply, environment, new_context
from studygen.formulas.numbers import (
    EXACT,
    MAX_DECIMALS,
    NumberFormat,
    format_decimal,
    is_whole,
    rounded,
    tidy,
)
from studygen.formulas.parsing import Formula
from studygen.formulas.tree import BinOp, Call, Name, Neg, Node, Num, children


@dataclass(frozen=True)
class Working:
    """A formula worked out for given values: one evaluation level per step, the answer last."""

    value: Decimal
    """The exact result, before it is rounded for print."""
    steps: tuple[str, ...]
    """Each stage of the working as printed, the formula with values first and the answer last."""
    relations: tuple[str, ...]
    """What joins each step to the next: `=`, or `≈` where the answer is rounded."""
    printed: Decimal
    """The answer's value exactly as printed (1102.50 for `1102.50`), for a student to carry on with."""

    @property
    def answer(self) -> str:
        """The formatted answer (the last step)."""
        return self.steps[-1]

    @property
    def chain(self) -> tuple[tuple[str, str], ...]:
        """Each step before the answer with the relation that follows it: (`0.05 · 50²`, `=`), …"""
        return tuple(zip(self.steps[:-1], self.relations, strict=True))

    def line(self) -> str:
        """The steps joined by their relations: '0.05 · 50² = 0.05 · 2500 = 125'."""
        parts = [self.steps[0]]
        for relation, step in zip(self.relations, self.steps[1:], strict=True):
            parts += [relation, step]
        return " ".join(parts)


def _rebuild(node: Node, children: Sequence[Node]) -> Node:
    """The same operation with new operands."""
    if isinstance(node, Neg):
        return replace(node, operand=children[0])
    if isinstance(node, BinOp):
        return replace(node, left=children[0], right=children[1])
    if isinstance(node, Call):
        return replace(node, args=tuple(children))
    return node


def _substitute(node: Node, env: Mapping[str, Decimal]) -> Node:
    """Replace every name by its value."""
    if isinstance(node, Name):
        return Num(env[node.name], True, node.pos)
    operands = children(node)
    if not operands:
        return node
    return _rebuild(node, [_substitute(child, env) for child in operands])


def _reduce(node: Node, context: decimal.Context, inexact: list[bool]) -> Node:
    """One evaluation level: compute every operation whose operands are all numbers."""
    operands = children(node)
    if not operands:
        return node
    if all(isinstance(child, Num) for child in operands):
        args = [
            Value(child.value, child.exact, child.fraction) for child in operands if isinstance(child, Num)
        ]
        result = apply(node, args, context)
        inexact.append(not result.exact)
        return Num(result.value, result.exact, node.pos, result.fraction, _round_places(node))
    return _rebuild(node, [_reduce(child, context, inexact) for child in operands])


def _round_places(node: Node) -> int | None:
    """The n of round(x, n) with n a whole number as written: its result shows n decimals (1050.00)."""
    if not (isinstance(node, Call) and node.func == "round" and len(node.args) == 2):
        return None
    places = node.args[1]
    # More decimals than a printed format may ask for print as the exact value they are; an n past
    # round's own limit is refused with its position when the formula is worked out.
    if isinstance(places, Num) and places.exact and is_whole(places.value) and places.value <= MAX_DECIMALS:
        return int(places.value)
    return None


def implied_format(formula: Formula, fmt: NumberFormat) -> NumberFormat:
    """With no rounding asked for, an answer that is round(x, 2) prints with 2 decimals: 1050.00."""
    places = _round_places(formula._root)
    if places is None or fmt.decimals is not None or fmt.significant is not None:
        return fmt
    return replace(fmt, decimals=places)


def work(formula: Formula, values: Mapping[str, Decimal], fmt: NumberFormat = EXACT) -> Working:
    """Work the formula out step by step, as on a hand-written answer key."""
    env = environment(formula, values)
    context = new_context()
    fmt = implied_format(formula, fmt)
    tree = _substitute(formula._root, env)
    steps = [show(tree, fmt.style)[0]]
    relations: list[str] = []
    while not isinstance(tree, Num):
        inexact: list[bool] = []
        tree = _reduce(tree, context, inexact)
        if isinstance(tree, Num):
            break  # the final number is shown with the requested format below
        text = show(tree, fmt.style)[0]
        if text != steps[-1]:  # -(3) turning into the number -3 looks the same
            steps.append(text)
            relations.append("\u2248" if any(inexact) else "=")
    answer = format_decimal(tree.value, fmt, tree.exact)
    printed = rounded(tree.value, fmt, tree.exact)
    if answer != steps[-1]:
        relations.append("=" if tree.exact and printed == tree.value else "\u2248")
        steps.append(answer)
    return Working(tidy(tree.value), tuple(steps), tuple(relations), tidy(printed))
