"""The registry of documents a lesson becomes, and of the paper sizes they print on."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the CLI reads this registry for --help; keep pydantic off that path
    from studygen.model import Lesson


@dataclass(frozen=True)
class Document:
    """One kind of document: its name on the command line and on disk, its template and title."""

    name: str
    template: str
    title: str
    wanted: Callable[[Lesson], bool]
    """Whether a lesson has anything to put in this document."""
    ignores: tuple[str, ...]
    """Top-level lesson keys this document never prints: editing them leaves it as it was built."""


def _has_exercises(lesson: Lesson) -> bool:
    """Whether a lesson has exercises for a worksheet and its key."""
    return bool(lesson.exercises)


_SHEET = ("self_check", "flashcards", "card_layout", "card_size")
"""What the worksheet and its key never print."""

DOCUMENTS: dict[str, Document] = {
    doc.name: doc
    for doc in (
        Document("worksheet", "worksheet.html", "Worksheet", lambda lesson: bool(lesson.exercises), _SHEET),
        Document(
            "answer-key", "answer-key.html", "Answer key", lambda lesson: bool(lesson.exercises), _SHEET
        ),
        Document(
            "self-check",
            "self-check.html",
            "Self-check",
            lambda lesson: lesson.self_check is not None,
            ("exercises", "flashcards", "card_layout", "card_size"),
        ),
        Document(
            "flashcards",
            "flashcards.html",
            "Flashcards",
            lambda lesson: bool(lesson.flashcards),
            ("exercises", "self_check", "intro"),
        ),
    )
}
"""Every document studygen makes, in build order; `--only` choices and output names come from here."""

MAX_VERSIONS = 99
"""Versions `--variants` may ask for: the files are numbered `-v01` to `-v99`."""

DEFAULT_SEED = 1
"""The seed `--variants` draws with unless `--seed` says otherwise."""

VERSIONED = ("worksheet", "answer-key")
"""The documents `--variants N` also writes once per version, as `worksheet-v01` … `worksheet-vNN`."""

ANSWERS_ALL = Document("answers-all", "answers-all.html", "Answers of all versions", _has_exercises, _SHEET)
"""With `--variants`, every version's answers in one table; written whenever the answer key is."""


@dataclass(frozen=True)
class Paper:
    """A paper size, in millimetres."""

    name: str
    width_mm: float
    height_mm: float

    @property
    def css_size(self) -> str:
        """The value of CSS `@page { size: ... }` for this paper."""
        return f"{self.width_mm}mm {self.height_mm}mm"


PAPERS: dict[str, Paper] = {
    "a4": Paper("A4", 210, 297),
    "letter": Paper("Letter", 215.9, 279.4),
}
"""Paper sizes `--paper` accepts."""

FORMATS = ("pdf", "html")
"""Output formats `--format` accepts."""

PDF_STANDARDS: dict[str, str] = {
    "accessible": "pdf/ua-1",
    "archive": "pdf/a-3u",
}
"""What `--pdf` accepts, with the WeasyPrint variant each writes; every one is a tagged PDF.

`accessible` (the default) is PDF/UA-1: tags for screen readers, the lesson's language and title,
and a bookmark per section; it costs about a fifth more bytes and no measurable time. `archive` is
PDF/A-3u, tagged as well, for schools that keep handouts in a long-term archive.
"""

DEFAULT_PDF = "accessible"


def stock_templates() -> Path:
    """Find the stock templates: inside the installed package, or at the top of a source checkout."""
    packaged = Path(__file__).parent / "templates"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "templates"
