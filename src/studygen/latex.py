"""LaTeX math in lesson text (`$…$`, `$$…$$`): checked within limits, typeset offline to SVG with ziamath.

Only lessons with math pay for it: latex2mathml (the check) and ziamath (the typesetting) are imported
the first time a formula is met, never for a lesson without one.
"""

from __future__ import annotations

import base64
import re
import warnings
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import TYPE_CHECKING

from markupsafe import Markup

from studygen import prose
from studygen.keys import LessonProblem
from studygen.resources import markdown_fields
from studygen.wording import did_you_mean, quoted

if TYPE_CHECKING:
    from xml.etree.ElementTree import Element

    from studygen.model import Lesson

MAX_FORMULA_CHARACTERS = 500
"""Characters one formula may have, as written between its dollars; a long equation fits in 150."""

MAX_FORMULA_DEPTH = 8
"""Levels one formula may nest: fractions, roots, powers, brackets and groups inside one another.

Typesetting time grows two- to threefold with each level. At this limit the slowest formulas measured
take 0.6 s (`\\left(` seven deep) and 0.7 s (400 characters of brackets in brackets); at 9 levels 1.6 s,
at 11 levels 6.5 s. The quadratic formula nests 6 levels, three fractions inside one another 7.
"""

MAX_SVG_CHARACTERS = 256 * 1024
"""Largest typeset formula, as the `data:` address it is shown from; 500 dense characters make 150 KiB."""

SVG_DATA_PREFIX = "data:image/svg+xml;base64,"
"""How a typeset formula's address starts: the render sandbox allows these up to MAX_SVG_CHARACTERS."""

_SIZE = 16.0
"""ziamath's font size in SVG units: one em of the SVG is this many units, so em sizes come out exact."""

_MACROS = re.compile(r"\\(def|newcommand|renewcommand|newenvironment|DeclareMathOperator)(?![A-Za-z])")
"""Commands that define macros: `\\def\\b{\\a\\a}` nested a few times multiplies a formula's length."""

_OUTSIDE = re.compile(r"\\(href|style|class|color|textcolor|colorbox|fcolorbox)(?![A-Za-z])")
"""Commands that reach outside the formula's drawing: links, CSS, colours (one could name a `url(…)`)."""

_UNKNOWN = re.compile(r"\\[A-Za-z]+")
_FIX = "check the spelling, or write `\\$` for a dollar sign that is not math"


@dataclass(frozen=True)
class FormulaProblem:
    """Why a formula cannot print, and where in it (0 for its first character) the trouble starts."""

    message: str
    offset: int = 0


def problem(latex: str) -> FormulaProblem | None:
    """Say why a formula cannot be typeset within the limits, or None if it can."""
    if len(latex) > MAX_FORMULA_CHARACTERS:
        return FormulaProblem(
            f"math: the formula has {len(latex):,} characters; at most {MAX_FORMULA_CHARACTERS} print: "
            "split it into several formulas"
        )
    macro = _MACROS.search(latex)
    if macro is not None:
        fix = "write the formula out in full"
        return FormulaProblem(
            f"math: {macro.group()} is not allowed in a lesson's formulas: {fix}", macro.start()
        )
    outside = _OUTSIDE.search(latex)
    if outside is not None:
        fix = "leave it out: formulas print in black, without links"
        return FormulaProblem(
            f"math: {outside.group()} is not allowed in a lesson's formulas: {fix}", outside.start()
        )
    unbalanced = _unbalanced_brace(latex)
    if unbalanced is not None:
        return unbalanced
    try:
        root = _mathml(latex)
    except Exception as error:  # latex2mathml raises bare Exception subclasses, one per mistake
        return FormulaProblem(f"math: {quoted(latex, 40)} is not valid LaTeX ({_why(error)}): {_FIX}")
    unknown = _unknown_command(latex, root)
    if unknown is not None:
        return FormulaProblem(_unknown_message(unknown), max(latex.find(unknown), 0))
    depth = _depth(root)
    if depth > MAX_FORMULA_DEPTH:
        return FormulaProblem(
            f"math: the formula nests {depth} levels deep; at most {MAX_FORMULA_DEPTH} typeset in good time "
            "(each fraction, root, power, `\\left…\\right` pair and `{…}` group inside another adds a level, "
            "a fraction two): split it into smaller formulas"
        )
    return None


def _unbalanced_brace(latex: str) -> FormulaProblem | None:
    """Find a `{` never closed or a `}` never opened (`\\{` and `\\}` are braces that print).

    latex2mathml quietly closes what was left open, so `\\sqrt{x` would print as if it were right.
    """
    opened: list[int] = []
    escaped = False
    for at, character in enumerate(latex):
        if escaped:
            escaped = False
        elif character == "\\":
            escaped = True
        elif character == "{":
            opened.append(at)
        elif character == "}":
            if not opened:
                return FormulaProblem(
                    "math: this `}` closes no `{`: remove it, or write `\\}` for a brace that prints", at
                )
            opened.pop()
    if opened:
        return FormulaProblem(
            "math: this `{` is never closed: add its `}` where the group ends, or write `\\{` for a "
            "brace that prints",
            opened[-1],
        )
    return None


ZIAMATH_OPERATORS = (
    r"\tg",
    r"\ctg",
    r"\arcctg",
    r"\arctg",
    r"\arg",
    r"\cotg",
    r"\sh",
    r"\ch",
    r"\cth",
    r"\th",
)
"""The function names ziamath 0.13 adds to latex2mathml when it is imported (tests/test_math.py checks)."""


