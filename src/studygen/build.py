"""Build lessons into documents: the one orchestrator behind `studygen build`."""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import secrets
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from studygen import cards as card_layouts
from studygen.cards import DEFAULT_PARTS, DEFAULT_PRINT, OUTPUT_NAMES, PartSize, PrintSettings
from studygen.deck import Jobs
from studygen.documents import (
    ANSWERS_ALL,
    DEFAULT_PDF,
    DOCUMENTS,
    MAX_VERSIONS,
    PAPERS,
    PDF_STANDARDS,
    VERSIONED,
    Document,
    Paper,
    stock_templates,
)
from studygen.errors import BuildError, LessonError, Problem, StudygenError, shown
from studygen.fit import Misfit, Shrunk, TextDoesNotFit
from studygen.lesson_files import MAX_FILE_BYTES, find_lessons
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
from studygen.worker import Limits

if TYPE_CHECKING:
    import jinja2

    from studygen.answers_all import AnswerTable
    from studygen.cards import Deck
    from studygen.lesson import LoadedLesson
    from studygen.pdf import Renderer
    from studygen.variants import Version


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
    variants: int = 0
    """How many versions `--variants` asks for (0: none): each version's worksheet and key, and
    answers-all, are then parts of the lesson too."""
    seed: int = 1
    """The seed the versions are drawn with."""
    pdf: str = DEFAULT_PDF
    """Which PDF standard to write, a name in `PDF_STANDARDS` (`--pdf`)."""
    deck_parts: PartSize = DEFAULT_PARTS
    """How much of a big deck one part holds: the build decides, for every worker alike."""


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
    """The document's name: `worksheet`, or `answers-all` for every version's answers."""
    version: int | None = None
    """The version whose worksheet or key this is (`--variants`), or None for the lesson as written."""
    unchanged_if: str | None = None
    """The fingerprint the document was last built from, when nothing but the lesson file's bytes changed:
    if the parts of the lesson it prints hash the same, it is left as it is."""
    deck_part: tuple[int, int] | None = None
    """In one part of a big deck (`studygen.deck`): the number of its first card and how many it has."""
    source: str | None = None
    """In one part of a big deck: the SHA-256 of the lesson file the deck was planned from."""
    deck: str | None = None
    """In one part of a big deck: the name its plan gave the deck, by which a worker keeps its lesson."""

    @property
    def unit(self) -> str:
        """What the manifest and the build's answers know this part by: `worksheet-v03`."""
        return version_name(self.document, self.version) if self.version is not None else self.document


