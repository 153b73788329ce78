"""Turn a lesson's markdown text into HTML that is safe to print: raw HTML shows as text."""

from __future__ import annotations

import re
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


# A blank in a fill-in-the-blanks text travels through markdown as a mark of private-use characters:
# markdown leaves them alone wherever they sit (emphasis, lists, links), and no keyboard types them.
_BLANK_MARK = re.compile("\ue000([0-9]+)\ue001")
BLANK_MARK_CHARACTERS = ("\ue000", "\ue001")
"""The characters a blank's mark is made of; a lesson's own text may not contain them."""


def blank_mark(number: int) -> str:
    """Return the mark that stands for blank `number` (0 for the first) in a text until it is printed."""
    return f"\ue000{number}\ue001"


def printed_blanks(text: str) -> list[int]:
    """List the numbers of the blank marks that print as text, in order; a mark in a link address is lost."""
    printed: list[str] = []
    for token in _parser().parse(text):
        if token.type in ("fence", "code_block"):
            printed.append(token.content)
        # An image keeps its text in its own children, printed as its `alt` attribute, where a gap
        # cannot go: only the paragraph's direct text counts.
        printed += [child.content for child in token.children or () if child.type in ("text", "code_inline")]
    return [int(found) for found in _BLANK_MARK.findall("".join(printed))]


def blocks_around_blanks(text: str) -> list[Markup]:
    """Render markdown with blank marks and cut the HTML at each mark, for a template to put a gap between.

    The work step has checked that every mark prints as text (`printed_blanks`), so a text with n
    blanks gives n + 1 pieces of HTML.
    """
    return [Markup(piece) for piece in _BLANK_MARK.split(_parser().render(text))[::2]]
