"""The computed table: rows of a changing value, columns computed from formulas, worked in the key."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from pydantic import Field, model_validator

from studygen.fields import Exercise, Flag, FormulaText, InlineMarkdown, Model, Number, Symbol, Text
from studygen.formulas import Formula, FormulaError, NumberFormat, Working, format_number, parse, work
from studygen.keys import LessonProblem, Path_
from studygen.kinds.base import Kind
from studygen.wording import quoted
from studygen.worked import WorkedBody


class Row(Model):
    """The parameter that changes from row to row of a computed table."""

    symbol: Symbol
    """The symbol formulas use for it, e.g. `T`."""
    values: list[Number] = Field(min_length=1, max_length=100)
    """One row per value, in this order, e.g. `[50, 200, 1000]`."""


class Column(Model):
    """One computed column of a table: a heading and the formula that fills it."""

    label: Text
    """Column heading, e.g. `BC`; the heading prints as `BC = ε · T²`."""
    formula: FormulaText
    """The formula: numbers, symbols, `+ - * / ^`, parentheses and a few functions (see Formulas)."""
    decimals: int | None = Field(default=None, ge=0, le=12)
    """Print answers with exactly this many decimals (rounded half up)."""
    significant: int | None = Field(default=None, ge=1, le=15)
    """Print answers with this many significant figures; with neither this nor `decimals`, exactly."""
    show_formula: Flag = True
    """With `false`, the worksheet's heading is only the label, for when finding the formula is the
    exercise; the key still shows `label = formula` and the working."""

    @model_validator(mode="after")
    def _one_format(self) -> Column:
        """Refuse a column that asks for both decimals and significant figures."""
        if self.decimals is not None and self.significant is not None:
            raise ValueError("give either `decimals` or `significant`, not both")
        return self


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
    cells: tuple[Working, ...]


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


def work_table(table: ComputedTable, path: Path_, problems: list[LessonProblem]) -> WorkedTable | None:
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
    headings = tuple(f"{c.label} = {f.display()}" for c, f in zip(table.columns, formulas, strict=True))
    return WorkedTable(
        prompt=table.prompt,
        symbol=symbol,
        given=tuple(f"{name} = {format_number(value, exact=True)}" for name, value in table.given.items()),
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
