"""Turn a lesson's markdown text into HTML that is safe to print: raw HTML shows as text, nothing is lost."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

from markupsafe import Markup

from studygen.wording import quoted

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.token import Token

MAX_BLOCK_NESTING = 8
"""Lists and quotes a text may nest inside one another; a real lesson uses two or three."""

MAX_INLINE_NESTING = 8
"""Emphasis, links and images a text may nest inside one another; `***both***` is two."""

# markdown-it's own limit (20 in its CommonMark preset) silently drops everything past it. Ours are far
# below this one, so it is only ever a second guard; reaching it fails the build instead of dropping text.
_PARSER_NESTING = 60

_CONTAINERS = {"bullet_list_open": 1, "ordered_list_open": 1, "blockquote_open": 1}
_CONTAINERS |= {name.replace("_open", "_close"): -1 for name in list(_CONTAINERS)}

# Every level of a list or quote needs a marker at the start of a line (after the markers around it).
_LINE_MARKERS = re.compile(r"^[ \t]*(?:(?:[-*+]|\d{1,9}[.)])(?=[ \t]|$)[ \t]*|>[ \t]*)+", re.MULTILINE)
_MARKER = re.compile(r"[-*+>]|\d{1,9}[.)]")


@dataclass(frozen=True)
class Nesting:
    """How deeply a text nests, and the line (0-based, within the text) where each first goes too deep."""

    blocks: int
    block_line: int
    inline: int
    inline_line: int


@cache
def _parser() -> MarkdownIt:
    """Build the markdown parser for rendering: CommonMark without raw HTML, typographer or autolinks."""
    from markdown_it import MarkdownIt

    # `html: False` makes `<b>` or `<link ...>` in a lesson print as the characters the teacher
    # typed; the typographer stays off so lesson text prints word for word, quotes included. Link
    # reference definitions are off: a line such as `[Hint]: read the graph` would otherwise vanish.
    parser = MarkdownIt(
        "commonmark",
        {"html": False, "typographer": False, "linkify": False, "maxNesting": _PARSER_NESTING},
    ).disable("reference")
    return _with_math(parser)


def _with_math(parser: MarkdownIt) -> MarkdownIt:
    """Teach a parser `$…$` and `$$…$$` math, with the rule that keeps prices (`$5 or $10`) as text."""
    from mdit_py_plugins.dollarmath import dollarmath_plugin

    # No space inside the dollars and no digit after the closing one: `$5` and `$ 10` stay text.
    # `$$…$$` inside a paragraph is display math as well; equation labels are TeX's business, not ours.
    parser.use(
        dollarmath_plugin,
        allow_labels=False,
        allow_space=False,
        allow_digits=False,
        allow_blank_lines=False,
        double_inline=True,
    )
    parser.add_render_rule("math_inline", _render_math(display=False))
    parser.add_render_rule("math_inline_double", _render_math(display=True))
    parser.add_render_rule("math_block", _render_math(display=True, block=True))
    return parser


def _render_math(*, display: bool, block: bool = False) -> Callable[..., str]:
    """Make the render rule for one kind of math token: the formula as an image, centred if display."""

    def rule(renderer: object, tokens: Sequence[Token], index: int, options: object, env: object) -> str:
        from studygen import latex  # here: only a text with math pays for typesetting

        image = latex.image(tokens[index].content.strip(), display=display)
        if block:
            return f'<div class="display-math">{image}</div>\n'
        return f'<span class="display-math">{image}</span>' if display else str(image)

    return rule


def formulas(text: str) -> list[tuple[str, int]]:
    """List each formula in a markdown text with where its LaTeX starts in the text (0-based), in order."""
    if "$" not in text:  # keeps `studygen check` from parsing text without math
        return []
    found: list[tuple[str, int]] = []
    position = 0
    for token in _parser().parse(text):
        for math in [token, *(token.children or ())]:
            if math.type.startswith("math_"):
                latex = math.content.strip()
                start = text.find(latex, position)
                # The source is found as written; a formula broken over lines by YAML points at its start.
                start = start if start >= 0 else position
                found.append((latex, start))
                position = start + len(latex)
    return found


@cache
def _scanner() -> MarkdownIt:
    """Build a parser that finds every image, even those the renderer would drop as unsafe."""
    from markdown_it import MarkdownIt

    # References stay on here: `![x][ref]` with `[ref]: http://…` prints as text, but is refused all the same.
    scanner = MarkdownIt("commonmark", {"html": False, "maxNesting": _PARSER_NESTING})
    # The renderer silently leaves `![x](file:///etc/passwd)` as text; the check must see it to refuse it.
    scanner.validateLink = lambda url: True  # type: ignore[method-assign]
    return scanner


ImageSource = Callable[[str], str]
"""Gives the address an image is shown from in the output, given its source as the lesson writes it."""


def block(text: str, *, image_source: ImageSource | None = None) -> Markup:
    """Render markdown paragraphs, lists and code as HTML; fail rather than drop any of it."""
    return _render(text, _parser().parse(text), image_source)


def inline(text: str, *, image_source: ImageSource | None = None) -> Markup:
    """Render one line of markdown (emphasis, code, links) without a wrapping paragraph."""
    return _render(text, _parser().parseInline(text), image_source)


def _render(text: str, tokens: Sequence[Token], image_source: ImageSource | None) -> Markup:
    """Render parsed markdown, refusing text it would lose and marking links written as bare addresses."""
    _refuse_lost_text(text, tokens)
    for token in tokens:
        for child in token.children or ():
            if child.type == "link_open" and child.info == "auto":
                # `<https://…>` already shows its address: print links add it only after other text.
                child.attrSet("class", "address")
            elif child.type == "image" and image_source is not None:
                # An export packs images under names of its own (Anki keeps media in one flat folder).
                child.attrSet("src", image_source(str(child.attrGet("src") or "")))
    parser = _parser()
    return Markup(parser.renderer.render(tokens, parser.options, {}))


def _refuse_lost_text(text: str, tokens: Sequence[Token]) -> None:
    """Raise BuildError if a text nests deeper than prints, or so deep that the parser dropped some."""
    problem = _nesting_problem(_measure(tokens))
    if problem is None and max((token.level for token in tokens), default=0) >= _PARSER_NESTING - 1:
        problem = "is nested so deeply that part of it would be lost: flatten it"
    if problem is not None:
        from studygen.errors import BuildError  # here, not above: working a lesson out needs no Click

        # A template filter does not know the key; the text's start lets the teacher find it.
        first_line = text.strip().split("\n", 1)[0]
        raise BuildError(f"the text starting {quoted(first_line, 40)} {problem}")


def nesting_problem(text: str) -> tuple[str, str] | None:
    """Say why a text nests too deeply to print, with the line it happens on, or None if it prints."""
    if not _could_nest_too_deeply(text):  # keeps `studygen check` from importing markdown-it for most text
        return None
    nesting = _measure(_parser().parse(text))
    problem = _nesting_problem(nesting)
    if problem is None:
        return None
    line = nesting.block_line if nesting.blocks > MAX_BLOCK_NESTING else nesting.inline_line
    lines = text.splitlines()
    return problem, lines[line].strip() if line < len(lines) else ""


def depth(text: str) -> int:
    """Count the levels of lists, quotes, emphasis and links inside one another at a text's deepest."""
    nesting = _measure(_parser().parse(text))
    return nesting.blocks + nesting.inline


