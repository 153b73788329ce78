"""Versions (`--variants N --seed S`): drawn values, conditions, shuffles, and the files a build writes."""

from __future__ import annotations

import hashlib
import math
import re
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner
from kind_helpers import documents_in
from pypdf import PdfReader

from studygen.cli import cli
from studygen.errors import LessonError
from studygen.lesson import load_lesson
from studygen.variants import plain_version, versions

DROP = """\
title: Drop test
exercises:
  - kind: numeric-problem
    title: Drop
    prompt: A ball is dropped from a tower {=h} tall.
    given:
      g: 10 m/s²
      t: [1 s, 2 s, 3 s, 4 s, 5 s, 6 s, 7 s, 8 s]
      h: {from: 100 m, to: 400 m, step: 10 m}
    conditions:
      - h > d
    asked:
      - {label: Distance fallen, symbol: d, formula: g * t^2 / 2, unit: m}
      - {label: Height left, symbol: r, formula: h - d, unit: m}
    working_lines: 2
"""
# Enough questions for two pages: the version label must be on every page, not only the first.
LONG = (
    DROP
    + "  - kind: multiple-choice\n    title: Many questions\n    questions:\n"
    + "".join(
        f"      - prompt: Question {n}?\n        options:\n          - {{text: yes {n}, correct: true}}\n"
        f"          - {{text: no {n}}}\n          - {{text: maybe {n}}}\n"
        for n in range(1, 13)
    )
)

CHOICES = """\
title: Choices
exercises:
  - kind: multiple-choice
    title: Pick
    questions:
      - prompt: Which one?
        options:
          - {text: one}
          - {text: two, correct: true}
          - {text: three}
          - {text: four}
      - prompt: Which ones?
        shuffle: false
        options:
          - {text: red}
          - {text: green}
          - {text: All of the above, correct: true}
  - kind: matching
    title: Match
    pairs:
      - {left: a, right: A}
      - {left: b, right: B}
      - {left: c, right: C}
      - {left: d, right: D}
      - {left: e, right: E}
"""

# Worked out by hand from the rule in studygen.drawing (see hand_drawn below), not by studygen:
# version -> (t in s, h in m) for seed 1 and the slug `drop`.
EXPECTED = {1: (6, 270), 2: (7, 400), 3: (3, 240), 4: (1, 350), 5: (2, 170), 6: (3, 300), 7: (4, 120)}


def write(folder: Path, text: str, name: str = "drop") -> Path:
    """Write a lesson file."""
    file = folder / f"{name}.yaml"
    file.write_text(text, encoding="utf-8")
    return file


def run(*args: str | Path) -> tuple[int, str]:
    """Run the CLI; return its exit code and everything it printed."""
    result = CliRunner().invoke(cli, [str(a) for a in args], prog_name="studygen")
    return result.exit_code, result.output


def pdf_pages(path: Path) -> list[str]:
    """Each page's text."""
    return [page.extract_text() for page in PdfReader(path).pages]


