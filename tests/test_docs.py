"""The docs stay honest: their commands, options, key tables and example match what studygen does."""

from __future__ import annotations

import json
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from studygen.build import build
from studygen.cli import cli
from studygen.documents import DOCUMENTS, FORMATS, PAPERS
from studygen.lesson import load_lesson
from studygen.reference import END, START, json_schema, key_tables

ROOT = Path(__file__).parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
CLI_DOC = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
FORMAT_DOC = (ROOT / "docs" / "lesson-format.md").read_text(encoding="utf-8")
SEED = ROOT / "content" / "imitation-learning.yaml"
FENCE = re.compile(r"^```(\w*)\n(.*?)^```$", re.S | re.M)


def section(markdown: str, heading: str) -> str:
    """Return the text under a heading, up to the next heading of the same or a higher level."""
    level = len(heading) - len(heading.lstrip("#"))
    start = markdown.index(f"\n{heading}\n") + len(heading) + 2
    following = re.search(rf"^#{{1,{level}}} ", markdown[start:], re.M)
    return markdown[start : start + following.start()] if following else markdown[start:]


def fenced(markdown: str) -> list[tuple[str, str]]:
    """Every fenced code block in markdown, as (language, body)."""
    return [(match.group(1), match.group(2)) for match in FENCE.finditer(markdown)]


def quick_start() -> tuple[str, str]:
    """The README's build and test commands, from its two `sh` blocks under "Quick start"."""
    blocks = fenced(section(README, "## Quick start"))
    assert [language for language, _ in blocks] == ["sh", "sh"]
    build_command, test_command = (body.strip() for _, body in blocks)
    return build_command, test_command


def cli_options(command: click.Command) -> dict[str, click.Parameter]:
    """A command's options by every name they answer to, without --help."""
    return {
        name: param
        for param in command.params
        if isinstance(param, click.Option)
        for name in (*param.opts, *param.secondary_opts)
        if name.startswith("--")
    }


def usage_block() -> str:
    """The usage block at the top of docs/cli.md."""
    language, body = fenced(CLI_DOC)[0]
    assert language == ""
    return body


def documented_options() -> dict[str, dict[str, str]]:
    """The options docs/cli.md's usage block lists under each `studygen COMMAND` line, with their text."""
    options: dict[str, dict[str, str]] = {}
    command = ""
    for line in usage_block().splitlines():
        heading = re.match(r"studygen (\w+)", line)
        if heading:
            command = heading.group(1)
            options.setdefault(command, {})
        option = re.match(r"\s+(--[a-z][a-z-]*)\s*(.*)", line)
        if option:
            options[command][option.group(1)] = option.group(2)
    return options


# --- README --------------------------------------------------------------------------------------


def test_quick_start_has_one_build_and_one_test_command() -> None:
    build_command, test_command = quick_start()
    assert "\n" not in build_command and "\n" not in test_command
    assert build_command.endswith("&& .venv/bin/studygen build")
    assert "pip install . " in build_command
    assert test_command.endswith("&& .venv/bin/pytest -n auto")  # every core: the suite builds many PDFs
    assert "pip install -e '.[test]'" in test_command
    # One machine setup for both: only the install of studygen and the last step differ, and the tests
    # install a browser too, for the live preview's test (tests/test_watch.py).
    build_steps, test_steps = build_command.split(" && "), test_command.split(" && ")
    assert build_steps[0] == test_steps[0] and build_steps[2] == test_steps[2]
    assert test_steps[1] == f"{build_steps[1]} chromium chromium-driver"


def test_ci_runs_the_readme_test_command_verbatim() -> None:
    lines = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    commands = [line for line in lines if line.strip() and not line.lstrip().startswith("#")]
    assert commands[-1] == quick_start()[1]


def test_readme_usage_examples_are_valid_usage() -> None:
    block = next(body for language, body in fenced(section(README, "## Using it")) if language == "sh")
    commands = [line.split("#")[0].strip() for line in block.splitlines()]
    examples = [shlex.split(command)[1:] for command in commands if command.startswith("studygen ")]
    assert len(examples) >= 4
    for args in examples:
        name, *rest = args
        assert name in cli.commands, args
        with cli.make_context("studygen", [name]) as parent:
            cli.commands[name].make_context(name, rest, parent=parent)  # raises on any usage error


# --- docs/cli.md ---------------------------------------------------------------------------------


def test_cli_doc_lists_exactly_the_commands() -> None:
    assert set(documented_options()) == set(cli.commands)
    assert "studygen --version" in usage_block()
    assert "--version" in cli_options(cli)


