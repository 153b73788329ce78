"""What the registry knows of an exercise kind; each kind's module describes itself with one `Kind`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from studygen.fields import Exercise
from studygen.keys import LessonProblem, Path_
from studygen.worked import WorkedBody

Work = Callable[[Any, Path_, list[LessonProblem]], WorkedBody | None]
"""Check one exercise of a kind and work out its body; append problems and return None if it cannot."""


@dataclass(frozen=True)
class Kind:
    """One kind of exercise: what `kind:` says, its model, its work function, its template and its parts."""

    name: str
    model: type[Exercise]
    work: Work
    template: str
    """Template under templates/ that lays out the kind's worked body."""
    parts: tuple[tuple[str, type[BaseModel]], ...] = ()
    """The kind's nested mappings, each with the heading docs/lesson-format.md gives its keys."""
