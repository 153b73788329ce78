"""Find lesson files, load and validate them, and report every problem at its line and key."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from studygen.compute import work_out
from studygen.drawing import plain, plain_problems
from studygen.errors import LessonError
from studygen.identity import duplicate_card_ids
from studygen.latex import check_math
from studygen.model import Lesson
from studygen.resources import check_images, check_nesting
from studygen.source import MAX_FILE_BYTES, SourceMap, read_source
from studygen.themes import check_theme
from studygen.validation import problems_in
from studygen.worked import WorkedLesson


@dataclass(frozen=True)
class LoadedLesson:
    """A valid lesson as written and as worked out for printing, with its file and slug (the file's stem)."""

    lesson: Lesson
    """The lesson with its values as written: a value drawn from a list is its first entry."""
    worked: WorkedLesson
    file: Path
    where: SourceMap
    """Where each key and value was written, to place problems found while rendering at their line."""
    drawing: Lesson
    """The lesson with the lists and ranges its values are drawn from, for `studygen.variants`."""
    data: object = None
    """The lesson as read from YAML, before validation: what a build's fingerprints hash."""

    @property
    def slug(self) -> str:
        """Name of the lesson's output folder: the YAML file's stem."""
        return self.file.stem

    @property
    def folder(self) -> Path:
        """The folder the lesson lives in: the only place it may read files from."""
        return self.file.parent


def load_lesson(file: Path, *, max_bytes: int = MAX_FILE_BYTES) -> LoadedLesson:
    """Read, validate and work out one lesson; raise LessonError listing every problem in it."""
    source = read_source(file, max_bytes=max_bytes)
    try:
        drawing = Lesson.model_validate(source.data)
    except ValidationError as error:
        raise LessonError(problems_in(error, source)) from None
    lesson = plain(drawing)
    worked, found = work_out(lesson)
    found += check_nesting(lesson) + check_images(lesson, file.parent) + duplicate_card_ids(lesson)
    found += check_math(lesson)
    found += check_theme(lesson, file.parent)
    if not found:  # the conditions may use answers, known only once the lesson is worked out
        found = plain_problems(lesson, worked)
    if found:
        raise LessonError(
            [source.where.problem(p.path, p.message, near=p.near, offset=p.offset) for p in found]
        )
    return LoadedLesson(lesson, worked, file, source.where, drawing, source.data)