def hand_drawn(seed: int, slug: str, version: int) -> tuple[int, int]:
    """Draw DROP's t and h by the documented rule, written out again here from docs/lesson-format.md."""

    def hashed(*parts: object) -> int:
        return int.from_bytes(hashlib.sha256("\n".join(map(str, parts)).encode("utf-8")).digest(), "big")

    def index(name: str, attempt: int, count: int) -> int:
        if attempt:
            return hashed(seed, slug, "exercises[0].given", name, version, attempt) % count
        mixed = hashed(seed, slug, "exercises[0].given", name)
        step = (mixed // count) % count or 1
        while math.gcd(step, count) != 1:
            step = step % (count - 1) + 1
        return (step * (version - 1) + mixed % count) % count

    for attempt in range(1000):
        t, h = index("t", attempt, 8) + 1, 100 + 10 * index("h", attempt, 31)
        if h > 10 * t * t / 2:  # the condition h > d
            return t, h
    raise AssertionError("no draw met the condition")


def drawn_values(loaded_version: object) -> tuple[str, ...]:
    """The given values a version's numeric problem prints."""
    return loaded_version.worked.exercises[0].body.given  # type: ignore[attr-defined,no-any-return]


def test_draws_follow_the_documented_hash_rule(tmp_path: Path) -> None:
    loaded = load_lesson(write(tmp_path, DROP))
    for version in versions(loaded, 7, seed=1):
        assert version.number is not None
        t, h = EXPECTED[version.number]
        assert hand_drawn(1, "drop", version.number) == (t, h)
        assert drawn_values(version) == ("g = 10\u202fm/s²", f"t = {t}\u202fs", f"h = {h}\u202fm")
        assert version.label == f"Version {version.number}"


@pytest.mark.parametrize("seed", [1, 2, 3, 17])
def test_versions_repeat_no_value_while_there_are_values_left(tmp_path: Path, seed: int) -> None:
    lesson = DROP.replace("    conditions:\n      - h > d\n", "")
    drawn = [drawn_values(v)[1] for v in versions(load_lesson(write(tmp_path, lesson)), 10, seed=seed)]
    assert len(set(drawn[:8])) == 8  # t offers 8 values: versions 1 to 8 draw each once
    assert drawn[8:] == drawn[:2]  # then the draws come round again in the same order


def test_another_seed_or_lesson_name_draws_other_values(tmp_path: Path) -> None:
    first = [drawn_values(v) for v in versions(load_lesson(write(tmp_path, DROP)), 5, seed=1)]
    other_seed = [drawn_values(v) for v in versions(load_lesson(write(tmp_path, DROP)), 5, seed=2)]
    other_name = [drawn_values(v) for v in versions(load_lesson(write(tmp_path, DROP, "drop-2")), 5, seed=1)]
    assert first != other_seed
    assert first != other_name


def test_plain_version_uses_the_values_as_written(tmp_path: Path) -> None:
    loaded = load_lesson(write(tmp_path, DROP))
    plain = plain_version(loaded)
    assert (plain.number, plain.label) == (None, None)
    assert drawn_values(plain) == ("g = 10\u202fm/s²", "t = 1\u202fs", "h = 100\u202fm")


def test_conditions_on_answers_hold_in_every_version(tmp_path: Path) -> None:
    lesson = DROP.replace("- h > d", "- h > d\n      - d is whole\n      - r ≠ d")
    lesson = lesson.replace(
        "[1 s, 2 s, 3 s, 4 s, 5 s, 6 s, 7 s, 8 s]", "[1 s, 1.5 s, 2 s, 2.5 s, 3 s, 3.5 s]"
    )
    drawn_times = set()
    for version in versions(load_lesson(write(tmp_path, lesson)), 30, seed=1):
        d, r = (asked.working.printed for asked in version.worked.exercises[0].body.asked)  # type: ignore[attr-defined]
        t = Decimal(drawn_values(version)[1].split(" = ")[1].split("\u202f")[0])
        assert d == 5 * t * t
        assert d == d.to_integral_value() and r > 0 and r != d
        drawn_times.add(t)
    assert drawn_times == {1, 2, 3}  # 1.5 s, 2.5 s and 3.5 s give 11.25 m, 31.25 m and 61.25 m


def test_an_impossible_condition_fails_with_one_line_naming_it(tmp_path: Path) -> None:
    lesson = DROP.replace("- h > d", "- h > d\n      - t > 100")
    # The values as written already fail it: the plain build says so at the condition's line.
    code, output = run("build", write(tmp_path, lesson), "--out", tmp_path / "out")
    assert code == 1
    assert output == (
        f"Error: {tmp_path / 'drop.yaml'}:12:9: exercises[0].conditions[1]: condition 't > 100' does not "
        "hold for the values as written (t = 1\u202fs), which the documents built without --variants print: "
        "change the first value of a list (or a range's `from`), or the condition\n"
    )


def test_a_condition_no_draw_can_meet_fails_with_one_line_naming_it(tmp_path: Path) -> None:
    never = DROP.replace("- h > d", "- h > d\n      - h = 100").replace(
        "h: {from: 100 m, to: 400 m, step: 10 m}", "h: {from: 100 m, to: 100000 m, step: 1 m}"
    )
    code, output = run("build", write(tmp_path, never), "--out", tmp_path / "out", "--variants", "2")
    assert code == 1
    assert output == (
        f"Error: {tmp_path / 'drop.yaml'}:12:9: exercises[0].conditions[1]: condition 'h = 100' did not hold "
        "in 1,000 draws for version 1 (h from 100\u202fm to 100000\u202fm by 1\u202fm): widen the lists or "
        "ranges it draws from, or change the condition\n"
    )
    assert not (tmp_path / "out" / "drop").exists()  # nothing written, not even the plain documents


def test_a_condition_that_is_not_one_comparison_is_refused(tmp_path: Path) -> None:
    code, output = run("check", write(tmp_path, DROP.replace("- h > d", "- 0 < h < d")))
    assert (code, output) == (
        1,
        f"Error: {tmp_path / 'drop.yaml'}:11:9: exercises[0].conditions[0]: condition '0 < h < d' has 2 "
        "comparisons: write one comparison of two formulas, or `x is whole`, e.g. `h >= 2 * t`, `a ≠ b` or "
        "`d is whole`\n",
    )


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("[]", "the list of values to draw from is empty: give at least one, e.g. `[2, 3, 4]`"),
        (
            "[2 s, 3]",
            "entry 2 is a plain number but entry 1 is in s: give every value to draw from the same unit",
        ),
        ("[2 s, 3 m]", "entry 2 is in m but entry 1 is in s: give every value to draw from the same unit"),
        ("{from: 5, to: 1, step: 1}", "`to` is less than `from`: give the smaller value as `from`"),
        ("{from: 1, to: 5, step: 0}", "`step` must be more than 0, e.g. `step: 5`"),
        ("{from: 1, to: 5, step: -1}", "`step` must be more than 0, e.g. `step: 5`"),
        (
            "{from: 0, to: 1e9, step: 1}",
            "the range offers more than 100,000 values to draw from: take a larger `step`",
        ),
        (
            "{from: 0, to: 1e99, step: 1e-99}",
            "the range offers more than 100,000 values to draw from: take a larger `step`",
        ),
        ("{from: 1, to: 5}", "`step` is missing: a range to draw from has exactly `from`, `to` and `step`"),
        ("[1, abc]", "entry 2 is not a value: write a number such as `3`, or one with its unit such as"),
    ],
)
def test_a_wrong_list_or_range_is_refused_at_its_line(tmp_path: Path, value: str, message: str) -> None:
    lesson = DROP.replace("[1 s, 2 s, 3 s, 4 s, 5 s, 6 s, 7 s, 8 s]", value)
    with pytest.raises(LessonError) as raised:
        load_lesson(write(tmp_path, lesson))
    [problem] = raised.value.problems
    assert (problem.line, problem.column, problem.key) == (8, 10, "exercises[0].given.t")
    assert problem.message.startswith(message)


