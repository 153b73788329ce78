"""Helpers for lesson tests: write a lesson, load it expecting problems, read its built PDFs."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from studygen.errors import LessonError
from studygen.lesson import load_lesson


def write(tmp_path: Path, text: str, name: str = "lesson.yaml") -> Path:
    """Write a lesson file from an indented literal."""
    file = tmp_path / name
    file.write_text(textwrap.dedent(text), encoding="utf-8")
    return file


def problems(file: Path) -> list[str]:
    """Load a lesson that must fail and return its problems as printed, without the file name."""
    with pytest.raises(LessonError) as caught:
        load_lesson(file)
    return [str(p).removeprefix(f"{file}:") for p in caught.value.problems]


def pdf_texts(file: Path, out: Path, paper: str = "a4") -> dict[str, str]:
    """Render a lesson's worksheet and key as a build's worker does, write them under out, return their text.

    It renders in the test process (the build tests cover workers), so WeasyPrint is imported once per
    test process rather than once per lesson; the text is whitespace-collapsed.
    """
    import io

    from pypdf import PdfReader

    from studygen.build import Job, render_lesson
    from studygen.source import MAX_FILE_BYTES

    rendered = render_lesson(Job(file, ("worksheet", "answer-key"), paper, "pdf", None, MAX_FILE_BYTES))
    folder = out / rendered.slug
    folder.mkdir(parents=True, exist_ok=True)
    texts: dict[str, str] = {}
    for document in rendered.files:
        (folder / document.name).write_bytes(document.data)
        pages = PdfReader(io.BytesIO(document.data)).pages
        texts[Path(document.name).stem] = " ".join(" ".join(p.extract_text() for p in pages).split())
    return texts


def doc_example(heading: str) -> str:
    """The YAML example under a level-2 heading of docs/lesson-format.md."""
    import re

    doc = (Path(__file__).parents[1] / "docs" / "lesson-format.md").read_text(encoding="utf-8")
    start = doc.index(f"\n## {heading}\n")
    end = doc.find("\n## ", start + 1)
    match = re.search(r"^```yaml\n(.*?)^```$", doc[start:end], re.S | re.M)
    assert match, f"no YAML example under '## {heading}'"
    return match.group(1)


def documents_in(folder: Path) -> list[str]:
    """The documents in a lesson's output folder, sorted, leaving out the build's manifest."""
    from studygen.manifest import MANIFEST_NAME

    return sorted(path.name for path in folder.iterdir() if path.name != MANIFEST_NAME)
