"""Any file given to load_lesson yields a LoadedLesson or a LessonError located inside the file."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from studygen.errors import LessonError
from studygen.kinds.computed_table import WorkedTable
from studygen.lesson import LoadedLesson, load_lesson

SETTINGS = settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

# Line breaks as YAML counts them; PyYAML's marks count lines the same way.
_BREAKS = re.compile("\r\n|[\r\n\x85\u2028\u2029]")


def line_count(text: str) -> int:
    """Count the lines of a text as YAML does: a last line without a break still counts."""
    parts = _BREAKS.split(text)
    if parts[-1] == "":
        parts.pop()
    return len(parts)


def load(tmp_path: Path, data: bytes) -> LoadedLesson | None:
    """Load a lesson file holding data; a LessonError must locate every problem inside the file."""
    file = tmp_path / "lesson.yaml"
    file.write_bytes(data)
    try:
        return load_lesson(file)
    except LessonError as error:
        lines = line_count(data.decode("utf-8", "replace").removeprefix("\ufeff"))
        assert error.problems
        for problem in error.problems:
            assert problem.file == file
            assert problem.line >= 1, problem
            assert problem.column >= 1, problem
            assert problem.line <= lines + 1, (problem, lines)
        return None


@SETTINGS
@given(text=st.text())
def test_any_text_loads_or_is_refused_in_place(tmp_path: Path, text: str) -> None:
    load(tmp_path, text.encode("utf-8", "surrogatepass"))


@SETTINGS
@given(data=st.binary(max_size=400))
def test_any_bytes_load_or_are_refused_in_place(tmp_path: Path, data: bytes) -> None:
    load(tmp_path, data)


# --- YAML built from the lesson format's own keys -----------------------------------------------

LESSON_KEYS = [
    "title",
    "subject",
    "author",
    "source",
    "language",
    "intro",
    "self_check",
    "questions",
    "question",
    "answer",
    "lines",
    "exercises",
    "kind",
    "minutes",
    "materials",
    "instructions",
    "discussion",
    "prompt",
    "given",
    "rows",
    "symbol",
    "values",
    "columns",
    "label",
    "formula",
    "decimals",
    "significant",
    "options",
    "items",
    "id",
    "verdict",
    "reason",
    "reason_lines",
    "flashcards",
    "titel",
    "<<",
    "",
]

NUMBERS = st.one_of(
    st.integers(-(10**6), 10**6),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(
        [
            *("0", "-0", "0.05", "4.5", ".5", "1e3", "1_000", "1e99", "1e100", "1e-100", "1e-101"),
            *(
                "1e99999",
                "-1e-99999",
                "9.9999999999999999999999999999e999999",
                "NaN",
                "sNaN",
                "-Infinity",
                "0x10",
                "1/2",
                "12,5",
                " 7 ",
            ),
        ]
    ),
)

MARKDOWN = st.one_of(
    st.sampled_from(
        [
            "Hello",
            "*bold* and `code`",
            "",
            "   ",
            "<script>alert(1)</script>",
            "![x](images/missing.png)",
            "![x](http://127.0.0.1:1/x.png)",
            "![x](../x.png)",
            "![x](/etc/passwd)",
            "[a](javascript:alert(1))",
            "![x](data:image/png;base64,AA)",
            "![x](data:image/svg+xml,<svg/>)",
            "![x][r]\n\n[r]: file:///x",
            "line one\n\nline two",
            "- a\n- b",
            "ε = 0.05 · T²",
            "\u2028",
            "# heading",
            "x" * 950,
        ]
    ),
    st.text(max_size=30),
)

SYMBOLS = st.sampled_from(["t", "T", "v", "ε", "T_max", "v0", "2x", "a b", "", "sqrt", "__class__"])


def formulas(leaves: list[str], operators: list[str], functions: list[str]) -> st.SearchStrategy[str]:
    """Formulas grown from leaves with operators, calls, parentheses and minus signs."""
    return st.recursive(
        st.sampled_from(leaves),
        lambda inner: st.one_of(
            st.builds("{} {} {}".format, inner, st.sampled_from(operators), inner),
            st.builds("{}({})".format, st.sampled_from(functions), inner),
            st.builds("log({}, {})".format, inner, inner),
            st.builds("round({}, {})".format, inner, st.sampled_from(["0", "2", "-1", "30", "0.5"])),
            st.builds("max({}, {}, {})".format, inner, inner, inner),
            st.builds("({})".format, inner),
            st.builds("-{}".format, inner),
        ),
        max_leaves=10,
    )


FUNCTIONS = ["sqrt", "abs", "ln", "log", "log10", "exp", "round", "min", "max"]
CLEAN_FORMULAS = formulas(
    ["t", "v", "0", "2", "0.5", "10", "10^3", "t^2"], ["+", "-", "*", "/", "^", "·"], FUNCTIONS
)
FORMULAS = formulas(
    [
        "t",
        "T",
        "v",
        "ε",
        "x",
        "0",
        "2",
        "0.5",
        "-1",
        "10^3",
        "1e3",
        "9^9^9",
        "'s'",
        "t**2",
        "2t",
        "__class__",
    ],
    ["+", "-", "*", "/", "^", "·", "\u00d7", "%", "", "**", "="],
    [*FUNCTIONS, "sin", "open", "eval"],
)

SCALARS = st.one_of(st.none(), st.booleans(), NUMBERS, SYMBOLS, FORMULAS, MARKDOWN)

JUNK = st.recursive(
    SCALARS,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(st.one_of(st.sampled_from(LESSON_KEYS), st.integers(0, 3)), children, max_size=5),
    ),
    max_leaves=25,
)


@dataclass(frozen=True)
class Grammar:
    """Strategies for one lesson's values, at one level of hostility.

    `clean` lessons are valid in shape and reach the compute layer; `numbers` lessons are clean but
    for extreme numbers and both roundings at once, which only the compute layer sees; `noisy`
    lessons put hostile values, junk and unknown keys anywhere, for the schema checks.
    """

    mode: str

    def field(
        self, clean: st.SearchStrategy[Any], hostile: st.SearchStrategy[Any], *, number: bool = False
    ) -> st.SearchStrategy[Any]:
        """A value the format wants, or now and then a hostile one or anything at all."""
        if self.mode == "noisy":
            return st.one_of(clean, clean, clean, hostile, JUNK)
        if self.mode == "numbers" and number:
            return st.one_of(clean, hostile)
        return clean

    def mapping(
        self, required: dict[str, Any], optional: dict[str, Any]
    ) -> st.SearchStrategy[dict[str, Any]]:
        """A mapping of the format's keys; a noisy one sometimes has an unknown or misspelt key too."""
        base = st.fixed_dictionaries(required, optional=optional)
        if self.mode != "noisy":
            return base
        extra = st.dictionaries(st.sampled_from(LESSON_KEYS), JUNK, min_size=1, max_size=1)
        return st.one_of(base, base, base, st.builds(lambda a, b: {**a, **b}, base, extra))

    def text(self) -> st.SearchStrategy[Any]:
        return self.field(TEXT, MARKDOWN)

    def number(self) -> st.SearchStrategy[Any]:
        clean = st.one_of(st.integers(-1000, 1000), st.sampled_from(GOOD_NUMBERS))
        return self.field(clean, NUMBERS, number=True)

    def small(self) -> st.SearchStrategy[Any]:
        return self.field(st.integers(1, 6), st.one_of(st.integers(-2, 50), st.sampled_from(["ten", "2.5"])))

    def symbol_key(self) -> st.SearchStrategy[Any]:
        clean = st.sampled_from(["t", "T", "v", "ε", "T_max"])
        return st.one_of(clean, SYMBOLS) if self.mode == "noisy" else clean

    def given(self) -> st.SearchStrategy[Any]:
        clean = st.fixed_dictionaries(
            {"v": self.number()}, optional={"ε": self.number(), "T_max": self.number()}
        )
        return self.field(clean, st.dictionaries(self.symbol_key(), self.number(), max_size=3))

    def option_id(self) -> st.SearchStrategy[Any]:
        return self.field(st.sampled_from(["speed", "velocity", "likely-to-break", "none"]), IDS)

    def table(self) -> st.SearchStrategy[dict[str, Any]]:
        column = self.mapping({"label": self.text(), "formula": self.field(CLEAN_FORMULAS, FORMULAS)}, {})
        # A clean column asks for one rounding at most; the others may ask for both.
        rounding = st.one_of(
            st.just({}),
            st.fixed_dictionaries({"decimals": self.small()}),
            st.fixed_dictionaries({"significant": self.small()}),
        )
        if self.mode != "clean":
            rounding = st.fixed_dictionaries(
                {}, optional={"decimals": self.small(), "significant": self.small()}
            )
        column = st.builds(lambda a, b: {**a, **b}, column, rounding)
        return self.mapping(
            {
                "given": self.given(),
                "kind": self.field(st.just("computed-table"), st.sampled_from(["choice", "table", ""])),
                "title": self.text(),
                "rows": self.mapping(
                    {
                        "symbol": self.field(st.just("t"), SYMBOLS),
                        "values": st.lists(self.number(), min_size=1, max_size=4),
                    },
                    {},
                ),
                "columns": st.lists(column, min_size=1, max_size=7 if self.mode == "noisy" else 3),
            },
            {
                "minutes": self.small(),
                "materials": self.text(),
                "instructions": self.text(),
                "prompt": self.text(),
                "discussion": self.text(),
                "lines": self.small(),
            },
        )

    def choice(self) -> st.SearchStrategy[dict[str, Any]]:
        option = self.mapping({"id": self.option_id(), "label": self.text()}, {})
        options = st.lists(option, min_size=2, max_size=9)
        if self.mode != "noisy":  # distinct ids, and `none` only as an answer
            ids = st.lists(
                st.sampled_from(["speed", "velocity", "likely-to-break"]), min_size=2, max_size=3, unique=True
            )
            options = ids.flatmap(
                lambda ids: st.tuples(*(st.builds(dict, id=st.just(i), label=TEXT) for i in ids))
            )
            options = options.map(list)
        item = self.mapping(
            {"prompt": self.text(), "answer": self.option_id()},
            {"verdict": self.text(), "reason": self.text()},
        )
        return self.mapping(
            {
                "kind": self.field(st.just("choice"), st.sampled_from(["computed-table", "Choice"])),
                "title": self.text(),
                "options": options,
                "items": st.lists(item, min_size=1, max_size=3),
            },
            {"reason_lines": self.small(), "minutes": self.small(), "instructions": self.text()},
        )

    def lesson(self) -> st.SearchStrategy[dict[str, Any]]:
        card = self.mapping({"question": self.text(), "answer": self.text()}, {})
        question = self.mapping({"question": self.text(), "answer": self.text()}, {"lines": self.small()})
        return self.mapping(
            {"title": self.text()},
            {
                "subject": self.text(),
                "author": self.text(),
                "source": self.text(),
                "language": self.field(
                    st.sampled_from(["en", "de", "pt-BR"]), st.sampled_from(["english", "12"])
                ),
                "intro": self.text(),
                "self_check": self.mapping(
                    {"questions": st.lists(question, min_size=1, max_size=3)}, {"intro": self.text()}
                ),
                "exercises": st.lists(
                    st.one_of(self.table(), self.table(), self.choice()),
                    min_size=self.mode != "noisy",
                    max_size=3,
                ),
                "flashcards": st.lists(card, max_size=3),
            },
        )