@dataclass(frozen=True)
class RenderedPart:
    """A worker's answer for one part: the rendered file, or None when nothing needed rendering."""

    unit: str
    fingerprint: str
    file: RenderedFile | None
    empty: bool = False
    """The lesson has nothing for this document (a worksheet without exercises)."""
    parts: tuple[tuple[int, int], ...] = ()
    """A big deck left to render in parts: each part's first card number and card count."""
    source: str | None = None
    """With `parts`, the SHA-256 of the lesson file they are cut from."""
    deck: str | None = None
    """With `parts`, a name for this deck, new each build: the worker that planned it keeps its lesson
    under it for the parts it renders, and so does every other worker once it has loaded it."""


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
    variants: int = 0,
    seed: int = 1,
    pool: Pool | None = None,
    pdf: str = DEFAULT_PDF,
) -> Iterator[LessonResult]:
    """Build every lesson in paths, yielding a result per lesson, in order; a failure stops only its lesson.

    `cards` chooses the flashcards' layout, size and printer settings; a lesson's own `card_layout:`
    and `card_size:` apply where it leaves them out. With `strict`, a lesson with warnings fails and
    is not written, so its old documents stay as they were. Documents render on `jobs` workers at
    once; a document whose inputs are as its manifest records is skipped, unless `force`. With `variants`,
    each lesson's worksheet and key are also written once per version, drawn with `seed`, beside
    answers-all; each version's documents are parts of their own, under the same limits. A `pool`
    of `render_part` workers, when given, renders instead of one of its own and stays running
    (`studygen watch` keeps its workers warm from one rebuild to the next); `limits` and `jobs` are
    its. `pdf` names the PDF standard the documents are written to (`PDF_STANDARDS`).
    """
    files = find_lessons(paths)
    documents = tuple(name for name in DOCUMENTS if name in only)
    options = {"paper": paper, "format": format, "cards": cards, "overflow": allow_overflow}
    if format == "pdf":  # an HTML preview is the same in every PDF standard
        options["pdf"] = pdf
    environment = environment_hash(options, [stock_templates(), templates])
    parts = PartSize(card_layouts.PART_PAGES, card_layouts.FLOWING_PART_CARDS)
    settings = (
        documents,
        paper,
        format,
        templates,
        max_bytes,
        cards,
        allow_overflow,
        variants,
        seed,
        pdf,
        parts,
    )
    plans = [_plan(Job(file, *settings), out, environment, force) for file in files]
    own = pool is None
    workers = Pool(render_part, limits, jobs) if pool is None else pool
    try:
        work = Jobs(
            ((index, part.unit, 0), part, shown(plan.job.file))
            for index, plan in enumerate(plans)
            for part in plan.parts
        )
        answers = workers.run(work)
        gathered: dict[int, dict[str, RenderedPart | StudygenError]] = {}
        for index, plan in enumerate(plans):
            # Parts run in lesson order, so this lesson's are done before many of the next ones'.
            while len(gathered.setdefault(index, {})) < len(plan.parts):
                key, outcome = next(answers)
                done = work.collect(key, outcome)  # a big deck's parts come back as one document
                if done is not None:
                    (lesson, document), answer = done
                    gathered.setdefault(lesson, {})[document] = answer
            yield _finish(plan, gathered.pop(index), strict)
    finally:
        if own:
            workers.close()


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
    for wanted in _units(job):
        built = previous.get(wanted.unit)
        setting = _setting(environment, wanted)
        intact = built is not None and built.environment == setting and is_current(built, folder)
        if intact and built is not None and lesson is not None and built.lesson == lesson:
            current[wanted.unit] = built
        else:
            fingerprint = built.fingerprint if intact and built is not None else None
            parts.append(dataclasses.replace(wanted, unchanged_if=fingerprint))
    leftovers = has_leftovers(folder)
    return _Plan(job, folder, lesson, environment, previous, current, tuple(parts), notice, leftovers)


def _units(job: Job) -> list[Part]:
    """Every document a job asks of a lesson: its own, then each version's worksheet and key, then
    answers-all."""
    units = [Part(job, name) for name in job.documents]
    versioned = [name for name in VERSIONED if name in job.documents] if job.variants else []
    units += [Part(job, name, number) for number in range(1, job.variants + 1) for name in versioned]
    if job.variants and "answer-key" in job.documents:
        units.append(Part(job, ANSWERS_ALL.name))
    return units


def _setting(environment: str, part: Part) -> str:
    """What shapes a part besides its lesson: the build's environment, and for versions the draw."""
    if part.version is None and part.document != ANSWERS_ALL.name:
        return environment  # the lesson as written: --variants and --seed do not change it
    count = part.job.variants if part.document == ANSWERS_ALL.name else 0
    draw = f"{environment}\0seed {part.job.seed}\0versions {count}"
    return hashlib.sha256(draw.encode()).hexdigest()


