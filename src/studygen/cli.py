"""The command line: parse options, call one library function, report. Nothing else lives here."""

from __future__ import annotations

import os
import re
import sys
import time
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from studygen.cards import FLIPS, LAYOUTS, SIZE_HELP, back_offset, card_size
from studygen.documents import (
    DEFAULT_PDF,
    DEFAULT_SEED,
    DOCUMENTS,
    FORMATS,
    MAX_VERSIONS,
    PAPERS,
    PDF_STANDARDS,
)
from studygen.errors import InternalError, StudygenError, hidden_characters, quoted, shown
from studygen.exports import EXPORTS
from studygen.interrupts import Interrupted, stop_on_signals
from studygen.lesson_files import MAX_FILE_BYTES
from studygen.worker import DEFAULT_MEMORY_MB, DEFAULT_SECONDS, LimitError

DEFAULT_CONTENT = Path("content")
MAX_JOBS = 64
"""The most render workers `--jobs` starts: each holds a WeasyPrint of its own (about 100 MB)."""
DEFAULT_PORT = 8000
"""The port `studygen watch` serves its preview on, on 127.0.0.1."""
MAX_SHARDS = 1000
"""The most shares `--shard K/N` splits a course into: more jobs than that is a typo."""
ABORTED = "lessons listed above are done, and no lesson was left with a mix of old and new documents"
"""What an interrupted command has done: a lesson is built and published whole, or not at all."""


def _kinds(ctx: click.Context, param: click.Parameter, value: str | None) -> tuple[str, ...]:
    """Split `--only worksheet,answer-key` into document names, refusing unknown ones."""
    if value is None:
        return tuple(DOCUMENTS)
    names = tuple(name.strip() for name in value.split(",") if name.strip())
    unknown = [name for name in names if name not in DOCUMENTS]
    if not names:
        raise click.BadParameter(f"name at least one document: {', '.join(DOCUMENTS)}")
    if unknown:
        raise click.BadParameter(
            f"{', '.join(unknown)} is not a document; choose from {', '.join(DOCUMENTS)}"
        )
    return names


