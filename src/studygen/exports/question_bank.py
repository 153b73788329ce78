"""A lesson's exercises as Moodle questions: one category per lesson (and version), one question per item.

Each kind maps to the Moodle question type that grades it the way the answer key does (see the table in
docs/exports.md). Text is the lesson's markdown rendered by studygen's own prose renderer, so raw HTML in
a lesson shows as the characters typed; values arrive formatted in the worked lesson, as the PDFs print
them. Images become files carried inside the XML. Nothing here writes XML: `moodle.write` does.
"""

from __future__ import annotations

import dataclasses
import html
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from markupsafe import escape

from studygen import prose
from studygen.errors import BuildError, shown
from studygen.exports.decks import Medium, pack
from studygen.exports.quizlet import plain
from studygen.formulas import Working
from studygen.formulas.numbers import TIMES
from studygen.kinds import words
from studygen.kinds.choice import WorkedChoice, WorkedChoiceItem
from studygen.kinds.computed_table import WorkedTable
from studygen.kinds.fill_in_the_blanks import WorkedFillInTheBlanks
from studygen.kinds.matching import WorkedMatching
from studygen.kinds.multiple_choice import WorkedMultipleChoice, WorkedQuestion
from studygen.kinds.numeric_problem import WorkedNumericProblem
from studygen.kinds.written_answer import WorkedWrittenAnswer
from studygen.language import gettext, language_for, speaking
from studygen.variants import Version
from studygen.wording import shortened
from studygen.worked import WorkedExercise, WorkedLesson

ROOT_CATEGORY = "$course$/studygen"
"""Where every lesson's category goes in the course's question bank: `$course$/studygen/<title>`."""

MAX_NAME = 120
"""Characters of a question's name in the bank (Moodle allows 255): number, exercise title, item."""

ESSAY_LINES = 10
"""Lines of the answer box Moodle shows for a written answer with a box or grid instead of lines."""

PLUGINFILE = "@@PLUGINFILE@@/"
"""How Moodle XML text refers to a file carried beside it in the same question."""


@dataclass(frozen=True)
class Html:
    """A piece of HTML for a Moodle text field, with the image files it refers to."""

    text: str
    files: tuple[Medium, ...] = ()


EMPTY = Html("")


@dataclass(frozen=True)
class Answer:
    """One answer of a question: its grade in percent, its text and the feedback shown when chosen."""

    fraction: str
    """Percent of the question's grade, as Moodle writes it: `100`, `33.33333`, `-50`."""
    text: Html
    format: str = "html"
    """`html` for text shown to the student; `moodle_auto_format` for true/false and numbers."""
    feedback: Html = EMPTY
    tolerance: str | None = None
    """For a numerical answer: how far off a response may be and still count (absolute)."""


@dataclass(frozen=True)
class Subquestion:
    """One row of a matching question: the left text (HTML; empty for an extra right item) and its match."""

    text: Html
    answer: str
    """Plain text: Moodle shows matching answers in a drop-down, where HTML would print as tags."""


@dataclass(frozen=True)
class Question:
    """One Moodle question: what every type has, and the elements of its own type."""

    type: str
    """Moodle's type name: `multichoice`, `truefalse`, `numerical`, `cloze`, `matching`, `essay`."""
    name: str
    text: Html
    feedback: Html
    """General feedback: shown after the attempt, whatever was answered (the key's working, why)."""
    grade: Decimal | None
    """The question's default mark; None for a cloze, whose mark Moodle adds up from its blanks."""
    penalty: str
    """Fraction of the mark lost per wrong try in interactive quizzes, as Moodle writes it."""
    settings: tuple[tuple[str, str | Html], ...] = ()
    """The type's own elements in the order Moodle writes them: a value (`("single", "true")`) or an
    HTML field (an essay's `graderinfo`)."""
    answers: tuple[Answer, ...] = ()
    subquestions: tuple[Subquestion, ...] = ()
    units: tuple[str, ...] = ()
    """A numerical answer's unit, as printed (`m/s²`), or ()."""


@dataclass(frozen=True)
class Category:
    """A category of the question bank and the questions it holds, in the lesson's order."""

    path: str
    """`$course$/studygen/<lesson title>`, or `…/<lesson title>/Version 3` for a version."""
    questions: tuple[Question, ...]


