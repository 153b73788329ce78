"""The fill-in-the-blanks exercise: a text with gaps sized to their answers, filled in by the key.

A blank is written inline as `[[answer]]`, `[[answer|other accepted answer]]` or `[[answer; width=12]]`;
`\\[[` prints two brackets. The work step finds the blanks, checks them and replaces each by a mark
that markdown leaves alone, so blanks work inside emphasis and lists; templates cut the rendered
text at the marks (`prose.blocks_around_blanks`) and put a gap between the pieces.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import ClassVar, Literal

from pydantic import Field

from studygen import prose
from studygen.fields import Exercise, Markdown, Points, Text
from studygen.keys import LessonProblem, Path_
from studygen.kinds import words
from studygen.kinds.base import Kind
from studygen.kinds.points import given_points
from studygen.language import gettext
from studygen.wording import quoted
from studygen.worked import WorkedBody, WorkedPoints

MAX_BLANKS = 40
"""Blanks one text may have."""

MAX_WIDTH = 60
"""Widest blank, in characters: wider would not fit a line of the page."""

MIN_WIDTH = 4
"""Narrowest blank, in characters, so a short answer still has room for handwriting."""

MAX_ANSWER = 100
"""Longest answer of a blank, in characters."""

EXAMPLE = "e.g. `[[Paris]]`, `[[Paris|paris]]` or `[[Paris; width=12]]`"


class FillInTheBlanks(Exercise):
    """A text with blanks to fill in, each sized to its answer; the key fills them in."""

    kind: Literal["fill-in-the-blanks"]
    """Says what kind of exercise this is."""
    parts: ClassVar[str] = "points_each"  # every blank is worth `points_each`: they agree by design
    parts_said: ClassVar[str] = "its {count} blanks at `points_each`"
    text: Markdown = Field(max_length=5000)
    """The text, with each blank written as `[[answer]]`. Other accepted answers follow a `|`:
    `[[metre|meter]]`; a blank wider or narrower than its answer takes `; width=N` (N characters,
    1 to 60): `[[m; width=6]]`. Write `\\[[` for two brackets that are not a blank."""
    word_bank: bool = False
    """`true` prints every blank's answer (the first one written) in alphabetical order above the text."""
    distractors: list[Text] = Field(default_factory=list, max_length=20)
    """Wrong words added to the word bank, e.g. `[oxygen, glucose]`; needs `word_bank: true`."""
    points_each: Points | None = None
    """What each blank is worth, e.g. `1`: the exercise is then worth that times its number of blanks
    (blanks are written inline, so they cannot carry points of their own; see Points and grading)."""


@dataclass(frozen=True)
class WorkedBlank:
    """One blank ready to print: its answer, the others it accepts, and its width."""

    answer: str
    """Plain text: the first answer written, filled in by the key."""
    also: str | None
    """The other accepted answers as the key prints them after the blank ("also: meter"), or None."""
    width: str
    """The gap's CSS width, e.g. `5.2em`: room for the longest answer, or the width the lesson gives."""
    points: WorkedPoints | None = None
    """What the blank is worth (the exercise's `points_each`), or None; templates need not print it."""
    accepted: tuple[str, ...] = ()
    """Plain text: every answer the blank accepts, the first one first (for exports that grade it)."""


@dataclass(frozen=True)
class WorkedFillInTheBlanks(WorkedBody):
    """A fill-in-the-blanks text with its blanks found, checked and sized."""

    text: str
    """Markdown in which blank n is `prose.blank_mark(n)`; `blocks_around_blanks` cuts it there."""
    blanks: tuple[WorkedBlank, ...]
    """The blanks in the order they appear in the text."""
    word_bank_label: str
    """The heading of the word bank: "Word bank"."""
    word_bank: tuple[str, ...]
    """Plain text: the answers and distractors in alphabetical order, or () for no word bank."""
    points_each: WorkedPoints | None = None
    """What each blank is worth (the exercise's `points_each`), or None."""

    def part_points(self) -> tuple[WorkedPoints | None, ...]:
        """Return each blank's points."""
        return tuple(blank.points for blank in self.blanks)


@dataclass(frozen=True)
class _Written:
    """A blank as the teacher wrote it: where it starts, all of it, and how to find it in the file."""

    start: int
    source: str
    near: str
    """The blank and the word glued to it, e.g. `[[]].`: text that is written in the file as it is in
    the value, even where YAML folds lines at spaces, so a problem points at the blank's own line."""


def work_fill_in_the_blanks(
    exercise: FillInTheBlanks, path: Path_, problems: list[LessonProblem]
) -> WorkedFillInTheBlanks | None:
    """Find and check the blanks of the text, size them and mark them, and make the word bank."""
    found = len(problems)
    where = (*path, "text")
    text = exercise.text
    for character in prose.BLANK_MARK_CHARACTERS:
        if character in text:
            problems.append(
                LessonProblem(where, f"the character U+{ord(character):04X} cannot be used here: delete it")
            )
            return None
    written = _find_blanks(text, where, problems)
    if not written and len(problems) == found:
        problems.append(LessonProblem(where, f"the text has no blanks: write each one as {EXAMPLE}"))
    blanks: list[WorkedBlank] = []
    for blank in written:
        worked = _work_blank(blank, where, problems)
        if worked is not None:
            blanks.append(worked)
    if len(written) > MAX_BLANKS:
        problems.append(
            LessonProblem(where, f"the text has {len(written)} blanks; at most {MAX_BLANKS} fit: split it")
        )
    if len(problems) > found:
        return None
    marked = _marked(text, written)
    printed = prose.printed_blanks(marked)
    for number, blank in enumerate(written):
        if number not in printed:
            problems.append(
                LessonProblem(
                    where,
                    f"blank {quoted(blank.source)} is inside a link address, an image or a formula, where it "
                    "cannot print: move it into the text",
                    near=blank.near,
                )
            )
    bank = _word_bank(exercise, blanks, path, problems)
    if len(problems) > found:
        return None
    each = given_points(exercise.points_each)
    blanks = [replace(blank, points=each) for blank in blanks]
    return WorkedFillInTheBlanks(marked, tuple(blanks), gettext(words.WORD_BANK), bank, each)


