"""Images are opened at `check` time as the renderer will open them; broken or hostile ones are refused."""

from __future__ import annotations

import base64
import io
import json
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from PIL import Image

from studygen.cli import cli
from studygen.errors import BuildError
from studygen.resources import MAX_IMAGE_PIXELS

SVG = (
    "<svg xmlns='http://www.w3.org/2000/svg' xmlns:xlink='http://www.w3.org/1999/xlink' "
    "width='9' height='9'>\n{}\n</svg>"
)


def jpeg(width: int = 64, height: int = 48) -> bytes:
    """Make a small valid JPEG."""
    out = io.BytesIO()
    Image.new("RGB", (width, height), (10, 200, 30)).save(out, "JPEG")
    return out.getvalue()


def png(width: int = 8, height: int = 8, mode: str = "RGB") -> bytes:
    """Make a valid PNG (a 1-bit one compresses 400 million pixels into a few KB)."""
    out = io.BytesIO()
    Image.new(mode, (width, height)).save(out, "PNG")
    return out.getvalue()


def jpeg_claiming(width: int, height: int) -> bytes:
    """A small JPEG whose frame header claims width x height pixels: what a decompression bomb is."""
    data = bytearray(jpeg())
    frame = data.find(b"\xff\xc0")
    data[frame + 5 : frame + 9] = height.to_bytes(2, "big") + width.to_bytes(2, "big")
    return bytes(data)


