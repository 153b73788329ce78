"""Math in lesson text: `$…$` and `$$…$$` typeset as SVG on the baseline; prices stay text; errors located."""

from __future__ import annotations

import base64
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from pypdf import PdfReader

from studygen import latex, prose
from studygen.build import build
from studygen.errors import LessonError
from studygen.lesson import load_lesson

CONTENT = Path(__file__).parents[1] / "content"
KINETIC = CONTENT / "kinetic-energy.yaml"
IMAGE = re.compile(
    r'<img src="data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)" alt="([^"]*)" class="math" style="([^"]*)">'
)


def images(html: str) -> list[tuple[str, str, str]]:
    """Each formula image in rendered HTML: its SVG, its alt text and its style."""
    return [(base64.b64decode(svg).decode(), alt, style) for svg, alt, style in IMAGE.findall(html)]


def lesson(tmp_path: Path, intro: str, name: str = "math.yaml") -> Path:
    """Write a lesson whose intro is the given text, written as a YAML block from line 3."""
    body = "\n".join("  " + line if line else "" for line in intro.splitlines())
    file = tmp_path / name
    file.write_text(f"title: Math\nintro: |\n{body}\n", encoding="utf-8")
    return file


def problems(file: Path) -> list[str]:
    """The located problems loading a lesson reports."""
    with pytest.raises(LessonError) as raised:
        load_lesson(file)
    return [str(problem) for problem in raised.value.problems]


# --- finding math: the currency rule and `\$` --------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    ["A ticket costs $5 and a snack $10.", "Between $ 3 and $ 4.", "Prices: $2.50, $3", "$x$5 is not math"],
)
def test_dollar_amounts_stay_text(text: str) -> None:
    assert prose.formulas(text) == []
    assert "<img" not in prose.block(text)
    assert str(prose.block(text)) == f"<p>{text}</p>\n"


def test_an_escaped_dollar_prints_as_a_dollar_and_starts_no_math() -> None:
    html = str(prose.block(r"It costs \$5, and \$x\$ is not math."))
    assert html == "<p>It costs $5, and $x$ is not math.</p>\n"


def test_inline_math_is_an_svg_image_with_its_source_as_alt_text() -> None:
    html = str(prose.block(r"Energy $E = \frac{1}{2} m v^2$ of motion."))
    [(svg, alt, style)] = images(html)
    assert html.startswith("<p>Energy <img ") and html.endswith("> of motion.</p>\n")
    assert svg.startswith("<svg ") and "<path" in svg
    assert alt == r"E = \frac{1}{2} m v^2"
    # Sized in em, so it follows the text it sits in; lowered below the baseline by its depth.
    width, drop = re.fullmatch(r"width: ([\d.]+)em; vertical-align: (-[\d.]+)em", style).groups()  # type: ignore[union-attr]
    assert 4 < float(width) < 7
    assert -0.8 < float(drop) < -0.2  # the fraction's denominator hangs below the line


def test_a_formula_without_descenders_sits_on_the_baseline() -> None:
    [(_, _, style)] = images(str(prose.inline("$a = b$")))
    drop = float(re.search(r"vertical-align: (-?[\d.]+)em", style).group(1))  # type: ignore[union-attr]
    assert -0.15 < drop <= 0  # ziamath's small margin only


def test_display_math_is_centred_on_a_line_of_its_own() -> None:
    block = str(prose.block("Before\n\n$$v = \\sqrt{\\frac{2 E}{m}}$$\n\nAfter"))
    assert re.fullmatch(r'<p>Before</p>\n<div class="display-math"><img [^>]+></div>\n<p>After</p>\n', block)
    inline = str(prose.block("Before $$x^2$$ after"))
    assert re.fullmatch(r'<p>Before <span class="display-math"><img [^>]+></span> after</p>\n', inline)
    css = (Path(__file__).parents[1] / "templates" / "studygen.css").read_text(encoding="utf-8")
    assert re.search(r"\.display-math \{ display: block; text-align: center;", css)


def test_display_math_is_typeset_in_display_style() -> None:
    [(inline_svg, _, _)] = images(str(prose.inline(r"$\frac{1}{2}$")))
    [(display_svg, _, _)] = images(str(prose.inline(r"$$\frac{1}{2}$$")))
    height = re.compile(r'height="([\d.]+)"')
    assert float(height.search(display_svg).group(1)) > float(height.search(inline_svg).group(1))  # type: ignore[union-attr]


def test_formula_source_is_escaped_in_the_alt_text() -> None:
    html = str(prose.inline(r'$a<b \quad c>"d"$'))
    [(_, alt, _)] = images(html)
    assert alt == "a&lt;b \\quad c&gt;&#34;d&#34;"


def test_markup_in_text_inside_math_is_refused_with_what_to_do() -> None:
    found = latex.problem(r'\text{"><script>}')
    assert found is not None
    assert found.message.startswith(
        "math: '\\text{\"><script>}' is not valid LaTeX (`<`, `>` and `&` cannot stand inside \\text{…}"
    )


