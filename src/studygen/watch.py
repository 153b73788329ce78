"""Rebuild lessons whenever they are saved, on render workers kept warm all session, with a live preview.

Each burst of saves rebuilds only the lessons it touched (a lesson file, an image in a lesson's
folder; every lesson for a template), through the build's own manifest, so editing one flashcard
renders only the flashcards. The HTML previews are built into a folder of the session's own, beside
the PDFs in the output folder, and served by `studygen.preview`.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from studygen.build import LessonResult, Written, build, render_part
from studygen.documents import stock_templates
from studygen.errors import StudygenError, shown
from studygen.interrupts import received
from studygen.lesson_files import LESSON_SUFFIXES, find_lessons
from studygen.pool import Pool
from studygen.preview import LessonState, Preview, Site
from studygen.report import lesson_line
from studygen.worker import Limits

if TYPE_CHECKING:
    from watchfiles import Change

QUIET_MS = 100
"""A burst of saves ends after this long without another event: editors write one save as several."""

LONGEST_BURST_MS = 1600
"""The longest a burst of events is gathered before rebuilding, even if events keep coming."""

IDLE_MS = 250
"""How long the watcher waits for a first event before saying it is ready, and then between idle turns."""

NAMED_AT_MOST = 3
"""How many changed files a rebuild's line names before it only counts the rest."""


@dataclass(frozen=True)
class Settings:
    """How a watch session builds: the same settings as `studygen build`'s, fixed for the session."""

    out: Path
    paper: str
    templates: Path | None
    limits: Limits
    max_bytes: int
    jobs: int


Say = Callable[[str], None]


def watch(path: Path, *, settings: Settings, port: int, say: Say, complain: Say) -> None:
    """Build the lessons in path, serve their preview, and rebuild what each save changes, until stopped.

    Ends only by a signal (Interrupted, from `studygen.interrupts`); `say` prints a line on standard
    output, `complain` a warning or an error on standard error.
    """
    import watchfiles  # only `watch` pays for it

    lessons = find_lessons([path])
    pool = Pool(render_part, settings.limits, settings.jobs)
    with tempfile.TemporaryDirectory(prefix="studygen-preview-") as previews, contextlib.closing(pool):
        session = _Session(path, lessons, settings, Path(previews), pool, say, complain)
        preview = Preview(session.site, port)  # first, so a port in use is said before a long build
        say(f"Preview: {preview.url}")  # it can be opened at once: the index fills in as lessons build
        try:
            ignored = watchfiles.DefaultFilter(
                ignore_paths=[settings.out.resolve(), Path(previews).resolve()]
            )
            bursts = watchfiles.watch(
                *session.roots,
                watch_filter=ignored,
                step=QUIET_MS,
                debounce=LONGEST_BURST_MS,
                rust_timeout=IDLE_MS,
                yield_on_timeout=True,
            )
            try:
                next(bursts)  # answers once the watcher is set up: a save during the first build is seen
                session.first_build()
                say(f"Watching {', '.join(_named(session.roots))} for changes; Ctrl-C stops")
                for changes in bursts:
                    if changes:  # an empty burst says only that nothing happened for IDLE_MS
                        session.saved(changes)
            except KeyboardInterrupt:  # how watchfiles passes on a signal that arrived while it waited
                raise received() from None
        finally:
            preview.stop()


