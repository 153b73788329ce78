"""The computed table: rows of a changing value, columns computed from formulas, worked in the key."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from pydantic import Field

from studygen.fields import Exercise, Flag, InlineMarkdown, Model, Number, Symbol, Text
from studygen.formulas import Working, format_number
from studygen.keys import LessonProblem, Path_
from studygen.kinds.base import Kind
from studygen.kinds.formula_answers import FormulaAnswer, given_values, parse_known, work_answer
from studygen.wording import quoted
from studygen.worked import WorkedBody

MAX_COLUMN_LABEL = 80
"""Characters a column heading may hold before its formula: up to six columns share the page's width."""


class Row(Model):
    """The parameter that changes from row to row of a computed table."""

    symbol: Symbol
    """The symbol formulas use for it, e.g. `T`."""
    values: list[Number] = Field(min_length=1, max_length=100)
    """One row per value, in this order, e.g. `[50, 200, 1000]`."""


class Column(FormulaAnswer):
    """One computed column of a table: a heading and the formula that fills it."""

    label: Text = Field(max_length=MAX_COLUMN_LABEL)
    """Column heading, e.g. `BC`; the heading prints as `BC = ε · T²`; at most 80 characters."""
    show_formula: Flag = True
    """With `false`, the worksheet's heading is only the label, for when finding the formula is the
    exercise; the key still shows `label = formula` and the working."""


class ComputedTable(Exercise):
    """A table whose answers are computed from formulas: students fill the cells, the key shows the work."""

    kind: Literal["computed-table"]
    """Says what kind of exercise this is."""
    given: dict[Symbol, Number] = Field(default_factory=dict)
    """Values that stay the same in every row, e.g. `{ε: 0.05}`; printed above the table as `ε = 0.05`."""
    rows: Row
    """The parameter that changes from row to row and its values."""
    columns: list[Column] = Field(min_length=1, max_length=6)
    """The computed columns, left to right."""
    prompt: InlineMarkdown | None = None
    """One line above the table saying what to fill in."""


@dataclass(frozen=True)
class WorkedRow:
    """One row of a computed table: the row value and each column's working."""

    value: str
    """The row's value as printed, exactly as the teacher wrote it: `50`."""
    cells: tuple[Working, ...]
    """Each column's working for this row, left to right."""


@dataclass(frozen=True)
class WorkedTable(WorkedBody):
    """A computed table with every cell worked out, ready to print on the worksheet and the key."""

    prompt: str | None
    """One-paragraph markdown printed above the table, after the given values."""
    symbol: str
    """The row symbol, heading the first column: `T`."""
    given: tuple[str, ...]
    """The given values as printed: `ε = 0.05`."""
    headings: tuple[str, ...]
    """Column headings with their formulas, as the key prints them: `BC = ε · T²`."""
    worksheet_headings: tuple[str, ...]
    """Column headings as the worksheet prints them: the key's, or only the label (`show_formula: false`)."""
    rows: tuple[WorkedRow, ...]
    """The rows in the lesson's order."""


def work_table(table: ComputedTable, path: Path_, problems: list[LessonProblem]) -> WorkedTable | None:
    """Work out every cell of a table; return None if any column cannot be computed."""
    symbol = table.rows.symbol
    if symbol in table.given:
        problems.append(
            LessonProblem(
                (*path, "given", symbol), f"{quoted(symbol)} is also the row symbol: give it one role"
            )
        )
        return None
    known = {*table.given, symbol}
    formulas = [
        parse_known(column, known, (*path, "columns", number), problems, "define it under `given:`")
        for number, column in enumerate(table.columns)
    ]
    if None in formulas:
        return None
    rows: list[WorkedRow] = []
    found = len(problems)
    for row_number, value in enumerate(table.rows.values):
        case = f"for {symbol} = {format_number(value, exact=True)} (rows.values[{row_number}])"
        cells = [
            work_answer(
                column, formula, {**table.given, symbol: value}, (*path, "columns", n), problems, case
            )
            for n, (column, formula) in enumerate(zip(table.columns, formulas, strict=True))
            if formula is not None
        ]
        rows.append(WorkedRow(format_number(value, exact=True), tuple(c for c in cells if c is not None)))
    if len(problems) > found:
        return None
    headings = tuple(
        f"{c.label} = {f.display()}" for c, f in zip(table.columns, formulas, strict=True) if f is not None
    )
    return WorkedTable(
        prompt=table.prompt,
        symbol=symbol,
        given=given_values(table.given),
        headings=headings,
        worksheet_headings=tuple(
            heading if column.show_formula else column.label
            for column, heading in zip(table.columns, headings, strict=True)
        ),
        rows=tuple(rows),
    )


KIND = Kind(
    "computed-table",
    ComputedTable,
    work_table,
    "kinds/computed-table.html",
    (("`rows` of a computed table", Row), ("`columns[]` of a computed table", Column)),
)
"""The computed table's entry in the kinds registry."""
