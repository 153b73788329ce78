"""What `studygen build` says: a line per lesson, and a summary of the whole build at the end."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from studygen.build import LessonResult, Written
from studygen.errors import shown


@dataclass
class Tally:
    """Counts over a build's lessons, for its summary line."""

    lessons: int = 0
    built: int = 0
    unchanged: int = 0
    pages: int = 0
    failed: list[Path] = field(default_factory=list)

    def add(self, result: LessonResult) -> None:
        """Count one lesson's result."""
        self.lessons += 1
        if result.error is not None:
            self.failed.append(result.file)
            return
        self.built += len(result.written)
        self.unchanged += len(result.unchanged)
        self.pages += sum(written.pages or 0 for written in result.written)

    def summary(self, seconds: float) -> str:
        """One line for the end of the log: `3 lessons in 4.2 s: 10 documents built (25 pages), …`."""
        built = f"{_count(self.built, 'document')} built"
        if self.pages:
            built += f" ({_count(self.pages, 'page')})"
        line = f"{_count(self.lessons, 'lesson')} in {seconds:.1f} s: {built}, {self.unchanged} up to date"
        if self.failed:
            line += f", {len(self.failed)} failed: {', '.join(shown(file) for file in self.failed)}"
        return line


def lesson_line(result: LessonResult, out: Path) -> str:
    """One lesson's line: where its documents went, how many pages each has, and which were current."""
    folder = next((written.path.parent for written in (*result.written, *result.unchanged)), out)
    line = f"{shown(result.file)} -> {shown(folder)}/: "
    if result.written:
        line += _files(result.written)
    elif result.unchanged:
        line += "up to date"
    else:
        line += "nothing to build"
    if result.written and result.unchanged:
        line += f"; up to date: {', '.join(shown(w.path.name) for w in result.unchanged)}"
    if result.skipped:
        line += f" (no content for {', '.join(result.skipped)})"
    return line


def _files(written: Sequence[Written]) -> str:
    """Name written files with their page counts: `worksheet.pdf (2 pages), answer-key.pdf (3 pages)`."""
    return ", ".join(
        shown(w.path.name) + (f" ({_count(w.pages, 'page')})" if w.pages else "") for w in written
    )


def _count(number: int, noun: str) -> str:
    """`1 page`, `2 pages`."""
    return f"{number} {noun}{'' if number == 1 else 's'}"