class _Session:
    """A watch session's lessons, workers and preview, rebuilt burst by burst."""

    def __init__(
        self,
        path: Path,
        lessons: list[Path],
        settings: Settings,
        previews: Path,
        pool: Pool,
        say: Say,
        complain: Say,
    ) -> None:
        self.path = path
        self.lessons = lessons
        self.settings = settings
        self.pool = pool
        self.say = say
        self.complain = complain
        self.site = Site(previews=previews, out=settings.out)
        self.templates = [
            folder.resolve()
            for folder in (settings.templates, stock_templates())
            if folder and folder.is_dir()
        ]
        lesson_root = path if path.is_dir() else path.parent
        self.roots = _outermost([lesson_root.resolve(), *self.templates])

    def first_build(self) -> None:
        """Build every lesson, printing a line for each as `studygen build` does."""
        for result in self._rebuild(self.lessons):
            if result.error is None:
                self.say(lesson_line(result, self.settings.out))

    def saved(self, changes: set[tuple[Change, str]]) -> None:
        """Rebuild what a burst of saves touched, and print one line saying what and how long it took."""
        started = time.monotonic()
        changed = _lasting(changes)
        if not changed:
            return
        gone, found = self._refind(changed)
        wanted = self._touched(changed)
        for file in found:
            if file not in wanted:
                wanted.append(file)
        if not wanted and not gone:
            return  # nothing watched depends on it: a file beside a lesson that PATH does not name
        results = self._rebuild(wanted) if wanted else []
        if gone and not results:
            self.site.update(self._states(results))  # the index stops listing them
        self.say(_rebuild_line(changed, results, gone, time.monotonic() - started))

    def _refind(self, changed: Sequence[Path]) -> tuple[list[Path], list[Path]]:
        """Find the lessons again when a lesson file appeared or went: return those gone and those new."""
        if not any(file.suffix in LESSON_SUFFIXES for file in changed):
            return [], []
        try:
            now = find_lessons([self.path])
        except StudygenError as error:  # the folder is empty, or two lessons now share a name
            self.complain(f"Error: {error.format_message()}")
            now = [file for file in self.lessons if file.is_file()]
        known = {file.resolve() for file in self.lessons}
        kept = {file.resolve() for file in now}
        gone = [file for file in self.lessons if file.resolve() not in kept]
        found = [file for file in now if file.resolve() not in known]
        self.lessons = now
        return gone, found

    def _touched(self, changed: Sequence[Path]) -> list[Path]:
        """The lessons a change can alter: every one for a template, else its file or its folder's files."""
        files = {file.resolve() for file in changed}
        if any(file.is_relative_to(folder) for file in files for folder in self.templates):
            return list(self.lessons)
        others = [file for file in files if file.suffix not in LESSON_SUFFIXES]
        return [
            lesson
            for lesson in self.lessons
            if lesson.resolve() in files
            or any(file.is_relative_to(lesson.resolve().parent) for file in others)
        ]

    def _rebuild(self, lessons: Sequence[Path]) -> list[LessonResult]:
        """Rebuild the previews, show them, then the PDFs; print warnings and errors; return the PDFs'."""
        previews = list(self._build(lessons, self.site.previews, "html"))
        self.site.update(self._states(previews))
        results = list(self._build(lessons, self.settings.out, "pdf"))
        for preview, result in zip(previews, results, strict=True):
            if result.error is None and preview.error is not None:
                result.error = preview.error  # the preview's template failed where the PDF's did not
        states = self._states(results)
        if any(
            states[slug].error != state.error for slug, state in self.site.lessons.items() if slug in states
        ):
            self.site.update(states)  # a PDF-only failure (text too long for its card) shows on the page too
        for result in results:
            for warning in (*result.notices, *result.warnings):
                self.complain(f"Warning: {warning}")
            if result.error is not None:
                self.complain(f"Error: {result.error.format_message()}")
        return results

    def _build(self, lessons: Sequence[Path], out: Path, format: str) -> Iterable[LessonResult]:
        """Build lessons in one format on the session's warm workers."""
        settings = self.settings
        return build(
            lessons,
            out=out,
            paper=settings.paper,
            format=format,
            templates=settings.templates,
            max_bytes=settings.max_bytes,
            limits=settings.limits,
            jobs=settings.jobs,
            pool=self.pool,
        )

    def _states(self, results: Iterable[LessonResult]) -> dict[str, LessonState]:
        """What the preview shows of each lesson: these results' errors, and the earlier state of the rest."""
        errors = {result.file.resolve(): result.error for result in results}
        states: dict[str, LessonState] = {}
        for file in self.lessons:
            old = self.site.lessons.get(file.stem)
            if file.resolve() in errors:
                error = errors[file.resolve()]
                states[file.stem] = LessonState(file, error.format_message() if error is not None else None)
            else:
                states[file.stem] = old if old is not None else LessonState(file)
        return states


def _lasting(changes: set[tuple[Change, str]]) -> list[Path]:
    """The files a burst changed, leaving out those it made and removed again (an editor's temporary file)."""
    from watchfiles import Change

    added = {name for change, name in changes if change == Change.added}
    return sorted({Path(name) for _, name in changes if name not in added or Path(name).exists()})


def _rebuild_line(
    changed: Sequence[Path], results: Sequence[LessonResult], gone: Sequence[Path], seconds: float
) -> str:
    """Say in one line what a burst of saves changed, what it rebuilt and how long that took."""
    written = [file for result in results for file in result.written]
    failed = [result.file for result in results if result.error is not None]
    done: list[str] = []
    if written:
        done.append(f"rebuilt {_files(written)}")
    if failed:
        done.append(f"{_lessons(failed)} failed (the preview shows the error)")
    if gone:
        done.append(f"{_lessons(gone)} removed from the preview")
    if not done:
        done.append("nothing to rebuild, every document is up to date")
    return f"{time.strftime('%H:%M:%S')} {_changes(changed)}: {'; '.join(done)} in {seconds:.2f} s"


def _changes(changed: Sequence[Path]) -> str:
    """Name the files a burst changed, the first few by name."""
    names = _named(changed)
    if len(names) > NAMED_AT_MOST:
        return f"{', '.join(names[:NAMED_AT_MOST])} and {len(names) - NAMED_AT_MOST} more files changed"
    return f"{', '.join(names)} changed"


def _files(written: Sequence[Written]) -> str:
    """Name rebuilt documents with their page counts."""
    return ", ".join(
        shown(_relative(file.path))
        + (f" ({file.pages} page{'s' if file.pages != 1 else ''})" if file.pages else "")
        for file in written
    )


def _lessons(files: Sequence[Path]) -> str:
    """Name lesson files."""
    return ", ".join(_named(files))


def _named(files: Iterable[Path]) -> list[str]:
    """Files as a teacher reads them: relative to the current folder where they are inside it."""
    return [shown(_relative(file)) for file in files]


def _relative(file: Path) -> Path:
    """A path relative to the current folder, if it is inside it."""
    absolute = Path(os.path.abspath(file))
    return absolute.relative_to(Path.cwd()) if absolute.is_relative_to(Path.cwd()) else file


def _outermost(folders: Sequence[Path]) -> list[Path]:
    """The folders to watch, in order: each once, and none inside another that is watched already."""
    unique = list(dict.fromkeys(folders))
    return [
        folder
        for folder in unique
        if not any(folder != outer and folder.is_relative_to(outer) for outer in unique)
    ]
