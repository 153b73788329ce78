"""Accessible PDFs: tagged PDF/UA-1 with language, title and section bookmarks; PDF/A-3u on request."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from studygen.build import Job, LessonResult, build, render_lesson
from studygen.cli import cli
from studygen.lesson_files import MAX_FILE_BYTES

LESSON = """\
title: Hebel und Kräfte
author: Klasse 8
language: de
exercises:
  - kind: written-answer
    title: 1. Der einseitige Hebel
    questions:
      - question: Wo liegt der Drehpunkt einer Schubkarre?
        answer: Am Rad.
  - kind: written-answer
    title: 2. Das Hebelgesetz
    questions:
      - question: Was bedeutet $F_1 \\cdot a_1 = F_2 \\cdot a_2$?
        answer: Kraft mal Kraftarm ist gleich Last mal Lastarm.
"""


@dataclass(frozen=True)
class Pdfs:
    """The lesson's worksheet in each PDF standard."""

    accessible: PdfReader
    archive: PdfReader


def lesson_file(folder: Path) -> Path:
    """Write the lesson into folder."""
    file = folder / "hebel.yaml"
    file.write_text(LESSON, encoding="utf-8")
    return file


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory: pytest.TempPathFactory) -> Pdfs:
    """Render the worksheet in this process, once in each standard."""
    file = lesson_file(tmp_path_factory.mktemp("accessible"))

    def worksheet(standard: str) -> PdfReader:
        job = Job(file, ("worksheet",), "a4", "pdf", None, MAX_FILE_BYTES, pdf=standard)
        [rendered] = render_lesson(job).files
        return PdfReader(io.BytesIO(rendered.data))

    return Pdfs(worksheet("accessible"), worksheet("archive"))


def written(result: LessonResult) -> list[str]:
    """The names of the files a build wrote, after checking it did not fail."""
    assert result.error is None, result.error.format_message()
    return sorted(w.path.name for w in result.written)


def structure_tags(node: object, found: set[str]) -> set[str]:
    """Collect the structure types (`/H1`, `/P`, `/Figure` …) under a structure element."""
    node = node.get_object() if hasattr(node, "get_object") else node
    if isinstance(node, dict):
        if "/S" in node:
            found.add(str(node["/S"]))
        kids = node.get("/K")
        for kid in kids if isinstance(kids, list) else [kids]:
            structure_tags(kid, found)
    return found


def xmp(reader: PdfReader) -> str:
    """The document's XMP metadata as text."""
    return reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode("utf-8")


def outline_titles(outline: list[object]) -> list[str]:
    """The bookmark titles of an outline, depth first."""
    titles: list[str] = []
    for entry in outline:
        titles += outline_titles(entry) if isinstance(entry, list) else [str(entry.title)]  # type: ignore[attr-defined]
    return titles


@pytest.mark.parametrize("kind", ["accessible", "archive"])
def test_the_pdf_is_tagged_with_language_title_and_section_bookmarks(pdfs: Pdfs, kind: str) -> None:
    reader: PdfReader = getattr(pdfs, kind)
    root = reader.trailer["/Root"]
    assert bool(root["/MarkInfo"]["/Marked"])
    tags = structure_tags(root["/StructTreeRoot"], set())
    assert {"/Document", "/H1", "/H2", "/P", "/Figure"} <= tags
    assert root["/Lang"] == "de"
    # A German lesson: the document name in the title is in German too.
    assert reader.metadata is not None and reader.metadata.title == "Hebel und Kräfte — Arbeitsblatt"
    assert bool(root["/ViewerPreferences"]["/DisplayDocTitle"])  # readers show the title, not the file name
    assert outline_titles(reader.outline) == [
        "Hebel und Kräfte",
        "1. Der einseitige Hebel",
        "2. Das Hebelgesetz",
    ]


def test_the_default_pdf_declares_pdf_ua_1(pdfs: Pdfs) -> None:
    metadata = xmp(pdfs.accessible)
    assert re.search(r'pdfuaid:part="1"', metadata)
    assert "pdfaid" not in metadata


def test_the_archive_pdf_declares_pdf_a_3u_and_embeds_its_colour_profile(pdfs: Pdfs) -> None:
    reader = pdfs.archive
    metadata = xmp(reader)
    assert re.search(r'pdfaid:part="3"', metadata) and re.search(r'pdfaid:conformance="U"', metadata)
    assert reader.trailer["/Root"]["/OutputIntents"][0]["/S"] == "/GTS_PDFA1"


def test_changing_the_pdf_standard_rebuilds_the_documents(tmp_path: Path) -> None:
    file, out = lesson_file(tmp_path), tmp_path / "out"
    assert written(*build([file], out=out, only=("worksheet",), templates=None)) == ["worksheet.pdf"]
    archived = written(*build([file], out=out, only=("worksheet",), templates=None, pdf="archive"))
    assert archived == ["worksheet.pdf"]  # not left as it was: the manifest records the standard
    assert "pdfaid" in xmp(PdfReader(out / "hebel" / "worksheet.pdf"))


def test_build_offers_the_pdf_standards_and_refuses_others() -> None:
    runner = CliRunner()
    assert "--pdf [accessible|archive]" in runner.invoke(cli, ["build", "--help"]).output
    result = runner.invoke(cli, ["build", "--pdf", "pdf/x-4"])
    assert result.exit_code == 2
    assert "'pdf/x-4' is not one of 'accessible', 'archive'" in result.output