@pytest.mark.parametrize("name", sorted(cli.commands))
def test_cli_doc_lists_exactly_each_commands_options(name: str) -> None:
    documented = set(documented_options().get(name, {}))
    actual = set(cli_options(cli.commands[name])) - {"--help"}
    assert documented - actual == set(), f"docs/cli.md shows options `studygen {name}` does not have"
    assert actual - documented == set(), (
        f"docs/cli.md's usage block does not show these `studygen {name}` options"
    )


def test_cli_doc_states_the_choices_and_defaults() -> None:
    documented = documented_options()["build"]
    options = cli_options(cli.commands["build"])
    assert documented["--paper"].split()[0] == "|".join(PAPERS) == "|".join(options["--paper"].type.choices)
    assert (
        documented["--format"].split()[0] == "|".join(FORMATS) == "|".join(options["--format"].type.choices)
    )
    assert documented["--only"].split(None, 1)[1] == ", ".join(DOCUMENTS)
    assert f"default {options['--paper'].default}" in documented["--paper"]
    assert f"default {options['--out'].default}/" in documented["--out"]


def test_cli_doc_build_line_matches_a_real_build(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shown = fenced(section(CLI_DOC, "## What `build` prints"))[0][1].strip()
    (tmp_path / "content").mkdir()
    shutil.copyfile(SEED, tmp_path / "content" / SEED.name)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["build"], prog_name="studygen")
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == shown


# --- docs/lesson-format.md -----------------------------------------------------------------------


def test_key_tables_in_lesson_format_are_generated() -> None:
    assert FORMAT_DOC.count(START) == 1 and FORMAT_DOC.count(END) == 1
    start = FORMAT_DOC.index(START)
    block = FORMAT_DOC[start : FORMAT_DOC.index(END, start) + len(END) + 1]
    assert block == key_tables(), (
        "docs/lesson-format.md's key tables differ from the models: replace the generated block with the "
        "output of `python -m studygen.reference`"
    )


def test_reference_module_prints_the_key_tables() -> None:
    process = subprocess.run(
        [sys.executable, "-m", "studygen.reference"], capture_output=True, text=True, check=False
    )
    assert process.returncode == 0, process.stderr
    assert process.stdout == key_tables()


def test_json_schema_in_docs_is_generated_and_describes_the_format() -> None:
    schema_file = ROOT / "docs" / "lesson.schema.json"
    assert schema_file.read_text(encoding="utf-8") == json_schema(), (
        "docs/lesson.schema.json differs from the models: regenerate it with "
        "`python -m studygen.reference schema > docs/lesson.schema.json`"
    )
    schema = json.loads(json_schema())
    assert schema["required"] == ["title"]
    assert schema["additionalProperties"] is False
    assert "Title printed on every document" in schema["properties"]["title"]["description"]


@pytest.fixture
def example(tmp_path: Path) -> Path:
    """The complete example of docs/lesson-format.md, written to a file."""
    blocks = fenced(section(FORMAT_DOC, "## A complete example"))
    body = next(body for language, body in blocks if language == "yaml")
    path = tmp_path / "example.yaml"
    path.write_text(body, encoding="utf-8")
    return path


def test_lesson_format_example_is_a_valid_lesson(example: Path) -> None:
    lesson = load_lesson(example).lesson
    assert len(lesson.exercises) == 2
    assert len(lesson.flashcards) == 2
    assert lesson.self_check is not None and len(lesson.self_check.questions) == 2


def test_lesson_format_example_builds_and_its_key_shows_the_commented_step(
    example: Path, tmp_path: Path
) -> None:
    assert "# key: 4.5 · 10 = 45" in example.read_text(encoding="utf-8")
    [result] = list(build([example], out=tmp_path / "out", templates=None))
    assert result.error is None, result.error.format_message()
    assert sorted(w.path.name for w in result.written) == sorted(f"{name}.pdf" for name in DOCUMENTS)
    reader = PdfReader(tmp_path / "out" / "example" / "answer-key.pdf")
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    assert "4.5 · 10 = 45" in text


# --- docs/ci.md ----------------------------------------------------------------------------------


def test_ci_doc_workflows_are_yaml_whose_studygen_commands_are_valid_usage() -> None:
    import yaml

    blocks = [
        body for language, body in fenced((ROOT / "docs" / "ci.md").read_text("utf-8")) if language == "yaml"
    ]
    assert len(blocks) == 2  # GitHub Actions and GitLab CI
    commands: list[str] = []
    for block in blocks:
        yaml.safe_load(block)  # raises on a broken workflow
        commands += re.findall(r"(?:run: |- )(studygen [^\n#]+)", block)
    assert len(commands) == 4
    for command in commands:
        command = command.replace("${{ matrix.shard }}", "1").replace("$CI_NODE_INDEX/$CI_NODE_TOTAL", "1/4")
        name, *rest = shlex.split(command)[1:]
        with cli.make_context("studygen", [name]) as parent:
            cli.commands[name].make_context(name, rest, parent=parent)  # raises on any usage error
