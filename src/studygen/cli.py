"""The command line: parse options, call one library function, report. Nothing else lives here."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from studygen import __version__
from studygen.documents import DOCUMENTS, FORMATS, PAPERS

DEFAULT_CONTENT = Path("content")


def _kinds(ctx: click.Context, param: click.Parameter, value: str | None) -> tuple[str, ...]:
    """Split `--only worksheet,answer-key` into document names, refusing unknown ones."""
    if value is None:
        return tuple(DOCUMENTS)
    names = tuple(name.strip() for name in value.split(",") if name.strip())
    unknown = [name for name in names if name not in DOCUMENTS]
    if unknown or not names:
        raise click.BadParameter(
            f"{', '.join(unknown) or 'nothing'} is not a document; choose from {', '.join(DOCUMENTS)}"
        )
    return names


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="studygen")
def cli() -> None:
    """Turn YAML lessons into worksheets, answer keys, self-checks and flashcards."""


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
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
def build(paths: tuple[Path, ...], out: Path, only: tuple[str, ...], paper: str, format_: str) -> None:
    """Build lessons (files or folders; default content/) into documents."""
    from studygen.build import build as build_lessons

    failed = 0
    results = build_lessons(
        paths or (DEFAULT_CONTENT,),
        out=out,
        only=only,
        paper=paper,
        format=format_,
        templates=Path("templates"),
    )
    for result in results:
        if result.error is not None:
            failed += 1
            click.echo(f"Error: {result.error.format_message()}", err=True)
            continue
        files = ", ".join(
            w.path.name + (f" ({w.pages} page{'s' if w.pages != 1 else ''})" if w.pages else "")
            for w in result.written
        )
        folder = result.written[0].path.parent if result.written else out
        line = f"{result.file} -> {folder}/: {files or 'nothing to build'}"
        if result.skipped:
            line += f" (no content for {', '.join(result.skipped)})"
        click.echo(line)
    if failed:
        sys.exit(1)


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
def check(paths: tuple[Path, ...]) -> None:
    """Check lessons (files or folders; default content/) without building anything."""
    from studygen.check import check as check_lessons

    failed = 0
    for file, error in check_lessons(paths or (DEFAULT_CONTENT,)):
        if error is None:
            click.echo(f"{file}: ok")
        else:
            failed += 1
            click.echo(f"Error: {error.format_message()}", err=True)
    if failed:
        sys.exit(1)


def main(prog_name: str | None = None) -> None:
    """Run the command line."""
    cli(prog_name=prog_name)
