"""The errors a user can cause and fix: each prints as one clear `Error: ...` and exits 1."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from pathlib import Path, PurePath

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


def shown(name: str | PurePath) -> str:
    """Write a file name for a message with every invisible or line-breaking character escaped.

    A contributed file named `a\nError: …` must not forge a line in a CI log, and a bidi override
    must not make a name read backwards, so such characters print as `\\n` or `\\u202e`.
    """
    text = str(name)
    if not any(_hidden(character) for character in text):
        return text
    return "".join(_escaped(character) if _hidden(character) else character for character in text)


def hidden_characters(name: str | PurePath) -> list[str]:
    """List, escaped and each once, the invisible or line-breaking characters in a file name."""
    return list(dict.fromkeys(_escaped(c) for c in str(name) if _hidden(c)))


def _hidden(character: str) -> bool:
    """Tell whether a character is a control, format (bidi, zero-width), separator or undecodable byte."""
    return unicodedata.category(character) in ("Cc", "Cf", "Zl", "Zp", "Cs")


def _escaped(character: str) -> str:
    """Write one character as Python writes it in a string literal: `\\n`, `\\t`, `\\x07`, `\\u202e`."""
    return repr(character)[1:-1] if character.isascii() else f"\\u{ord(character):04x}"


def quoted(text: str, limit: int = 60) -> str:
    """Quote what a user wrote for a message, shortened so a hostile 200 KB value stays one line."""
    text = shown(text)
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
