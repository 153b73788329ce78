"""The error every formula problem raises, and how a position in the source is named for teachers."""

from __future__ import annotations


class FormulaError(ValueError):
    """Raised when a formula cannot be parsed or evaluated; `message` says what to write instead."""

    message: str
    position: int | None

    def __init__(self, message: str, position: int | None = None) -> None:
        """Keep the teacher-facing message and the 0-based character index of the problem."""
        super().__init__(message)
        self.message = message
        self.position = position

    def __str__(self) -> str:
        """Show only the message, which is written for teachers."""
        return self.message

    def __reduce__(self) -> tuple[type[FormulaError], tuple[str, int | None]]:
        """Keep the position when the error is pickled (e.g. across worker processes)."""
        return (FormulaError, (self.message, self.position))


def at(pos: int) -> str:
    """Where something is, for a teacher (1-based)."""
    return f"at character {pos + 1}"