def test_a_range_includes_to_when_it_falls_on_a_step(tmp_path: Path) -> None:
    lesson = DROP.replace(
        "h: {from: 100 m, to: 400 m, step: 10 m}", "h: {from: 100 m, to: 110 m, step: 10 m}"
    )
    lesson = lesson.replace("t: [1 s, 2 s, 3 s, 4 s, 5 s, 6 s, 7 s, 8 s]", "t: 1 s")
    drawn = {drawn_values(v)[2] for v in versions(load_lesson(write(tmp_path, lesson)), 12, seed=1)}
    assert drawn == {"h = 100\u202fm", "h = 110\u202fm"}


def test_options_and_right_column_shuffle_per_version_unless_told_not_to(tmp_path: Path) -> None:
    loaded = load_lesson(write(tmp_path, CHOICES, "choices"))
    plain = plain_version(loaded).worked.exercises
    drawn = versions(loaded, 8, seed=1)
    orders = set()
    for version in drawn:
        first, fixed = version.worked.exercises[0].body.questions  # type: ignore[attr-defined]
        texts = [option.text for option in first.options]
        assert sorted(texts) == ["four", "one", "three", "two"]
        right = texts.index("two")
        assert first.answer == f"Answer: {'ABCD'[right]}"  # the key's letter follows the option
        orders.add(tuple(texts))
        assert [option.text for option in fixed.options] == ["red", "green", "All of the above"]
        assert fixed.answer == "Answer: C"
    assert len(orders) >= 4
    plain_first = plain[0].body.questions[0]  # type: ignore[attr-defined]
    assert [option.text for option in plain_first.options] == ["one", "two", "three", "four"]
    columns = {version.worked.exercises[1].body.answer for version in drawn}  # type: ignore[attr-defined]
    assert len(columns) >= 4

    kept = load_lesson(
        write(tmp_path, CHOICES.replace("title: Match\n", "title: Match\n    shuffle: false\n"), "kept")
    )
    kept_plain = plain_version(kept).worked.exercises[1].body.answer  # type: ignore[attr-defined]
    assert {v.worked.exercises[1].body.answer for v in versions(kept, 5, seed=1)} == {kept_plain}  # type: ignore[attr-defined]
    assert kept_plain == plain[1].body.answer  # type: ignore[attr-defined]
    no_shuffle = CHOICES.replace("title: Pick\n", "title: Pick\n    shuffle: false\n")
    still = versions(load_lesson(write(tmp_path, no_shuffle, "still")), 5, seed=1)
    assert {tuple(o.text for o in v.worked.exercises[0].body.questions[0].options) for v in still} == {  # type: ignore[attr-defined]
        ("one", "two", "three", "four")
    }


