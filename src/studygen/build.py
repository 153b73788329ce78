"""Build lessons into documents: the one orchestrator behind `studygen build`."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from studygen.cards import DEFAULT_PRINT, OUTPUT_NAMES, PrintSettings
from studygen.documents import DOCUMENTS, PAPERS, Document, Paper
from studygen.errors import BuildError, LessonError, Problem, StudygenError, shown
from studygen.fit import Misfit, Shrunk, TextDoesNotFit
from studygen.lesson_files import find_lessons
from studygen.outputs import OutputError, publish
from studygen.source import MAX_FILE_BYTES
from studygen.worker import Limits, Worker

if TYPE_CHECKING:
    import jinja2

    from studygen.cards import Deck
    from studygen.lesson import LoadedLesson
    from studygen.pdf import Renderer


DEFAULT_LIMITS = Limits()


class StrictWarnings(StudygenError):
    """Raised for a lesson whose warnings fail it, because the build is --strict."""

    def __init__(self, warnings: Sequence[str]) -> None:
        ending = "(a warning, failing because of --strict: fix it, or build without --strict)"
        if len(warnings) == 1:
            super().__init__(f"{warnings[0]} {ending}")
        else:
            lines = "\n".join(warnings)
            super().__init__(f"{len(warnings)} warnings, failing because of --strict:\n{lines}")


@dataclass(frozen=True)
class Job:
    """What a worker needs to render one lesson; plain values, so it crosses a process boundary."""

    file: Path
    documents: tuple[str, ...]
    paper: str
    format: str
    templates: Path | None
    max_bytes: int
    cards: PrintSettings = DEFAULT_PRINT
    allow_overflow: bool = False
    """Print card text that cannot fit even at its smallest size, with a warning, instead of failing."""


@dataclass(frozen=True)
class RenderedFile:
    """One rendered document, in memory, with its page count (None for HTML)."""

    name: str
    data: bytes
    pages: int | None
    warnings: tuple[str, ...] = ()
    """What printed less well than it should (card text that overflows its card), at its lesson line."""


@dataclass(frozen=True)
class RenderedLesson:
    """Every document of one lesson, rendered and not yet written."""

    slug: str
    files: tuple[RenderedFile, ...]
    skipped: tuple[str, ...]

    @property
    def warnings(self) -> list[str]:
        """Every document's warnings, in build order."""
        return [warning for file in self.files for warning in file.warnings]


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
    warnings: list[str] = field(default_factory=list)
    """Problems that did not stop the build, each a `file:line:col: key: message` line."""
    error: StudygenError | None = None


def build(
    paths: Sequence[Path],
    *,
    out: Path,
    only: Sequence[str] = tuple(DOCUMENTS),
    paper: str = "a4",
    format: str = "pdf",
    templates: Path | None = None,
    limits: Limits = DEFAULT_LIMITS,
    max_bytes: int = MAX_FILE_BYTES,
    cards: PrintSettings = DEFAULT_PRINT,
    allow_overflow: bool = False,
    strict: bool = False,
) -> Iterator[LessonResult]:
    """Build every lesson in paths, yielding a result per lesson; a failure stops only its lesson.

    `cards` chooses the flashcards' layout, size and printer settings; a lesson's own `card_layout:`
    and `card_size:` apply where it leaves them out. With `strict`, a lesson with warnings fails and
    is not written, so its old documents stay as they were.
    """
    files = find_lessons(paths)
    documents = tuple(name for name in DOCUMENTS if name in only)
    worker = Worker(render_lesson, limits)
    try:
        for file in files:
            result = LessonResult(file)
            job = Job(file, documents, paper, format, templates, max_bytes, cards, allow_overflow)
            try:
                rendered: RenderedLesson = worker.run(job, name=shown(file))
                if strict and rendered.warnings:
                    raise StrictWarnings(rendered.warnings)
                result.warnings.extend(rendered.warnings)
                _write(out / rendered.slug, rendered, result, f".{format}")
            except StudygenError as error:
                result.error = error
            yield result
    finally:
        worker.close()


def render_lesson(job: Job) -> RenderedLesson:
    """Load a lesson and render its documents in memory; runs inside a worker process."""
    from studygen.lesson import load_lesson

    loaded = load_lesson(job.file, max_bytes=job.max_bytes)
    env = _environment(job.templates)
    files: list[RenderedFile] = []
    skipped: list[str] = []
    for name in job.documents:
        document = DOCUMENTS[name]
        if not document.wanted(loaded.lesson):
            skipped.append(name)
            continue
        try:
            files.append(_render_document(loaded, document, job, env))
        except TextDoesNotFit as error:
            raise LessonError(_misplaced(loaded, error.misfits, allowed=error.allowed)) from None
        except LessonError:
            raise  # already located at its lesson line
        except StudygenError as error:
            raise BuildError(f"{shown(loaded.file)}: {name}: {error.format_message()}") from None
        except RecursionError:
            raise BuildError(f"{shown(loaded.file)}: {name}: {_too_deep(loaded)}") from None
    return RenderedLesson(loaded.slug, tuple(files), tuple(skipped))