def test_the_same_formula_gives_the_same_bytes_in_another_process() -> None:
    code = "from studygen import prose; print(prose.block(r'$E = \\frac{1}{2} m v^2$ and $$\\sum_i x_i$$'))"
    runs = {
        subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
        for _ in "ab"
    }
    assert len(runs) == 1
    assert str(prose.block(r"$E = \frac{1}{2} m v^2$ and $$\sum_i x_i$$")) + "\n" in runs


# --- bad LaTeX and the caps, at the lesson's line and column ------------------------------------------


def test_an_unknown_command_is_refused_at_its_line_and_column(tmp_path: Path) -> None:
    file = lesson(tmp_path, "Kinetic energy:\n\n$$E = \\fracc{1}{2} m v^2$$\n")
    [found] = problems(file)
    assert found == (
        f"{file}:5:9: intro: math: unknown command \\fracc (did you mean '\\frac'?): check the spelling, "
        "write \\operatorname{fracc} for a function's name, or write `\\$` for a dollar sign that is not math"
    )


def test_a_brace_left_open_or_never_opened_is_refused_at_the_brace(tmp_path: Path) -> None:
    """latex2mathml closes what was left open: `\\sqrt{x` would print as if it were right."""
    [opened] = problems(lesson(tmp_path, "A root $\\sqrt{x$ here."))
    assert opened.endswith(
        ":3:16: intro: math: this `{` is never closed: add its `}` where the group ends, or write `\\{` "
        "for a brace that prints"
    )
    [closed] = problems(lesson(tmp_path, "A set $x}$ here."))
    assert closed.endswith(
        ":3:11: intro: math: this `}` closes no `{`: remove it, or write `\\}` for a brace that prints"
    )
    assert latex.problem("\\{a, b\\}") is None and latex.problem("\\frac{1}{2}") is None  # printing braces


def test_latex_that_does_not_parse_names_what_is_missing(tmp_path: Path) -> None:
    [found] = problems(lesson(tmp_path, "The square $x^$ of x."))
    assert found.endswith(
        ":3:15: intro: math: 'x^' is not valid LaTeX (missing superscript or subscript): check the "
        "spelling, or write `\\$` for a dollar sign that is not math"
    )


def test_an_unknown_environment_is_refused(tmp_path: Path) -> None:
    [found] = problems(lesson(tmp_path, "$\\begin{tabular}x\\end{tabular}$"))
    assert found.endswith(
        ": intro: math: unknown environment \\begin{tabular}: "
        "use matrix, pmatrix, bmatrix, vmatrix, cases or align"
    )


def test_every_bad_formula_in_a_lesson_is_reported_at_once(tmp_path: Path) -> None:
    file = tmp_path / "two.yaml"
    file.write_text(
        "title: Two\nintro: $\\alpah$ first\nflashcards:\n  - question: Q\n    answer: then $\\bta$\n",
        encoding="utf-8",
    )
    found = problems(file)
    assert [line.split(": math: ")[0] for line in found] == [
        f"{file}:2:9: intro",
        f"{file}:5:19: flashcards[0].answer",
    ]
    assert ["\\alpah" in found[0], "\\bta" in found[1]] == [True, True]