@dataclass(frozen=True)
class QuestionBank:
    """One lesson's questions for Moodle: a category per version, and every image they show."""

    name: str
    """The lesson's title on one line."""
    categories: tuple[Category, ...]
    media: tuple[Medium, ...]

    @property
    def count(self) -> int:
        """How many questions the lesson gives, over all its versions."""
        return sum(len(category.questions) for category in self.categories)


def bank_of_versions(file: Path, versions: Sequence[Version]) -> QuestionBank | None:
    """Turn each version of a lesson into a category of questions, reading images from the lesson's folder."""
    if not versions or not versions[0].worked.exercises:
        return None
    texts = _Texts(file.parent)
    title = " ".join(versions[0].worked.title.split())
    try:
        with speaking(language_for(versions[0].worked.language)):  # "None of these" in its language
            categories = tuple(
                Category(category_path(title, version.label), tuple(_questions(version.worked, texts)))
                for version in versions
            )
    except (BuildError, ValueError) as error:
        message = error.format_message() if isinstance(error, BuildError) else str(error)
        raise BuildError(f"{shown(file)}: exercises: {message}") from None
    return QuestionBank(title, categories, tuple(texts.media.values()))


def category_path(title: str, label: str | None) -> str:
    """The category a lesson (or one of its versions) goes in; a `/` in a name is written `//` for Moodle."""
    names = [title] if label is None else [title, label]
    return "/".join([ROOT_CATEGORY, *(name.replace("/", "//") for name in names)])


def default_grade(exercise: WorkedExercise, item: object | None) -> Decimal | None:
    """The mark of one question: the points the lesson gives its item, or None to take a share.

    `item` is the worked item the question asks (a multiple-choice question, a statement, an asked
    quantity, a written-answer question), or None when the question is the whole exercise (matching).
    A question without points of its own is given its share of the exercise's points by `_graded`.
    """
    points = getattr(item, "points", None)
    return points.value if points is not None else None


def _graded(exercise: WorkedExercise, questions: Sequence[Question]) -> Iterator[Question]:
    """Mark each question of an exercise: its own points, else an equal share of the exercise's, else 1.

    A cloze keeps no mark of its own: Moodle adds it up from its blanks, each worth 1 (whole marks
    only), and a quiz scales every question to the mark the teacher gives it there.
    """
    unmarked = [question for question in questions if question.grade is None and question.type != "cloze"]
    share = exercise.points.value / len(unmarked) if exercise.points is not None and unmarked else Decimal(1)
    for question in questions:
        if question.grade is None and question.type != "cloze":
            yield dataclasses.replace(question, grade=share)
        else:
            yield question


class _Texts:
    """Renders a lesson's markdown for Moodle and keeps each image it shows, packed once by content."""

    def __init__(self, folder: Path) -> None:
        """Read images from the lesson's folder only, as `check` does."""
        self.folder = folder
        self.media: dict[str, Medium] = {}

    def block(self, markdown: str | None) -> Html:
        """Render paragraphs, lists and code; None renders as nothing."""
        return self._render(markdown, prose.block)

    def inline(self, markdown: str | None) -> Html:
        """Render one paragraph's content, without `<p>`."""
        return self._render(markdown, prose.inline)

    def _render(self, markdown: str | None, render: Callable[..., object]) -> Html:
        """Render markdown with each image referred to as a file the question carries."""
        if not markdown:
            return EMPTY
        used: dict[str, Medium] = {}

        def source(written: str) -> str:
            name = pack(written, self.folder, self.media)
            if name not in self.media:  # an inline `data:` image travels inside the HTML
                return name
            used[name] = self.media[name]
            return PLUGINFILE + name

        return Html(str(render(markdown, image_source=source)).strip(), tuple(used.values()))


def joined(*pieces: Html) -> Html:
    """Put pieces of HTML one after the other, with all their files."""
    files = {medium.name: medium for piece in pieces for medium in piece.files}
    return Html("\n".join(piece.text for piece in pieces if piece.text), tuple(files.values()))


