"""Build lessons into documents: the one orchestrator behind `studygen build`."""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from studygen.cards import DEFAULT_PRINT, OUTPUT_NAMES, PrintSettings
from studygen.documents import DOCUMENTS, PAPERS, Document, Paper, stock_templates
from studygen.errors import BuildError, LessonError, Problem, StudygenError, shown
from studygen.fit import Misfit, Shrunk, TextDoesNotFit
from studygen.lesson_files import find_lessons
from studygen.manifest import (
    MANIFEST_NAME,
    Built,
    ManifestError,
    environment_hash,
    is_current,
    lesson_hash,
    manifest_bytes,
    read_manifest,
)
from studygen.outputs import OutputError, has_leftovers, publish
from studygen.pool import Pool
from studygen.source import MAX_FILE_BYTES
from studygen.worker import Limits

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
    used: Mapping[str, str] = field(default_factory=dict)
    """Each file the render read (images, stylesheets), by path, with the SHA-256 of its bytes."""


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
    unchanged: list[Written] = field(default_factory=list)
    """Documents left as they were: nothing they are built from changed since they were written."""
    notices: list[str] = field(default_factory=list)
    """What the build noticed about its own records (a manifest it could not trust); never --strict's."""


@dataclass(frozen=True)
class Part:
    """One document of a lesson for a worker to render, unless what it prints is as it was last built."""

    job: Job
    document: str
    unchanged_if: str | None = None
    """The fingerprint the document was last built from, when nothing but the lesson file's bytes changed:
    if the parts of the lesson it prints hash the same, it is left as it is."""


@dataclass(frozen=True)
class RenderedPart:
    """A worker's answer for one part: the rendered file, or None when nothing needed rendering."""

    document: str
    fingerprint: str
    file: RenderedFile | None
    empty: bool = False
    """The lesson has nothing for this document (a worksheet without exercises)."""


@dataclass(frozen=True)
class _Plan:
    """What a build does with one lesson: the documents still current, and the parts to render."""

    job: Job
    folder: Path
    lesson: str | None
    """SHA-256 of the lesson file's bytes, or None if it could not be read here (the worker says why)."""
    environment: str
    previous: dict[str, Built]
    current: dict[str, Built]
    parts: tuple[Part, ...]
    notice: str | None
    leftovers: bool
    """A killed build left temporary files behind: publish, which removes them, though all is current."""


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
    jobs: int = 1,
    force: bool = False,
) -> Iterator[LessonResult]:
    """Build every lesson in paths, yielding a result per lesson, in order; a failure stops only its lesson.

    `cards` chooses the flashcards' layout, size and printer settings; a lesson's own `card_layout:`
    and `card_size:` apply where it leaves them out. With `strict`, a lesson with warnings fails and
    is not written, so its old documents stay as they were. Documents render on `jobs` workers at
    once; a document whose inputs are as its manifest records is skipped, unless `force`.
    """
    files = find_lessons(paths)
    documents = tuple(name for name in DOCUMENTS if name in only)
    options = {"paper": paper, "format": format, "cards": cards, "overflow": allow_overflow}
    environment = environment_hash(options, [stock_templates(), templates])
    plans = [
        _plan(
            Job(file, documents, paper, format, templates, max_bytes, cards, allow_overflow),
            out,
            environment,
            force,
        )
        for file in files
    ]
    pool = Pool(render_part, limits, jobs)
    try:
        answers = pool.run(
            ((index, part.document), part, shown(plan.job.file))
            for index, plan in enumerate(plans)
            for part in plan.parts
        )
        gathered: dict[int, dict[str, RenderedPart | StudygenError]] = {}
        for index, plan in enumerate(plans):
            # Parts run in lesson order, so this lesson's are done before many of the next ones'.
            while len(gathered.setdefault(index, {})) < len(plan.parts):
                (lesson, document), answer = next(answers)
                gathered.setdefault(lesson, {})[document] = answer
            yield _finish(plan, gathered.pop(index), strict)
    finally:
        pool.close()


def _plan(job: Job, out: Path, environment: str, force: bool) -> _Plan:
    """Decide which of a lesson's documents are current from its manifest, and which to render."""
    folder = out / job.file.stem
    notice = None
    try:
        previous = {} if force else read_manifest(folder)
    except ManifestError as error:
        previous = {}
        notice = f"{shown(folder / MANIFEST_NAME)}: {error}, so it is ignored: the lesson is built again"
    lesson = lesson_hash(job.file, job.max_bytes)
    current: dict[str, Built] = {}
    parts: list[Part] = []
    for name in job.documents:
        built = previous.get(name)
        intact = built is not None and built.environment == environment and is_current(built, folder)
        if intact and built is not None and lesson is not None and built.lesson == lesson:
            current[name] = built
        else:
            parts.append(Part(job, name, built.fingerprint if intact and built is not None else None))
    leftovers = has_leftovers(folder)
    return _Plan(job, folder, lesson, environment, previous, current, tuple(parts), notice, leftovers)


