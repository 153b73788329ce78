"""Points and grading: what each exercise is worth, checked against its parts, and the lesson's total.

Points are exact Decimals in half steps (the model refuses others). A part's points add up to its
exercise's; an exercise that gives points and whose parts give them too must agree with them. The
grading table lists only the exercises that give points; a lesson without any prints none of this.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal

from studygen.fields import MAX_POINTS, Exercise
from studygen.formulas import format_number
from studygen.formulas.numbers import tidy
from studygen.keys import LessonProblem, Path_
from studygen.kinds import words
from studygen.language import ENGLISH_LANGUAGE, gettext, ngettext, speaking
from studygen.worked import Grading, GradingRow, WorkedBody, WorkedExercise, WorkedPoints


def worked_points(value: Decimal) -> WorkedPoints:
    """Print points as a number and as a label, "1 point" or "1.5 points"."""
    number = format_number(tidy(value), exact=True)
    label = ngettext(words.ONE_POINT, words.POINTS, value)
    return WorkedPoints(value, number, label.format(points=number))


def given_points(value: Decimal | None) -> WorkedPoints | None:
    """Print the points a part gives, or None when it gives none."""
    return None if value is None else worked_points(value)


def exercise_points(
    exercise: Exercise, body: WorkedBody, path: Path_, problems: list[LessonProblem]
) -> Decimal | None:
    """Decide what an exercise is worth: its `points`, or its parts' added up; check the two agree."""
    parts = [points.value if points else None for points in body.part_points()]
    given = [points for points in parts if points is not None]
    if given and len(given) < len(parts):
        missing = parts.index(None)
        problems.append(
            LessonProblem(
                (*path, exercise.parts, missing),
                f"this one gives no `points`, but {len(given)} of the {len(parts)} in `{exercise.parts}` "
                "do: give each of them points (0 is allowed), or none of them",
            )
        )
        return None
    added = sum(given, Decimal(0)) if given else None
    if exercise.points is not None and added is not None and added != exercise.points:
        problems.append(
            LessonProblem(
                (*path, "points"),
                f"the exercise is worth {_label(exercise.points)}, but {_parts_said(exercise, len(parts))} "
                f"add up to {_label(added)}: make them agree, or give points in one place only",
            )
        )
        return None
    if exercise.points is None and added is not None and added > MAX_POINTS:
        problems.append(
            LessonProblem(
                (*path, exercise.parts),
                f"{_parts_said(exercise, len(parts))} add up to {_label(added)}; an exercise is worth at "
                f"most {MAX_POINTS}: give fewer points, or split the exercise",
            )
        )
        return None
    return exercise.points if exercise.points is not None else added


def grading(exercises: Sequence[WorkedExercise]) -> Grading | None:
    """Make the grading table of the exercises that give points; None if none does."""
    rows = tuple(
        GradingRow(exercise.number, exercise.points) for exercise in exercises if exercise.points is not None
    )
    if not rows:
        return None
    total = worked_points(sum((row.points.value for row in rows), Decimal(0)))
    return Grading(
        rows=rows,
        total=total,
        exercise_label=gettext(words.EXERCISE),
        points_label=gettext(words.POINTS_HEADING),
        score_label=gettext(words.SCORE),
        total_label=gettext(words.TOTAL),
        class_label=gettext(words.CLASS),
        key_total=gettext(words.KEY_TOTAL).format(points=total.label),
        numbered=not all(_numbered_by_hand(exercise) for exercise in exercises),
    )


def _numbered_by_hand(exercise: WorkedExercise) -> bool:
    """Whether a title starts with its exercise's number, as in `1. Five years` or `2) Saving`."""
    return re.match(rf"\s*{exercise.number}\s*[.):](\s|$)", exercise.title) is not None


def _parts_said(exercise: Exercise, count: int) -> str:
    """Name an exercise's parts' points in a message: "the points of its `questions`"."""
    return exercise.parts_said.format(parts=exercise.parts, count=count)


def _label(value: Decimal) -> str:
    """Points as a message states them, in English whatever the lesson's language: "4 points"."""
    with speaking(ENGLISH_LANGUAGE):
        return worked_points(value).label
