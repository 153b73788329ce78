"""Find the lesson files a build or check names: files and folders expanded, each lesson once.

Kept apart from loading, so a build's parent process finds its lessons without importing the lesson
model: only the workers that load lessons pay for it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from pathlib import Path

from studygen.errors import StudygenError, shown

MAX_FILE_BYTES = 2 * 1024 * 1024
"""Lesson files larger than this are refused before parsing: a lesson is prose, not data."""

LESSON_SUFFIXES = (".yaml", ".yml")
"""The file endings a lesson file has."""


def find_lessons(paths: Iterable[Path]) -> list[Path]:
    """Expand files and folders into lesson files, sorted within each folder, each once."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(sorted(p for p in path.rglob("*") if p.suffix in LESSON_SUFFIXES and p.is_file()))
        elif path.exists():  # a FIFO or device is refused when read, with its own message
            found.append(path)
        else:
            raise StudygenError(f"{shown(path)}: no such file or folder")
    # The same file named twice (content/a.yaml and ./content/a.yaml) is one lesson.
    unique: list[Path] = []
    for path in found:
        if path.resolve() not in {known.resolve() for known in unique}:
            unique.append(path)
    if not unique:
        names = ", ".join(shown(p) for p in paths)
        raise StudygenError(f"no lesson files (*.yaml, *.yml) in {names}")
    _refuse_bad_slugs(unique)
    return unique


def _refuse_bad_slugs(files: list[Path]) -> None:
    """Refuse file names that cannot name an output folder, and two lessons sharing one."""
    seen: dict[str, Path] = {}
    for file in files:
        if file.stem.startswith(".") or not file.stem.strip():
            raise StudygenError(f"{shown(file)}: a lesson's file name must not start with '.': rename it")
        if file.stem in seen:
            raise StudygenError(
                f"{shown(seen[file.stem])} and {shown(file)} would both build into the output folder "
                f"'{shown(file.stem)}': rename one of them"
            )
        seen[file.stem] = file


def shard(files: Sequence[Path], number: int, count: int) -> list[Path]:
    """Keep the lessons of shard `number` of `count` (1-based): a CI job matrix builds each exactly once.

    Lessons are dealt out in the order of a hash of their paths, so shards differ in size by at most
    one lesson and do not depend on the order the file system lists them in. The hash, not the
    alphabet, decides: lessons of one folder spread over every job rather than filling one.
    """
    dealt = sorted(files, key=_shuffled)
    return sorted(dealt[number - 1 :: count], key=files.index)


def _shuffled(file: Path) -> bytes:
    """A lesson's place in the deal: a hash of its path as found, the same on every machine."""
    return hashlib.sha256(file.as_posix().encode("utf-8", "surrogateescape")).digest()