def _finish(plan: _Plan, answers: Mapping[str, RenderedPart | StudygenError], strict: bool) -> LessonResult:
    """Publish what a lesson's parts rendered with its new manifest, as one set; report what was done."""
    result = LessonResult(plan.job.file, notices=[plan.notice] if plan.notice else [])
    outcomes = [answers[part.document] for part in plan.parts]
    failed = [outcome for outcome in outcomes if isinstance(outcome, StudygenError)]
    if failed:
        result.error = failed[0]  # the first document's, in build order: the same error each run
        return result
    rendered = [outcome for outcome in outcomes if isinstance(outcome, RenderedPart)]
    warnings = [warning for part in rendered if part.file is not None for warning in part.file.warnings]
    if strict and warnings:
        result.error = StrictWarnings(warnings)
        return result
    result.warnings.extend(warnings)
    entries = {**plan.previous, **plan.current}
    written: dict[str, bytes] = {}
    stale: list[str] = []
    for part in rendered:
        old = plan.previous.get(part.document)
        entry = _entry(plan, part, old)
        if part.file is not None:
            written[part.file.name] = part.file.data
            result.written.append(Written(plan.folder / part.file.name, part.file.pages))
        elif part.empty:
            stale += [f"{name}.{plan.job.format}" for name in _output_names(part.document)]
            result.skipped.append(part.document)
        entries[part.document] = entry
    for name, built in plan.current.items():
        if built.files:
            result.unchanged += [Written(plan.folder / file, built.pages) for file in built.files]
        else:
            result.skipped.append(name)
    result.unchanged += [
        Written(plan.folder / file, entries[part.document].pages)
        for part in rendered
        if part.file is None and not part.empty
        for file in entries[part.document].files
    ]
    if written or entries != plan.previous or plan.leftovers:
        _publish(plan, {**written, MANIFEST_NAME: manifest_bytes(entries)}, sorted(set(stale)), result)
    return result


def _entry(plan: _Plan, part: RenderedPart, old: Built | None) -> Built:
    """What the manifest records of a document after this build."""
    if part.file is None and not part.empty and old is not None:  # unchanged: only the lesson's bytes moved
        return dataclasses.replace(old, lesson=plan.lesson or "")
    files = {} if part.file is None else {part.file.name: hashlib.sha256(part.file.data).hexdigest()}
    pages = None if part.file is None else part.file.pages
    used = {} if part.file is None else dict(part.file.used)
    return Built(plan.lesson or "", plan.environment, part.fingerprint, files, pages, used)


def _publish(plan: _Plan, documents: Mapping[str, bytes], stale: Sequence[str], result: LessonResult) -> None:
    """Write a lesson's documents and manifest as one set, removing those it no longer has."""
    try:
        publish(plan.folder, documents, remove=[name for name in stale if name not in documents])
    except OutputError as error:
        result.written.clear()
        result.unchanged.clear()
        result.error = BuildError(f"{shown(plan.job.file)}: cannot write into {shown(plan.folder)}: {error}")


def render_part(part: Part) -> RenderedPart:
    """Load a lesson and render one of its documents, unless what it prints is unchanged; in a worker."""
    from studygen.lesson import load_lesson
    from studygen.manifest import fingerprint

    job = part.job
    loaded = load_lesson(job.file, max_bytes=job.max_bytes)
    document = DOCUMENTS[part.document]
    printed = fingerprint(loaded.data, document.ignores)
    if not document.wanted(loaded.lesson):
        return RenderedPart(part.document, printed, None, empty=True)
    if printed == part.unchanged_if:
        return RenderedPart(part.document, printed, None)
    return RenderedPart(part.document, printed, _rendered(loaded, document, job, _environment(job.templates)))


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
        files.append(_rendered(loaded, document, job, env))
    return RenderedLesson(loaded.slug, tuple(files), tuple(skipped))


def _rendered(loaded: LoadedLesson, document: Document, job: Job, env: jinja2.Environment) -> RenderedFile:
    """Render one document, turning what went wrong into an error at the lesson line or document."""
    try:
        return _render_document(loaded, document, job, env)
    except TextDoesNotFit as error:
        raise LessonError(_misplaced(loaded, error.misfits, allowed=error.allowed)) from None
    except LessonError:
        raise  # already located at its lesson line
    except StudygenError as error:
        raise BuildError(f"{shown(loaded.file)}: {document.name}: {error.format_message()}") from None
    except RecursionError:
        raise BuildError(f"{shown(loaded.file)}: {document.name}: {_too_deep(loaded)}") from None


def _render_document(
    loaded: LoadedLesson, document: Document, job: Job, env: jinja2.Environment
) -> RenderedFile:
    """Render one document of a lesson as HTML or PDF."""
    from studygen.render import render_document

    paper = PAPERS[job.paper]
    deck = _deck(loaded, job.cards, paper) if document.name == "flashcards" else None
    name = deck.layout.file_stem if deck is not None else document.name
    html = render_document(env, loaded, document, paper=paper, preview=job.format == "html", cards=deck)
    if job.format == "html":
        return RenderedFile(f"{name}.html", html.encode(), None)
    allowed = [stock_templates(), *([job.templates] if job.templates is not None else [])]
    pdf = _renderer().render(html, folder=loaded.folder, allowed=allowed, allow_overflow=job.allow_overflow)
    warnings = tuple(str(problem) for problem in _misplaced(loaded, pdf.shrunk))
    return RenderedFile(f"{name}.pdf", pdf.data, pdf.pages, warnings, pdf.used)


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
