"""File names with invisible or line-breaking characters print escaped, one line a message, and warn."""

from __future__ import annotations

import os
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest
from click.testing import CliRunner

from studygen.cli import cli
from studygen.errors import shown

NAMES = {
    "newline": ("a\nError: forged.yaml", "a\\nError: forged.yaml", "\\n"),
    "bidi-override": ("invoice\u202egpj.yaml", "invoice\\u202egpj.yaml", "\\u202e"),
    "zero-width": ("zero\u200bwidth.yaml", "zero\\u200bwidth.yaml", "\\u200b"),
}

GOOD = (Path(__file__).parents[1] / "content" / "imitation-learning.yaml").read_text(encoding="utf-8")
BAD = "title: Names\nintro: [unclosed\n"


def raw_controls(text: str) -> list[str]:
    """Every control or format character in text other than the newlines that end its lines."""
    return [c for c in text.replace("\n", "") if unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp")]


def lesson(folder: Path, stem: str, text: str) -> Path:
    file = folder / stem
    file.write_text(text, encoding="utf-8")
    return file


def test_shown_escapes_controls_and_leaves_ordinary_names_alone() -> None:
    assert shown("Übung 3 - Brüche.yaml") == "Übung 3 - Brüche.yaml"
    assert shown("a\tb\x1b[31m\u2028c\udcff") == "a\\tb\\x1b[31m\\u2028c\\udcff"


@pytest.mark.parametrize("kind", NAMES)
def test_a_lesson_with_a_hidden_character_in_its_name_builds_with_a_warning(
    tmp_path: Path, kind: str
) -> None:
    name, escaped, character = NAMES[kind]
    file = lesson(tmp_path, name, GOOD)
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["build", str(file), "--out", str(out), "--format", "html"])
    assert result.exit_code == 0, result.output
    folder = out / Path(name).stem
    assert (folder / "worksheet.html").is_file()
    assert result.stderr == (
        f"Warning: {tmp_path}/{escaped}: the file name contains {character}: hidden or line-breaking "
        "characters make it read wrongly in file lists and logs; rename the file\n"
    )
    [line] = result.stdout.splitlines()
    assert line.startswith(f"{tmp_path}/{escaped} -> {shown(folder)}/: worksheet.html")
    assert raw_controls(result.stdout + result.stderr) == []


@pytest.mark.parametrize("kind", NAMES)
def test_an_error_in_such_a_lesson_is_one_escaped_line(tmp_path: Path, kind: str) -> None:
    name, escaped, _ = NAMES[kind]
    file = lesson(tmp_path, name, BAD)
    result = CliRunner().invoke(cli, ["check", str(file)])
    assert result.exit_code == 1
    warning, error = result.stderr.splitlines()
    assert warning.startswith(f"Warning: {tmp_path}/{escaped}: ")
    assert error.startswith(f"Error: {tmp_path}/{escaped}:2:8: ")
    assert raw_controls(result.stderr) == []
    assert result.stdout == ""


def test_names_in_folder_level_errors_are_escaped(tmp_path: Path) -> None:
    """Two lessons sharing an output folder, and a missing path, name their files escaped."""
    one, two = tmp_path / "one", tmp_path / "two"
    one.mkdir(), two.mkdir()
    lesson(one, "x\u202e.yaml", GOOD)
    lesson(two, "x\u202e.yml", GOOD)
    result = CliRunner().invoke(cli, ["check", str(tmp_path)])
    assert result.exit_code == 1
    [line] = result.stderr.splitlines()
    assert line == (
        f"Error: {one}/x\\u202e.yaml and {two}/x\\u202e.yml would both build into the output folder "
        "'x\\u202e': rename one of them"
    )
    missing = CliRunner().invoke(cli, ["check", str(tmp_path / "gone\n.yaml")])
    assert missing.stderr == f"Error: {tmp_path}/gone\\n.yaml: no such file or folder\n"


def test_a_forged_error_line_cannot_reach_a_real_terminal(tmp_path: Path) -> None:
    """Through a real process and its real stdout and stderr, every name comes out escaped."""
    for name, _, _ in NAMES.values():
        lesson(tmp_path, name, BAD if "forged" in name else GOOD)
    process = subprocess.run(
        [sys.executable, "-m", "studygen", "check", str(tmp_path)],
        capture_output=True,
        timeout=60,
        check=False,
        env=os.environ.copy(),
    )
    stdout, stderr = process.stdout.decode(), process.stderr.decode()
    assert process.returncode == 1
    assert raw_controls(stdout + stderr) == []
    assert [line for line in stderr.splitlines() if line.startswith("Error:")] == [
        f"Error: {tmp_path}/a\\nError: forged.yaml:2:8: YAML syntax: "
        + stderr.split("forged.yaml:2:8: YAML syntax: ", 1)[1].splitlines()[0]
    ]
    assert len([line for line in stderr.splitlines() if line.startswith("Warning:")]) == 3
    assert sorted(stdout.splitlines()) == [
        f"{tmp_path}/invoice\\u202egpj.yaml: ok",
        f"{tmp_path}/zero\\u200bwidth.yaml: ok",
    ]
