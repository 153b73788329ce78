"""Build lessons into documents: the one orchestrator behind `studygen build`."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from studygen.documents import DOCUMENTS, PAPERS, Document
from studygen.errors import StudygenError
from studygen.lesson import LoadedLesson, find_lessons, load_lesson
from studygen.outputs import write_atomically


@dataclass(frozen=True)
class Written:
    """One output file a build wrote, with its page count (None for HTML)."""

    path: Path
    pages: int | None


@dataclass
class LessonResult:
    """What building one lesson did: the files it wrote, or the error that stopped it."""

    file: Path
    written: list[Written] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    error: StudygenError | None = None


def build(
    paths: Sequence[Path],
    *,
    out: Path,
    only: Sequence[str] = tuple(DOCUMENTS),
    paper: str = "a4",
    format: str = "pdf",
    templates: Path | None = None,
) -> Iterator[LessonResult]:
    """Build every lesson found in paths, yielding one result per lesson; a failure stops only its lesson."""
    from studygen.render import environment

    env = environment(templates)
    renderer = _renderer() if format == "pdf" else None
    documents = [DOCUMENTS[name] for name in DOCUMENTS if name in only]
    for file in find_lessons(paths):
        result = LessonResult(file)
        try:
            loaded = load_lesson(file)
            _build_lesson(
                loaded,
                documents,
                result,
                out=out,
                paper=paper,
                format=format,
                env=env,
                renderer=renderer,
                templates=templates,
            )
        except StudygenError as error:
            result.error = error
        yield result


def _renderer() -> object:
    """Create the PDF renderer; WeasyPrint is imported only when a PDF is wanted."""
    from studygen.pdf import Renderer

    return Renderer()


def _build_lesson(
    loaded: LoadedLesson,
    documents: Sequence[Document],
    result: LessonResult,
    *,
    out: Path,
    paper: str,
    format: str,
    env: object,
    renderer: object,
    templates: Path | None,
) -> None:
    """Render all of a lesson's documents in memory, then write them, so a failure writes nothing."""
    from studygen.render import render_document

    folder = out / loaded.slug
    pending: list[tuple[Path, bytes, int | None]] = []
    for document in documents:
        if not document.wanted(loaded.lesson):
            result.skipped.append(document.name)
            continue
        html = render_document(env, loaded, document, paper=PAPERS[paper])  # type: ignore[arg-type]
        if format == "html":
            pending.append((folder / f"{document.name}.html", html.encode(), None))
            continue
        allowed = [templates] if templates is not None else []
        pdf = renderer.render(html, folder=loaded.folder, allowed=allowed)  # type: ignore[attr-defined]
        _check_pages(loaded, document, pdf.pages)
        pending.append((folder / f"{document.name}.pdf", pdf.data, pdf.pages))
    for path, data, pages in pending:
        write_atomically(path, data)
        result.written.append(Written(path, pages))


def _check_pages(loaded: LoadedLesson, document: Document, pages: int) -> None:
    """Refuse a flashcard deck whose cards did not come out one per page."""
    cards = len(loaded.lesson.flashcards)
    if document.name == "flashcards" and pages != cards:
        raise StudygenError(
            f"{loaded.file}: flashcards: {cards} cards came out on {pages} pages; "
            "a card's text is too long for half a page: shorten it or split the card"
        )
