"""Moodle XML for a course's question bank: a category per lesson, images inside, the same bytes every time.

The structure follows Moodle's own import (`question/format/xml/format.php`) and its test fixtures;
docs/exports.md lists the mapping and what does not map. Text goes in as escaped XML rather than
CDATA, so no lesson text (`]]>` included) can close it early.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING
from xml.etree import ElementTree as ET

if TYPE_CHECKING:
    from studygen.exports import Gathering
    from studygen.exports.question_bank import Answer, Html, Question, QuestionBank
    from studygen.lesson import LoadedLesson


def gather(loaded: LoadedLesson, asked: Gathering) -> QuestionBank | None:
    """Turn a lesson's exercises into its question bank: the lesson as written, or a category per version."""
    # Imported here: the CLI lists formats without the lesson model.
    from studygen.exports.question_bank import bank_of_versions
    from studygen.variants import plain_version, versions

    drawn = versions(loaded, asked.variants, asked.seed) if asked.variants else [plain_version(loaded)]
    return bank_of_versions(loaded.file, drawn)


def write(banks: Sequence[QuestionBank]) -> bytes:
    """Write every lesson's categories and questions into one `<quiz>` file."""
    quiz = ET.Element("quiz")
    for bank in banks:
        for category in bank.categories:
            _category(quiz, category.path)
            for question in category.questions:
                _question(quiz, question)
    ET.indent(quiz, "  ")
    written: bytes = ET.tostring(quiz, encoding="UTF-8", xml_declaration=True)
    return written + b"\n"


def _category(quiz: ET.Element, path: str) -> None:
    """Start a category: the questions after it go into it, made on import if it does not exist."""
    question = ET.SubElement(quiz, "question", type="category")
    _text(ET.SubElement(question, "category"), path)


def _question(quiz: ET.Element, question: Question) -> None:
    """Write one question: name, text and feedback, grade, then the elements of its type."""
    element = ET.SubElement(quiz, "question", type=question.type)
    _text(ET.SubElement(element, "name"), question.name)
    _html(element, "questiontext", question.text)
    _html(element, "generalfeedback", question.feedback)
    if question.grade is not None:
        _simple(element, "defaultgrade", _grade(question.grade))
    _simple(element, "penalty", question.penalty)
    _simple(element, "hidden", "0")
    for name, value in question.settings:
        if isinstance(value, str):
            _simple(element, name, value)
        else:
            _html(element, name, value)
    for answer in question.answers:
        _answer(element, answer)
    for subquestion in question.subquestions:
        row = _html(element, "subquestion", subquestion.text)
        _text(ET.SubElement(row, "answer"), subquestion.answer)
    if question.units:
        units = ET.SubElement(element, "units")
        for name in question.units:
            unit = ET.SubElement(units, "unit")
            _simple(unit, "multiplier", "1")
            _simple(unit, "unit_name", name)


def _answer(question: ET.Element, answer: Answer) -> None:
    """Write one answer with its grade, text, tolerance (numerical) and feedback."""
    element = ET.SubElement(question, "answer", fraction=answer.fraction, format=answer.format)
    _text(element, answer.text.text)
    _files(element, answer.text)
    if answer.tolerance is not None:
        _simple(element, "tolerance", answer.tolerance)
    _html(element, "feedback", answer.feedback)


def _html(parent: ET.Element, name: str, html: Html) -> ET.Element:
    """Write an HTML text field and the files it refers to as `@@PLUGINFILE@@/name`."""
    element = ET.SubElement(parent, name, format="html")
    _text(element, html.text)
    _files(element, html)
    return element


def _files(element: ET.Element, html: Html) -> None:
    """Carry each image a text shows inside its field, base64-encoded, as Moodle's export does."""
    for medium in html.files:
        file = ET.SubElement(element, "file", name=medium.name, path="/", encoding="base64")
        file.text = base64.b64encode(medium.data).decode("ascii")


def _text(parent: ET.Element, value: str) -> None:
    """Write a `<text>` element; ElementTree escapes `<`, `&` and `>`, so lesson text stays text."""
    ET.SubElement(parent, "text").text = value


def _simple(parent: ET.Element, name: str, value: str) -> None:
    """Write an element holding a plain value."""
    ET.SubElement(parent, name).text = value


def _grade(value: Decimal) -> str:
    """A mark as Moodle writes it: seven decimals, `1.0000000`."""
    return format(value.quantize(Decimal("0.0000001")), "f")