def paragraph(text: str) -> Html:
    """A paragraph of plain text studygen or the worked lesson wrote (`g = 9.8`): escaped, never markdown."""
    return Html(f"<p>{escape(text)}</p>")


def _questions(lesson: WorkedLesson, texts: _Texts) -> Iterator[Question]:
    """Every question of a worked lesson, exercise by exercise, item by item."""
    for exercise in lesson.exercises:
        yield from _graded(exercise, list(_MAPPINGS[exercise.kind](exercise, texts)))


def _name(exercise: WorkedExercise, item: int | None, detail: str | None = None) -> str:
    """Name a question so a bank sorts it in the lesson's order: `03.02 Drop: Speed, v`."""
    number = f"{exercise.number:02d}" + (f".{item:02d}" if item is not None else "")
    title = " ".join(exercise.title.split())
    name = f"{number} {title}" + (f": {detail}" if detail else "")
    return shortened(name, MAX_NAME)


def _words(markdown: str) -> str:
    """The start of a markdown text as plain words, for a question's name."""
    return shortened(plain(str(prose.block(markdown))), 60)


def _intro(exercise: WorkedExercise, texts: _Texts) -> Html:
    """The exercise's instructions, which every question of it repeats before its own text."""
    return texts.block(exercise.instructions)


def _discussion(exercise: WorkedExercise, texts: _Texts) -> Html:
    """The key's discussion of the exercise, shown as feedback after each of its questions."""
    return texts.block(exercise.discussion)


# --- multiple choice and choice ---------------------------------------------------------------------


def _percent(value: Decimal) -> str:
    """A fraction of a grade as Moodle writes it in percent: 7 decimal places of the fraction, `33.33333`."""
    fraction = value.quantize(Decimal("0.0000001"))
    return format((fraction * 100).normalize(), "f")


def _multiple_choice(exercise: WorkedExercise, texts: _Texts) -> Iterator[Question]:
    """Each question becomes a `multichoice`: one answer when one option is right, else several."""
    assert isinstance(exercise.body, WorkedMultipleChoice)
    for number, question in enumerate(exercise.body.questions, start=1):
        yield Question(
            type="multichoice",
            name=_name(exercise, number, _words(question.prompt)),
            text=joined(_intro(exercise, texts), texts.block(question.prompt)),
            feedback=joined(paragraph(question.answer), _discussion(exercise, texts)),
            grade=default_grade(exercise, question),
            penalty="0.3333333",
            settings=_choice_settings(single=not question.several),
            answers=_options(question, texts),
        )


def _options(question: WorkedQuestion, texts: _Texts) -> tuple[Answer, ...]:
    """Grade the options: all of the grade for the right one, or a share for each of several right ones.

    With several right options, each wrong one takes off one share, so ticking every box scores nothing.
    """
    right = sum(option.correct for option in question.options)
    share = Decimal(1) / right
    return tuple(
        Answer(
            _percent(share if option.correct else (-share if right > 1 else Decimal(0))),
            texts.inline(option.text),
            feedback=texts.inline(option.explanation),
        )
        for option in question.options
    )


def _choice_settings(*, single: bool) -> tuple[tuple[str, str | Html], ...]:
    """A multichoice's own elements: one answer or several, options in the printed order, lettered A, B, C."""
    return (
        ("single", "true" if single else "false"),
        ("shuffleanswers", "false"),  # versions shuffle options themselves; the plain lesson keeps its order
        ("answernumbering", "ABCD"),
        # What Moodle says after a right, partly right or wrong attempt: its own words, as in the key.
        ("correctfeedback", EMPTY),
        ("partiallycorrectfeedback", EMPTY),
        ("incorrectfeedback", EMPTY),
    )


