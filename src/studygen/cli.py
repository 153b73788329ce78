"""The command line: parse options, call one library function, report. Nothing else lives here."""

from __future__ import annotations

import os
import sys
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from studygen import __version__
from studygen.cards import FLIPS, LAYOUTS, SIZE_HELP, back_offset, card_size
from studygen.documents import DEFAULT_SEED, DOCUMENTS, FORMATS, MAX_VERSIONS, PAPERS
from studygen.errors import InternalError, StudygenError, hidden_characters, quoted, shown
from studygen.exports import EXPORTS
from studygen.interrupts import Interrupted, stop_on_signals
from studygen.source import MAX_FILE_BYTES
from studygen.worker import DEFAULT_MEMORY_MB, DEFAULT_SECONDS, LimitError

DEFAULT_CONTENT = Path("content")
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


def _warn_if_hidden(file: Path) -> None:
    """Warn about a lesson file whose name holds invisible or line-breaking characters."""
    found = hidden_characters(file.name)
    if found:
        click.echo(
            f"Warning: {shown(file)}: the file name contains {', '.join(found)}: hidden or line-breaking "
            "characters make it read wrongly in file lists and logs; rename the file",
            err=True,
        )


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="studygen")
def cli() -> None:
    """Turn YAML lessons into worksheets, answer keys, self-checks and flashcards."""


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
    "--timeout",
    type=click.FloatRange(1, 24 * 3600),
    default=DEFAULT_SECONDS,
    show_default=True,
    help="Seconds one lesson may take to render before it is stopped.",
)
@click.option(
    "--memory",
    type=click.IntRange(256, 1024 * 1024),
    default=DEFAULT_MEMORY_MB,
    show_default=True,
    help="MiB of memory one lesson's rendering may use before it is stopped.",
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
    "--variants",
    type=click.IntRange(1, MAX_VERSIONS),
    metavar="N",
    help=f"Also write N versions (1 to {MAX_VERSIONS}) of the worksheet and key, each with its own drawn "
    "values and shuffled options (worksheet-v01 …), and answers-all with every version's answers.",
)
@click.option(
    "--seed",
    type=int,
    help=f"Draw the versions with this whole number (default {DEFAULT_SEED}): the same seed gives the "
    "same versions on every machine.",
)
def build(
    paths: tuple[Path, ...],
    out: Path,
    only: tuple[str, ...],
    paper: str,
    format_: str,
    timeout: float,
    memory: int,
    layout: str | None,
    size: str | None,
    flip: str,
    offset: tuple[float, float],
    allow_overflow: bool,
    variants: int | None,
    seed: int | None,
    max_lesson_kb: int,
    debug: bool,
) -> None:
    """Build lessons (files or folders; default content/) into documents."""
    if seed is not None and variants is None:
        raise click.UsageError("--seed chooses how versions are drawn: add --variants N to make N versions")
    from studygen.build import build as build_lessons
    from studygen.cards import PrintSettings
    from studygen.worker import Limits

    failed = 0
    with _reporting(debug):
        results = build_lessons(
            paths or (DEFAULT_CONTENT,),
            out=out,
            only=only,
            paper=paper,
            format=format_,
            templates=Path("templates"),
            limits=Limits(seconds=timeout, memory_mb=memory),
            max_bytes=max_lesson_kb * 1024,
            cards=PrintSettings(layout, size, flip, offset),
            allow_overflow=allow_overflow,
            variants=variants or 0,
            seed=DEFAULT_SEED if seed is None else seed,
        )
        for result in results:
            _warn_if_hidden(result.file)
            for warning in result.warnings:
                click.echo(f"Warning: {warning}", err=True)
            if result.error is not None:
                failed += 1
                _report_failure(result.error, debug)
                continue
            files = ", ".join(
                w.path.name + (f" ({w.pages} page{'s' if w.pages != 1 else ''})" if w.pages else "")
                for w in result.written
            )
            folder = result.written[0].path.parent if result.written else out
            line = f"{shown(result.file)} -> {shown(folder)}/: {shown(files) or 'nothing to build'}"
            if result.skipped:
                line += f" (no content for {', '.join(result.skipped)})"
            click.echo(line)
    if failed:
        sys.exit(1)


@cli.command()
@_shared
def check(paths: tuple[Path, ...], max_lesson_kb: int, debug: bool) -> None:
    """Check lessons (files or folders; default content/) without building anything."""
    from studygen.check import check as check_lessons

    failed = 0
    with _reporting(debug):
        for file, error in check_lessons(paths or (DEFAULT_CONTENT,), max_bytes=max_lesson_kb * 1024):
            _warn_if_hidden(file)
            if error is None:
                click.echo(f"{shown(file)}: ok")
            else:
                failed += 1
                _report_failure(error, debug)
    if failed:
        sys.exit(1)


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
@_reading
def export(path: Path, to: str, out: Path | None, max_lesson_kb: int, debug: bool) -> None:
    """Export the flashcards of a lesson or folder to one file for Anki or Quizlet."""
    from studygen.export import export as export_lessons

    failed = 0
    with _reporting(debug):
        result = export_lessons(
            path, to=to, out=out, updated=_source_date_epoch(), max_bytes=max_lesson_kb * 1024
        )
        for lesson in result.lessons:
            _warn_if_hidden(lesson.file)
            if lesson.error is not None:
                failed += 1
                _report_failure(lesson.error, debug)
            elif lesson.deck is None:
                click.echo(f"{shown(lesson.file)}: no flashcards, nothing to export")
            else:
                cards = f"{lesson.cards} card{'s' if lesson.cards != 1 else ''}"
                click.echo(f"{shown(lesson.file)}: {cards} in deck {quoted(lesson.deck)}")
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