def _finish(plan: _Plan, answers: Mapping[str, RenderedPart | StudygenError], strict: bool) -> LessonResult:
    """Publish what a lesson's parts rendered with its new manifest, as one set; report what was done."""
    result = LessonResult(plan.job.file, notices=[plan.notice] if plan.notice else [])
    outcomes = [answers[part.unit] for part in plan.parts]
    failed = [outcome for outcome in outcomes if isinstance(outcome, StudygenError)]
    if failed:
        result.error = failed[0]  # the first document's, in build order: the same error each run
        return result
    rendered = [outcome for outcome in outcomes if isinstance(outcome, RenderedPart)]
    # Each document warns of the lesson's language: the lesson hears it once.
    warnings = list(
        dict.fromkeys(warning for part in rendered if part.file is not None for warning in part.file.warnings)
    )
    if strict and warnings:
        result.error = StrictWarnings(warnings)
        return result
    result.warnings.extend(warnings)
    entries = {**plan.previous, **plan.current}
    written: dict[str, bytes] = {}
    empty: list[str] = []
    for part, answer in zip(plan.parts, rendered, strict=True):
        entries[answer.unit] = _entry(
            plan, answer, plan.previous.get(answer.unit), _setting(plan.environment, part)
        )
        if answer.file is not None:
            written[answer.file.name] = answer.file.data
            result.written.append(Written(plan.folder / answer.file.name, answer.file.pages))
        elif answer.empty:
            empty.append(answer.unit)
    empty += [name for name, built in plan.current.items() if not built.files]
    result.skipped += [name for name in plan.job.documents if name in empty]
    for answer in rendered:
        if answer.file is None and not answer.empty:
            plan.current[answer.unit] = entries[answer.unit]
    for built in plan.current.values():
        result.unchanged += [Written(plan.folder / file, built.pages) for file in built.files]
    suffix = f".{plan.job.format}"
    stale_units = [name for name in empty if name in DOCUMENTS] + _stale_versions(plan.job, empty)
    for unit in stale_units:
        if unit not in empty:  # a document the lesson no longer has keeps its entry: it is empty
            entries.pop(unit, None)
    stale = sorted({f"{name}{suffix}" for unit in stale_units for name in _output_names(unit)})
    if written or entries != plan.previous or plan.leftovers:
        _publish(plan, {**written, MANIFEST_NAME: manifest_bytes(entries)}, stale, result)
    return result


def _entry(plan: _Plan, part: RenderedPart, old: Built | None, setting: str) -> Built:
    """What the manifest records of a document after this build."""
    if part.file is None and not part.empty and old is not None:  # unchanged: only the lesson's bytes moved
        return dataclasses.replace(old, lesson=plan.lesson or "")
    files = {} if part.file is None else {part.file.name: hashlib.sha256(part.file.data).hexdigest()}
    pages = None if part.file is None else part.file.pages
    used = {} if part.file is None else dict(part.file.used)
    return Built(plan.lesson or "", setting, part.fingerprint, files, pages, used)


def _publish(plan: _Plan, documents: Mapping[str, bytes], stale: Sequence[str], result: LessonResult) -> None:
    """Write a lesson's documents and manifest as one set, removing those it no longer has."""
    try:
        publish(plan.folder, documents, remove=[name for name in stale if name not in documents])
    except OutputError as error:
        result.written.clear()
        result.unchanged.clear()
        result.error = BuildError(f"{shown(plan.job.file)}: cannot write into {shown(plan.folder)}: {error}")


def render_part(part: Part) -> RenderedPart:
    """Load a lesson and render one of its documents, unless what it prints is unchanged; in a worker.

    A big deck comes back as the parts to render it in, and then each part as a part of its own.
    """
    from studygen.manifest import fingerprint

    job = part.job
    loaded, source = _load(job, part.deck)
    document = ANSWERS_ALL if part.document == ANSWERS_ALL.name else DOCUMENTS[part.document]
    if part.deck_part is not None:
        if source is None or source != part.source:
            raise BuildError(
                f"{shown(job.file)}: the lesson changed while its flashcards were being built: build again"
            )
        file = _rendered(loaded, document, job, _lesson_environment(job, loaded), deck_part=part.deck_part)
        return RenderedPart(part.unit, "", file)  # the deck's fingerprint is its plan's: hashed once
    printed = fingerprint(loaded.data, document.ignores)
    if not document.wanted(loaded.lesson):
        return RenderedPart(part.unit, printed, None, empty=True)
    if printed == part.unchanged_if:
        return RenderedPart(part.unit, printed, None)
    env = _lesson_environment(job, loaded)
    if part.version is not None:
        from studygen.variants import version

        drawn = version(loaded, part.version, job.seed)
        return RenderedPart(part.unit, printed, _rendered(loaded, document, job, env, version=drawn))
    if document is ANSWERS_ALL:
        return RenderedPart(part.unit, printed, _every_versions_answers(loaded, job, env))
    parts = _deck_parts(loaded, document, job)
    if len(parts) > 1 and source is not None:
        # Checked once for the whole deck here, not again in each of its parts (0.13 s at 10,000 cards).
        _refuse_missing_glyphs(loaded, job)
        deck = secrets.token_hex(8)
        _loaded.clear()
        _loaded[deck] = (source, loaded)
        return RenderedPart(part.unit, printed, None, parts=tuple(parts), source=source, deck=deck)
    return RenderedPart(part.unit, printed, _rendered(loaded, document, job, env))