def _choice(exercise: WorkedExercise, texts: _Texts) -> Iterator[Question]:
    """Each item becomes a single-answer `multichoice` over the exercise's options, its reason as feedback.

    An item no option fits is answered by an extra option, "None of these", offered with every item
    of the exercise so that its presence gives nothing away.
    """
    assert isinstance(exercise.body, WorkedChoice)
    items = exercise.body.items
    none_fits = any(not any(box.ticked for box in item.boxes) for item in items)
    for number, item in enumerate(items, start=1):
        answers = [_box_answer(box.label, box.ticked, item, texts) for box in item.boxes]
        if none_fits:
            fits = any(box.ticked for box in item.boxes)
            answers.append(_box_answer(gettext(words.NONE_OF_THESE), not fits, item, texts))
        yield Question(
            type="multichoice",
            name=_name(exercise, number, _words(item.prompt)),
            text=joined(_intro(exercise, texts), texts.block(item.prompt)),
            feedback=joined(_verdict(item, texts), _discussion(exercise, texts)),
            grade=default_grade(exercise, item),
            penalty="0.3333333",
            settings=_choice_settings(single=True),
            answers=tuple(answers),
        )


def _box_answer(label: str, right: bool, item: WorkedChoiceItem, texts: _Texts) -> Answer:
    """One tick box as an answer: a label is plain text; the right one's feedback is the item's reason."""
    return Answer(
        "100" if right else "0",
        Html(str(escape(label))),
        feedback=texts.inline(item.reason) if right else EMPTY,
    )


def _verdict(item: WorkedChoiceItem, texts: _Texts) -> Html:
    """The key's verdict and reason on one line, as the key prints them."""
    reason = f" {item.reason}" if item.reason else ""
    return joined(texts.block(item.verdict + reason))


def _true_false(exercise: WorkedExercise, texts: _Texts) -> Iterator[Question]:
    """Each statement becomes a `truefalse`, its explanation as feedback."""
    assert isinstance(exercise.body, WorkedChoice)
    for number, item in enumerate(exercise.body.items, start=1):
        true_box, false_box = item.boxes
        yield Question(
            type="truefalse",
            name=_name(exercise, number, _words(item.prompt)),
            text=joined(_intro(exercise, texts), texts.block(item.prompt)),
            feedback=joined(_verdict(item, texts), _discussion(exercise, texts)),
            grade=default_grade(exercise, item),
            penalty="1.0000000",
            answers=(
                Answer("100" if true_box.ticked else "0", Html("true"), "moodle_auto_format"),
                Answer("100" if false_box.ticked else "0", Html("false"), "moodle_auto_format"),
            ),
        )


# --- numbers ----------------------------------------------------------------------------------------


def tolerance(working: Working) -> str:
    """How far off a response may be: half a unit in the last printed place of a rounded answer, else 0.

    `44.1` rounded from 44.1372 accepts 44.05 to 44.15; `1.25 x 10⁵` accepts ± 500; an exact answer
    accepts only itself. The place is read from the answer as printed, so trailing zeros count.
    """
    if working.value == working.printed:
        return "0"
    return format(Decimal(5).scaleb(last_place(working) - 1), "f")


def last_place(working: Working) -> int:
    """The power of ten of the answer's last printed digit: -2 for `1,157.63`, 3 for `1.25 x 10⁵`."""
    mantissa = working.answer.split(f" {TIMES} ")[0]
    digits = "".join(character for character in mantissa if character in "0123456789")
    significant = digits.lstrip("0")
    if significant:
        return working.printed.adjusted() - len(significant) + 1
    # Zero has no significant digit: its decimals are the digits after the last mark (`0.00`).
    mark = max(mantissa.rfind(character) for character in ".,")
    return -(len(mantissa) - mark - 1) if mark >= 0 else 0


def number_text(value: Decimal) -> str:
    """A number as Moodle reads an answer: plain digits, `.` for the decimal point, `-` for minus."""
    return format(value, "f")


def _numerical(
    name: str,
    text: Html,
    feedback: Html,
    grade: Decimal | None,
    working: Working,
    unit: str | None,
) -> Question:
    """A `numerical` question whose answer is a worked-out value, with its tolerance and unit."""
    return Question(
        type="numerical",
        name=name,
        text=text,
        feedback=feedback,
        grade=grade,
        penalty="0.3333333",
        answers=(
            Answer(
                "100", Html(number_text(working.printed)), "moodle_auto_format", EMPTY, tolerance(working)
            ),
        ),
        units=(unit,) if unit else (),
        settings=_UNIT_SETTINGS,
    )


