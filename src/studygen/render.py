"""Render a lesson's documents to HTML with Jinja: autoescaped, strict, with project overrides."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TypedDict

import jinja2
import jinja2.loaders
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup

from studygen import __version__, prose
from studygen.answers_all import AnswerTable
from studygen.cards import Deck
from studygen.documents import Document, Paper, stock_templates
from studygen.errors import BuildError, shown
from studygen.fit import SMALLEST_PT
from studygen.language import gettext, language_for, ngettext, speaking, value_separator
from studygen.lesson import LoadedLesson
from studygen.manifest import ABSENT
from studygen.themes import THEME_STYLESHEET
from studygen.variants import Version
from studygen.worked import WorkedLesson


class TemplateContext(TypedDict):
    """What every document template receives: the contract a theme writer programs against.

    Templates also have the filters `markdown` (block markdown to HTML), `inline` (one paragraph) and
    `blocks_around_blanks` (block markdown cut at its blanks' marks), and the globals `version`,
    `smallest_pt` (the smallest size card text may shrink to, in points: `smallest_pt.answer`) and
    `theme_stylesheets` (the URLs of the themes' `theme.css`, linked after the stock stylesheet). An
    exercise's part is laid out by its kind's template, included with `exercise` (a `WorkedExercise`)
    and `key` (True in the answer key) in scope.

    Words a template prints itself come from the lesson's language (docs/languages.md): `_("Name")`
    translates a word of `locale/studygen.pot`, `ngettext(singular, plural, n)` one that depends on a
    count; the filter `colon` writes a label before a colon as the language does (`Données :`),
    `values` joins given values (`; ` where the decimal mark is a comma), and `css_string` /
    `css_content` write a word as a CSS string (`"fold"`) or a `{page}`/`{pages}` pattern as a CSS
    `content` value with page counters.
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


class ThemeLoader(jinja2.FileSystemLoader):
    """Load templates from a theme folder and nothing outside it, noting each file looked for.

    A theme is the teacher's own, but a lesson's `templates:` folder arrives with the lesson: a
    symbolic link in it that leads out of the folder is refused rather than followed.
    """

    def __init__(self, folder: Path, used: dict[str, str]) -> None:
        super().__init__(folder)
        self.root = folder.resolve()
        self.used = used
        """Each theme file looked for, by path, with the SHA-256 of its bytes, or ABSENT."""

    def get_source(
        self, environment: jinja2.Environment, template: str
    ) -> tuple[str, str, Callable[[], bool]]:
        """Read a template from the theme folder, refusing one that resolves outside it."""
        if template.startswith("default:"):  # the stock file, which only the stock loader holds
            raise jinja2.TemplateNotFound(template)
        path = self.root.joinpath(*jinja2.loaders.split_template_path(template))
        if not path.resolve().is_relative_to(self.root):
            raise jinja2.TemplateError(
                f"{template} in {shown(self.root)} leads outside the theme's folder: copy the file into it"
            )
        try:
            source, filename, uptodate = super().get_source(environment, template)
        except jinja2.TemplateNotFound:
            self.used[str(path)] = ABSENT
            raise
        self.used[str(path)] = hashlib.sha256(path.read_bytes()).hexdigest()
        return source, filename, uptodate


class ThemedEnvironment(SandboxedEnvironment):
    """A sandboxed Jinja environment that remembers which theme files its templates were looked for in."""

    theme_files: dict[str, str]
    """Each theme file looked for, by path, with the SHA-256 of its bytes, or ABSENT: for the manifest."""


def environment(project_templates: Path | None = None, theme: Path | None = None) -> jinja2.Environment:
    """Make the Jinja environment: the lesson's theme, then the project's templates, then the stock ones.

    A theme's template replaces the stock file of the same name; it can still extend the stock file
    as `default:<name>`. Templates run sandboxed: a theme can lay values out, never reach Python's
    internals through them. The global `theme_stylesheets` lists each folder's `theme.css`, to link
    after the stock stylesheet.
    """
    stock = jinja2.FileSystemLoader(stock_templates())
    used: dict[str, str] = {}
    folders = [folder for folder in (theme, project_templates) if folder is not None and folder.is_dir()]
    loaders: list[jinja2.BaseLoader] = [ThemeLoader(folder, used) for folder in folders]
    loaders += [jinja2.PrefixLoader({"default": stock}, delimiter=":"), stock]
    env = ThemedEnvironment(
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
    # The project's theme first, the lesson's last: in the cascade, the later stylesheet wins.
    sheets = [_stylesheet(folder, used) for folder in reversed(folders)]
    env.globals.update(
        version=__version__,
        smallest_pt=SMALLEST_PT,
        theme_stylesheets=[sheet for sheet in sheets if sheet is not None],
        _=gettext,
        ngettext=ngettext,
    )
    env.filters["colon"] = _colon
    env.filters["values"] = _values
    env.filters["css_string"] = css_string
    env.filters["css_content"] = css_content
    env.theme_files = used
    return env


def theme_files(env: jinja2.Environment) -> dict[str, str]:
    """Each theme file an environment's templates were looked for in, with its SHA-256 or ABSENT."""
    used = env.theme_files if isinstance(env, ThemedEnvironment) else {}
    return dict(sorted(used.items()))


def _stylesheet(folder: Path, used: dict[str, str]) -> str | None:
    """The URL of a theme folder's `theme.css`, or None (noted as absent) if it has none."""
    sheet = folder.resolve() / THEME_STYLESHEET
    if sheet.is_file():
        return sheet.as_uri()  # WeasyPrint reads it through the sandbox, which notes its hash
    used[str(sheet)] = ABSENT
    return None


def _colon(label: str) -> str:
    """Write a label before a colon as the language does: `Given:`, `Données :`."""
    return gettext("{label}:").format(label=label)


def _values(values: Iterable[str]) -> str:
    """Join given values, `a = 1.5, b = 2`, with a semicolon where the decimal mark is a comma."""
    return value_separator().join(values)


# Backslash, quote and newline end or break a CSS string; `<` could close the <style> element.
_CSS_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\a ", "<": "\\3c "}


def css_string(text: str) -> Markup:
    """Write text as a double-quoted CSS string, safe inside a <style> element."""
    return Markup('"' + "".join(_CSS_ESCAPES.get(character, character) for character in text) + '"')


CSS_PLACES = {
    "page": "counter(page)",
    "pages": "counter(pages)",
    "first": "string(card-number, first)",
    "last": "string(card-number, last)",
}
"""What each `{name}` in a pattern of studygen's words becomes in a CSS content value."""


def css_content(pattern: str, **values: object) -> Markup:
    """Write a `Page {page} of {pages}` pattern as a CSS content value: `"Page " counter(page) …`.

    `{page}`, `{pages}`, `{first}` and `{last}` become counters and card numbers; any other `{name}` is
    the text of `values[name]`.
    """
    pieces = re.split(r"\{(\w+)\}", pattern)
    # re.split puts each place's name at an odd index, the text between them at the even ones.
    parts = [
        (CSS_PLACES.get(piece) or css_string(str(values[piece]))) if index % 2 else css_string(piece)
        for index, piece in enumerate(pieces)
        if index % 2 or piece
    ]
    return Markup(" ".join(parts))


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
    lesson = version.worked if version is not None else loaded.worked
    try:
        template = env.get_template(document.template)
        context = TemplateContext(
            lesson=lesson,
            document=document,
            paper=cards.page if cards is not None else paper,
            cards=cards,
            base_href=loaded.folder.resolve().as_uri() + "/" if preview else None,
            version_label=version.label if version is not None else None,
            answers_all=answers_all,
        )
        with speaking(language_for(lesson.language)):
            return template.render(context)
    except jinja2.TemplateError as error:
        where = f"{error.filename}:{error.lineno}: " if isinstance(error, jinja2.TemplateSyntaxError) else ""
        raise BuildError(f"template {document.template}: {where}{error}") from None