_loaded: dict[str, tuple[str, LoadedLesson]] = {}
"""The lesson of the big deck this worker renders parts of, by the deck's name, with the SHA-256 of
the bytes it was loaded from. One deck at a time, so a worker's memory does not grow with the course."""


def _load(job: Job, deck: str | None) -> tuple[LoadedLesson, str | None]:
    """Load a job's lesson, or for a part of a big deck the lesson its worker loaded for that deck;
    and the SHA-256 of the file it was loaded from (None if the file changed while it was read).

    Every part of a big deck needs the whole lesson (card numbers, problems at their lesson lines), and
    10,000 cards take seconds to load: a worker loads them once per deck, not once for each part. Any
    other document loads the lesson afresh, as every build does, so images and limits are checked anew.
    """
    from studygen.lesson import load_lesson
    from studygen.manifest import lesson_hash

    if deck is not None and deck in _loaded:
        kept, lesson = _loaded[deck]
        return lesson, kept
    _loaded.clear()
    source = lesson_hash(job.file, job.max_bytes)
    loaded = load_lesson(job.file, max_bytes=job.max_bytes)
    if source is None or lesson_hash(job.file, job.max_bytes) != source:
        return loaded, None  # it changed while it was read: no deck is cut from it
    if deck is not None:
        _loaded[deck] = (source, loaded)
    return loaded, source


def _deck_parts(loaded: LoadedLesson, document: Document, job: Job) -> list[tuple[int, int]]:
    """The parts a big deck renders in, each its first card number and card count; [] for any other."""
    from studygen.cards import parts_of

    if document.name != "flashcards" or job.format != "pdf" or not _lays_out_cards(job.templates):
        return []
    with _Explained(loaded, document):
        return parts_of(_deck(loaded, job.cards, PAPERS[job.paper]), job.deck_parts)


def _lays_out_cards(templates: Path | None) -> bool:
    """Whether the deck's templates place the cards they are given (`cards`), so a part shows its own.

    A project's flashcards template that never names `cards` may print every card of the lesson: its
    deck renders whole, as before, rather than once in every part.
    """
    import jinja2.meta

    if templates is None:
        return True
    own = [templates / "flashcards.html", *sorted((templates / "cards").glob("*.html"))]
    for file in own:
        if not file.is_file():
            continue
        try:
            parsed = _environment(templates).parse(file.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, jinja2.TemplateError):
            return False  # rendered whole, the template's problem is reported as it always was
        if "cards" not in jinja2.meta.find_undeclared_variables(parsed):
            return False
    return True


def _every_versions_answers(loaded: LoadedLesson, job: Job, env: jinja2.Environment) -> RenderedFile:
    """Draw every version and render answers-all, warning when the versions all came out the same."""
    from studygen.answers_all import answers_all
    from studygen.variants import versions

    drawn = versions(loaded, job.variants, job.seed)
    file = _rendered(loaded, ANSWERS_ALL, job, env, answers=answers_all(drawn))
    if len(drawn) > 1 and all(other.worked == drawn[0].worked for other in drawn[1:]):
        return dataclasses.replace(file, warnings=(*file.warnings, _alike(loaded, len(drawn))))
    return file