@pytest.fixture(scope="module")
def ten(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build DROP with ten versions, once for the tests that read the files."""
    folder = tmp_path_factory.mktemp("ten")
    code, output = run(
        "build", write(folder, DROP), "--out", folder / "out", "--variants", "10", "--seed", "1"
    )
    assert code == 0, output
    return folder / "out" / "drop"


def test_ten_versions_differ_and_each_key_matches_its_own_numbers(ten: Path) -> None:
    seen = set()
    for number in range(1, 11):
        worksheet = "".join(pdf_pages(ten / f"worksheet-v{number:02}.pdf"))
        key = "".join(pdf_pages(ten / f"answer-key-v{number:02}.pdf"))
        given = re.search(r"Given: g = 10\s*m/s², t = (\d+)\s*s, h = (\d+)\s*m", worksheet)
        assert given is not None, worksheet
        t, h = int(given.group(1)), int(given.group(2))
        assert f"tower {h}" in worksheet
        assert key.count(f"t = {t}") == 1 and f"h = {h}" in key
        d, r = 10 * t * t // 2, h - 10 * t * t // 2
        assert re.search(rf"= {d}\s*m\b", key), key
        assert re.search(rf"= {r}\s*m\b", key), key
        assert "= " + str(d) not in worksheet
        seen.add((t, h))
    assert len(seen) == 10


def test_answers_all_lists_every_versions_answers(ten: Path) -> None:
    [page] = pdf_pages(ten / "answers-all.pdf")
    assert "V1" in page and "V10" in page
    for number in range(1, 8):
        t, h = EXPECTED[number]
        assert re.search(rf"\b{5 * t * t}\s*m", page)
        assert re.search(rf"\b{h - 5 * t * t}\s*m", page)


def test_the_version_label_is_on_every_page_and_in_the_title(tmp_path: Path) -> None:
    code, output = run("build", write(tmp_path, LONG), "--out", tmp_path / "out", "--variants", "1")
    assert code == 0, output
    folder = tmp_path / "out" / "drop"
    for name in ("worksheet-v01", "answer-key-v01"):
        reader = PdfReader(folder / f"{name}.pdf")
        pages = [page.extract_text() for page in reader.pages]
        assert len(pages) >= 2
        assert all(page.count("Version 1") == (2 if number == 0 else 1) for number, page in enumerate(pages))
        assert reader.metadata is not None and reader.metadata.title is not None
        assert reader.metadata.title.endswith("— Version 1")
    assert all("Version" not in page for page in pdf_pages(folder / "worksheet.pdf"))


def test_rebuilding_with_the_same_seed_gives_the_same_bytes(ten: Path, tmp_path: Path) -> None:
    assert documents_in(ten) == sorted(
        ["worksheet.pdf", "answer-key.pdf", "answers-all.pdf"]
        + [f"{name}-v{n:02}.pdf" for name in ("worksheet", "answer-key") for n in range(1, 11)]
    )
    # Fewer versions, to keep the test quick: version k does not depend on how many there are.
    code, output = run("build", write(tmp_path, DROP), "--out", tmp_path / "again", "--variants", "3")
    assert code == 0, output
    again = tmp_path / "again" / "drop"
    names = [
        f"{name}{part}.pdf" for name in ("worksheet", "answer-key") for part in ("", "-v01", "-v02", "-v03")
    ]
    assert all((ten / name).read_bytes() == (again / name).read_bytes() for name in names)


def test_plain_documents_are_those_of_the_values_as_written(ten: Path, tmp_path: Path) -> None:
    written = DROP.replace("[1 s, 2 s, 3 s, 4 s, 5 s, 6 s, 7 s, 8 s]", "1 s")
    written = written.replace("{from: 100 m, to: 400 m, step: 10 m}", "100 m")
    code, output = run("build", write(tmp_path, written), "--out", tmp_path / "out")
    assert code == 0, output
    for name in ("worksheet.pdf", "answer-key.pdf"):
        assert (tmp_path / "out" / "drop" / name).read_bytes() == (ten / name).read_bytes()


def test_stale_versions_are_removed(tmp_path: Path) -> None:
    lesson = write(tmp_path, DROP)
    out = tmp_path / "out"
    folder = out / "drop"
    html = ("--out", out, "--format", "html", "--only", "answer-key")  # HTML: the same files, faster
    assert run("build", lesson, *html, "--variants", "3")[0] == 0
    assert documents_in(folder) == [
        "answer-key-v01.html", "answer-key-v02.html", "answer-key-v03.html", "answer-key.html",
        "answers-all.html",
    ]  # fmt: skip
    assert run("build", lesson, *html, "--variants", "1")[0] == 0
    assert documents_in(folder) == [
        "answer-key-v01.html",
        "answer-key.html",
        "answers-all.html",
    ]
    (folder / "worksheet-v07.html").write_text("from a build with --only worksheet", encoding="utf-8")
    assert run("build", lesson, *html)[0] == 0
    # Without --variants the versions of the key go; those of the worksheet, not built now, stay.
    assert documents_in(folder) == ["answer-key.html", "worksheet-v07.html"]


def test_only_worksheet_versions_and_html(tmp_path: Path) -> None:
    lesson = write(tmp_path, DROP)
    code, output = run(
        "build",
        lesson,
        "--out",
        tmp_path / "out",
        "--variants",
        "2",
        "--only",
        "worksheet",
        "--format",
        "html",
    )
    assert code == 0, output
    folder = tmp_path / "out" / "drop"
    assert documents_in(folder) == [
        "worksheet-v01.html",
        "worksheet-v02.html",
        "worksheet.html",
    ]
    html = (folder / "worksheet-v02.html").read_text(encoding="utf-8")
    assert "<title>Drop test — Worksheet — Version 2</title>" in html
    assert '<p class="version-label">Version 2</p>' in html
    assert "Version" not in (folder / "worksheet.html").read_text(encoding="utf-8")


def test_seed_without_variants_is_a_usage_error(tmp_path: Path) -> None:
    code, output = run("build", write(tmp_path, DROP), "--out", tmp_path / "out", "--seed", "4")
    assert code == 2
    assert "Error: --seed chooses how versions are drawn: add --variants N to make N versions" in output
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("count", ["0", "100"])
def test_variants_must_be_1_to_99(tmp_path: Path, count: str) -> None:
    code, output = run("build", write(tmp_path, DROP), "--out", tmp_path / "out", "--variants", count)
    assert code == 2 and "1<=x<=99" in output


LESSON_VALUES = """\
title: Sums
values:
  a: {from: 1, to: 9, step: 1}
  b: [0, 1, 2, 3, 4, 5]
conditions:
  - a > b
exercises:
  - kind: written-answer
    title: Subtract
    questions:
      - question: "Work out {=a} minus {=b}."
        answer: "{=a - b}"
"""


def test_lesson_conditions_hold_for_the_lessons_values(tmp_path: Path) -> None:
    drawn = versions(load_lesson(write(tmp_path, LESSON_VALUES, "sums")), 20, seed=3)
    pairs = set()
    for version in drawn:
        [question] = version.worked.exercises[0].body.questions  # type: ignore[attr-defined]
        a, b = map(int, re.fullmatch(r"Work out (\d) minus (\d)\.", question.question).groups())  # type: ignore[union-attr]
        assert a > b and question.answer == str(a - b)
        pairs.add((a, b))
    assert len(pairs) >= 8


def test_a_lesson_condition_broken_as_written_is_reported_at_it(tmp_path: Path) -> None:
    with pytest.raises(LessonError) as raised:
        load_lesson(write(tmp_path, LESSON_VALUES.replace("b: [0,", "b: [9,"), "sums"))
    [problem] = raised.value.problems
    assert (problem.line, problem.key) == (6, "conditions[0]")
    assert problem.message.startswith(
        "condition 'a > b' does not hold for the values as written (a = 1, b = 9)"
    )


@pytest.mark.parametrize(
    ("condition", "holds"),
    [("h > w", True), ("h < w", False), ("h = 1000 * w", False), ("w * 1000 < h", False), ("h >= 50", True)],
)
def test_conditions_convert_units_of_one_kind(tmp_path: Path, condition: str, holds: bool) -> None:
    lesson = DROP.replace("g: 10 m/s²", "g: 10 m/s²\n      w: 0.05 km").replace("- h > d", f"- {condition}")
    if holds:
        load_lesson(write(tmp_path, lesson))  # h = 100 m as written, w = 50 m
    else:
        with pytest.raises(LessonError, match="does not hold for the values as written"):
            load_lesson(write(tmp_path, lesson))


def test_a_condition_comparing_different_kinds_is_refused(tmp_path: Path) -> None:
    with pytest.raises(LessonError) as raised:
        load_lesson(write(tmp_path, DROP.replace("- h > d", "- h > t")))
    [problem] = raised.value.problems
    assert (
        problem.message
        == "condition 'h > t': cannot work it out: its sides measure different things (m and s)"
    )


def test_a_value_the_lesson_draws_is_the_same_in_an_exercise_that_repeats_it(tmp_path: Path) -> None:
    lesson = """\
title: Shared
values:
  t: [1 s, 2 s, 3 s, 4 s, 5 s, 6 s]
intro: "Every ball falls for {=t}."
exercises:
  - kind: numeric-problem
    title: Drop
    prompt: A ball is dropped.
    given: {g: 10 m/s², t: [1 s, 2 s, 3 s, 4 s, 5 s, 6 s]}
    asked:
      - {label: Distance fallen, symbol: d, formula: g * t^2 / 2, unit: m}
"""
    times = set()
    for version in versions(load_lesson(write(tmp_path, lesson, "shared")), 8, seed=1):
        assert version.worked.intro is not None
        t = version.worked.intro.removeprefix("Every ball falls for ").removesuffix("\u202fs.")
        assert version.worked.exercises[0].body.given[1] == f"t = {t}\u202fs"  # type: ignore[attr-defined]
        times.add(t)
    assert len(times) >= 3


def test_versions_that_are_all_alike_are_warned_about(tmp_path: Path) -> None:
    lesson = write(
        tmp_path,
        DROP.replace("[1 s, 2 s, 3 s, 4 s, 5 s, 6 s, 7 s, 8 s]", "1 s").replace(
            "{from: 100 m, to: 400 m, step: 10 m}", "100 m"
        ),
    )
    result = CliRunner().invoke(
        cli, ["build", str(lesson), "--out", str(tmp_path / "out"), "--variants", "2", "--format", "html"]
    )
    assert result.exit_code == 0
    assert result.stderr == (
        f"Warning: {lesson}: all 2 versions are the same: give a value as a list or a range to draw from, "
        "e.g. `t: [2, 3, 4]` (see Versions in docs/lesson-format.md)\n"
    )
    assert (tmp_path / "out" / "drop" / "worksheet-v02.html").exists()


def test_each_version_renders_as_its_own_job_under_the_lessons_limits(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from studygen import build as build_module
    from studygen.worker import Limits

    jobs: list[tuple[str, Limits]] = []

    class InProcess:
        """A pool that runs each job here and notes it, with the limits its worker would run under."""

        def __init__(self, task: object, limits: Limits, size: int) -> None:
            self.limits = limits

        def run(self, parts: object) -> object:
            for key, part, _name in parts:  # type: ignore[attr-defined]
                jobs.append((part.unit, self.limits))
                yield key, build_module.render_part(part)

        def close(self) -> None:
            pass

    monkeypatch.setattr(build_module, "Pool", InProcess)
    limits = Limits(seconds=7, memory_mb=512)
    [result] = build_module.build(
        [write(tmp_path, DROP)], out=tmp_path / "out", format="html", limits=limits, variants=3, seed=1
    )
    assert result.error is None
    versions = [unit for unit, _ in jobs if "-v" in unit or unit == "answers-all"]
    assert versions == [
        *(f"{name}-v0{n}" for n in (1, 2, 3) for name in ("worksheet", "answer-key")),
        "answers-all",
    ]
    assert {job_limits for _, job_limits in jobs} == {limits}
