"""The source map reads every scalar style again: each value character is traced to where it was written."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from studygen.scalars import Scalar, value_positions

ROOT = Path(__file__).parents[1]
LESSONS = sorted([*ROOT.glob("content/*.yaml"), *ROOT.glob("tests/kinds/*.yaml")])


def scalars(node: Node) -> list[ScalarNode]:
    """Every scalar node under a node, keys and values."""
    if isinstance(node, ScalarNode):
        return [node]
    if isinstance(node, SequenceNode):
        return [found for item in node.value for found in scalars(item)]
    assert isinstance(node, MappingNode)
    return [found for pair in node.value for item in pair for found in scalars(item)]


def traced(text: str) -> list[tuple[str, list[int] | None]]:
    """Each scalar's value in a YAML text with the file index of each of its characters."""
    return [
        (
            node.value,
            value_positions(text, Scalar(node.style, node.start_mark.index, node.end_mark.index, node.value)),
        )
        for node in scalars(yaml.compose(text, Loader=yaml.SafeLoader))
    ]


@pytest.mark.parametrize("lesson", LESSONS, ids=[lesson.name for lesson in LESSONS])
def test_every_scalar_of_the_example_lessons_is_traced(lesson: Path) -> None:
    text = lesson.read_text(encoding="utf-8")
    untraced = [value for value, positions in traced(text) if positions is None]
    assert untraced == []


@pytest.mark.parametrize(
    "text",
    [
        "a: plain {=x} text\n",
        "a: plain\n  continued {=x}\n\n  para two {=y}\n",
        "a: 'single ''q'' {=x}\n   next'\n",
        'a: "dbl \\t \\u00e9 {=x}\\\n   joined \\"q\\"\n\n  blank {=y}"\n',
        "a: |\n  line one {=x}\n    indented\n\n  last {=y}\nb: 2\n",
        "a: |-\n  line one\n  {=x}\n",
        "a: >\n  folded one\n  two {=x}\n\n  para\n    more\n  back {=y}\n",
        "list:\n  - >-\n    item {=x}\n    wrapped\n  - plain {=y}\n",
        "a: >-\r\n  crlf one\r\n  two {=x}\r\n",
        "a: >\n\n  leading blank {=x}\n",
        "a: {b: '{=x}', c: \"{=y}\"}\n",
    ],
)
def test_a_value_inside_a_scalar_is_traced_to_where_it_was_written(text: str) -> None:
    found = 0
    for value, positions in traced(text):
        assert positions is not None, value
        for token in ("{=x}", "{=y}"):
            offset = value.find(token)
            if offset >= 0:
                found += 1
                assert text[positions[offset] : positions[offset] + 4] == token
    assert found >= 1


def test_a_scalar_this_reading_does_not_cover_has_no_answer() -> None:
    text = "a: |2\n    two more\n"  # an explicit indentation counts from the parent's: not traced
    [(value, positions)] = traced(text)[1:]
    assert value == "  two more\n" and positions is None
