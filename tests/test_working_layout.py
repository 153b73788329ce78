"""How the key lays out working: wrapped only before `=` or `≈`, the answer never alone on a line."""
# ruff: noqa: RUF001, RUF003

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from weasyprint import HTML

from studygen.build import build

LESSONS = [
    Path(__file__).parents[1] / "content" / "compound-interest.yaml",
    Path(__file__).parent / "numbers" / "kinetic-energy.yaml",
]
OPERATORS = ("+", "\u2212", "·", "/", "×")


def boxes(box: Any) -> Iterator[Any]:
    """Every box under a box, depth first."""
    yield box
    for child in getattr(box, "children", ()):
        yield from boxes(child)


def text_of(box: Any) -> str:
    """The text a box prints."""
    return "".join(getattr(inner, "text", "") for inner in boxes(box))


def worked_lines(file: Path, out: Path) -> list[list[str]]:
    """Lay out a lesson's key and return the printed lines of each piece of working, in order."""
    [result] = list(build([file], out=out, format="html", only=["answer-key"], templates=None))
    assert result.error is None, result.error.format_message()
    document = HTML(filename=str(result.written[0].path)).render()
    found: list[list[str]] = []
    for page in document.pages:
        for box in boxes(page._page_box):
            element = getattr(box, "element", None)
            classes = (element.get("class") or "").split() if element is not None else []
            if element is None or not {"worked", "worked-answer"} & set(classes):
                continue
            if type(box).__name__ not in ("TableCellBox", "BlockBox"):
                continue
            lines = [
                " ".join(text_of(line).split()) for line in boxes(box) if type(line).__name__ == "LineBox"
            ]
            found.append([line for line in lines if line])
    return found


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda path: path.stem)
def test_working_wraps_only_between_steps_and_keeps_the_answer_with_its_step(
    lesson: Path, tmp_path: Path
) -> None:
    cells = worked_lines(lesson, tmp_path)
    assert cells, "no working found"
    for lines in cells:
        for line in lines:
            assert not line.startswith(OPERATORS) and not line.endswith(OPERATORS), lines
            assert not line.endswith(("=", "≈")), lines
        for line in lines[1:]:
            assert line.startswith(("=", "≈")), lines
        assert "=" in lines[-1] or "≈" in lines[-1] or len(lines) == 1, lines  # never the answer alone


def test_the_money_key_wraps_its_long_working(tmp_path: Path) -> None:
    cells = worked_lines(LESSONS[0], tmp_path)
    wrapped = [lines for lines in cells if len(lines) > 1]
    assert len(wrapped) >= 5  # the test above has something to check
    # The interest for n = 4, which used to break as "1215.50625 −" / "1000 ≈ 215.51".
    assert any(line.endswith("= 1215.50625 − 1000 ≈ 215.51") for lines in cells for line in lines)


def test_the_row_labels_column_is_only_as_wide_as_its_labels(tmp_path: Path) -> None:
    [result] = list(build([LESSONS[0]], out=tmp_path, format="html", only=["answer-key"], templates=None))
    assert result.error is None
    document = HTML(filename=str(result.written[0].path)).render()
    table = next(box for box in boxes(document.pages[0]._page_box) if type(box).__name__ == "TableBox")
    heads = [
        box
        for box in boxes(table)
        if type(box).__name__ == "TableCellBox" and "row-head" in (box.element.get("class") or "")
    ]
    label = max(heads, key=lambda box: box.width)
    content = max(
        sum(getattr(inner, "width", 0) for inner in line.children)
        for head in heads
        for line in boxes(head)
        if type(line).__name__ == "LineBox"
    )
    assert label.width < content + 2, (label.width, content)  # no more than its widest label
    assert label.width < 0.12 * table.width