def _alike(loaded: LoadedLesson, count: int) -> str:
    """Say that every version drew the same values, and how to make them differ."""
    return (
        f"{shown(loaded.file)}: all {count} versions are the same: give a value as a list or a "
        "range to draw from, e.g. `t: [2, 3, 4]` (see Versions in docs/lesson-format.md)"
    )


def _versioned(documents: Sequence[str], skipped: Sequence[str]) -> tuple[str, ...]:
    """The documents versions are made of: the worksheet and the key, if built and not empty."""
    return tuple(name for name in VERSIONED if name in documents and name not in skipped)


def render_lesson(job: Job) -> RenderedLesson:
    """Render every document a job asks of a lesson, here, one after another: for tests and tools."""
    files: list[RenderedFile] = []
    skipped: list[str] = []
    for part in _units(job):
        answer = render_part(part)
        if answer.file is not None:
            files.append(answer.file)
        elif answer.empty and part.unit in job.documents:
            skipped.append(part.unit)
    return RenderedLesson(job.file.stem, tuple(files), tuple(skipped))


def _rendered(
    loaded: LoadedLesson,
    document: Document,
    job: Job,
    env: jinja2.Environment,
    *,
    version: Version | None = None,
    answers: tuple[AnswerTable, ...] | None = None,
    deck_part: tuple[int, int] | None = None,
) -> RenderedFile:
    """Render one document, turning what went wrong into an error at the lesson line or document."""
    with _Explained(loaded, document):
        return _render_document(
            loaded, document, job, env, version=version, answers=answers, deck_part=deck_part
        )


class _Explained:
    """Turn what stops a document's render into an error at its lesson line, or naming the document."""

    def __init__(self, loaded: LoadedLesson, document: Document) -> None:
        self.loaded = loaded
        self.document = document

    def __enter__(self) -> None:
        """Render inside."""

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, _: object) -> None:
        """Raise the error the teacher reads in place of what went wrong, if anything did."""
        loaded, name = self.loaded, self.document.name
        if isinstance(error, TextDoesNotFit):
            raise LessonError(_misplaced(loaded, error.misfits, allowed=error.allowed)) from None
        if isinstance(error, StudygenError) and not isinstance(error, LessonError):
            raise BuildError(f"{shown(loaded.file)}: {name}: {error.format_message()}") from None
        if isinstance(error, RecursionError):
            raise BuildError(f"{shown(loaded.file)}: {name}: {_too_deep(loaded)}") from None


def _render_document(
    loaded: LoadedLesson,
    document: Document,
    job: Job,
    env: jinja2.Environment,
    *,
    version: Version | None = None,
    answers: tuple[AnswerTable, ...] | None = None,
    deck_part: tuple[int, int] | None = None,
) -> RenderedFile:
    """Render one document of a lesson (or of one of its versions, or one part of its deck) as HTML or PDF."""
    from studygen.render import render_document, theme_files

    if job.format == "pdf" and deck_part is None:  # a deck in parts was checked as it was planned
        _refuse_missing_glyphs(loaded, job)
    paper = PAPERS[job.paper]
    if answers is not None:  # a version per column: the grid reads best across a landscape page
        paper = Paper(paper.name, paper.height_mm, paper.width_mm)
    deck = _deck(loaded, job.cards, paper, deck_part) if document.name == "flashcards" else None
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
    language = _language_warnings(loaded)
    # Every theme file the templates were looked for in, so editing or adding one rebuilds the document.
    themes = theme_files(env)
    if job.format == "html":
        return RenderedFile(f"{name}.html", html.encode(), None, language, used=themes)
    allowed = [stock_templates(), *([job.templates] if job.templates is not None else [])]
    # A deck in parts is joined page by page, and the joiner cannot merge the parts' structure trees:
    # its parts are written plain, so the joined deck never claims a standard it does not meet.
    variant = PDF_STANDARDS[job.pdf] if deck_part is None else None
    pdf = _renderer().render(
        html, folder=loaded.folder, allowed=allowed, allow_overflow=job.allow_overflow, variant=variant
    )
    warnings = language + tuple(str(problem) for problem in _misplaced(loaded, pdf.shrunk))
    if deck_part is not None and job.pdf != DEFAULT_PDF:
        warnings += (
            f"{shown(job.file)}: {name}.pdf is over {job.deck_parts.pages} pages, so it is joined from "
            f"parts and written as a plain, untagged PDF, not as --pdf {job.pdf}: put the cards in "
            "smaller lessons to write each deck to that standard",
        )
    used = dict(sorted({**themes, **pdf.used}.items()))
    return RenderedFile(f"{name}.pdf", pdf.data, pdf.pages, warnings, used)


