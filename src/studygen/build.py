"""Build lessons into documents: the one orchestrator behind `studygen build`."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from studygen.cards import DEFAULT_PRINT, OUTPUT_NAMES, PrintSettings
from studygen.documents import ANSWERS_ALL, DOCUMENTS, MAX_VERSIONS, PAPERS, VERSIONED, Document, Paper
from studygen.errors import BuildError, LessonError, Problem, StudygenError, shown
from studygen.fit import Misfit, Shrunk, TextDoesNotFit
from studygen.lesson_files import find_lessons
from studygen.outputs import OutputError, publish
from studygen.source import MAX_FILE_BYTES
from studygen.worker import Limits, Worker

if TYPE_CHECKING:
    import jinja2

    from studygen.answers_all import AnswerTable
    from studygen.cards import Deck
    from studygen.lesson import LoadedLesson
    from studygen.pdf import Renderer
    from studygen.variants import Version


DEFAULT_LIMITS = Limits()


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
    variants: int = 0
    """How many versions `--variants` asks for (0: none); the plain job then also renders answers-all."""
    seed: int = 1
    """The seed the versions are drawn with."""
    version: int | None = None
    """Render this version's worksheet and key instead of the lesson's documents."""


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
    notes: tuple[str, ...] = ()
    """Warnings about the lesson as a whole rather than one document (versions that are all alike)."""

    @property
    def warnings(self) -> list[str]:
        """The lesson's and every document's warnings, in build order."""
        return [*self.notes, *(warning for file in self.files for warning in file.warnings)]


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
    variants: int = 0,
    seed: int = 1,
) -> Iterator[LessonResult]:
    """Build every lesson in paths, yielding a result per lesson; a failure stops only its lesson.

    `cards` chooses the flashcards' layout, size and printer settings; a lesson's own `card_layout:`
    and `card_size:` apply where it leaves them out. With `variants`, each lesson's worksheet and key
    are also written once per version, drawn with `seed`, beside answers-all.

    Each version renders as its own job, under the same limits as the lesson's plain documents: N
    versions need N times the time of one worksheet and key, which a limit meant for one lesson must
    not cut short, while each job stays bounded by it (so a lesson takes at most N + 1 times --timeout).
    """
    files = find_lessons(paths)
    documents = tuple(name for name in DOCUMENTS if name in only)
    worker = Worker(render_lesson, limits)
    try:
        for file in files:
            result = LessonResult(file)
            job = Job(
                file, documents, paper, format, templates, max_bytes, cards, allow_overflow, variants, seed
            )
            try:
                rendered: RenderedLesson = worker.run(job, name=shown(file))
                rendered = _with_versions(rendered, job, worker)
                result.warnings.extend(rendered.warnings)
                _write(out / rendered.slug, rendered, result, job)
            except StudygenError as error:
                result.error = error
            yield result
    finally:
        worker.close()


def _with_versions(rendered: RenderedLesson, job: Job, worker: Worker) -> RenderedLesson:
    """Render each version's worksheet and key as a job of its own, after the lesson's own documents."""
    if not job.variants or not _versioned(job.documents, rendered.skipped):
        return rendered
    files = list(rendered.files)
    for number in range(1, job.variants + 1):
        version: RenderedLesson = worker.run(replace(job, version=number), name=shown(job.file))
        files.extend(version.files)
    return replace(rendered, files=tuple(files))


def _versioned(documents: Sequence[str], skipped: Sequence[str]) -> tuple[str, ...]:
    """The documents versions are made of: the worksheet and the key, if built and not empty."""
    return tuple(name for name in VERSIONED if name in documents and name not in skipped)


def render_lesson(job: Job) -> RenderedLesson:
    """Load a lesson and render its documents in memory; runs inside a worker process."""
    from studygen.lesson import load_lesson
    from studygen.variants import version

    loaded = load_lesson(job.file, max_bytes=job.max_bytes)
    env = _environment(job.templates)
    if job.version is not None:
        drawn = version(loaded, job.version, job.seed)
        names = _versioned(job.documents, ())
        files = [_rendered(loaded, DOCUMENTS[name], job, env, version=drawn) for name in names]
        return RenderedLesson(loaded.slug, tuple(files), ())
    files = []
    skipped: list[str] = []
    for name in job.documents:
        document = DOCUMENTS[name]
        if not document.wanted(loaded.lesson):
            skipped.append(name)
            continue
        files.append(_rendered(loaded, document, job, env))
    notes = _answers_all(loaded, job, env, skipped, files) if job.variants else ()
    return RenderedLesson(loaded.slug, tuple(files), tuple(skipped), notes)


def _answers_all(
    loaded: LoadedLesson, job: Job, env: jinja2.Environment, skipped: list[str], files: list[RenderedFile]
) -> tuple[str, ...]:
    """Draw every version, add answers-all to files if the key is built; warn if the versions are alike."""
    from studygen.answers_all import answers_all
    from studygen.variants import versions

    drawn = versions(loaded, job.variants, job.seed)  # all drawn first: a draw that fails, fails here
    if "answer-key" in job.documents and ANSWERS_ALL.wanted(loaded.lesson):
        files.append(_rendered(loaded, ANSWERS_ALL, job, env, answers=answers_all(drawn)))
    alike = all(other.worked == drawn[0].worked for other in drawn[1:])
    if len(drawn) > 1 and alike and _versioned(job.documents, skipped):
        return (
            f"{shown(loaded.file)}: all {len(drawn)} versions are the same: give a value as a list or a "
            "range to draw from, e.g. `t: [2, 3, 4]` (see Versions in docs/lesson-format.md)",
        )
    return ()


def _rendered(
    loaded: LoadedLesson,
    document: Document,
    job: Job,
    env: jinja2.Environment,
    *,
    version: Version | None = None,
    answers: tuple[AnswerTable, ...] | None = None,
) -> RenderedFile:
    """Render one document, placing what cannot print at its lesson line."""
    try:
        return _render_document(loaded, document, job, env, version=version, answers=answers)
    except TextDoesNotFit as error:
        raise LessonError(_misplaced(loaded, error.misfits, allowed=error.allowed)) from None
    except StudygenError as error:
        raise BuildError(f"{shown(loaded.file)}: {document.name}: {error.format_message()}") from None
    except RecursionError:
        raise BuildError(f"{shown(loaded.file)}: {document.name}: {_too_deep(loaded)}") from None


def _render_document(
    loaded: LoadedLesson,
    document: Document,
    job: Job,
    env: jinja2.Environment,
    *,
    version: Version | None = None,
    answers: tuple[AnswerTable, ...] | None = None,
) -> RenderedFile:
    """Render one document of a lesson (or of one of its versions) as HTML or PDF."""
    from studygen.render import render_document, stock_templates

    paper = PAPERS[job.paper]
    if answers is not None:  # a version per column: the grid reads best across a landscape page
        paper = Paper(paper.name, paper.height_mm, paper.width_mm)
    deck = _deck(loaded, job.cards, paper) if document.name == "flashcards" else None
    name = deck.layout.file_stem if deck is not None else document.name
    if version is not None and version.number is not None:
        name = version_name(name, version.number)
    html = render_document(
        env,
        loaded,
        document,
        paper=paper,
        preview=job.format == "html",
        cards=deck,
        version=version,
        answers_all=answers,
    )
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
        raise BuildError(str(error)) from None


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


def version_name(document: str, number: int) -> str:
    """The file stem of a version's document: `worksheet-v03`."""
    return f"{document}-v{number:02}"


