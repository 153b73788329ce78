"""Write problems as GitHub Actions workflow commands, so a CI run marks each one on its lesson line."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from studygen.errors import LessonError, Problem, StudygenError, shown


def error_annotations(file: Path, error: StudygenError) -> Iterator[str]:
    """One `::error` line per problem of a lesson; a problem without a line is marked on the file."""
    if isinstance(error, LessonError):
        for problem in error.problems:
            yield annotation("error", problem.file, problem_text(problem), problem.line, problem.column)
        return
    message = error.format_message()
    prefix = f"{shown(file)}: "
    yield annotation("error", file, message.removeprefix(prefix))


def problem_text(problem: Problem) -> str:
    """A problem's message with its key, as the annotation shows it beside the line."""
    return f"{problem.key}: {problem.message}" if problem.key else problem.message


def annotation(
    level: str, file: Path, message: str, line: int | None = None, column: int | None = None
) -> str:
    """Format one workflow command: `::error file=…,line=…,col=…::message`, escaped as GitHub reads it."""
    properties = [f"file={_property(shown(file))}"]
    if line is not None:
        properties.append(f"line={line}")
    if column is not None:
        properties.append(f"col={column}")
    return f"::{level} {','.join(properties)}::{_data(message)}"


def _data(text: str) -> str:
    """Escape a message: a newline or `%` would otherwise end or garble the command."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    """Escape a property value, where `:` and `,` also separate the command's parts."""
    return _data(text).replace(":", "%3A").replace(",", "%2C")