def _card_size(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """Check `--card-size` before anything is built; the lesson's `card_size:` applies when it is left out."""
    if value is not None:
        try:
            card_size(value)
        except ValueError as error:
            raise click.BadParameter(str(error)) from None
    return value


def _back_offset(ctx: click.Context, param: click.Parameter, value: str) -> tuple[float, float]:
    """Read `--back-offset X,Y` in millimetres."""
    try:
        return back_offset(value)
    except ValueError as error:
        raise click.BadParameter(str(error)) from None


def _printing(*, flip: str, offset: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Add the options `build` and `calibrate` share for two-sided printing, each with its own help."""

    def add(command: Callable[..., Any]) -> Callable[..., Any]:
        command = click.option(
            "--back-offset",
            "offset",
            callback=_back_offset,
            default="0,0",
            show_default=True,
            metavar="X,Y",
            help=offset,
        )(command)
        return click.option("--flip", type=click.Choice(FLIPS), default="long", show_default=True, help=flip)(
            command
        )

    return add


def _shared(command: Callable[..., Any]) -> Callable[..., Any]:
    """Add the options `build` and `check` share: the paths, the lesson size cap and --debug."""
    return click.argument("paths", nargs=-1, type=click.Path(path_type=Path))(_reading(command))


def _reading(command: Callable[..., Any]) -> Callable[..., Any]:
    """Add the options every command that reads lessons has: the lesson size cap and --debug."""
    command = click.option(
        "--debug", is_flag=True, help="Show the full traceback of an internal error, for a bug report."
    )(command)
    command = click.option(
        "--max-lesson-kb",
        type=click.IntRange(1, 1024 * 1024),
        default=MAX_FILE_BYTES // 1024,
        show_default=True,
        help="Refuse lesson files larger than this many KiB.",
    )(command)
    return command


@contextmanager
def _reporting(debug: bool) -> Iterator[None]:
    """Let user errors through as `Error: ...`; turn anything else into an internal-error report."""
    try:
        yield
    except (click.ClickException, click.exceptions.Exit, click.Abort, KeyboardInterrupt):
        raise
    except Exception as error:
        details = traceback.format_exc()
        if debug:
            click.echo(details, err=True, nl=False)
        raise InternalError(f"{type(error).__name__}: {error}") from None


def _report_failure(error: StudygenError, debug: bool) -> None:
    """Print one lesson's error; with --debug, an internal error's traceback too."""
    if debug and isinstance(error, (InternalError, LimitError)):
        click.echo(error.details, err=True, nl=False)
    click.echo(f"Error: {error.format_message()}", err=True)


def _warn_if_hidden(file: Path, *, strict: bool = False) -> bool:
    """Warn about a lesson file whose name holds invisible characters; with --strict, fail it instead."""
    warning = _name_warning(file)
    if warning is not None:
        _warn(f"{shown(file)}: {warning}", strict=strict)
    return warning is not None


def _name_warning(file: Path) -> str | None:
    """Say what is wrong with a lesson's file name that holds invisible or line-breaking characters."""
    found = hidden_characters(file.name)
    if not found:
        return None
    return (
        f"the file name contains {', '.join(found)}: hidden or line-breaking characters make it read "
        "wrongly in file lists and logs; rename the file"
    )


def _warn(message: str, *, strict: bool) -> None:
    """Print a warning; with --strict, as the error it then is."""
    if strict:
        click.echo(f"Error: {message} (a warning, failing because of --strict)", err=True)
    else:
        click.echo(f"Warning: {message}", err=True)


def _shard(ctx: click.Context, param: click.Parameter, value: str | None) -> tuple[int, int] | None:
    """Read `--shard 2/4`: the second of four shares of the lessons."""
    if value is None:
        return None
    match = re.fullmatch(r"(\d{1,6})/(\d{1,6})", value.strip())
    if match is None:
        raise click.BadParameter(
            f"{quoted(value)} is not a shard: write K/N, e.g. 2/4 for the second of four jobs"
        )
    number, count = int(match.group(1)), int(match.group(2))
    if not 1 <= number <= count <= MAX_SHARDS:
        raise click.BadParameter(
            f"{quoted(value)}: K must be from 1 to N, and N at most {MAX_SHARDS}: e.g. 1/4, 2/4, 3/4 and 4/4"
        )
    return number, count


def _versions(variants: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Add --variants N and --seed S, which `build` and `export` share; `variants` is the first's help."""

    def add(command: Callable[..., Any]) -> Callable[..., Any]:
        command = click.option(
            "--seed",
            type=int,
            help=f"Draw the versions with this whole number (default {DEFAULT_SEED}): the same seed gives "
            "the same versions on every machine.",
        )(command)
        return click.option("--variants", type=click.IntRange(1, MAX_VERSIONS), metavar="N", help=variants)(
            command
        )

    return add


def _drawn(variants: int | None, seed: int | None) -> tuple[int, int]:
    """Read --variants and --seed as (count, seed), refusing --seed alone: it would change nothing."""
    if seed is not None and variants is None:
        raise click.UsageError("--seed chooses how versions are drawn: add --variants N to make N versions")
    return variants or 0, DEFAULT_SEED if seed is None else seed


def _for_ci(command: Callable[..., Any]) -> Callable[..., Any]:
    """Add the options CI jobs use on `build` and `check`: --strict and --shard."""
    command = click.option(
        "--shard",
        "shard",
        callback=_shard,
        metavar="K/N",
        help="Only the K-th of N shares of the lessons, for a CI job matrix: each lesson is in one share.",
    )(command)
    command = click.option("--strict", is_flag=True, help="Fail a lesson on any warning too.")(command)
    return command


def _lessons(paths: tuple[Path, ...], shard: tuple[int, int] | None) -> list[Path]:
    """Find the lessons a command names (default content/), keeping only its shard's when one is asked."""
    from studygen.lesson_files import find_lessons
    from studygen.lesson_files import shard as share

    files = find_lessons(paths or (DEFAULT_CONTENT,))
    if shard is None:
        return files
    kept = share(files, *shard)
    number, count = shard
    found = f"{len(files)} lesson{'s' if len(files) != 1 else ''}"
    if not kept:
        click.echo(f"Shard {number}/{count}: none of the {found} found falls in this shard; nothing to do")
    else:
        click.echo(f"Shard {number}/{count}: {len(kept)} of the {found} found")
    return kept


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="studygen", prog_name="studygen")
def cli() -> None:
    """Turn YAML lessons into worksheets, answer keys, self-checks and flashcards."""


_theme_option = click.option(
    "--templates",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=None,
    metavar="DIR",
    help="A theme: a folder of templates and theme.css that come before the stock look "
    "(default: ./templates if there is one; a lesson's own templates: folder comes first).",
)
"""build's and watch's --templates."""


@cli.command()
@_shared
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("output"),
    show_default=True,
    help="Folder to write <lesson>/<document>.pdf into.",
)
@click.option(
    "--only",
    callback=_kinds,
    metavar="KIND[,KIND]",
    help=f"Build only these documents: {', '.join(DOCUMENTS)}.",
)
@click.option("--paper", type=click.Choice(list(PAPERS)), default="a4", show_default=True, help="Paper size.")
@click.option(
    "--format",
    "format_",
    type=click.Choice(FORMATS),
    default="pdf",
    show_default=True,
    help="pdf to print; html to preview the same documents in a browser.",
)
@click.option(
    "--pdf",
    type=click.Choice(list(PDF_STANDARDS)),
    default=DEFAULT_PDF,
    show_default=True,
    help="accessible: tagged PDF/UA-1 for screen readers, with bookmarks; archive: PDF/A-3u for "
    "long-term archives, tagged too.",
)
@click.option(
    "--timeout",
    type=click.FloatRange(1, 24 * 3600),
    default=DEFAULT_SECONDS,
    show_default=True,
    help="Seconds one document may take to render before it is stopped.",
)
@click.option(
    "--memory",
    type=click.IntRange(256, 1024 * 1024),
    default=DEFAULT_MEMORY_MB,
    show_default=True,
    help="MiB of memory one render worker may use before it is stopped.",
)
@click.option(
    "--cards",
    "layout",
    type=click.Choice(list(LAYOUTS)),
    help="How flashcards print (default: the lesson's card_layout, else fold): "
    + "; ".join(f"{layout.name}: {layout.description}" for layout in LAYOUTS.values())
    + ".",
)
@click.option(
    "--card-size",
    "size",
    callback=_card_size,
    metavar="SIZE",
    help=f"Flashcard size (default: the lesson's card_size): {SIZE_HELP}.",
)
@_printing(
    flip="The edge your duplex printer turns the sheet over, for the sheet layout's backs.",
    offset="Move every flashcard back X mm right and Y mm down, as `studygen calibrate` measures.",
)
@click.option(
    "--allow-overflow",
    is_flag=True,
    help="Print card text that does not fit at its smallest size smaller still, with a warning, "
    "instead of failing.",
)
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(1, MAX_JOBS),
    envvar="STUDYGEN_JOBS",
    help="Documents rendered at once, each by its own worker process (default: $STUDYGEN_JOBS, else "
    "one per CPU core).",
)
@click.option("--force", is_flag=True, help="Rebuild every document, even those that are up to date.")
@_theme_option
@_versions(
    f"Also write N versions (1 to {MAX_VERSIONS}) of the worksheet and key, each with its own drawn "
    "values and shuffled options (worksheet-v01 …), and answers-all with every version's answers."
)
@_for_ci
def build(
    paths: tuple[Path, ...],
    out: Path,
    only: tuple[str, ...],
    paper: str,
    format_: str,
    pdf: str,
    timeout: float,
    memory: int,
    layout: str | None,
    size: str | None,
    flip: str,
    offset: tuple[float, float],
    allow_overflow: bool,
    jobs: int | None,
    force: bool,
    templates: Path | None,
    strict: bool,
    shard: tuple[int, int] | None,
    variants: int | None,
    seed: int | None,
    max_lesson_kb: int,
    debug: bool,
) -> None:
    """Build lessons (files or folders; default content/) into documents."""
    count, seed = _drawn(variants, seed)
    from studygen.build import build as build_lessons
    from studygen.cards import PrintSettings
    from studygen.pool import cores
    from studygen.report import Tally, lesson_line
    from studygen.worker import Limits

    started = time.monotonic()
    tally = Tally()
    with _reporting(debug):
        files = _lessons(paths, shard)
        if strict:  # a lesson failed for its file name is not built at all
            badly_named = [file for file in files if _warn_if_hidden(file, strict=True)]
            tally.failed += badly_named
            files = [file for file in files if file not in badly_named]
        results = build_lessons(
            files,
            out=out,
            only=only,
            paper=paper,
            format=format_,
            templates=templates or Path("templates"),
            limits=Limits(seconds=timeout, memory_mb=memory),
            max_bytes=max_lesson_kb * 1024,
            cards=PrintSettings(layout, size, flip, offset),
            allow_overflow=allow_overflow,
            strict=strict,
            jobs=jobs or cores(),
            force=force,
            variants=count,
            seed=seed,
            pdf=pdf,
        )
        with _progress(len(files)) as progress:
            for result in results if files else ():
                if not strict:
                    _warn_if_hidden(result.file)
                for notice in result.notices:
                    click.echo(f"Warning: {notice}", err=True)
                for warning in result.warnings:
                    click.echo(f"Warning: {warning}", err=True)
                tally.add(result)
                if result.error is not None:
                    _report_failure(result.error, debug)
                elif progress is None:
                    click.echo(lesson_line(result, out))
                if progress is not None:
                    progress.update(1)
    if tally.lessons > 1:  # one lesson's line already says everything the summary would
        click.echo(tally.summary(time.monotonic() - started))
    if tally.failed:
        sys.exit(1)