def _render_document(
    loaded: LoadedLesson, document: Document, job: Job, env: jinja2.Environment
) -> RenderedFile:
    """Render one document of a lesson as HTML or PDF."""
    from studygen.render import render_document, stock_templates

    paper = PAPERS[job.paper]
    deck = _deck(loaded, job.cards, paper) if document.name == "flashcards" else None
    name = deck.layout.file_stem if deck is not None else document.name
    html = render_document(env, loaded, document, paper=paper, preview=job.format == "html", cards=deck)
    if job.format == "html":
        return RenderedFile(f"{name}.html", html.encode(), None)
    allowed = [stock_templates(), *([job.templates] if job.templates is not None else [])]
    pdf = _renderer().render(html, folder=loaded.folder, allowed=allowed, allow_overflow=job.allow_overflow)
    warnings = tuple(str(problem) for problem in _misplaced(loaded, pdf.shrunk))
    return RenderedFile(f"{name}.pdf", pdf.data, pdf.pages, warnings)


def _deck(loaded: LoadedLesson, settings: PrintSettings, paper: Paper) -> Deck:
    """Lay out a lesson's flashcards as the command line and the lesson ask; refuse what cannot print."""
    from studygen.cards import LayoutError, deck_for

    lesson = loaded.lesson
    try:
        return deck_for(
            len(lesson.flashcards),
            settings=settings,
            lesson_layout=lesson.card_layout,
            lesson_size=lesson.card_size,
            paper=paper,
        )
    except LayoutError as error:
        if error.lesson_key is None:
            raise BuildError(str(error)) from None
        raise LessonError([loaded.where.problem((error.lesson_key,), str(error))]) from None


def _misplaced(
    loaded: LoadedLesson, texts: Sequence[Misfit | Shrunk], *, allowed: bool = False
) -> list[Problem]:
    """Place card text that does not fit its card at its lesson line, naming the card by its question."""
    from studygen.fit import key_path, shrunk_message, unfit_message

    found: list[Problem] = []
    for text in texts:
        misfit = text.misfit if isinstance(text, Shrunk) else text
        path = key_path(misfit.text or "")
        card = path[1] if len(path) > 1 and path[0] == "flashcards" else None
        question = loaded.worked.flashcards[card].question if isinstance(card, int) else None
        if isinstance(text, Shrunk):
            message = shrunk_message(text, question)
        else:
            message = unfit_message(text, question, allowed=allowed)
        found.append(loaded.where.problem(path, message))
    return found


def _too_deep(loaded: LoadedLesson) -> str:
    """Say that a lesson's text nests too deeply for the renderer, naming its deepest field."""
    from studygen.keys import dotted
    from studygen.resources import deepest_markdown

    path = deepest_markdown(loaded.lesson)
    where = f"{dotted(path)}: " if path else ""
    return (
        f"{where}the text is nested too deeply to lay out: "
        "put fewer lists, quotes or emphasis inside one another"
    )


@cache
def _environment(templates: Path | None) -> jinja2.Environment:
    """Make the Jinja environment once per worker process."""
    from studygen.render import environment

    return environment(templates)


@cache
def _renderer() -> Renderer:
    """Make the PDF renderer once per worker process, so fonts are configured once."""
    from studygen.pdf import Renderer

    return Renderer()


def _output_names(document: str) -> tuple[str, ...]:
    """Every file name a document may have been written under: flashcards has one per kind of layout."""
    return OUTPUT_NAMES if document == "flashcards" else (document,)


def _write(folder: Path, rendered: RenderedLesson, result: LessonResult, suffix: str) -> None:
    """Publish a lesson's documents as one set; remove those the lesson no longer has."""
    documents = {file.name: file.data for file in rendered.files}
    stale = [f"{name}{suffix}" for skipped in rendered.skipped for name in _output_names(skipped)]
    try:
        publish(folder, documents, remove=stale)
    except OutputError as error:
        raise BuildError(f"{shown(result.file)}: cannot write into {shown(folder)}: {error}") from None
    result.written.extend(Written(folder / file.name, file.pages) for file in rendered.files)
    result.skipped.extend(rendered.skipped)
