"""Turn a lesson's markdown text into HTML that is safe to print: raw HTML shows as text."""

from __future__ import annotations

from functools import cache

from markdown_it import MarkdownIt
from markupsafe import Markup


@cache
def _parser() -> MarkdownIt:
    """Build the one markdown parser: CommonMark without raw HTML, typographer or autolinks."""
    # `html: False` makes `<b>` or `<link ...>` in a lesson print as the characters the teacher
    # typed; the typographer stays off so lesson text prints word for word, quotes included.
    return MarkdownIt("commonmark", {"html": False, "typographer": False, "linkify": False})


def block(text: str) -> Markup:
    """Render markdown paragraphs, lists and code as HTML."""
    return Markup(_parser().render(text))


def inline(text: str) -> Markup:
    """Render one line of markdown (emphasis, code, links) without a wrapping paragraph."""
    return Markup(_parser().renderInline(text))
