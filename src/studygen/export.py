"""Export lessons' flashcards to study apps: the one orchestrator behind `studygen export`.

A lesson file or a folder of lessons becomes ONE file, with one deck per lesson: a student imports a
whole course at once, and a course's decks stay together. Nothing is written unless every lesson
loads, so a file never holds half a course.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from studygen.errors import BuildError, StudygenError, shown
from studygen.exports import EXPORTS, Export
from studygen.exports.decks import Deck, deck_of
from studygen.lesson import load_lesson
from studygen.lesson_files import find_lessons
from studygen.outputs import OutputError, publish
from studygen.source import MAX_FILE_BYTES

DEFAULT_FOLDER = Path("output")
"""Where an export goes without `-o`: `output/<lesson or folder name><suffix>`."""


@dataclass
class ExportedLesson:
    """What exporting one lesson did: its deck and card count, or the error that stopped it."""

    file: Path
    deck: str | None = None
    cards: int = 0
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
    updated: int | None = None,
    max_bytes: int = MAX_FILE_BYTES,
) -> ExportResult:
    """Export the flashcards of every lesson in path into one file of format `to`.

    `updated` is the modification time (seconds since 1970) the notes carry; None takes each lesson's
    newest file time (the lesson's and its images'), so an edited lesson's notes are newer than the
    ones a student imported before and Anki updates them.
    """
    export_format = EXPORTS[to]
    result = ExportResult([])
    decks: list[Deck] = []
    for file in find_lessons([path]):
        lesson = ExportedLesson(file)
        result.lessons.append(lesson)
        try:
            loaded = load_lesson(file, max_bytes=max_bytes)
            if loaded.worked.flashcards:
                deck = deck_of(loaded, updated=updated)
                decks.append(deck)
                lesson.deck, lesson.cards = deck.name, len(deck.cards)
        except StudygenError as error:
            lesson.error = error
    if any(lesson.error for lesson in result.lessons):
        return result
    if not decks:
        raise StudygenError(_no_cards(path, result.lessons))
    target = out if out is not None else default_target(path, export_format)
    _write(target, export_format, decks, result)
    return result


def default_target(path: Path, export_format: Export) -> Path:
    """Name the file an export writes without `-o`: after the lesson file or the folder."""
    name = path.stem if path.is_file() else (path.resolve().name or "lessons")
    return DEFAULT_FOLDER / f"{name}{export_format.suffix}"


def _no_cards(path: Path, lessons: list[ExportedLesson]) -> str:
    """Say that there is nothing to export, and how to give a lesson cards."""
    how = "add a `flashcards:` list, each card with a `question:` and an `answer:`"
    if len(lessons) == 1:
        return f"{shown(lessons[0].file)}: the lesson has no flashcards to export: {how}"
    return f"none of the {len(lessons)} lessons in {shown(path)} has flashcards to export: {how}"


def _write(target: Path, export_format: Export, decks: list[Deck], result: ExportResult) -> None:
    """Publish the export file (with its images, if it cannot carry them) all at once."""
    files = {target.name: export_format.write(decks)}
    images = {m.name: m.data for deck in decks for m in deck.media} if export_format.media_beside else {}
    files.update(images)
    # publish() opens the folder itself with O_NOFOLLOW: `-o deck.apkg` means the current folder's path.
    folder = target.absolute().parent
    try:
        publish(folder, files)
    except OutputError as error:
        raise BuildError(f"cannot write {shown(target)}: {error}") from None
    result.written = target
    result.images = [target.parent / name for name in images]
