"""Write a new lesson for a teacher to fill in: `studygen new "Title"`."""

from __future__ import annotations

import json
import os
import re
import unicodedata
from pathlib import Path

from studygen.errors import StudygenError, shown
from studygen.fields import MAX_TITLE

STARTER = Path(__file__).with_name("starter.yaml")
"""The starter lesson: every section once, with short comments; `__TITLE__` is the teacher's title."""


def new_lesson(title: str, *, folder: Path, file: Path | None = None) -> Path:
    """Write the starter lesson with this title, into folder/<slug>.yaml or file; never overwrite one."""
    clean = _checked_title(title)
    target = file if file is not None else folder / f"{slug_for(clean)}.yaml"
    if target.suffix not in (".yaml", ".yml"):
        raise StudygenError(f"{shown(target)}: a lesson file ends in .yaml or .yml: choose a name that does")
    # JSON's string syntax is YAML's double-quoted scalar: any title comes back exactly as typed.
    text = STARTER.read_text(encoding="utf-8").replace("__TITLE__", json.dumps(clean, ensure_ascii=False))
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    except FileExistsError:
        raise StudygenError(
            f"{shown(target)} already exists: studygen new never overwrites a lesson; "
            "choose another title, or name another file with -o"
        ) from None
    except OSError as error:
        raise StudygenError(f"cannot write {shown(target)}: {error.strerror}") from None
    with os.fdopen(descriptor, "w", encoding="utf-8") as out:
        out.write(text)
    return target


def slug_for(title: str) -> str:
    """Make a file name from a title: `Free fall: how far?` becomes `free-fall-how-far`."""
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-")
    return slug[:60].rstrip("-") or "lesson"


def _checked_title(title: str) -> str:
    """Refuse a title the lesson format would refuse, before any file is written."""
    clean = title.strip()
    if not clean:
        raise StudygenError('the title is empty: write it in quotes, e.g. studygen new "Free fall"')
    if len(clean) > MAX_TITLE:
        raise StudygenError(f"the title has {len(clean)} characters: shorten it to at most {MAX_TITLE}")
    if any(unicodedata.category(ch) in ("Cc", "Zl", "Zp") for ch in clean):
        raise StudygenError("the title contains a line break or control character: write it on one line")
    return clean
