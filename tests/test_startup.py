"""What a render worker pays to start, as behaviour rather than time: no work it does not need."""

from __future__ import annotations

import ctypes.util
import json
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from studygen import libraries

SRC = Path(__file__).parents[1] / "src"

CHILDREN_STARTED_BY_IMPORT = """
import json, subprocess, sys
started = []
class Recorded(subprocess.Popen):
    def __init__(self, args, *rest, **options):
        started.append(str(args))
        super().__init__(args, *rest, **options)
subprocess.Popen = Recorded
import studygen.pdf
print(json.dumps(started))
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the search is skipped on Linux only")
def test_importing_the_renderer_starts_no_library_search() -> None:
    # Each `ctypes.util.find_library` runs ldconfig, gcc and ld: some twenty children, 0.3 s a worker.
    result = subprocess.run(
        [sys.executable, "-c", CHILDREN_STARTED_BY_IMPORT],
        env={"PYTHONPATH": str(SRC), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(result.stdout) == []


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the search is skipped on Linux only")
def test_a_failed_fast_load_leaves_the_usual_import_to_run(monkeypatch: pytest.MonkeyPatch) -> None:
    search = ctypes.util.find_library
    imported: list[str] = []

    def failing(name: str) -> None:
        imported.append(name)
        assert ctypes.util.find_library is not search  # the search is skipped during the attempt
        sys.modules["weasyprint.fake_part"] = sys  # what a partial import leaves behind
        raise OSError("cannot load library 'libpango-1.0.so.0'")

    monkeypatch.setattr(libraries, "importlib", SimpleNamespace(import_module=failing))
    loaded = {name: module for name, module in sys.modules.items() if name.startswith("weasyprint")}
    for name in loaded:  # as before WeasyPrint's first import; put back for the tests that follow
        monkeypatch.delitem(sys.modules, name)
    libraries.load_weasyprint_libraries()
    assert imported == ["weasyprint"]
    assert ctypes.util.find_library is search
    assert "weasyprint.fake_part" not in sys.modules


SOURCES_READ_FOR_FIELD_DOCS = """
import json
from pydantic._internal import _docs_extraction, _fields, _generate_schema
read = []
def recorded(cls, use_inspect=False):
    read.append(cls.__module__ + "." + cls.__qualname__)
    return _docs_extraction.extract_docstrings_from_cls(cls, use_inspect)
_fields.extract_docstrings_from_cls = _generate_schema.extract_docstrings_from_cls = recorded
import studygen.lesson
print(json.dumps(read))
"""


def test_the_lesson_models_read_no_units_source_for_docs_they_never_show() -> None:
    # Units and values are read by studygen.fields' own validators; pydantic parsed the whole units
    # module again for each of some twenty models using them, just for docstrings nothing shows.
    result = subprocess.run(
        [sys.executable, "-c", SOURCES_READ_FOR_FIELD_DOCS],
        env={"PYTHONPATH": str(SRC)},
        capture_output=True,
        text=True,
        check=True,
    )
    read = json.loads(result.stdout)
    assert "studygen.model.Lesson" in read  # the lesson's own field docs still become its documentation
    assert [name for name in read if name.startswith("studygen.formulas.")] == []