def _stale_versions(job: Job, skipped: Sequence[str]) -> list[str]:
    """Versions an earlier, larger `--variants` build wrote (or any, for a document not built now)."""
    built = _versioned(job.documents, skipped) if job.variants else ()
    stale = [
        version_name(name, number)
        for name in VERSIONED
        if name in job.documents
        for number in range(job.variants + 1 if name in built else 1, MAX_VERSIONS + 1)
    ]
    if "answer-key" in job.documents and "answer-key" not in built:
        stale.append(ANSWERS_ALL.name)
    return stale


def _write(folder: Path, rendered: RenderedLesson, result: LessonResult, job: Job) -> None:
    """Publish a lesson's documents as one set; remove those the lesson no longer has."""
    suffix = f".{job.format}"
    documents = {file.name: file.data for file in rendered.files}
    stale = [f"{name}{suffix}" for skipped in rendered.skipped for name in _output_names(skipped)]
    stale += [f"{name}{suffix}" for name in _stale_versions(job, rendered.skipped)]
    try:
        publish(folder, documents, remove=stale)
    except OutputError as error:
        raise BuildError(f"{shown(result.file)}: cannot write into {shown(folder)}: {error}") from None
    result.written.extend(Written(folder / file.name, file.pages) for file in rendered.files)
    result.skipped.extend(rendered.skipped)
