"""Work out every computed answer of a lesson and check what the schema alone cannot: pure, no I/O."""

from __future__ import annotations

from dataclasses import dataclass

from studygen.errors import did_you_mean, quoted
from studygen.formulas import (
    Formula,
    FormulaError,
    NumberFormat,
    Working,
    format_number,
    parse,
    work,
)
from studygen.model import Choice, ComputedTable, Lesson
from studygen.source import Path_

NO_OPTION = "none"
"""The `answer` of a choice item that none of the options fits."""


@dataclass(frozen=True)
class WorkedRow:
    """One row of a computed table: the row value and each column's working."""

    value: str
    cells: tuple[Working, ...]


@dataclass(frozen=True)
class WorkedTable:
    """A computed table with every cell worked out, ready to print on the worksheet and the key."""

    symbol: str
    given: tuple[str, ...]
    headings: tuple[str, ...]
    rows: tuple[WorkedRow, ...]


@dataclass(frozen=True)
class LessonProblem:
    """Something wrong that only shows when the lesson is worked out, at a path of keys."""

    path: Path_
    message: str
    near: str | None = None
    """Text inside the value the problem is about, to point at its exact line."""


@dataclass(frozen=True)
class Answers:
    """Everything computed for a lesson: worked tables by exercise index."""

    tables: dict[int, WorkedTable]


def work_out(lesson: Lesson) -> tuple[Answers, list[LessonProblem]]:
    """Compute every answer of a lesson, collecting all problems rather than stopping at the first."""
    problems: list[LessonProblem] = []
    tables: dict[int, WorkedTable] = {}
    for index, exercise in enumerate(lesson.exercises):
        path: Path_ = ("exercises", index)
        if isinstance(exercise, ComputedTable):
            table = _work_table(exercise, path, problems)
            if table is not None:
                tables[index] = table
        elif isinstance(exercise, Choice):
            _check_choice(exercise, path, problems)
    return Answers(tables), problems


def _work_table(table: ComputedTable, path: Path_, problems: list[LessonProblem]) -> WorkedTable | None:
    """Work out every cell of a table; return None if any column cannot be computed."""
    known = {**table.given}
    symbol = table.rows.symbol
    if symbol in known:
        problems.append(
            LessonProblem(
                (*path, "given", symbol), f"{quoted(symbol)} is also the row symbol: give it one role"
            )
        )
        return None
    formulas: list[Formula] = []
    failed = False
    for number, column in enumerate(table.columns):
        formula = parse(column.formula)  # already validated by the model
        unknown = sorted(formula.names - {*known, symbol})
        if unknown:
            names = ", ".join(sorted({*known, symbol}))
            problems.append(
                LessonProblem(
                    (*path, "columns", number, "formula"),
                    f"unknown symbol {', '.join(map(quoted, unknown))} in {quoted(column.formula)}: "
                    f"define it under `given:` or use one of {names}",
                )
            )
            failed = True
        formulas.append(formula)
    if failed:
        return None
    rows: list[WorkedRow] = []
    for row_number, value in enumerate(table.rows.values):
        values = {**known, symbol: value}
        cells: list[Working] = []
        for number, (column, formula) in enumerate(zip(table.columns, formulas, strict=True)):
            try:
                cells.append(
                    work(
                        formula,
                        values,
                        NumberFormat(decimals=column.decimals, significant=column.significant),
                    )
                )
            except FormulaError as error:
                problems.append(
                    LessonProblem(
                        (*path, "columns", number, "formula"),
                        f"cannot compute {quoted(column.formula)} for {symbol} = "
                        f"{format_number(value, exact=True)} (rows.values[{row_number}]): {error.message}",
                    )
                )
                failed = True
        rows.append(WorkedRow(format_number(value, exact=True), tuple(cells)))
    if failed:
        return None
    return WorkedTable(
        symbol=symbol,
        given=tuple(f"{name} = {format_number(value, exact=True)}" for name, value in table.given.items()),
        headings=tuple(f"{c.label} = {f.display()}" for c, f in zip(table.columns, formulas, strict=True)),
        rows=tuple(rows),
    )


def _check_choice(choice: Choice, path: Path_, problems: list[LessonProblem]) -> None:
    """Check that option ids are unique and every item's answer names one of them."""
    ids: list[str] = []
    for number, option in enumerate(choice.options):
        where = (*path, "options", number, "id")
        if option.id == NO_OPTION:
            problems.append(LessonProblem(where, f"'{NO_OPTION}' is reserved for items no option fits"))
        elif option.id in ids:
            problems.append(LessonProblem(where, f"duplicate option id {quoted(option.id)}"))
        ids.append(option.id)
    allowed = list(dict.fromkeys([*ids, NO_OPTION]))
    for number, item in enumerate(choice.items):
        if item.answer == NO_OPTION and item.verdict is None:
            problems.append(
                LessonProblem(
                    (*path, "items", number, "answer"),
                    "an item no option fits needs a `verdict` saying what it is, e.g. `verdict: Neither.`",
                )
            )
        elif item.answer not in allowed:
            problems.append(
                LessonProblem(
                    (*path, "items", number, "answer"),
                    f"{quoted(item.answer)} is not an option id: use one of {', '.join(allowed)}"
                    + did_you_mean(item.answer, allowed),
                )
            )


def option_label(choice: Choice, answer: str) -> str | None:
    """Return the label of the option an answer names, or None for `none`."""
    return next((option.label for option in choice.options if option.id == answer), None)
