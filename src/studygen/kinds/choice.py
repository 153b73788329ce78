"""The choice exercise: each item is classified as one of a few options, with a reason in the key."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Literal

from pydantic import Field

from studygen import prose
from studygen.fields import (
    MAX_LOCAL_VALUES,
    Exercise,
    InlineMarkdown,
    LocalValues,
    Markdown,
    Model,
    Points,
    Slug,
    Text,
)
from studygen.keys import LessonProblem, Path_
from studygen.kinds.base import Kind
from studygen.kinds.points import given_points
from studygen.wording import did_you_mean, quoted
from studygen.worked import WorkedBody, WorkedPoints

NO_OPTION = "none"
"""The `answer` of a choice item that none of the options fits."""

MAX_OPTION_LABEL = 80
"""Characters an option's label may hold: beside its tick box, wrapping onto a second line at most."""


class Option(Model):
    """One answer a student can tick in a choice exercise."""

    id: Slug
    """Short id that items use as their `answer`, e.g. `adequate`."""
    label: Text = Field(max_length=MAX_OPTION_LABEL)
    """What the tick box says, e.g. `Adequate`; at most 80 characters, and a long one wraps."""


class ChoiceItem(Model):
    """One scenario or statement the student classifies."""

    prompt: Markdown
    """The scenario or statement."""
    answer: Slug
    """The `id` of the correct option, or `none` when no option applies (a trick item)."""
    verdict: InlineMarkdown | None = None
    """How the key states the answer, e.g. `Adequate (probably).`; by default the option's label."""
    reason: InlineMarkdown | None = None
    """Why: printed in the key after the verdict."""
    given: LocalValues = Field(default_factory=dict, max_length=MAX_LOCAL_VALUES)
    """Values only this item's text prints, e.g. `{ε: 0.01, T: 200}` for `{=ε * T^2}` (see Values in
    text); not printed by themselves."""
    points: Points | None = None
    """What this item is worth, e.g. `1`; printed beside it (see Points and grading)."""


class Choice(Exercise):
    """A classification exercise: each item gets one of a few options, and a reason."""

    kind: Literal["choice"]
    """Says what kind of exercise this is."""
    parts: ClassVar[str] = "items"
    options: list[Option] = Field(min_length=2, max_length=8)
    """The options every item offers, as tick boxes."""
    items: list[ChoiceItem] = Field(min_length=1, max_length=100)
    """The items to classify, numbered in this order."""
    reason_lines: int = Field(default=2, ge=0, le=10)
    """Ruled lines left under each item for the student's reason (0 for none)."""


@dataclass(frozen=True)
class TickBox:
    """One option as printed beside an item: its id, its label, and whether the key ticks it."""

    id: str
    """The option's `id`, for messages and CSS."""
    label: str
    """Plain text printed beside the box."""
    ticked: bool
    """Whether the answer key ticks it (the worksheet never does)."""


@dataclass(frozen=True)
class WorkedChoiceItem:
    """One item ready to print: its prompt, its tick boxes, and the key's verdict and reason."""

    prompt: str
    """Markdown."""
    boxes: tuple[TickBox, ...]
    """Every option in the exercise's order; on the worksheet none is ticked."""
    verdict: str
    """One-paragraph markdown stating the answer: the item's own `verdict`, or its option's label."""
    reason: str | None
    """One-paragraph markdown."""
    points: WorkedPoints | None = None
    """What this item is worth, or None."""


@dataclass(frozen=True)
class WorkedChoice(WorkedBody):
    """A choice exercise with every item's answer decided."""

    items: tuple[WorkedChoiceItem, ...]
    """The items, numbered 1, 2, … in this order."""
    reason_lines: int
    """Ruled lines under each item on the worksheet, for the student's reason."""

    def part_points(self) -> tuple[WorkedPoints | None, ...]:
        """Return each item's points."""
        return tuple(item.points for item in self.items)


def work_choice(choice: Choice, path: Path_, problems: list[LessonProblem]) -> WorkedChoice | None:
    """Check a choice exercise and decide each item's ticks and verdict."""
    found = len(problems)
    _check_choice(choice, path, problems)
    if len(problems) > found:
        return None
    labels = {option.id: option.label for option in choice.options}
    items = tuple(
        WorkedChoiceItem(
            prompt=item.prompt,
            boxes=tuple(
                TickBox(option.id, option.label, option.id == item.answer) for option in choice.options
            ),
            # A label is plain text: escaped, it prints as typed where a verdict is markdown.
            verdict=item.verdict or prose.literal(labels[item.answer]) + ".",
            reason=item.reason,
            points=given_points(item.points),
        )
        for item in choice.items
    )
    return WorkedChoice(items, choice.reason_lines)


def _check_choice(choice: Choice, path: Path_, problems: list[LessonProblem]) -> None:
    """Check that option ids are unique and every item's answer names one of them."""
    ids: list[str] = []
    for number, option in enumerate(choice.options):
        where = (*path, "options", number, "id")
        if option.id == NO_OPTION:
            problems.append(LessonProblem(where, f"'{NO_OPTION}' is reserved for items no option fits"))
        elif option.id in ids:
            problems.append(LessonProblem(where, f"duplicate option id {quoted(option.id)}"))
        ids.append(option.id)
    allowed = list(dict.fromkeys([*ids, NO_OPTION]))
    for number, item in enumerate(choice.items):
        if item.answer == NO_OPTION and item.verdict is None:
            problems.append(
                LessonProblem(
                    (*path, "items", number, "answer"),
                    "an item no option fits needs a `verdict` saying what it is, e.g. `verdict: Neither.`",
                )
            )
        elif item.answer not in allowed:
            problems.append(
                LessonProblem(
                    (*path, "items", number, "answer"),
                    f"{quoted(item.answer)} is not an option id: use one of {', '.join(allowed)}"
                    + did_you_mean(item.answer, allowed),
                )
            )


KIND = Kind(
    "choice",
    Choice,
    work_choice,
    "kinds/choice.html",
    (("`options[]` of a choice exercise", Option), ("`items[]` of a choice exercise", ChoiceItem)),
)
"""The choice exercise's entry in the kinds registry."""
