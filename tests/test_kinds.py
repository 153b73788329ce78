"""The kinds registry is the one home of an exercise kind: model, work, template, docs, schema, messages."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import typing
from pathlib import Path

import pytest

from studygen.errors import LessonError
from studygen.kinds import KINDS
from studygen.lesson import load_lesson
from studygen.reference import json_schema, key_tables
from studygen.render import stock_templates


def test_each_kind_is_named_as_its_model_says_and_has_a_stock_template() -> None:
    for name, kind in KINDS.items():
        assert typing.get_args(kind.model.model_fields["kind"].annotation) == (name,)
        assert (stock_templates() / kind.template).is_file(), kind.template


def test_the_docs_list_every_kind_of_the_registry_in_its_order() -> None:
    headings = re.findall(r"^### `exercises\[\]` with `kind: ([a-z-]+)`$", key_tables(), re.M)
    assert headings == list(KINDS)
    for kind in KINDS.values():
        for heading, _ in kind.parts:
            assert f"\n### {heading}\n" in key_tables()


def test_the_json_schema_offers_exactly_the_registered_kinds() -> None:
    schema = json.loads(json_schema())
    union = schema["properties"]["exercises"]["items"]
    assert sorted(union["discriminator"]["mapping"]) == sorted(KINDS)
    assert len(union["oneOf"]) == len(KINDS)


def test_an_unknown_kind_is_answered_with_the_registered_kinds(tmp_path: Path) -> None:
    lesson = tmp_path / "lesson.yaml"
    lesson.write_text("title: x\nexercises:\n  - kind: chioce\n    title: y\n", encoding="utf-8")
    with pytest.raises(LessonError) as caught:
        load_lesson(lesson)
    assert caught.value.format_message() == (
        f"{lesson}:3:11: exercises[0].kind: unknown kind 'chioce'; use one of {', '.join(KINDS)} "
        "(did you mean 'choice'?)"
    )


def test_working_out_a_lesson_loads_neither_yaml_nor_click() -> None:
    probe = (
        "import json, sys; import studygen.compute, studygen.kinds; "
        "print(json.dumps(sorted(m for m in ('yaml', 'click', 'jinja2', 'weasyprint') if m in sys.modules)))"
    )
    process = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert json.loads(process.stdout) == []