def _could_nest_too_deeply(text: str) -> bool:
    """Tell cheaply whether a text has enough markers to nest past a limit at all."""
    inline_bound = (text.count("*") + text.count("_")) // 2 + _bracket_depth(text)
    if inline_bound > MAX_INLINE_NESTING:
        return True
    block_bound = sum(len(_MARKER.findall(prefix)) for prefix in _LINE_MARKERS.findall(text))
    return block_bound > MAX_BLOCK_NESTING


def _bracket_depth(text: str) -> int:
    """The most `[` open at once: links and images cannot nest deeper than their brackets do."""
    deepest = open_now = 0
    for char in text:
        if char == "[":
            open_now += 1
            deepest = max(deepest, open_now)
        elif char == "]" and open_now:
            open_now -= 1
    return deepest


def _nesting_problem(nesting: Nesting) -> str | None:
    """Word what is nested too deeply and how to fix it, or None if it prints."""
    if nesting.blocks > MAX_BLOCK_NESTING:
        return (
            f"has lists and quotes nested {nesting.blocks} deep; at most {MAX_BLOCK_NESTING} levels "
            "print: flatten the list"
        )
    if nesting.inline > MAX_INLINE_NESTING:
        return (
            f"has emphasis and links nested {nesting.inline} deep; at most {MAX_INLINE_NESTING} levels "
            "print: remove the extra `*`, `_` or `[`"
        )
    return None


def _measure(tokens: Sequence[Token]) -> Nesting:
    """Measure the deepest lists and quotes, and the deepest emphasis and links, in parsed markdown."""
    blocks = deepest_blocks = block_line = deepest_inline = inline_line = 0
    for token in tokens:
        blocks += _CONTAINERS.get(token.type, 0)
        line = token.map[0] if token.map else 0
        # Each line is kept only up to the first level past the limit: where the teacher should flatten.
        if blocks > deepest_blocks:
            block_line = line if deepest_blocks <= MAX_BLOCK_NESTING else block_line
            deepest_blocks = blocks
        depth = _inline_depth(token.children or ())
        if depth > deepest_inline:
            inline_line = line if deepest_inline <= MAX_INLINE_NESTING else inline_line
            deepest_inline = depth
    return Nesting(deepest_blocks, block_line, deepest_inline, inline_line)


def _inline_depth(children: Sequence[Token]) -> int:
    """Measure how deeply emphasis, links and images nest in one paragraph's tokens."""
    depth = deepest = 0
    for child in children:
        depth += child.nesting
        # An image's description is parsed on its own, so its nesting adds to the image's level.
        inner = 1 + _inline_depth(child.children) if child.type == "image" and child.children else 0
        deepest = max(deepest, depth, depth + inner)
    return deepest


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
    return [Markup(piece) for piece in _BLANK_MARK.split(str(block(text)))[::2]]