# A unit may be typed after the number (a text box, not a menu) and is not graded: the key grades the
# number. Moodle's codes: unitgradingtype 0 = units optional, showunits 0 = typed with the answer.
_UNIT_SETTINGS = (
    ("unitgradingtype", "0"),
    ("unitpenalty", "0.1000000"),
    ("showunits", "0"),
    ("unitsleft", "0"),
)


def _with_unit(text: str, unit: str | None) -> str:
    """A value or working line followed by its unit, as the key prints it."""
    return f"{text}\u202f{unit}" if unit else text


def _numeric_problem(exercise: WorkedExercise, texts: _Texts) -> Iterator[Question]:
    """Each asked quantity becomes a `numerical`, the key's working as feedback."""
    body = exercise.body
    assert isinstance(body, WorkedNumericProblem)
    given = paragraph(f"{body.given_label}: {', '.join(body.given)}") if body.given else EMPTY
    problem = joined(_intro(exercise, texts), texts.block(body.prompt), given)
    for number, asked in enumerate(body.asked, start=1):
        steps = asked.working.line()
        if asked.formula is not None:
            steps = f"{asked.formula} = {steps}"
        if asked.name is not None:
            steps = f"{asked.name} = {steps}"
        yield _numerical(
            _name(exercise, number, asked.label),
            joined(problem, paragraph(asked.label + (f" ({asked.unit})" if asked.unit else ""))),
            joined(
                *map(paragraph, asked.conversions),
                paragraph(_with_unit(steps, asked.unit)),
                _discussion(exercise, texts),
            ),
            default_grade(exercise, asked),
            asked.working,
            asked.unit,
        )


def _computed_table(exercise: WorkedExercise, texts: _Texts) -> Iterator[Question]:
    """Each cell becomes a `numerical` asking for one column at one row value, its working as feedback."""
    body = exercise.body
    assert isinstance(body, WorkedTable)
    given = paragraph(", ".join(body.given)) if body.given else EMPTY
    table = joined(_intro(exercise, texts), texts.block(body.prompt), given)
    number = 0
    # A column's points are for the whole column: each of its cells is worth an equal share.
    column_points = body.column_points or (None,) * len(body.headings)
    cell_grades = [points.value / len(body.rows) if points else None for points in column_points]
    for row in body.rows:
        row_value = _with_unit(f"{body.symbol} = {row.value}", body.row_unit)
        for heading, shown_heading, unit, cell, grade in zip(
            body.headings, body.worksheet_headings, body.units, row.cells, cell_grades, strict=True
        ):
            number += 1
            label = shown_heading.split(" = ", 1)[0]
            yield _numerical(
                _name(exercise, number, f"{row_value}, {label}"),
                joined(table, paragraph(f"{row_value}: {shown_heading}" + (f" ({unit})" if unit else ""))),
                joined(
                    paragraph(
                        f"{body.symbol} = {row.key_value}: {heading} = {_with_unit(cell.line(), unit)}"
                    ),
                    _discussion(exercise, texts),
                ),
                grade,
                cell,
                unit,
            )


# --- text -------------------------------------------------------------------------------------------

# Moodle reads a cloze answer up to the first `}`, `#` or `~` not after a backslash or `&`, then decodes
# character references and removes the backslash only before `}` and `#`. So these characters go in as
# references, which are read as the character itself and can neither end the answer nor start another
# blank; `*` is the short answer's wildcard, and `\*` the star itself.
_CLOZE_CHARACTERS = {
    "\\": "&#92;",
    "{": "&#123;",
    "}": "&#125;",
    "#": "&#35;",
    "~": "&#126;",
    "/": "&#47;",
    '"': "&#34;",
}
_BLANK = re.compile("\ue000([0-9]+)\ue001")


def cloze_answer(answer: str) -> str:
    """Write one accepted answer of a blank so Moodle's cloze reads it back exactly as it was written."""
    escaped = html.escape(answer, quote=False)  # & < > first: the references added next use `&`
    escaped = "".join(_CLOZE_CHARACTERS.get(character, character) for character in escaped)
    return escaped.replace("*", "\\*")


def cloze_text(rendered: str) -> str:
    """Make the HTML around the blanks unable to start a blank of its own: its braces become references."""
    return rendered.replace("{", "&#123;").replace("}", "&#125;")


