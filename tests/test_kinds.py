"""The kinds registry is the one home of an exercise kind: model, work, template, docs, schema, messages."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import typing
from pathlib import Path

import pytest

from studygen.documents import stock_templates
from studygen.errors import LessonError
from studygen.kinds import KINDS
from studygen.lesson import load_lesson
from studygen.reference import json_schema, key_tables


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


# --- one small lesson per kind: both renderings, answers only in the key, golden HTML -------------
#
# Each kind has tests/kinds/<kind>.yaml, a short lesson using it, and tests/kinds/<kind>.answers, one
# answer text per line that the key must print and the worksheet must not. Golden HTML lives in
# tests/kinds/golden/; after a deliberate change to the look, regenerate it with
#     pytest tests/test_kinds.py --force-regen
# and review the diff before committing.

SAMPLES = Path(__file__).parent / "kinds"


def body_html(lesson: Path, document: str) -> str:
    """Render one document of a lesson to HTML and return its body: the part a kind's template shapes."""
    from studygen.documents import DOCUMENTS, PAPERS
    from studygen.render import environment, render_document

    html = render_document(environment(None), load_lesson(lesson), DOCUMENTS[document], paper=PAPERS["a4"])
    return html[html.index("<body") : html.index("</body>") + len("</body>")] + "\n"


def refused(tmp_path: Path, text: str) -> list[str]:
    """Load a lesson written as text and return its problems one a line, without the file's name."""
    lesson = tmp_path / "lesson.yaml"
    lesson.write_text(text, encoding="utf-8")
    with pytest.raises(LessonError) as caught:
        load_lesson(lesson)
    lines = caught.value.format_message().replace(f"{lesson}:", "").splitlines()
    return lines[1:] if len(lines) > 1 else lines  # several problems come under a count line


@pytest.mark.parametrize("name", list(KINDS))
@pytest.mark.parametrize("document", ["worksheet", "answer-key"])
def test_each_kind_renders_as_its_golden_html(name: str, document: str, file_regression: typing.Any) -> None:
    file_regression.check(
        body_html(SAMPLES / f"{name}.yaml", document),
        extension=".html",
        fullpath=SAMPLES / "golden" / f"{name}-{document}.html",
    )


@pytest.mark.parametrize("name", list(KINDS))
def test_each_kind_prints_its_answers_in_the_key_and_nowhere_on_the_worksheet(
    name: str, tmp_path: Path
) -> None:
    from pypdf import PdfReader

    from studygen.build import build

    answers = (SAMPLES / f"{name}.answers").read_text(encoding="utf-8").splitlines()
    assert answers, f"tests/kinds/{name}.answers lists no answers"
    [result] = list(build([SAMPLES / f"{name}.yaml"], out=tmp_path, templates=None))
    assert result.error is None, result.error.format_message()
    text = {
        written.path.stem: " ".join(" ".join(p.extract_text() for p in PdfReader(written.path).pages).split())
        for written in result.written
    }
    for answer in answers:
        assert answer in text["answer-key"], f"the key lacks {answer!r}"
        assert answer not in text["worksheet"], f"the worksheet gives away {answer!r}"


def test_docs_describe_every_kinds_worked_body_field_by_field() -> None:
    from studygen.body_reference import END, START, body_tables

    doc = (Path(__file__).parents[1] / "docs" / "templates.md").read_text(encoding="utf-8")
    block = doc[doc.index(START) : doc.index(END) + len(END) + 1]
    assert block == body_tables(), (
        "docs/templates.md's body tables differ from the code: replace the generated block with the "
        "output of `python -m studygen.reference bodies`"
    )
    for kind in KINDS.values():
        assert f"\n#### `{kind.name}` (`{kind.template}`)\n" in block
    undocumented = [line for line in block.splitlines() if line.startswith("| `") and line.endswith("|  |")]
    assert undocumented == [], "give each worked-body field a docstring: theme writers read these"