@contextmanager
def _progress(lessons: int) -> Iterator[Any]:
    """Show a progress bar on a terminal; in a CI log (no terminal) each lesson prints a line instead."""
    if lessons < 2 or not sys.stdout.isatty():
        yield None
        return
    with click.progressbar(length=lessons, label="Building", file=sys.stderr, show_pos=True) as bar:
        yield bar


@cli.command()
@_shared
@click.option(
    "--format",
    "format_",
    type=click.Choice(["text", "github"]),
    default="text",
    show_default=True,
    help="text for people; github for GitHub Actions annotations on each problem's lesson line.",
)
@_for_ci
def check(
    paths: tuple[Path, ...],
    format_: str,
    strict: bool,
    shard: tuple[int, int] | None,
    max_lesson_kb: int,
    debug: bool,
) -> None:
    """Check lessons (files or folders; default content/) without building anything."""
    from studygen.check import check as check_lessons

    failed = 0
    github = format_ == "github"
    with _reporting(debug):
        files = _lessons(paths, shard)
        for file, error in check_lessons(files, max_bytes=max_lesson_kb * 1024) if files else ():
            warned = _annotate_name(file, strict=strict) if github else _warn_if_hidden(file, strict=strict)
            if error is not None:
                failed += 1
                if github:
                    _annotate(file, error)
                else:
                    _report_failure(error, debug)
            elif warned and strict:
                failed += 1
            else:
                click.echo(f"{shown(file)}: ok")
    if failed:
        sys.exit(1)


