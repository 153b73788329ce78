"""Find the theme a lesson asks for (`templates:`), a folder confined to the lesson's own, as images are."""

from __future__ import annotations

from pathlib import Path

from studygen.errors import quoted
from studygen.keys import LessonProblem
from studygen.model import Lesson

THEME_STYLESHEET = "theme.css"
"""The stylesheet a theme folder may hold: linked after the stock one, its `url()`s relative to it."""

_HOW = "name a folder inside the lesson's folder, e.g. `templates: theme/`"


def check_theme(lesson: Lesson, folder: Path) -> list[LessonProblem]:
    """Find what is wrong with the lesson's `templates:` folder, if it names one."""
    if lesson.templates is None:
        return []
    reason = _refusal(lesson.templates, folder.resolve())
    if reason is None:
        return []
    return [LessonProblem(("templates",), f"folder {quoted(lesson.templates)} is refused: {reason}")]


def lesson_theme(lesson: Lesson, folder: Path) -> Path | None:
    """The lesson's theme folder, resolved; None if it names none. Raises ValueError if it is refused."""
    if lesson.templates is None:
        return None
    root = folder.resolve()
    reason = _refusal(lesson.templates, root)
    if reason is not None:  # the folder changed since the lesson was checked
        raise ValueError(f"templates: folder {quoted(lesson.templates)} is refused: {reason}")
    return (root / lesson.templates).resolve()


def _refusal(relative: str, root: Path) -> str | None:
    """Say why a theme folder is refused, or None if it is a folder inside the lesson's folder."""
    if "://" in relative or relative.startswith(("/", "\\", "~")) or Path(relative).is_absolute():
        return f"only a folder beside the lesson may be used; {_HOW}"
    target = (root / relative).resolve()  # resolving follows symbolic links: a link out is refused
    if not target.is_relative_to(root):
        return f"it is outside the lesson's folder; {_HOW}"
    if not target.is_dir():
        return f"there is no such folder in the lesson's folder ({relative}); {_HOW}"
    return None