def _find_blanks(text: str, where: Path_, problems: list[LessonProblem]) -> list[_Written]:
    """Find each `[[...]]` in a text, skipping `\\[[`; an unclosed one is a problem at its line."""
    blanks: list[_Written] = []
    position = 0
    while (start := text.find("[[", position)) >= 0:
        position = start + 2
        if start > 0 and text[start - 1] == "\\":
            continue
        end = text.find("]]", start + 2)
        reopened = text.find("[[", start + 2)
        if end < 0 or "\n" in text[start:end] or 0 <= reopened < end:
            problems.append(
                LessonProblem(
                    where,
                    f"a blank opened with `[[` is not closed with `]]` on the same line: close it, "
                    f"{EXAMPLE}, or write `\\[[` for two brackets",
                    near=text[start:].split(maxsplit=1)[0][:60],
                )
            )
            continue
        blanks.append(_Written(start, text[start : end + 2], _near(text, start, end + 2)))
        position = end + 2
    return blanks


def _near(text: str, start: int, end: int) -> str:
    """Return the blank at text[start:end] with the word glued to it (`[[]].`), to find it in the file."""
    glued = re.match(r"\S{0,60}", text[end:])
    return text[start:end] + (glued.group() if glued else "")


def _work_blank(blank: _Written, where: Path_, problems: list[LessonProblem]) -> WorkedBlank | None:
    """Read one blank's answers and width; a mistake is a problem pointing at the blank."""
    answer_part, *settings = blank.source[2:-2].split(";")
    answers = [answer.strip() for answer in answer_part.split("|")]
    width: int | None = None
    wrong: str | None = None
    if not any(answers):
        wrong = f"is empty: write its answer between the brackets, {EXAMPLE}"
    elif not all(answers):
        wrong = "has an empty answer: write text on both sides of each `|`, e.g. `[[metre|meter]]`"
    elif max(map(len, answers)) > MAX_ANSWER:
        wrong = f"has an answer longer than {MAX_ANSWER} characters: shorten it"
    for setting in settings:
        name, _, value = (part.strip() for part in setting.partition("="))
        if name != "width":
            wrong = f"has the setting {quoted(setting.strip())}: a blank takes only `; width=N`, {EXAMPLE}"
        elif not value.isdigit() or not 1 <= int(value) <= MAX_WIDTH:
            wrong = f"has `width={value}`: give a whole number of characters from 1 to {MAX_WIDTH}"
        else:
            width = int(value)
    if wrong is not None:
        problems.append(LessonProblem(where, f"blank {quoted(blank.source)} {wrong}", near=blank.near))
        return None
    characters = width if width is not None else max(MIN_WIDTH, max(map(len, answers)))
    others = answers[1:]
    return WorkedBlank(
        answer=answers[0],
        also=gettext(words.ALSO_ACCEPTED).format(alternatives=", ".join(others)) if others else None,
        width=_gap_width(characters),
        accepted=tuple(answers),
    )


def _gap_width(characters: int) -> str:
    """Size a gap for handwriting: about 0.7 em a character (print is narrower), plus room at the ends."""
    return f"{characters * 0.7 + 1:.1f}em"


def _marked(text: str, written: list[_Written]) -> str:
    """Replace each blank of the text by its mark, leaving the markdown around it as written."""
    parts: list[str] = []
    position = 0
    for number, blank in enumerate(written):
        parts += [text[position : blank.start], prose.blank_mark(number)]
        position = blank.start + len(blank.source)
    return "".join([*parts, text[position:]])


def _word_bank(
    exercise: FillInTheBlanks, blanks: list[WorkedBlank], path: Path_, problems: list[LessonProblem]
) -> tuple[str, ...]:
    """List the word bank: every blank's answer and the distractors, alphabetically, or () without one."""
    answers = {blank.answer.casefold() for blank in blanks}
    for number, distractor in enumerate(exercise.distractors):
        if distractor.casefold() in answers:
            problems.append(
                LessonProblem(
                    (*path, "distractors", number),
                    f"{quoted(distractor)} is the answer of a blank: a distractor must be a wrong word",
                )
            )
    if exercise.distractors and not exercise.word_bank:
        problems.append(
            LessonProblem(
                (*path, "distractors"),
                "distractors are printed in the word bank: add `word_bank: true`, or remove them",
            )
        )
    if not exercise.word_bank:
        return ()
    # Alphabetical: the order says nothing of where each word goes, and is the same on every build.
    words = [blank.answer for blank in blanks] + list(exercise.distractors)
    return tuple(sorted(words, key=lambda word: (word.casefold(), word)))


KIND = Kind(
    "fill-in-the-blanks",
    FillInTheBlanks,
    work_fill_in_the_blanks,
    "kinds/fill-in-the-blanks.html",
)
"""The fill-in-the-blanks exercise's entry in the kinds registry."""
