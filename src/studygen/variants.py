"""Versions of a lesson for `--variants`: each with its own drawn values, shuffles and worked answers.

Exports (Moodle) and the build read versions through `Version`; how values are drawn is in
`studygen.drawing`.
"""

from __future__ import annotations

from dataclasses import dataclass

from studygen.compute import work_out
from studygen.documents import MAX_VERSIONS
from studygen.drawing import Draws, drawn_lesson
from studygen.errors import LessonError
from studygen.kinds import words
from studygen.language import language_for
from studygen.lesson import LoadedLesson
from studygen.worked import WorkedLesson


@dataclass(frozen=True)
class Version:
    """One version of a lesson, worked out for its own values."""

    number: int | None
    """1 … N; None for the plain lesson, with its values as written."""
    label: str | None
    """"Version 3"; None for the plain lesson."""
    worked: WorkedLesson
    """The lesson worked out for this version's values: every answer its key prints."""


def plain_version(loaded: LoadedLesson) -> Version:
    """The lesson as written (a list's first value, a range's `from`), as a Version."""
    return Version(None, None, loaded.worked)


def version(loaded: LoadedLesson, number: int, seed: int) -> Version:
    """Draw and work out version `number`; LessonError at the lines of whatever goes wrong."""
    lesson, problems = drawn_lesson(loaded.drawing, Draws(seed, loaded.slug, number))
    if not problems:
        worked, problems = work_out(lesson)
    if problems:
        raise LessonError(
            [
                loaded.where.problem(p.path, _in_version(p.message, number), near=p.near, offset=p.offset)
                for p in problems
            ]
        )
    label = language_for(worked.language).gettext(words.VERSION).format(number=number)
    return Version(number, label, worked)


def versions(loaded: LoadedLesson, count: int, seed: int) -> list[Version]:
    """Draw and work out versions 1 … count of a lesson with a seed; the same on every machine."""
    if not 1 <= count <= MAX_VERSIONS:
        raise ValueError(f"count must be 1 to {MAX_VERSIONS}, not {count}")
    return [version(loaded, number, seed) for number in range(1, count + 1)]


def _in_version(message: str, number: int) -> str:
    """Say which version a problem showed in, unless the message already does."""
    return message if f"version {number}" in message else f"in version {number}: {message}"
