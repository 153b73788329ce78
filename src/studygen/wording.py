"""Quote what a teacher wrote, and guess what they meant, for messages: plain functions, no I/O."""

from __future__ import annotations


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
