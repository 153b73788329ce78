"""The true/false exercise: statements to judge, each ticked and explained in the key."""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import Field

from studygen import prose
from studygen.fields import (
    MAX_LOCAL_VALUES,
    Exercise,
    Flag,
    InlineMarkdown,
    LocalValues,
    Markdown,
    Model,
    Points,
)
from studygen.keys import LessonProblem, Path_
from studygen.kinds import words
from studygen.kinds.base import Kind
from studygen.kinds.choice import TickBox, WorkedChoice, WorkedChoiceItem
from studygen.kinds.points import given_points
from studygen.language import gettext


class Statement(Model):
    """One statement the student judges true or false."""

    statement: Markdown
    """The statement, e.g. `A heavier ball falls faster.`"""
    answer: Flag
    """Whether the statement is true: `true` or `false`."""
    explanation: InlineMarkdown | None = None
    """Why, in one paragraph: printed in the key after the verdict."""
    given: LocalValues = Field(default_factory=dict, max_length=MAX_LOCAL_VALUES)
    """Values only this statement's text prints, e.g. `{ε: 0.01, T: 200}` for `{=ε * T^2}` (see Values in
    text); not printed by themselves."""
    points: Points | None = None
    """What judging this statement is worth, e.g. `0.5`; printed beside it (see Points and grading)."""


class TrueFalse(Exercise):
    """Statements to judge true or false, with tick boxes; the key ticks each and can explain it."""

    kind: Literal["true-false"]
    """Says what kind of exercise this is."""
    parts: ClassVar[str] = "statements"
    statements: list[Statement] = Field(min_length=1, max_length=100)
    """The statements, numbered in this order."""
    reason_lines: int = Field(default=0, ge=0, le=10)
    """Ruled lines under each statement for the student's reason or correction (0 for none)."""


def work_true_false(exercise: TrueFalse, path: Path_, problems: list[LessonProblem]) -> WorkedChoice:
    """Decide each statement's ticks and verdict (the model has checked everything already).

    A true/false exercise prints as a choice between True and False, so it shares the choice layout.
    """
    return WorkedChoice(
        tuple(
            WorkedChoiceItem(
                prompt=item.statement,
                boxes=(
                    TickBox("true", gettext(words.TRUE), item.answer),
                    TickBox("false", gettext(words.FALSE), not item.answer),
                ),
                verdict=prose.literal(gettext(words.TRUE if item.answer else words.FALSE)) + ".",
                reason=item.explanation,
                points=given_points(item.points),
            )
            for item in exercise.statements
        ),
        exercise.reason_lines,
    )


KIND = Kind(
    "true-false",
    TrueFalse,
    work_true_false,
    "kinds/choice.html",
    (("`statements[]` of a true-false exercise", Statement),),
)
"""The true/false exercise's entry in the kinds registry."""
