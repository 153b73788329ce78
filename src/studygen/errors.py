"""The errors a user can cause and fix: each prints as one clear `Error: ...` and exits 1."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import click

# Re-exported for messages that already import them from here; their home is the pure wording module.
from studygen.wording import closest as closest
from studygen.wording import did_you_mean as did_you_mean
from studygen.wording import hidden_characters as hidden_characters
from studygen.wording import quoted as quoted
from studygen.wording import shown as shown


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a lesson file, at a line and column (1-based)."""

    file: Path
    line: int
    column: int
    key: str
    message: str

    def __str__(self) -> str:
        where = f"{shown(self.file)}:{self.line}:{self.column}"
        return f"{where}: {self.key}: {self.message}" if self.key else f"{where}: {self.message}"


class StudygenError(click.ClickException):
    """Base of every error a user can fix; Click prints it as `Error: ...` and exits 1."""


class LessonError(StudygenError):
    """Raised when a lesson file cannot be read or is not a valid lesson; carries every problem found."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems, key=lambda p: (str(p.file), p.line, p.column))
        count = len(self.problems)
        heading = "1 problem" if count == 1 else f"{count} problems"
        lines = [str(problem) for problem in self.problems]
        if count == 1:
            super().__init__(lines[0])
        else:
            super().__init__(f"{heading} in {shown(self.problems[0].file)}:\n" + "\n".join(lines))


class BuildError(StudygenError):
    """Raised when a valid lesson cannot be turned into documents (rendering, writing, templates)."""


class InternalError(StudygenError):
    """Raised when studygen itself failed (a bug, not the lesson's fault).

    `details` is what --debug shows: the worker's traceback, or the exception when the traceback was
    already printed in this process.
    """

    def __init__(self, details: str) -> None:
        self.details = details
        last = details.strip().splitlines()[-1] if details.strip() else "unknown error"
        super().__init__(
            f"internal error in studygen ({last}). This is a bug in studygen, not in your lesson: "
            "please report it with the lesson file and the output of the same command with --debug"
        )
