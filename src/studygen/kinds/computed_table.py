"""The computed table: rows of a changing value, columns computed from formulas, worked in the key."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Literal

from pydantic import Field

from studygen.fields import (
    Exercise,
    Flag,
    Given,
    InlineMarkdown,
    Model,
    Points,
    Quantity,
    Symbol,
    Text,
    UnitText,
)
from studygen.formulas import Working
from studygen.formulas.units import Quantity as QuantityValue
from studygen.formulas.units import Unit
from studygen.keys import LessonProblem, Path_
from studygen.kinds.base import Kind
from studygen.kinds.formula_answers import (
    FormulaAnswer,
    WorkedAnswer,
    check_units,
    given_values,
    parse_known,
    quantity_text,
    work_answer,
)
from studygen.kinds.points import given_points
from studygen.wording import quoted
from studygen.worked import WorkedBody, WorkedPoints

MAX_COLUMN_LABEL = 80
"""Characters a column heading may hold before its formula: up to six columns share the page's width."""


class Row(Model):
    """The parameter that changes from row to row of a computed table."""

    symbol: Symbol
    """The symbol formulas use for it, e.g. `T`."""
    values: list[Quantity] = Field(min_length=1, max_length=100)
    """One row per value, in this order, e.g. `[50, 200, 1000]`, or with units: `[1 s, 2 s]`."""
    unit: UnitText | None = None
    """The unit of the values written as plain numbers, e.g. `s`: the row heading then reads `t (s)`."""


class Column(FormulaAnswer):
    """One computed column of a table: a heading and the formula that fills it."""

    label: Text = Field(max_length=MAX_COLUMN_LABEL)
    """Column heading, e.g. `BC`; the heading prints as `BC = ε · T²`; at most 80 characters."""
    show_formula: Flag = True
    """With `false`, the worksheet's heading is only the label, for when finding the formula is the
    exercise; the key still shows `label = formula` and the working."""
    points: Points | None = None
    """What filling in the whole column is worth, e.g. `3`; printed under its heading (see Points and
    grading)."""


class ComputedTable(Exercise):
    """A table whose answers are computed from formulas: students fill the cells, the key shows the work."""

    kind: Literal["computed-table"]
    """Says what kind of exercise this is."""
    parts: ClassVar[str] = "columns"
    given: dict[Symbol, Given] = Field(default_factory=dict)
    """Values that stay the same in every row, e.g. `{ε: 0.05}` or `{g: 9.8 m/s²}`; printed above the
    table as `ε = 0.05`. Each version may draw a value from a list or range (see Versions)."""
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
    """The row's value as printed, exactly as the teacher wrote it: `50`; with its unit (`1 s`) only when
    the rows do not share one unit."""
    key_value: str
    """The row's value as the key prints it: the same, or with its conversion, `30 min = 1800 s`."""
    cells: tuple[Working, ...]
    """Each column's working for this row, left to right."""


@dataclass(frozen=True)
class WorkedTable(WorkedBody):
    """A computed table with every cell worked out, ready to print on the worksheet and the key."""

    prompt: str | None
    """One-paragraph markdown printed above the table, after the given values."""
    symbol: str
    """The row symbol, heading the first column: `T`."""
    row_unit: str | None
    """The unit all row values share, printed after the row symbol in its heading, `t (s)`; or None."""
    given: tuple[str, ...]
    """The given values as printed: `ε = 0.05`, `g = 9.8 m/s²`."""
    key_given: tuple[str, ...]
    """The given values as the key prints them, with the conversions its working made:
    `v = 72 km/h = 20 m/s`."""
    units: tuple[str | None, ...]
    """Each column's unit, printed on its own line under the heading, `(m)`; None for a plain number."""
    headings: tuple[str, ...]
    """Column headings with their formulas, as the key prints them: `BC = ε · T²`."""
    worksheet_headings: tuple[str, ...]
    """Column headings as the worksheet prints them: the key's, or only the label (`show_formula: false`)."""
    rows: tuple[WorkedRow, ...]
    """The rows in the lesson's order."""
    column_points: tuple[WorkedPoints | None, ...] = ()
    """What filling in each column is worth, printed under its heading; None for a column without
    points."""

    def part_points(self) -> tuple[WorkedPoints | None, ...]:
        """Return each column's points."""
        return self.column_points


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
    values = _row_values(table.rows)
    first = {**table.given, symbol: values[0]}
    units_work_out = [
        check_units(column, formula, first, (*path, "columns", n), problems)
        for n, (column, formula) in enumerate(zip(table.columns, formulas, strict=True))
        if formula is not None
    ]
    if not all(units_work_out):  # said once per column, not once per row
        return None
    rows: list[tuple[WorkedRow, list[WorkedAnswer]]] = []
    conversions: dict[str, str] = {}
    found = len(problems)
    shared = {value.unit for value in values}
    row_unit = shared.pop() if len(shared) == 1 else None
    for row_number, value in enumerate(values):
        case = f"for {symbol} = {quantity_text(value)} (rows.values[{row_number}])"
        answers = [
            work_answer(
                column, formula, {**table.given, symbol: value}, (*path, "columns", n), problems, case
            )
            for n, (column, formula) in enumerate(zip(table.columns, formulas, strict=True))
            if formula is not None
        ]
        cells = [answer for answer in answers if answer is not None]
        for cell in cells:
            conversions = cell.conversions | conversions
        rows.append(_worked_row(symbol, value, row_unit, cells))
    if len(problems) > found:
        return None
    headings = tuple(
        f"{c.label} = {f.display()}" for c, f in zip(table.columns, formulas, strict=True) if f is not None
    )
    units = _column_units(rows)
    return WorkedTable(
        prompt=table.prompt,
        symbol=symbol,
        row_unit=row_unit.text if row_unit else None,
        given=given_values(table.given),
        key_given=given_values(table.given, conversions),
        units=units,
        headings=headings,
        worksheet_headings=tuple(
            heading if column.show_formula else column.label
            for column, heading in zip(table.columns, headings, strict=True)
        ),
        rows=tuple(row for row, _ in rows),
        column_points=tuple(given_points(column.points) for column in table.columns),
    )


def _row_values(rows: Row) -> list[QuantityValue]:
    """The row values, each plain number given the rows' `unit:`."""
    return [value if value.unit else QuantityValue(value.magnitude, rows.unit) for value in rows.values]


def _worked_row(
    symbol: str, value: QuantityValue, row_unit: Unit | None, cells: list[WorkedAnswer]
) -> tuple[WorkedRow, list[WorkedAnswer]]:
    """One row as printed: its value (the unit only when rows do not share one), its key value, its cells."""
    printed = quantity_text(value if row_unit is None else QuantityValue(value.magnitude))
    converted = next((cell.conversions[symbol] for cell in cells if symbol in cell.conversions), None)
    row = WorkedRow(printed, converted or printed, tuple(cell.working for cell in cells))
    return row, cells


def _column_units(rows: list[tuple[WorkedRow, list[WorkedAnswer]]]) -> tuple[str | None, ...]:
    """Each column's unit, from the first row (every row's cell has the same unit)."""
    _, cells = rows[0]
    return tuple(cell.unit.text if cell.unit else None for cell in cells)


KIND = Kind(
    "computed-table",
    ComputedTable,
    work_table,
    "kinds/computed-table.html",
    (("`rows` of a computed table", Row), ("`columns[]` of a computed table", Column)),
)
"""The computed table's entry in the kinds registry."""