GOOD_NUMBERS = ["0", "0.05", "4.5", ".5", "-2.5", "1000", "1e3", "0.1", "3.14159"]
TEXT = st.sampled_from(
    ["Hello", "*bold* and `code`", "Speed: 4.5 m/s", "ε = 0.05 · T²", "- a\n- b", "NO", "3.10"]
)
IDS = st.sampled_from(["speed", "velocity", "likely-to-break", "none", "Speed", "a--b", "", "speed "])
LESSONS = st.one_of(Grammar("clean").lesson(), Grammar("numbers").lesson(), Grammar("noisy").lesson())


@st.composite
def lesson_yaml(draw: st.DrawFn) -> str:
    """Dump a lesson-shaped document, then sometimes break one line the way hands break YAML."""
    data = draw(st.one_of(LESSONS, LESSONS, LESSONS, JUNK))
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, default_flow_style=draw(st.booleans()))
    lines = text.splitlines(keepends=True)
    edit = draw(
        st.sampled_from(
            ["none", "none", "none", "none", "none", "duplicate", "drop", "indent", "dedent", "tab", "anchor"]
        )
    )
    if edit == "none" or not lines:
        return text
    at = draw(st.integers(0, len(lines) - 1))
    line = lines[at]
    if edit == "duplicate":
        lines.insert(at, line)
    elif edit == "drop":
        del lines[at]
    elif edit == "indent":
        lines[at] = "  " + line
    elif edit == "dedent":
        lines[at] = line.removeprefix("  ")
    elif edit == "tab":
        lines[at] = "\t" + line
    else:
        lines[at] = line.replace(": ", ": &a ", 1) + "again: *a\n"
    return "".join(lines)


@SETTINGS
@given(text=lesson_yaml())
def test_lesson_shaped_yaml_loads_or_is_refused_in_place(tmp_path: Path, text: str) -> None:
    loaded = load(tmp_path, text.encode("utf-8", "surrogatepass"))
    if loaded is not None:
        # A lesson that loads has every computed table worked out, cell by cell.
        tables = [
            index
            for index, exercise in enumerate(loaded.lesson.exercises)
            if exercise.kind == "computed-table"
        ]
        worked = loaded.worked.exercises
        assert [exercise.number for exercise in worked] == list(range(1, len(loaded.lesson.exercises) + 1))
        for index in tables:
            exercise = loaded.lesson.exercises[index]
            table = worked[index].body
            assert isinstance(table, WorkedTable)
            assert len(table.rows) == len(exercise.rows.values)  # type: ignore[union-attr]
            assert all(len(row.cells) == len(table.headings) for row in table.rows)