def _fill_in_the_blanks(exercise: WorkedExercise, texts: _Texts) -> Iterator[Question]:
    """The text becomes one `cloze` question: each blank a short answer accepting each of its answers."""
    body = exercise.body
    assert isinstance(body, WorkedFillInTheBlanks)
    rendered = texts.block(body.text)

    def blank(match: re.Match[str]) -> str:
        accepted = body.blanks[int(match.group(1))].accepted
        # Each blank's mark is 1 for now (Moodle takes whole marks only); the question's is their sum.
        return "{1:SHORTANSWER:" + "~".join("=" + cloze_answer(answer) for answer in accepted) + "}"

    text = Html(_BLANK.sub(blank, cloze_text(rendered.text)), rendered.files)
    bank = paragraph(f"{body.word_bank_label}: {', '.join(body.word_bank)}") if body.word_bank else EMPTY
    intro = joined(_intro(exercise, texts), bank)
    yield Question(
        type="cloze",
        name=_name(exercise, None),
        text=joined(Html(cloze_text(intro.text), intro.files), text),
        feedback=_discussion(exercise, texts),
        grade=None,
        penalty="0.3333333",
    )


def _matching(exercise: WorkedExercise, texts: _Texts) -> Iterator[Question]:
    """The pairs become one `matching` question; right-hand items that match nothing are extra choices."""
    body = exercise.body
    assert isinstance(body, WorkedMatching)
    right_of = {row.right.letter: row.right.text for row in body.rows if row.right is not None}
    lefts = [row.left for row in body.rows if row.left is not None]
    matched = {left.letter for left in lefts}
    subquestions = [Subquestion(texts.inline(left.text), _plain(right_of[left.letter])) for left in lefts]
    extras = [text for letter, text in right_of.items() if letter not in matched]
    subquestions += [Subquestion(EMPTY, _plain(text)) for text in extras]
    yield Question(
        type="matching",
        name=_name(exercise, None),
        text=_intro(exercise, texts) if exercise.instructions else paragraph(exercise.title),
        # The key's "1 → C" letters are the worksheet's; Moodle shows its own choices, so only the discussion.
        feedback=_discussion(exercise, texts),
        grade=default_grade(exercise, None),
        penalty="0.3333333",
        settings=(("shuffleanswers", "true"),),
        subquestions=tuple(subquestions),
    )


def _plain(markdown: str) -> str:
    """One line of markdown as the plain text a drop-down shows."""
    return plain(str(prose.inline(markdown)))


def _written_answer(exercise: WorkedExercise, texts: _Texts) -> Iterator[Question]:
    """Each question becomes an `essay`, marked by hand: the grader sees the model answer and marking note."""
    body = exercise.body
    assert isinstance(body, WorkedWrittenAnswer)
    for number, question in enumerate(body.questions, start=1):
        note = texts.inline(question.marking)
        marking = Html(f"<p><strong>{escape(body.marking_label)}:</strong> {note.text}</p>", note.files)
        yield Question(
            type="essay",
            name=_name(exercise, number, _words(question.question)),
            text=joined(_intro(exercise, texts), texts.block(question.question)),
            feedback=_discussion(exercise, texts),
            grade=default_grade(exercise, question),
            penalty="0.0000000",
            settings=(
                ("responseformat", "editor"),
                ("responserequired", "1"),
                ("responsefieldlines", str(question.lines or ESSAY_LINES)),
                ("attachments", "0"),
                ("attachmentsrequired", "0"),
                ("graderinfo", joined(texts.block(question.answer), marking if question.marking else EMPTY)),
                ("responsetemplate", EMPTY),
            ),
        )


_MAPPINGS: dict[str, Callable[[WorkedExercise, _Texts], Iterator[Question]]] = {
    "computed-table": _computed_table,
    "choice": _choice,
    "numeric-problem": _numeric_problem,
    "multiple-choice": _multiple_choice,
    "true-false": _true_false,
    "fill-in-the-blanks": _fill_in_the_blanks,
    "matching": _matching,
    "written-answer": _written_answer,
}
"""How each exercise kind becomes questions; tests check it names every kind in the kinds registry."""