def check(folder: Path, markdown: str) -> tuple[int, str]:
    """Check a lesson showing markdown in its intro; return the exit code and what was printed."""
    lesson = folder / "lesson.yaml"
    lesson.write_text(f"title: Images\nintro: {json.dumps(markdown)}\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["check", str(lesson)])
    return result.exit_code, result.stderr + result.stdout


BAD_IMAGES = {
    "bomb.jpg": (
        jpeg_claiming(13000, 13000),
        "it is 13,000 x 13,000 pixels; images may have at most 25,000,000",
    ),
    "bomb.png": (png(14000, 14000, "1"), "claims hundreds of millions of pixels"),
    "just-over.png": (png(5001, 5000, "1"), "it is 5,001 x 5,000 pixels"),
    "truncated.jpg": (jpeg()[:400], "the image is damaged"),
    "truncated.png": (png(300, 300)[:-60], "the image is damaged"),
    "svg-named.png": (SVG.format("").encode(), "it is not a PNG or JPEG image"),
    "empty.jpg": (b"", "it is not a PNG or JPEG image"),
    "doctype.svg": (
        b"<!DOCTYPE svg [<!ENTITY a 'x'>]>" + SVG.format("<text>&a;</text>").encode(),
        "<!DOCTYPE>",
    ),
    "broken.svg": (b"<svg", "it is not a readable SVG file"),
}


@pytest.mark.parametrize("name", BAD_IMAGES)
def test_a_broken_or_oversized_image_fails_the_check(tmp_path: Path, name: str) -> None:
    data, reason = BAD_IMAGES[name]
    (tmp_path / name).write_bytes(data)
    code, output = check(tmp_path, f"![a]({name})")
    assert code == 1
    [line] = output.splitlines()
    where = f"Error: {tmp_path / 'lesson.yaml'}:2:14: intro:"
    assert line.startswith(f"{where} image '{name}' is refused: "), line
    assert reason in line


def test_the_633_byte_bomb_jpeg_is_refused_inline_too(tmp_path: Path) -> None:
    data = jpeg_claiming(13000, 13000)
    source = "data:image/jpeg;base64," + base64.b64encode(data).decode()
    code, output = check(tmp_path, f"![a]({source})")
    assert code == 1
    assert "it is 13,000 x 13,000 pixels" in output


def test_inline_image_that_is_not_base64_fails_the_check(tmp_path: Path) -> None:
    code, output = check(tmp_path, "![a](data:image/png;base64,%%%%)")
    assert (code, "the inline image is not valid base64" in output) == (1, True), output


def test_good_images_pass_just_under_the_limit(tmp_path: Path) -> None:
    """Control: the limit is where it says, and a plain SVG showing a JPEG beside it is fine."""
    (tmp_path / "big.png").write_bytes(png(5000, 5000, "1"))
    (tmp_path / "photo.jpg").write_bytes(jpeg())
    (tmp_path / "plain.svg").write_text(
        SVG.format("<defs><g id='g'/></defs><use href='#g'/><rect fill='url(#g)'/><image href='photo.jpg'/>")
    )
    inline = "data:image/png;base64," + base64.b64encode(png()).decode()
    assert MAX_IMAGE_PIXELS == 5000 * 5000
    code, output = check(tmp_path, f"![a](big.png) ![b](photo.jpg) ![c](plain.svg) ![d]({inline})")
    assert (code, output) == (0, f"{tmp_path / 'lesson.yaml'}: ok\n")


OUTSIDE = "http://127.0.0.1:9"
SVG_REFERENCES = {
    "use": f"<use href='{OUTSIDE}/use.svg#a'/>",
    "pattern": f"<pattern id='p' xlink:href='{OUTSIDE}/pattern.svg#p'/>",
    "style-import": f"<style>@import url({OUTSIDE}/import.css);</style>",
    "style-import-string": "<style>@import 'local.css';</style>",
    "fe-image": f"<filter id='f'><feImage href='{OUTSIDE}/f.png'/></filter>",
    "font-face": "<style>@font-face { font-family: X; src: url('file:///etc/passwd') }</style>",
    "fill-url": f"<rect fill='url({OUTSIDE}/g.svg#g)' width='2' height='2'/>",
    "style-attribute": f"<rect style='fill: url(\"{OUTSIDE}/s.svg#g\")'/>",
    "parent-folder": "<image href='../outside.png'/>",
    "other-svg": "<use href='plain.svg#g'/>",
    "inline-svg": "<image href='data:image/svg+xml;base64,PHN2Zy8+'/>",
    "stylesheet-pi": "",
}


@pytest.mark.parametrize("kind", SVG_REFERENCES)
def test_every_outside_reference_in_an_svg_fails_the_check_at_its_line(tmp_path: Path, kind: str) -> None:
    folder = tmp_path / "lesson"
    folder.mkdir()
    (tmp_path / "outside.png").write_bytes(png())
    (folder / "plain.svg").write_text(SVG.format("<g id='g'/>"))
    body = SVG.format(SVG_REFERENCES[kind])
    if kind == "stylesheet-pi":
        body = f"<?xml version='1.0'?>\n\n<?xml-stylesheet href='{OUTSIDE}/pi.css'?>\n" + body
    (folder / "drawing.svg").write_text(body)
    code, output = check(folder, "![a](drawing.svg)")
    assert code == 1
    [line] = output.splitlines()
    line_in_svg = 3 if kind == "stylesheet-pi" else 2
    assert f"image 'drawing.svg' is refused: line {line_in_svg} of the SVG " in line, line
    assert "embed what it needs" in line or "which is not a PNG or JPEG" in line


def test_an_svg_showing_a_bomb_png_beside_it_fails_the_check(tmp_path: Path) -> None:
    (tmp_path / "bomb.png").write_bytes(png(14000, 14000, "1"))
    (tmp_path / "drawing.svg").write_text(SVG.format("<image href='bomb.png'/>"))
    code, output = check(tmp_path, "![a](drawing.svg)")
    assert code == 1
    assert "line 2 of the SVG shows 'bomb.png', which is refused: its header claims" in output


def test_checking_a_5_mib_image_stays_fast(tmp_path: Path) -> None:
    """Decoding every pixel is the price of catching a truncated file; at the size limit it is small."""
    noise = Image.effect_noise((1900, 1900), 100).convert("RGB")
    out = io.BytesIO()
    noise.save(out, "JPEG", quality=98)
    assert 3 * 1024 * 1024 < len(out.getvalue()) <= 5 * 1024 * 1024
    (tmp_path / "photo.jpg").write_bytes(out.getvalue())
    start = time.monotonic()
    code, output = check(tmp_path, "![a](photo.jpg)")
    assert code == 0, output
    assert time.monotonic() - start < 2


# --- what the renderer says when an image fails there anyway ------------------------------------


@pytest.mark.parametrize(
    ("name", "data", "cause"),
    [
        ("truncated.jpg", jpeg()[:400], "OSError: "),
        ("bomb.jpg", jpeg_claiming(13000, 13000), "an image is too large to decode safely"),
    ],
)
def test_an_image_the_renderer_cannot_load_fails_with_its_cause(
    tmp_path: Path, name: str, data: bytes, cause: str
) -> None:
    """The sandbox's second line: a bad image reaching WeasyPrint fails with why, not `…: ` and nothing."""
    from studygen.pdf import Renderer

    (tmp_path / name).write_bytes(data)
    with pytest.raises(BuildError) as raised:
        Renderer().render(f"<p>x</p><img src='{name}'>", folder=tmp_path, allowed=[])
    message = raised.value.format_message()
    assert cause in message
    assert not message.rstrip().endswith(":"), message


def test_the_render_worker_drops_unraisable_exceptions(tmp_path: Path) -> None:
    """A MemoryError while collecting garbage is printed raw by Python; in a worker it is dropped."""
    probe = (
        "import multiprocessing, sys\n"
        "from studygen.pdf import Renderer\n"
        "def child():\n"
        "    Renderer()\n"
        "    class Bad:\n"
        "        def __del__(self): raise MemoryError\n"
        "    Bad()\n"
        "    print('child done', flush=True)\n"
        "if __name__ == '__main__':\n"
        "    p = multiprocessing.get_context('spawn').Process(target=child); p.start(); p.join()\n"
        "    class Bad:\n"
        "        def __del__(self): raise MemoryError\n"
        "    Bad()\n"
    )
    script = tmp_path / "probe.py"
    script.write_text(probe)
    process = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, timeout=60, check=False
    )
    assert "child done" in process.stdout
    # Only the parent's (the user's own process, where nothing is hidden) is printed.
    assert process.stderr.count("Exception ignored") == 1, process.stderr