def _annotate(file: Path, error: StudygenError) -> None:
    """Print a lesson's problems as GitHub annotations, each on its line of the lesson."""
    from studygen.annotations import error_annotations

    for line in error_annotations(file, error):
        click.echo(line)


def _annotate_name(file: Path, *, strict: bool) -> bool:
    """Annotate a lesson whose file name hides characters: a warning, or with --strict an error."""
    from studygen.annotations import annotation

    warning = _name_warning(file)
    if warning is not None:
        click.echo(annotation("error" if strict else "warning", file, warning))
    return warning is not None


@cli.command()
@click.argument("path", type=click.Path(path_type=Path))
@click.option(
    "--to",
    "to",
    type=click.Choice(list(EXPORTS)),
    required=True,
    help="; ".join(f"{name}: {export.description}" for name, export in EXPORTS.items()) + ".",
)
@click.option(
    "-o",
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="File to write; default output/<lesson or folder name> with the format's suffix.",
)
@_versions("Export N versions (1 to 99), each with its own drawn values, as a category of its own (moodle).")
@_reading
def export(
    path: Path,
    to: str,
    out: Path | None,
    variants: int | None,
    seed: int | None,
    max_lesson_kb: int,
    debug: bool,
) -> None:
    """Export a lesson or folder: flashcards to Anki or Quizlet, exercises to Moodle."""
    from studygen.export import export as export_lessons
    from studygen.exports import Gathering

    export_format = EXPORTS[to]
    count, seed = _drawn(variants, seed)
    if count and not export_format.versions:
        raise click.UsageError(
            f"--variants makes versions of the exercises, which only --to moodle exports; --to {to} "
            "exports flashcards: leave --variants out"
        )
    failed = 0
    with _reporting(debug):
        asked = Gathering(_source_date_epoch(), count, seed)
        result = export_lessons(path, to=to, out=out, asked=asked, max_bytes=max_lesson_kb * 1024)
        for lesson in result.lessons:
            _warn_if_hidden(lesson.file)
            if lesson.error is not None:
                failed += 1
                _report_failure(lesson.error, debug)
            elif lesson.deck is None:
                click.echo(f"{shown(lesson.file)}: no {export_format.needs}, nothing to export")
            else:
                items = f"{lesson.cards} {export_format.item}{'s' if lesson.cards != 1 else ''}"
                click.echo(f"{shown(lesson.file)}: {items} in {export_format.group} {quoted(lesson.deck)}")
        if result.written is not None:
            line = f"Wrote {shown(result.written)}"
            if result.images:
                line += (
                    f" and {len(result.images)} image{'s' if len(result.images) != 1 else ''} beside it: "
                    "copy the studygen-*.* files into Anki's collection.media folder before importing"
                )
            click.echo(line)
    if failed:
        sys.exit(1)


