"""Render a lesson's documents to HTML with Jinja: autoescaped, strict, with project overrides."""

from __future__ import annotations

from pathlib import Path
from typing import TypedDict

import jinja2

from studygen import __version__, prose
from studygen.answers_all import AnswerTable
from studygen.cards import Deck
from studygen.documents import Document, Paper, stock_templates
from studygen.errors import BuildError
from studygen.fit import SMALLEST_PT
from studygen.lesson import LoadedLesson
from studygen.variants import Version
from studygen.worked import WorkedLesson


class TemplateContext(TypedDict):
    """What every document template receives: the contract a theme writer programs against.

    Templates also have the filters `markdown` (block markdown to HTML), `inline` (one paragraph) and
    `blocks_around_blanks` (block markdown cut at its blanks' marks), and the globals `version` and
    `smallest_pt` (the smallest size card text may shrink to, in points: `smallest_pt.answer`). An
    exercise's part is laid out by its kind's template, included with `exercise` (a `WorkedExercise`)
    and `key` (True in the answer key) in scope.
    """

    lesson: WorkedLesson
    """The lesson with every answer, step, tick and label decided."""
    document: Document
    """Which document is being rendered: its `name` and `title`."""
    paper: Paper
    """The paper size, for `@page` and layouts measured in millimetres."""
    base_href: str | None
    """In an HTML preview, the lesson folder's URL, so its images show; None in a PDF."""
    cards: Deck | None
    """In the flashcards document, the deck laid out: its layout, card size, pages and the faces on
    each, placed in millimetres; `paper` is then the page the deck prints on. None in other documents."""
    version_label: str | None
    """In a version's worksheet and key (`--variants`), its label, `Version 3`: printed on every page
    and in the title. None in the plain documents."""
    answers_all: tuple[AnswerTable, ...] | None
    """In answers-all, every version's answers, a version per column; None in other documents."""


def environment(project_templates: Path | None = None) -> jinja2.Environment:
    """Make the Jinja environment: the project's templates first, then the stock ones.

    A project template replaces the stock file of the same name; it can still extend the stock file
    as `default:<name>`.
    """
    stock = jinja2.FileSystemLoader(stock_templates())
    loaders: list[jinja2.BaseLoader] = []
    if project_templates is not None and project_templates.is_dir():
        loaders.append(jinja2.FileSystemLoader(project_templates))
    loaders += [jinja2.PrefixLoader({"default": stock}, delimiter=":"), stock]
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        # No autoreload: templates do not change in the middle of a build.
        auto_reload=False,
        keep_trailing_newline=True,
    )
    env.filters["markdown"] = prose.block
    env.filters["inline"] = prose.inline
    env.filters["blocks_around_blanks"] = prose.blocks_around_blanks
    env.globals.update(version=__version__, smallest_pt=SMALLEST_PT)
    return env


def render_document(
    env: jinja2.Environment,
    loaded: LoadedLesson,
    document: Document,
    *,
    paper: Paper,
    preview: bool = False,
    cards: Deck | None = None,
    version: Version | None = None,
    answers_all: tuple[AnswerTable, ...] | None = None,
) -> str:
    """Render one document of a lesson to a complete HTML page; a preview links images to the lesson.

    With `cards`, the page size is the deck's page (card stock, or the paper turned for more cards).
    With `version`, the document shows that version's values and answers, and its label.
    """
    try:
        template = env.get_template(document.template)
        context = TemplateContext(
            lesson=version.worked if version is not None else loaded.worked,
            document=document,
            paper=cards.page if cards is not None else paper,
            cards=cards,
            base_href=loaded.folder.resolve().as_uri() + "/" if preview else None,
            version_label=version.label if version is not None else None,
            answers_all=answers_all,
        )
        return template.render(context)
    except jinja2.TemplateError as error:
        where = f"{error.filename}:{error.lineno}: " if isinstance(error, jinja2.TemplateSyntaxError) else ""
        raise BuildError(f"template {document.template}: {where}{error}") from None