def _mathml(latex: str) -> Element:
    """Convert LaTeX to a MathML tree, as ziamath will before it typesets it."""
    from xml.etree import ElementTree

    from latex2mathml import commands
    from latex2mathml.converter import convert

    # Importing ziamath costs a second; `check` declares its function names itself, so it knows `\\arg`.
    missing = tuple(name for name in ZIAMATH_OPERATORS if name not in commands.FUNCTIONS)
    if missing:  # latex2mathml types its table as a fixed-length tuple; ziamath extends it the same way
        commands.FUNCTIONS = commands.FUNCTIONS + missing  # type: ignore[assignment]
    return ElementTree.fromstring(convert(latex))


def _why(error: Exception) -> str:
    """Word latex2mathml's error, which is mostly its class name: `MissingSuperScriptOrSubscriptError`.

    It copies `\\text{…}` into its MathML unescaped, so `\\text{a < b}` fails as XML, not as LaTeX.
    """
    if type(error).__name__ == "ParseError":  # latex2mathml wrote MathML that is not XML
        return "`<`, `>` and `&` cannot stand inside \\text{…}, nor `&` outside a matrix"
    text = str(error).strip()
    if text:
        return text
    words = re.sub(r"(?<!^)(?=[A-Z])", " ", type(error).__name__.removesuffix("Error")).lower()
    return words.replace("super script", "superscript")


def _unknown_command(latex: str, root: Element) -> str | None:
    """Name the first command latex2mathml did not know: it prints those as their own name, `\\fracc`."""
    from latex2mathml.commands import MATRICES

    for element in root.iter():
        text = (element.text or "").strip()
        if element.tag.endswith(("}mi", "}mo")) and _UNKNOWN.fullmatch(text):
            return text
    known = {name[1:] for name in MATRICES}
    for environment in re.finditer(r"\\begin\{([^}]*)\}", latex):
        if environment.group(1) not in known:
            return f"environment {environment.group()}"
    return None


def _unknown_message(command: str) -> str:
    """Say a command is unknown, with the known one it is closest to and how to print a function name."""
    if command.startswith("environment "):
        return f"math: unknown {command}: use matrix, pmatrix, bmatrix, vmatrix, cases or align"
    # A short name is close to too many others for a guess to help: `\\arg` is not `\\tag`.
    hint = did_you_mean(command, _known_commands()) if len(command) > 4 else ""
    return (
        f"math: unknown command {command}{hint}: check the spelling, write \\operatorname{{{command[1:]}}} "
        "for a function's name, or write `\\$` for a dollar sign that is not math"
    )


@cache
def _known_commands() -> tuple[str, ...]:
    """Every command latex2mathml knows: its own and the symbols it reads from its table."""
    from latex2mathml import commands
    from latex2mathml.symbols_parser import SYMBOLS

    names = {value for value in vars(commands).values() if isinstance(value, str) and value.startswith("\\")}
    names |= {name for name in SYMBOLS if name.startswith("\\")}
    return tuple(sorted(names))


def _depth(element: Element) -> int:
    """Count the levels of the deepest element below the formula's `<math>` and its first row."""

    def levels(node: Element) -> int:
        return 1 + max((levels(child) for child in node), default=0)

    return levels(element) - 2


@lru_cache(maxsize=4096)
def image(latex: str, *, display: bool) -> Markup:
    """Typeset a checked formula as an `<img>` sized in em and sitting on the text's baseline."""
    with warnings.catch_warnings():
        # ziamath 0.13 finds its font with `importlib.resources.path`, deprecated since Python 3.11.
        warnings.simplefilter("ignore", DeprecationWarning)
        from ziamath.zmath import Latex

    svg = Latex(latex, size=_SIZE, inline=not display).svg()
    width, descent = _measure(svg)
    source = SVG_DATA_PREFIX + base64.b64encode(svg.encode()).decode("ascii")
    if len(source) > MAX_SVG_CHARACTERS:
        from studygen.errors import BuildError

        raise BuildError(f"math: the formula {quoted(latex, 40)} is too large to print: split it")
    # Every number in the style comes from ziamath's measurements, never from lesson text.
    # The height follows from the width, so a formula too wide for its column shrinks whole.
    style = f"width: {width}em; vertical-align: {-descent}em"
    # `src` then `alt` first, as markdown writes an image: the Quizlet export keeps the alt text of those.
    return Markup('<img src="{}" alt="{}" class="math" style="{}">').format(source, latex, style)


_VIEW_BOX = re.compile(r'viewBox="(-?[\d.]+) (-?[\d.]+) ([\d.]+) ([\d.]+)"')


def _measure(svg: str) -> tuple[float, float]:
    """Read a typeset formula's width and its depth below the baseline, in em.

    ziamath puts the baseline at y = 0 of the drawing, so what lies below it is the height plus the
    (negative) top of the view box.
    """
    found = _VIEW_BOX.search(svg)
    assert found is not None, "ziamath always writes a view box"
    top, width, height = (float(found.group(n)) for n in (2, 3, 4))
    return _em(width), _em(height + top)


_SCALE = 1.15
"""How much larger than the text's size a formula prints: STIX Two's letters are smaller than DejaVu
Sans's at the same size, and at 1.15 their x-heights match."""


def _em(units: float) -> float:
    """Convert SVG units to em of the surrounding text, rounded so the style reads the same every run."""
    return round(units * _SCALE / _SIZE, 3)


def check_math(lesson: Lesson) -> list[LessonProblem]:
    """Refuse every formula in the lesson's text that cannot print, at its line and column."""
    problems: list[LessonProblem] = []
    for path, text in markdown_fields(lesson):
        for latex, start in prose.formulas(text):
            found = problem(latex)
            if found is not None:
                problems.append(LessonProblem(path, found.message, offset=start + found.offset))
    return problems
