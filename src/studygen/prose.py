"""Turn a lesson's markdown text into HTML that is safe to print: raw HTML shows as text."""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

from markupsafe import Markup

if TYPE_CHECKING:
    from markdown_it import MarkdownIt


@cache
def _parser() -> MarkdownIt:
    """Build the markdown parser for rendering: CommonMark without raw HTML, typographer or autolinks."""
    from markdown_it import MarkdownIt

    # `html: False` makes `<b>` or `<link ...>` in a lesson print as the characters the teacher
    # typed; the typographer stays off so lesson text prints word for word, quotes included.
    return MarkdownIt("commonmark", {"html": False, "typographer": False, "linkify": False})


@cache
def _scanner() -> MarkdownIt:
    """Build a parser that finds every image, even those the renderer would drop as unsafe."""
    from markdown_it import MarkdownIt

    scanner = MarkdownIt("commonmark", {"html": False})
    # The renderer silently leaves `![x](file:///etc/passwd)` as text; the check must see it to refuse it.
    scanner.validateLink = lambda url: True  # type: ignore[method-assign]
    return scanner


def block(text: str) -> Markup:
    """Render markdown paragraphs, lists and code as HTML."""
    return Markup(_parser().render(text))


def inline(text: str) -> Markup:
    """Render one line of markdown (emphasis, code, links) without a wrapping paragraph."""
    return Markup(_parser().renderInline(text))


def image_sources(text: str) -> list[str]:
    """List the source of every image in a markdown text, as written."""
    if "![" not in text:  # no image syntax, nothing to parse (keeps `studygen check` light)
        return []
    sources: list[str] = []
    for token in _scanner().parse(text):
        for child in token.children or ():
            if child.type == "image":
                sources.append(str(child.attrGet("src") or ""))
    return sources


_PUNCTUATION = frozenset("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")


def literal(text: str) -> str:
    """Write plain text as markdown that prints exactly as typed: every ASCII punctuation mark escaped."""
    return "".join(f"\\{char}" if char in _PUNCTUATION else char for char in text)
