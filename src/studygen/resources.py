"""Check the files a lesson's text points at: images must be files inside the lesson's own folder."""

from __future__ import annotations

import re
import typing
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from pydantic import BaseModel

from studygen import prose
from studygen.compute import LessonProblem
from studygen.errors import quoted
from studygen.model import IsMarkdown, Lesson
from studygen.source import Path_

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".svg")
"""Image files a lesson may show."""

MAX_IMAGE_BYTES = 5 * 1024 * 1024
"""Largest image file a lesson may show."""

MAX_DATA_URL_CHARS = 64 * 1024
"""Largest inline `data:` image; anything bigger belongs in a file beside the lesson."""

_DATA_IMAGE = re.compile(r"data:image/(png|jpeg);base64,", re.IGNORECASE)

_HOW = "images must be PNG, JPEG or SVG files in the lesson's folder, e.g. `![diagram](images/diagram.png)`"


def check_images(lesson: Lesson, folder: Path) -> list[LessonProblem]:
    """Find every image in the lesson's markdown and refuse those that are not safe local files."""
    problems: list[LessonProblem] = []
    root = folder.resolve()
    for path, text in markdown_fields(lesson):
        for source in prose.image_sources(text):
            reason = _refusal(source, root)
            if reason is not None:
                message = f"image {quoted(source)} is refused: {reason}"
                problems.append(LessonProblem(path, message, near=source[:200]))
    return problems


def check_nesting(lesson: Lesson) -> list[LessonProblem]:
    """Refuse markdown nested deeper than prints: the parser would drop the rest, or layout overflow."""
    problems: list[LessonProblem] = []
    for path, text in markdown_fields(lesson):
        found = prose.nesting_problem(text)
        if found is not None:
            message, line = found
            problems.append(LessonProblem(path, message, near=line[:200] or None))
    return problems


def deepest_markdown(lesson: Lesson) -> Path_ | None:
    """Name the markdown field that nests deepest, for a renderer failure that names no field."""
    depths = [(prose.depth(text), path) for path, text in markdown_fields(lesson)]
    deepest = max(depths, default=(0, None), key=lambda pair: pair[0])
    return deepest[1] if deepest[0] > 0 else None


def markdown_fields(model: BaseModel, path: Path_ = ()) -> Iterator[tuple[Path_, str]]:
    """Yield every markdown text in a lesson with its path of keys."""
    for name, info in type(model).model_fields.items():
        value = getattr(model, name)
        here = (*path, name)
        if isinstance(value, str) and _is_markdown(info.annotation, info.metadata):
            yield here, value
        else:
            yield from _nested(value, here)


def _nested(value: Any, path: Path_) -> Iterator[tuple[Path_, str]]:
    """Descend into models and lists of models."""
    if isinstance(value, BaseModel):
        yield from markdown_fields(value, path)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _nested(item, (*path, index))


def _is_markdown(annotation: Any, metadata: list[Any]) -> bool:
    """Tell whether a field is markdown: its type, or the one inside `Markdown | None`, is marked so."""
    found = list(metadata)
    for argument in typing.get_args(annotation):
        if typing.get_origin(argument) is typing.Annotated:
            found += typing.get_args(argument)[1:]
    return any(isinstance(marker, IsMarkdown) for marker in found)


def _refusal(source: str, root: Path) -> str | None:
    """Say why an image source is refused, or None if it is a safe file in the lesson's folder."""
    if source.lower().startswith("data:"):
        if not _DATA_IMAGE.match(source):
            return "inline images must be base64 PNG or JPEG"
        if len(source) > MAX_DATA_URL_CHARS:
            return f"an inline image may be at most {MAX_DATA_URL_CHARS // 1024} KiB: save it as a file"
        return None
    parts = urlsplit(source)
    if parts.scheme or parts.netloc:
        return f"studygen never fetches from the network or outside the lesson's folder; {_HOW}"
    relative = unquote(parts.path)
    if not relative or relative.startswith(("/", "\\")):
        return f"absolute paths are not allowed; {_HOW}"
    target = (root / relative).resolve()
    if not target.is_relative_to(root):
        return f"it is outside the lesson's folder; {_HOW}"
    if target.suffix.lower() not in IMAGE_SUFFIXES:
        return _HOW
    if not target.is_file():
        return f"there is no such file in the lesson's folder ({relative})"
    size = target.stat().st_size
    if size > MAX_IMAGE_BYTES:
        return f"the file is {size:,} bytes; images may be at most {MAX_IMAGE_BYTES:,}"
    return None