def test_a_formula_over_the_length_cap_is_refused(tmp_path: Path) -> None:
    formula = "+".join(["x"] * (latex.MAX_FORMULA_CHARACTERS // 2 + 1))
    [found] = problems(lesson(tmp_path, f"${formula}$"))
    assert f"math: the formula has {len(formula)} characters; at most 500 print: split it" in found
    assert latex.problem("+".join(["x"] * (latex.MAX_FORMULA_CHARACTERS // 2))) is None


def nested(levels: int) -> str:
    """Fractions inside fractions, the slowest shape to typeset for its length."""
    formula = "x"
    for _ in range(levels):
        formula = f"\\frac{{1}}{{{formula}}}"
    return formula


def test_nesting_over_the_depth_cap_is_refused_before_any_typesetting(tmp_path: Path) -> None:
    started = time.monotonic()
    [found] = problems(lesson(tmp_path, f"$${nested(12)}$$"))
    assert time.monotonic() - started < 1  # typesetting it would take seconds
    assert ":3:5: intro: math: the formula nests 25 levels deep; at most 8 typeset in good time" in found


def test_the_seeds_formulas_typeset_as_real_math() -> None:
    # The seed's "θ* = argmin_θ Σ L(π_θ(s), a*)" and "p_expert(s)", as a teacher would write them.
    argmin = r"\theta^* = \operatorname*{arg\,min}_\theta \sum_{(s,\,a^*) \in D} L(\pi_\theta(s), a^*)"
    expert = r"p_{\text{expert}}(s)"
    assert latex.problem(argmin) is None and latex.problem(expert) is None
    assert latex.problem(r"\arg\min_\theta") is None
    [(svg, alt, _)] = images(str(prose.block(f"$${argmin}$$")))
    assert alt == argmin and svg.count("<use") > 15


def test_the_check_knows_the_function_names_ziamath_adds() -> None:
    code = (
        "import warnings; warnings.simplefilter('ignore')\n"
        "from latex2mathml import commands; before = set(commands.FUNCTIONS)\n"
        "import ziamath; print(*sorted(set(commands.FUNCTIONS) - before))"
    )
    added = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert "\\arg" in added.split() and set(added.split()) <= set(latex.ZIAMATH_OPERATORS)


def test_the_depth_cap_lets_school_formulas_through_and_stops_the_slow_ones() -> None:
    assert latex.problem(nested(3)) is None  # a fraction in a fraction in a fraction
    assert latex.problem(r"x = \frac{-b \pm \sqrt{b^2 - 4ac}}{2a}") is None
    assert latex.problem(r"a_0 + \cfrac{1}{a_1 + \cfrac{1}{a_2}}") is None
    assert latex.problem(nested(4)) is not None
    # The slowest shape measured: brackets in brackets, 0.6 s seven deep, 1.6 s eight deep.
    assert latex.problem("\\left(" * 7 + "x" + "\\right)" * 7) is None
    assert latex.problem("\\left(" * 8 + "x" + "\\right)" * 8) is not None


@pytest.mark.parametrize(
    "command", [r"\def\a{xx}\a", r"\newcommand{\a}{x}\a", r"\href{http://x}{y}", r"\color{red}x"]
)
def test_macros_links_and_colours_are_refused(command: str) -> None:
    found = latex.problem(command)
    assert found is not None and "is not allowed in a lesson's formulas" in found.message


def test_a_value_in_math_prints_its_number_and_latex_groups_are_not_values(tmp_path: Path) -> None:
    file = tmp_path / "values.yaml"
    file.write_text(
        "title: Values\nvalues: {m: 2}\nintro: 'With $m = {=m}$, $\\frac{1}{m}$ is a half; {m} is not.'\n",
        encoding="utf-8",
    )
    [found] = problems(file)  # only the `{m}` outside the math
    assert found.startswith(f"{file}:3:51: intro: '{{m}}' prints as it is")


def test_a_flashcard_exported_as_plain_text_keeps_its_formulas_source() -> None:
    from studygen.exports.quizlet import plain

    assert plain(str(prose.inline(r"Energy: $E = \frac{1}{2} m v^2$"))) == r"Energy: [E = \frac{1}{2} m v^2]"


# --- imported only for math ---------------------------------------------------------------------------


def test_a_lesson_without_math_never_imports_the_typesetter() -> None:
    code = (
        "import sys; from pathlib import Path; from studygen.build import Job, render_lesson\n"
        f"job = Job(Path({str(CONTENT / 'free-fall.yaml')!r}), ('worksheet', 'answer-key'), 'a4', 'html',"
        " None, 2**21)\n"
        "render_lesson(job)\n"
        "print(sorted(m for m in ('ziamath', 'latex2mathml', 'studygen.latex') if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "['studygen.latex']"  # the module itself, whose imports are lazy


# --- the example lesson, printed --------------------------------------------------------------------


@pytest.fixture(scope="module")
def kinetic_worksheet(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The math example's worksheet, built once for the PDF checks."""
    out = tmp_path_factory.mktemp("kinetic")
    [result] = list(build([KINETIC], out=out, only=("worksheet",), templates=None))
    assert result.error is None, result.error.format_message()
    return out / "kinetic-energy" / "worksheet.pdf"


def figures(node: object, found: list[str]) -> list[str]:
    """Collect the alt text of every tagged figure under a structure element."""
    node = node.get_object() if hasattr(node, "get_object") else node
    if isinstance(node, dict):
        if node.get("/S") == "/Figure" and "/Alt" in node:
            found.append(str(node["/Alt"]))
        kids = node.get("/K")
        for kid in kids if isinstance(kids, list) else [kids]:
            figures(kid, found)
    return found


def test_the_math_lesson_prints_its_formulas_with_their_source_as_alt_text(kinetic_worksheet: Path) -> None:
    reader = PdfReader(kinetic_worksheet)
    alts = figures(reader.trailer["/Root"]["/StructTreeRoot"], [])
    assert r"E_k = \frac{1}{2} m v^2" in alts
    assert "m" in alts and "v" in alts
    text = " ".join(page.extract_text() for page in reader.pages)
    assert "A bus ticket costs $2 and a snack $3.50" in " ".join(text.split())
    assert "\\frac" not in text and "$E" not in text  # nothing of the source prints as text


def test_the_sandbox_takes_a_typeset_formula_larger_than_a_lesson_image() -> None:
    from studygen.pdf import SandboxedFetcher
    from studygen.resources import MAX_DATA_URL_CHARS

    fetcher = SandboxedFetcher([])
    body = base64.b64encode(b"<svg/>" * (MAX_DATA_URL_CHARS // 4)).decode()
    assert fetcher.fetch(latex.SVG_DATA_PREFIX + body).read().startswith(b"<svg/>")
    with pytest.raises(ValueError, match="over the 65,536 limit"):
        fetcher.fetch("data:image/png;base64," + body)
    with pytest.raises(ValueError, match="over the 262,144 limit"):
        fetcher.fetch(latex.SVG_DATA_PREFIX + "QUFB" * (latex.MAX_SVG_CHARACTERS // 4))
