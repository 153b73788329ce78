"""The errors a user can cause and fix: each prints as one clear `Error: ...` and exits 1."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import click


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a lesson file, at a line and column (1-based)."""

    file: Path
    line: int
    column: int
    key: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}:{self.column}"
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
            super().__init__(f"{heading} in {self.problems[0].file}:\n" + "\n".join(lines))


class BuildError(StudygenError):
    """Raised when a valid lesson cannot be turned into documents (rendering, writing, templates)."""


def quoted(text: str, limit: int = 60) -> str:
    """Quote what a user wrote for a message, shortened so a hostile 200 KB value stays one line."""
    return f"'{text}'" if len(text) <= limit else f"'{text[: limit - 1]}…'"


def closest(word: str, choices: list[str] | tuple[str, ...]) -> str | None:
    """Return the choice a word is most likely a misspelling of, if any is close."""
    import difflib

    close = difflib.get_close_matches(word, list(choices), n=1)
    return close[0] if close else None


def did_you_mean(word: str, choices: list[str] | tuple[str, ...]) -> str:
    """Return a ` (did you mean 'x'?)` hint naming the closest choice, or nothing if none is close."""
    suggestion = closest(word, choices)
    return f" (did you mean '{suggestion}'?)" if suggestion else ""


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
