"""Check that every character a lesson prints has a glyph: in our fonts, a theme's, or the system's.

WeasyPrint prints a character no font has as an empty box, with no warning. studygen's own fonts
(DejaVu Sans, in the stock templates' `fonts/` folder) cover Latin, Greek, Cyrillic and most math
signs; a theme's font files add what they cover; for anything else fontconfig is asked whether a
font on this machine has it (WeasyPrint falls back to that font). A character none of them has
fails the build at its lesson line, naming it.
"""

from __future__ import annotations

import shutil
import subprocess
import unicodedata
from collections.abc import Iterator, Sequence
from functools import cache
from pathlib import Path

from pydantic import BaseModel

from studygen.documents import stock_templates
from studygen.keys import LessonProblem, Path_
from studygen.model import Lesson

FONT_SUFFIXES = (".ttf", ".otf", ".woff", ".woff2")
"""Font files whose characters count as printable: studygen's own and those in a theme's folder."""

NOT_PRINTED = frozenset({"id", "kind", "language", "templates", "card_layout", "card_size"})
"""Lesson keys whose text is never printed, so needs no glyph."""

MAX_NAMED = 3
"""Characters named per field: a field in a script no font has would otherwise give hundreds."""

_HOW = (
    "install a font that has it on this machine, choose a theme font that has it (docs/fonts.md), "
    "or write it another way"
)


def stock_fonts() -> Path:
    """Find the fonts studygen ships, beside the stock templates."""
    return stock_templates() / "fonts"


COVERAGE = "coverage.txt"
"""The code points studygen's fonts cover, as ranges, beside them: reading them takes a millisecond,
reading the fonts' own tables with fontTools a third of a second. `python -m studygen.fonts` writes
it; a test checks it matches the fonts."""


def missing_glyphs(lesson: Lesson, theme_folders: Sequence[Path] = ()) -> list[LessonProblem]:
    """Find the characters in a lesson's printed text that no font here can print."""
    stock = _stock_coverage()
    found: list[LessonProblem] = []
    for path, text in _texts(lesson, ()):
        missing = [char for char in dict.fromkeys(text) if _needs_glyph(char) and ord(char) not in stock]
        if missing and theme_folders:
            themes = _covered(tuple(folder.resolve() for folder in theme_folders))
            missing = [char for char in missing if ord(char) not in themes]
        unprintable = [char for char in missing if not _system_has(char)]
        for char in unprintable[:MAX_NAMED]:
            found.append(LessonProblem(path, _message(char), near=char))
    return found


def _message(char: str) -> str:
    """Say which character cannot print and what to do about it."""
    return (
        f"'{char}' (U+{ord(char):04X}) is in no font studygen or this machine has, "
        f"so it would print as an empty box: {_HOW}"
    )


def _needs_glyph(char: str) -> bool:
    """Whether a character is drawn: spaces, controls, format characters (soft hyphen, zero-width
    joiners, direction marks) and variation selectors are not."""
    if char.isspace() or unicodedata.category(char) in ("Cc", "Cf"):
        return False
    point = ord(char)
    return not (0xFE00 <= point <= 0xFE0F or 0xE0100 <= point <= 0xE01EF)


def _texts(value: object, path: Path_) -> Iterator[tuple[Path_, str]]:
    """Every piece of text in a lesson model, with the path of keys it was written at."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, BaseModel):
        for name in type(value).model_fields:
            if name not in NOT_PRINTED:
                yield from _texts(getattr(value, name), (*path, name))
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            yield from _texts(item, (*path, index))
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _texts(item, (*path, str(key)))


@cache
def _stock_coverage() -> frozenset[int]:
    """The code points studygen's own fonts cover, from the ranges written beside them."""
    points: set[int] = set()
    for line in (stock_fonts() / COVERAGE).read_text(encoding="ascii").splitlines():
        if line and not line.startswith("#"):
            first, _, last = line.partition("-")
            points.update(range(int(first, 16), int(last or first, 16) + 1))
    return frozenset(points)


def coverage_text() -> str:
    """Write the code points studygen's fonts cover as ranges, for `COVERAGE`."""
    points = sorted(_covered((stock_fonts(),)))
    ranges: list[tuple[int, int]] = []
    for point in points:
        if ranges and point == ranges[-1][1] + 1:
            ranges[-1] = (ranges[-1][0], point)
        else:
            ranges.append((point, point))
    lines = [f"{first:04X}" if first == last else f"{first:04X}-{last:04X}" for first, last in ranges]
    header = "# Code points studygen's fonts have glyphs for; written by `python -m studygen.fonts`."
    return "\n".join([header, *lines]) + "\n"


@cache
def _covered(folders: tuple[Path, ...]) -> frozenset[int]:
    """Every code point the font files in these folders have a glyph for."""
    from fontTools.ttLib import TTFont, TTLibError

    points: set[int] = set()
    for folder in folders:
        for file in sorted(folder.rglob("*")) if folder.is_dir() else ():
            if file.suffix.lower() not in FONT_SUFFIXES or not file.is_file():
                continue
            try:
                with TTFont(file, lazy=True) as font:
                    points.update(font.getBestCmap() or {})
            except (TTLibError, OSError, ImportError, AssertionError):
                continue  # not a font fontTools reads (or woff2 without brotli): it covers nothing
    return frozenset(points)


@cache
def _system_has(char: str) -> bool:
    """Ask fontconfig whether a font on this machine has the character, as WeasyPrint would fall back to."""
    program = shutil.which("fc-list")
    if program is None:
        return False
    try:
        listed = subprocess.run(
            [program, f":charset={ord(char):x}", "family"],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    return bool(listed.stdout.strip())


if __name__ == "__main__":
    (stock_fonts() / COVERAGE).write_text(coverage_text(), encoding="ascii")
