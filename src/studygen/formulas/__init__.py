"""The formula language of lesson files: safe parsing, teacher display, exact evaluation, steps."""

from studygen.formulas.errors import FormulaError
from studygen.formulas.evaluation import evaluate
from studygen.formulas.limits import MAX_DEPTH, MAX_EXPONENT, MAX_NODES, MAX_SOURCE_LENGTH, PRECISION
from studygen.formulas.numbers import NumberFormat, format_number
from studygen.formulas.parsing import Formula, parse
from studygen.formulas.steps import Working, work

__all__ = [
    "MAX_DEPTH",
    "MAX_EXPONENT",
    "MAX_NODES",
    "MAX_SOURCE_LENGTH",
    "PRECISION",
    "Formula",
    "FormulaError",
    "NumberFormat",
    "Working",
    "evaluate",
    "format_number",
    "parse",
    "work",
]
