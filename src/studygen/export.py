"""Export lessons to study apps and learning platforms: the one orchestrator behind `studygen export`.

A lesson file or a folder of lessons becomes ONE file, with one deck (or question category) per
lesson: a student imports a whole course at once, and a course's decks stay together. Nothing is
written unless every lesson loads, so a file never holds half a course.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from studygen.errors import BuildError, StudygenError, shown
from studygen.exports import EXPORTS, Export, Gathering, Part
from studygen.lesson import load_lesson
from studygen.lesson_files import find_lessons
from studygen.outputs import OutputError, publish
from studygen.source import MAX_FILE_BYTES

AS_WRITTEN = Gathering()
"""Export each lesson as written, its items carrying the lesson's own file times."""

DEFAULT_FOLDER = Path("output")
"""Where an export goes without `-o`: `output/<lesson or folder name><suffix>`."""


@dataclass
class ExportedLesson:
    """What exporting one lesson did: its deck (or category) and card (or question) count, or its error."""

    file: Path
    deck: str | None = None
    """The name of the deck or category the lesson became; None if it had nothing to export."""
    cards: int = 0
    """How many cards or questions it gave."""
    error: StudygenError | None = None


@dataclass
class ExportResult:
    """Every lesson's outcome, and the files written (none if any lesson failed)."""

    lessons: list[ExportedLesson]
    written: Path | None = None
    images: list[Path] = field(default_factory=list)
    """Images written beside a file that cannot carry them (the text import)."""


def export(
    path: Path,
    *,
    to: str,
    out: Path | None = None,
    asked: Gathering = AS_WRITTEN,
    max_bytes: int = MAX_FILE_BYTES,
) -> ExportResult:
    """Export every lesson in path into one file of format `to`: its flashcards, or its exercises.

    `asked.updated` is the modification time (seconds since 1970) the notes carry; None takes each
    lesson's newest file time (the lesson's and its images'), so an edited lesson's notes are newer
    than the ones a student imported before and Anki updates them. `asked.variants` versions of each
    lesson's exercises are exported, drawn with `asked.seed`, by formats that take versions.
    """
    export_format = EXPORTS[to]
    result = ExportResult([])
    parts: list[Part] = []
    for file in find_lessons([path]):
        lesson = ExportedLesson(file)
        result.lessons.append(lesson)
        try:
            part = export_format.gather(load_lesson(file, max_bytes=max_bytes), asked)
            if part is not None:
                parts.append(part)
                lesson.deck, lesson.cards = part.name, part.count
        except StudygenError as error:
            lesson.error = error
    if any(lesson.error for lesson in result.lessons):
        return result
    if not parts:
        raise StudygenError(_nothing_to_export(path, result.lessons, export_format))
    target = out if out is not None else default_target(path, export_format)
    _write(target, export_format, parts, result)
    return result


def default_target(path: Path, export_format: Export[Any]) -> Path:
    """Name the file an export writes without `-o`: after the lesson file or the folder."""
    name = path.stem if path.is_file() else (path.resolve().name or "lessons")
    return DEFAULT_FOLDER / f"{name}{export_format.suffix}"


def _nothing_to_export(path: Path, lessons: list[ExportedLesson], export_format: Export[Any]) -> str:
    """Say that there is nothing to export, and how to give a lesson what the format exports."""
    needs, how = export_format.needs, export_format.how
    if len(lessons) == 1:
        return f"{shown(lessons[0].file)}: the lesson has no {needs} to export: {how}"
    return f"none of the {len(lessons)} lessons in {shown(path)} has {needs} to export: {how}"


def _write(target: Path, export_format: Export[Any], parts: list[Part], result: ExportResult) -> None:
    """Publish the export file (with its images, if it cannot carry them) all at once."""
    files = {target.name: export_format.write(parts)}
    images = {m.name: m.data for part in parts for m in part.media} if export_format.media_beside else {}
    files.update(images)
    # publish() opens the folder itself with O_NOFOLLOW: `-o deck.apkg` means the current folder's path.
    folder = target.absolute().parent
    try:
        publish(folder, files)
    except OutputError as error:
        raise BuildError(f"cannot write {shown(target)}: {error}") from None
    result.written = target
    result.images = [target.parent / name for name in images]
