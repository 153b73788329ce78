"""The registry of exercise kinds: each kind's model, pure work function and template, in one place.

A kind lives in one module of this package (its model, its cross-field checks, its work function),
one template under `templates/kinds/`, and one line in `KINDS`. The lesson model's union, the `kind`
choices in messages, docs/lesson-format.md and the JSON Schema all read this registry.
"""

from __future__ import annotations

from functools import reduce
from typing import TYPE_CHECKING, Annotated

from pydantic import Field

from studygen.fields import Exercise
from studygen.kinds import (
    choice,
    computed_table,
    fill_in_the_blanks,
    matching,
    multiple_choice,
    numeric_problem,
    true_false,
    written_answer,
)
from studygen.kinds.base import Kind

__all__ = ["EXERCISE_KINDS", "KINDS", "AnyExercise", "Kind"]

KINDS: dict[str, Kind] = {
    kind.name: kind
    for kind in (
        computed_table.KIND,
        choice.KIND,
        numeric_problem.KIND,
        multiple_choice.KIND,
        true_false.KIND,
        fill_in_the_blanks.KIND,
        matching.KIND,
        written_answer.KIND,
    )
}
"""Every exercise kind, in the order the documentation lists them."""

EXERCISE_KINDS = tuple(KINDS)
"""Values `kind` may take."""

if TYPE_CHECKING:  # a union built at run time is not a type mypy can read; every kind is an Exercise
    AnyExercise = Exercise
else:
    AnyExercise = Annotated[
        reduce(lambda union, model: union | model, (kind.model for kind in KINDS.values())),
        Field(discriminator="kind"),
    ]
"""An exercise of any registered kind, chosen by its `kind` key."""
