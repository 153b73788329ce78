"""Validate lessons without rendering: the library side of `studygen check`."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

from studygen.errors import StudygenError
from studygen.lesson import load_lesson
from studygen.lesson_files import find_lessons
from studygen.source import MAX_FILE_BYTES


def check(
    paths: Sequence[Path], *, max_bytes: int = MAX_FILE_BYTES
) -> Iterator[tuple[Path, StudygenError | None]]:
    """Load and work out every lesson in paths, yielding each file with its error or None."""
    for file in find_lessons(paths):
        try:
            load_lesson(file, max_bytes=max_bytes)
        except StudygenError as error:
            yield file, error
        else:
            yield file, None