def _language_warnings(loaded: LoadedLesson) -> tuple[str, ...]:
    """Warn, at the lesson's `language:` line, when some of studygen's words print in English instead."""
    from studygen.language import language_for

    missing = language_for(loaded.lesson.language).missing
    return (str(loaded.where.problem(("language",), missing)),) if missing else ()


def _deck(
    loaded: LoadedLesson, settings: PrintSettings, paper: Paper, part: tuple[int, int] | None = None
) -> Deck:
    """Lay out a lesson's flashcards as the command line and the lesson ask, or only one part of them
    (its first card number, its card count); refuse what cannot print."""
    from studygen.cards import LayoutError, deck_for

    lesson = loaded.lesson
    total = len(lesson.flashcards)
    first, count = part if part is not None else (1, total)
    try:
        return deck_for(
            count,
            settings=settings,
            lesson_layout=lesson.card_layout,
            lesson_size=lesson.card_size,
            paper=paper,
            first_number=first,
            total=total,
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


def _refuse_missing_glyphs(loaded: LoadedLesson, job: Job) -> None:
    """Fail, at its lesson line, on a character no font can print, rather than print an empty box."""
    from studygen.fonts import missing_glyphs

    themes = [folder for folder in (_theme(loaded), job.templates) if folder is not None and folder.is_dir()]
    found = missing_glyphs(loaded.lesson, themes)
    if found:
        raise LessonError([loaded.where.problem(p.path, p.message, near=p.near) for p in found])


def _theme(loaded: LoadedLesson) -> Path | None:
    """The lesson's own theme folder (`templates:`), checked again as the lesson check checked it."""
    from studygen.themes import lesson_theme

    try:
        return lesson_theme(loaded.lesson, loaded.folder)
    except ValueError as error:
        raise BuildError(f"{shown(loaded.file)}: {error}") from None


def _lesson_environment(job: Job, loaded: LoadedLesson) -> jinja2.Environment:
    """The Jinja environment for a lesson: its own theme, the project's templates, the stock ones."""
    # Keyed by where the folders are, so a worker kept between builds run from different folders never
    # uses an environment made for another project.
    templates = job.templates.absolute() if job.templates is not None else None
    return _environment(templates, _theme(loaded))


def _environment(templates: Path | None, theme: Path | None = None) -> jinja2.Environment:
    """Make the Jinja environment once per worker process, and again once a template file is saved."""
    return _environment_of(templates, theme, _saved(templates, theme))


@lru_cache(maxsize=8)
def _environment_of(
    templates: Path | None, theme: Path | None, saved: tuple[tuple[str, int, int], ...]
) -> jinja2.Environment:
    """Make the Jinja environment for these template folders, their files as `saved` describes them."""
    from studygen.render import environment

    return environment(templates, theme)


def _saved(templates: Path | None, theme: Path | None) -> tuple[tuple[str, int, int], ...]:
    """List each template file with its time and size, so one saved, added or removed is noticed."""
    # `studygen watch` keeps a worker for a whole session: a few dozen stats per document say when its
    # cached environment (and Jinja's cache of templates in it) is stale.
    given = (theme, templates, stock_templates())
    folders = [folder for folder in given if folder is not None and folder.is_dir()]
    found = []
    for folder in folders:
        for file in sorted(folder.rglob("*")):
            with contextlib.suppress(OSError):
                info = file.stat()
                found.append((str(file), info.st_mtime_ns, info.st_size))
    return tuple(found)


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
