"""Packaging: a non-editable install carries the stock templates and starter, so studygen works anywhere."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).parents[1]


def test_the_wheel_ships_every_stock_template(tmp_path: Path) -> None:
    process = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(tmp_path), str(ROOT)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert process.returncode == 0, process.stderr
    [wheel] = tmp_path.glob("studygen-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    stock = sorted(path.name for path in (ROOT / "templates").iterdir() if path.is_file())
    assert stock, "no stock templates found"
    for name in stock:
        assert f"studygen/templates/{name}" in names, name
    assert "studygen/cli.py" in names and "studygen/formulas/parsing.py" in names
    # The fonts every PDF prints with, with their licence; the wheel stays small enough to install anywhere.
    fonts = sorted(path.name for path in (ROOT / "templates" / "fonts").iterdir())
    assert {"DejaVuSans.ttf", "DejaVuSansMono.ttf", "fonts.css", "LICENSE"} <= set(fonts)
    for name in fonts:
        assert f"studygen/templates/fonts/{name}" in names, name
    assert wheel.stat().st_size < 4 * 1024 * 1024
    assert "studygen/starter.yaml" in names  # what `studygen new` writes
    for catalogue in ("studygen.pot", "de.po", "fr.po", "es.po"):  # studygen's words in each language
        assert f"studygen/locale/{catalogue}" in names, catalogue
