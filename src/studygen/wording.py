"""Quote what a teacher wrote, and guess what they meant, for messages: plain functions, no I/O."""

from __future__ import annotations

import unicodedata
from pathlib import PurePath


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


def shortened(text: str, limit: int) -> str:
    """Shorten text to at most limit characters, at a word where one is near, ending in `…`."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space >= limit // 2:  # a word boundary not too far back; else cut inside the (very long) word
        cut = cut[:space]
    return cut.rstrip(" ,;:.-\u2013\u2014") + "…"  # no dangling dash or comma before the ellipsis


def comma_advice(number: str) -> str | None:
    """Say how to write a number given with a comma (`1,5`, `1,000`) with a point, or None if it has none.

    A group of exactly three digits after the comma may be an English thousands separator rather than a
    German decimal comma, so that advice names both readings; any other comma is a decimal comma.
    """
    import re

    text = number.strip()
    if not re.fullmatch(r"[+-]?\d+(,\d+)+", text):
        return None
    whole, *groups = text.split(",")
    if len(groups) == 1 and len(groups[0]) != 3:
        return f"use a point: {whole}.{groups[0]}"
    if any(len(group) != 3 for group in groups):
        return None  # `1,5,6` is no way of writing one number; the message says what was expected
    joined = whole + "".join(groups)
    decimal = f", or {whole}.{groups[0]} with a point for a decimal" if len(groups) == 1 else ""
    return f"write {joined} without a thousands separator{decimal}"
