"""The printer calibration sheet: a two-sided page whose marks show which `--back-offset` to enter.

Geometry (mm, origin at the page's top-left, page W x H, portrait): the front has two scales ticked
every millimetre, one across (below the page's centre C) that measures left and right of C, and one
down (right of C) that measures above and below it. The back has a cross through
its own centre, moved by the offset being tried. A printer that moves its second side by (dx, dy), as
seen on the back, puts that cross behind the front's point

- long-edge flip (the sheet turns over a vertical edge): (W/2 - dx, H/2 + dy);
- short-edge flip (over a horizontal edge): (W/2 + dx, H/2 - dy).

The offset that undoes it is (-dx, -dy), so each tick is labelled with the offset a cross seen there
asks for (`scale_reading`): reading the two scales gives `--back-offset X,Y` directly. A filled square
in the back's top-left corner shows through at the front's top right on a long-edge flip and at its
bottom left on a short-edge one; the front names both places, so the sheet also tells which `--flip`
the printer does.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from studygen.documents import Paper

SCALE_MM = 15
"""How far each scale runs either side of the centre: offsets larger than this are not printers'."""


SCALE_GAP_MM = 22
"""How far from the centre the scales lie: the scale across below it, the scale down right of it."""


@dataclass(frozen=True)
class Tick:
    """One tick of a scale: where it is (mm from the centre, right or down) and its label, if any."""

    at_mm: int
    length_mm: float
    label: str | None


@dataclass(frozen=True)
class CalibrationSheet:
    """What the calibration template lays out."""

    page: Paper
    flip: str
    back_offset: tuple[float, float]
    across: tuple[Tick, ...]
    down: tuple[Tick, ...]
    gap_mm: float = SCALE_GAP_MM
    arm_mm: float = SCALE_GAP_MM + SCALE_MM
    """Half the length of the back's cross: it reaches the far end of both scales."""


def scale_reading(right_mm: float, down_mm: float, flip: str) -> tuple[float, float]:
    """The offset (X, Y) to enter when the back's cross shows through right_mm right of, down_mm below C."""
    if flip == "long":
        return (right_mm, -down_mm)
    return (-right_mm, down_mm)


def calibration_sheet(paper: Paper, flip: str, back_offset: tuple[float, float]) -> CalibrationSheet:
    """Work out the scales of a calibration sheet for a printer that flips on the given edge."""
    portrait = Paper(paper.name, *sorted((paper.width_mm, paper.height_mm)))
    across, down = [], []
    for at in range(-SCALE_MM, SCALE_MM + 1):
        x, y = scale_reading(at, at, flip)
        length = 6.0 if at % 5 == 0 else 3.0
        across.append(Tick(at, length, _label(x) if at % 5 == 0 else None))
        down.append(Tick(at, length, _label(y) if at % 5 == 0 else None))
    return CalibrationSheet(portrait, flip, back_offset, tuple(across), tuple(down))


def _label(value: float) -> str:
    """Write a reading as the offset is typed: `5`, `-10`, `0`."""
    return f"{value:+g}".replace("+0", "0") if value else "0"


def write_calibration(out: Path, *, paper: Paper, flip: str, back_offset: tuple[float, float]) -> int:
    """Render the calibration sheet to out as a PDF, replacing any old one whole; return its pages."""
    from studygen.documents import stock_templates
    from studygen.errors import BuildError, shown
    from studygen.outputs import OutputError, publish
    from studygen.pdf import Renderer
    from studygen.render import environment

    sheet = calibration_sheet(paper, flip, back_offset)
    html = environment(None).get_template("calibrate.html").render(sheet=sheet)
    stock = stock_templates()
    pdf = Renderer().render(html, folder=stock, allowed=[stock])
    try:
        publish(out.parent, {out.name: pdf.data})
    except OutputError as error:
        raise BuildError(f"cannot write {shown(out)}: {error}") from None
    return pdf.pages