@cli.command()
@click.argument("title")
@click.option(
    "-o",
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="The lesson file to write; default content/<title as a file name>.yaml.",
)
def new(title: str, out: Path | None) -> None:
    """Write a new lesson with this title, every section shown once."""
    from studygen.starter import new_lesson

    written = new_lesson(title, folder=DEFAULT_CONTENT, file=out)
    click.echo(f"Wrote {shown(written)}: fill it in, then run studygen check {shown(written)}")


@cli.command()
def schema() -> None:
    """Print the lesson format as JSON Schema, for editors."""
    from studygen.reference import json_schema

    click.echo(json_schema(), nl=False)


@cli.command()
@click.argument("path", type=click.Path(path_type=Path), default=DEFAULT_CONTENT)
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("output"),
    show_default=True,
    help="Folder to write <lesson>/<document>.pdf into, as build does.",
)
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=DEFAULT_PORT,
    show_default=True,
    help="Port of the preview on 127.0.0.1; 0 picks a free one (the address is printed).",
)
@click.option("--paper", type=click.Choice(list(PAPERS)), default="a4", show_default=True, help="Paper size.")
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(1, MAX_JOBS),
    envvar="STUDYGEN_JOBS",
    help="Render workers kept running for the session (default: $STUDYGEN_JOBS, else one per CPU core).",
)
@_theme_option
@_reading
def watch(
    path: Path,
    out: Path,
    port: int,
    paper: str,
    jobs: int | None,
    templates: Path | None,
    max_lesson_kb: int,
    debug: bool,
) -> None:
    """Rebuild lessons (default content/) on every save, with a live preview."""
    from studygen.pool import cores
    from studygen.watch import Settings
    from studygen.watch import watch as watch_lessons
    from studygen.worker import Limits

    settings = Settings(
        out=out,
        paper=paper,
        templates=templates or Path("templates"),
        limits=Limits(),
        max_bytes=max_lesson_kb * 1024,
        jobs=jobs or cores(),
    )
    with _reporting(debug):
        watch_lessons(path, settings=settings, port=port, say=click.echo, complain=_complain)


def _complain(line: str) -> None:
    """Print a watch session's warning or error line on standard error."""
    click.echo(line, err=True)


def _source_date_epoch() -> int | None:
    """Read SOURCE_DATE_EPOCH, the reproducible-builds time an export's notes then carry."""
    value = os.environ.get("SOURCE_DATE_EPOCH")
    if value is None:
        return None
    if not value.strip().isdigit():
        raise StudygenError(
            f"SOURCE_DATE_EPOCH is {quoted(value)}: set it to whole seconds since 1970, "
            "e.g. SOURCE_DATE_EPOCH=$(git log -1 --format=%ct), or unset it"
        )
    return int(value)


@cli.command()
@click.option(
    "-o",
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("calibration.pdf"),
    show_default=True,
    help="The PDF to write.",
)
@click.option("--paper", type=click.Choice(list(PAPERS)), default="a4", show_default=True, help="Paper size.")
@_printing(
    flip="The edge your duplex printer turns the sheet over.",
    offset="Print the back already moved by this offset, to check an offset you measured.",
)
@click.option("--debug", is_flag=True, help="Show the full traceback of an internal error, for a bug report.")
def calibrate(out: Path, paper: str, flip: str, offset: tuple[float, float], debug: bool) -> None:
    """Write a two-sided sheet that measures the --back-offset your printer needs."""
    from studygen.calibrate import write_calibration

    with _reporting(debug):
        try:
            pages = write_calibration(out, paper=PAPERS[paper], flip=flip, back_offset=offset)
        except StudygenError as error:
            _report_failure(error, debug)
            sys.exit(1)
    click.echo(
        f"{shown(out)} ({pages} pages): print it two-sided at actual size, flipping on the {flip} edge, "
        "and read the offset as the sheet explains"
    )


def main(prog_name: str | None = None) -> None:
    """Run the command line; Ctrl-C and SIGTERM end it with one line and exit 130 or 143."""
    stop_on_signals()
    try:
        cli(prog_name=prog_name)
    except Interrupted as stop:
        how = "interrupted (Ctrl-C)" if stop.by_ctrl_c else "stopped (SIGTERM)"
        click.echo(f"Aborted: studygen was {how}; {ABORTED}", err=True)
        sys.exit(stop.exit_code)
