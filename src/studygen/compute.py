"""Work out a lesson into its print-ready view and check what the schema alone cannot: pure, no I/O."""

from __future__ import annotations

from studygen.fields import Exercise
from studygen.keys import LessonProblem, Path_
from studygen.kinds import KINDS, words
from studygen.kinds.points import exercise_points, given_points, grading
from studygen.language import language_for, ngettext, speaking
from studygen.model import Lesson
from studygen.text_values import Scope, discussion_with_values, put_values_in
from studygen.wording import shortened
from studygen.worked import WorkedExercise, WorkedLesson

MAX_SHORT_TITLE = 70
"""Characters of the title that card headers and page headers print; a longer title ends in `…` there."""

__all__ = ["LessonProblem", "work_out"]


def work_out(lesson: Lesson) -> tuple[WorkedLesson, list[LessonProblem]]:
    """Work out every exercise of a lesson, collecting all problems rather than stopping at the first.

    Its labels and numbers print in the lesson's `language`; problems are reported in English.
    """
    with speaking(language_for(lesson.language)):
        return _work_out(lesson)


def _work_out(lesson: Lesson) -> tuple[WorkedLesson, list[LessonProblem]]:
    """Work out every exercise of a lesson in the language being printed in."""
    problems: list[LessonProblem] = []
    lesson, scopes = put_values_in(lesson, problems)
    exercises: list[WorkedExercise] = []
    for index, (exercise, scope) in enumerate(zip(lesson.exercises, scopes, strict=True)):
        worked = _work_exercise(exercise, index + 1, ("exercises", index), scope, problems)
        if worked is not None:
            exercises.append(worked)
    table = grading(exercises)
    worked_lesson = WorkedLesson(
        title=lesson.title,
        short_title=shortened(lesson.title, MAX_SHORT_TITLE),
        subject=lesson.subject,
        author=lesson.author,
        source=lesson.source,
        language=lesson.language,
        intro=lesson.intro,
        exercises=tuple(exercises),
        self_check=lesson.self_check,
        flashcards=tuple(lesson.flashcards),
        points=table.total if table else None,
        grading=table,
    )
    return worked_lesson, problems


def _work_exercise(
    exercise: Exercise, number: int, path: Path_, scope: Scope, problems: list[LessonProblem]
) -> WorkedExercise | None:
    """Work out one exercise with its kind's work function; None if it has problems."""
    kind = KINDS[exercise.kind]
    body = kind.work(exercise, path, problems)
    if body is None:
        return None
    # The discussion prints in the key alone, so it may also print the answers, known only now.
    discussion = discussion_with_values(exercise.discussion, scope, body.answer_values(), path, problems)
    return WorkedExercise(
        number=number,
        kind=kind.name,
        template=kind.template,
        title=exercise.title,
        time_hint=time_hint(exercise.minutes, exercise.materials),
        instructions=exercise.instructions,
        discussion=discussion,
        lines=exercise.lines,
        body=body,
        points=given_points(exercise_points(exercise, body, path, problems)),
    )


def time_hint(minutes: int | None, materials: str | None) -> str | None:
    """Write the line under an exercise's title: "Pen and paper, about 5 minutes."."""
    if minutes is None:
        return f"{materials}." if materials else None
    about = ngettext(words.ABOUT_ONE_MINUTE, words.ABOUT_MINUTES, minutes).format(minutes=minutes)
    # Only the first letter: "etwa 5 Minuten" must not become "Etwa 5 minuten".
    return f"{materials}, {about}." if materials else f"{about[:1].upper()}{about[1:]}."
