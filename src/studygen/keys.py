"""Paths of keys inside a lesson, and the problems found at them before they are placed at a line."""

from __future__ import annotations

from dataclasses import dataclass

Path_ = tuple[str | int, ...]
"""Where a value sits in a lesson: its keys and list indexes, e.g. `("exercises", 0, "title")`."""


def dotted(path: Path_) -> str:
    """Write a path as a teacher reads it: `exercises[0].columns[1].formula`."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


@dataclass(frozen=True)
class LessonProblem:
    """Something wrong that only shows when the lesson is worked out, at a path of keys."""

    path: Path_
    message: str
    near: str | None = None
    """Text inside the value the problem is about, to point at its exact line."""
    offset: int | None = None
    """Where in the value (0 for its first character) the problem starts, to point at its line and column."""
