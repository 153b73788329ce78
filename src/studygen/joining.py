"""Join the PDFs of a deck's parts into one, part by part, with one copy of each font.

The joined file is written as it is read: one part is open at a time, so the parent's memory does not
grow with the deck (pikepdf's page copying held about 16 KiB a page and slowed down as the deck grew).
Every object a part's pages reach is copied once with a new number; the pages hang from one page tree;
the catalog (language, viewer settings) and the document information (title, author, producer) are
the first part's, which is what a single render writes.

Each part's PDF embeds its own subset of every font. WeasyPrint keeps glyph ids when it subsets, so the
parts' text can stay as it is: the joined file has one font object per font, its widths, text map and
glyphs the union of the parts'. `pdffonts` then lists each font once, as for a single render.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pikepdf

FONT_KEYS = ("/ToUnicode", "/DescendantFonts")
"""Entries of a shared font that the joiner writes itself."""

CID_FONT_KEYS = ("/W", "/FontDescriptor")
DESCRIPTOR_KEYS = ("/FontFile2", "/CIDSet", "/FontBBox")


def join(pdfs: Iterable[bytes]) -> bytes:
    """Join the parts' PDFs, in order, into one PDF; pdfs may be read one by one as the join goes."""
    writer = _Writer()
    pages_root = writer.reserve()
    catalog = writer.reserve()
    info: int | None = None
    pages: list[int] = []
    version = "1.7"
    for index, data in enumerate(pdfs):
        with pikepdf.open(io.BytesIO(data)) as part:
            copier = _Copier(writer, pages_root)
            pages += [copier.reference(page.obj) for page in part.pages]
            copier.drain()
            if index == 0:
                version = part.pdf_version
                entries = {k: v for k, v in part.Root.items() if k not in ("/Pages", "/Type")}
                writer.write(
                    catalog,
                    b"<< /Type /Catalog /Pages %d 0 R " % pages_root + copier.entries(entries) + b">>",
                )
                if "/Info" in part.trailer:
                    info = copier.reference(part.trailer.Info)
                copier.drain()
    kids = b" ".join(b"%d 0 R" % page for page in pages)
    writer.write(pages_root, b"<< /Type /Pages /Count %d /Kids [%s] >>" % (len(pages), kids))
    writer.write_fonts()
    return _compacted(writer.finish(version, catalog, info))


def _compacted(data: bytes) -> bytes:
    """Pack the joined file's dictionaries into compressed object streams, as WeasyPrint packs its own.

    Written one by one, a page's dictionaries take about 250 bytes more than packed: 2.4 MB in a
    10,000-card deck. The streams themselves are copied as they are. The file's /ID is a hash of its
    content, so the same deck has the same bytes every build.
    """
    with pikepdf.open(io.BytesIO(data)) as joined:
        out = io.BytesIO()
        joined.save(
            out,
            object_stream_mode=pikepdf.ObjectStreamMode.generate,
            stream_decode_level=pikepdf.StreamDecodeLevel.none,
            deterministic_id=True,
        )
    return out.getvalue()


@dataclass
class _SharedFont:
    """One font as the parts used it: where it goes in the joined file, and the union of what they used."""

    number: int
    font: dict[str, bytes]
    cid_font: dict[str, bytes]
    descriptor: dict[str, bytes]
    bbox: list[float]
    program: bytes
    widths: dict[int, Any] = field(default_factory=dict)
    text: dict[int, str] = field(default_factory=dict)


class _Writer:
    """The joined file as it grows: numbered objects, their offsets, and the fonts shared by all parts."""

    def __init__(self) -> None:
        self.out = io.BytesIO()
        self.out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")  # the version is fixed up in finish()
        self.offsets: list[int] = [0]
        self.fonts: dict[str, _SharedFont] = {}

    def reserve(self) -> int:
        """Give out the next object number; the object is written later."""
        self.offsets.append(0)
        return len(self.offsets) - 1

    def write(self, number: int, body: bytes) -> None:
        """Write object `number`."""
        self.offsets[number] = self.out.tell()
        self.out.write(b"%d 0 obj\n%s\nendobj\n" % (number, body))

    def write_fonts(self) -> None:
        """Write every shared font: its dictionaries, widths, text map and merged glyphs."""
        for shared in self.fonts.values():
            cid_font, descriptor, program, to_unicode = (self.reserve() for _ in range(4))
            data = _to_unicode_stream(shared.text)
            self.write(to_unicode, _stream({}, data))
            self.write(program, _stream({"/Length1": b"%d" % len(shared.program)}, shared.program))
            bbox = [
                *shared.bbox[:2],
                max([shared.bbox[2], *map(float, shared.widths.values())]),
                shared.bbox[3],
            ]
            entries = {**shared.descriptor, "/FontFile2": b"%d 0 R" % program, "/FontBBox": _array(bbox)}
            if "/CIDSet" in shared.descriptor:
                cid_set = self.reserve()
                self.write(cid_set, _stream({}, _cid_set(shared.widths)))
                entries["/CIDSet"] = b"%d 0 R" % cid_set
            self.write(descriptor, _dictionary(entries))
            widths = _array(_widths_array(shared.widths))
            self.write(
                cid_font,
                _dictionary({**shared.cid_font, "/W": widths, "/FontDescriptor": b"%d 0 R" % descriptor}),
            )
            font = {
                **shared.font,
                "/ToUnicode": b"%d 0 R" % to_unicode,
                "/DescendantFonts": b"[%d 0 R]" % cid_font,
            }
            self.write(shared.number, _dictionary(font))

    def finish(self, version: str, catalog: int, info: int | None) -> bytes:
        """Write the cross-reference table and the trailer; return the whole file."""
        start = self.out.tell()
        self.out.write(b"xref\n0 %d\n0000000000 65535 f \n" % len(self.offsets))
        self.out.write(b"".join(b"%010d 00000 n \n" % offset for offset in self.offsets[1:]))
        trailer = {"/Size": b"%d" % len(self.offsets), "/Root": b"%d 0 R" % catalog}
        if info is not None:
            trailer["/Info"] = b"%d 0 R" % info
        self.out.write(b"trailer\n%s\nstartxref\n%d\n%%%%EOF\n" % (_dictionary(trailer), start))
        data = self.out.getbuffer()
        data[5:8] = version.encode()[:3].ljust(3)
        return bytes(data)


class _Copier:
    """Copy the objects one part's pages reach into the joined file, numbering them anew."""

    def __init__(self, writer: _Writer, pages_root: int) -> None:
        self.writer = writer
        self.pages_root = pages_root
        self.numbers: dict[tuple[int, int], int] = {}
        self.queue: list[tuple[int, Any]] = []

    def reference(self, obj: Any) -> int:
        """The joined file's number for an indirect object of the part; copy it if it is new."""
        if obj.objgen not in self.numbers:
            shared = self._shared_font(obj)
            if shared is not None:
                self.numbers[obj.objgen] = shared
            else:
                self.numbers[obj.objgen] = self.writer.reserve()
                self.queue.append((self.numbers[obj.objgen], obj))
        return self.numbers[obj.objgen]

    def drain(self) -> None:
        """Write every object queued so far, and those they reach."""
        while self.queue:
            number, obj = self.queue.pop()
            if isinstance(obj, pikepdf.Stream):
                entries = {k: v for k, v in obj.stream_dict.items() if k != "/Length"}
                self.writer.write(number, _stream_raw(self.entries(entries), obj.read_raw_bytes()))
            elif isinstance(obj, pikepdf.Dictionary) and obj.get("/Type") == pikepdf.Name.Page:
                entries = {k: v for k, v in obj.items() if k != "/Parent"}
                self.writer.write(
                    number, b"<< /Parent %d 0 R %s>>" % (self.pages_root, self.entries(entries))
                )
            else:
                self.writer.write(number, self.direct(obj))

    def entries(self, entries: dict[str, Any]) -> bytes:
        """Write a dictionary's entries."""
        return b"".join(
            pikepdf.Name(key).unparse() + b" " + self.value(value) + b" " for key, value in entries.items()
        )

    def value(self, obj: Any) -> bytes:
        """Write a value: a reference to an indirect object, else the value itself."""
        if isinstance(obj, pikepdf.Object) and obj.is_indirect:
            return b"%d 0 R" % self.reference(obj)
        return self.direct(obj)

    def direct(self, obj: Any) -> bytes:
        """Write a direct value, copying what it refers to."""
        if isinstance(obj, bool):
            return b"true" if obj else b"false"
        if isinstance(obj, int):
            return b"%d" % obj
        if isinstance(obj, Decimal | float):
            return _number(obj)
        if obj is None:
            return b"null"
        if isinstance(obj, pikepdf.Dictionary):
            return b"<< " + self.entries(dict(obj.items())) + b">>"
        if isinstance(obj, pikepdf.Array):
            return b"[" + b" ".join(self.value(item) for item in obj) + b"]"
        return bytes(obj.unparse())

    def _shared_font(self, obj: Any) -> int | None:
        """If obj is a font the parts can share, fold this part's copy into it and return its number."""
        if not _mergeable(obj):
            return None
        descendant = obj.DescendantFonts[0]
        descriptor = descendant.FontDescriptor
        name = str(obj.BaseFont)
        shared = self.writer.fonts.get(name)
        program = descriptor.FontFile2.read_bytes()
        if shared is None:
            shared = self.writer.fonts[name] = _SharedFont(
                self.writer.reserve(),
                self._scalars(obj, FONT_KEYS),
                self._scalars(descendant, CID_FONT_KEYS),
                self._scalars(descriptor, DESCRIPTOR_KEYS),
                [float(value) for value in descriptor.FontBBox],
                program,
            )
        widths = _widths(descendant.W)
        if not widths.keys() <= shared.widths.keys() and shared.widths:
            shared.program = _merged_glyphs([shared.program, program])
        shared.widths.update(widths)
        shared.text.update(_to_unicode(obj.ToUnicode.read_bytes()))
        return shared.number

    def _scalars(self, obj: Any, skip: tuple[str, ...]) -> dict[str, bytes]:
        """Write a font dictionary's entries but those the joiner writes itself."""
        return {key: self.direct(value) for key, value in obj.items() if key not in skip}


def _mergeable(obj: Any) -> bool:
    """Whether obj is a TrueType font subset the parts can share: others stay as each part wrote them."""
    if not isinstance(obj, pikepdf.Dictionary) or obj.get("/Subtype") != pikepdf.Name.Type0:
        return False
    descendant = obj.DescendantFonts[0]
    descriptor = descendant.get("/FontDescriptor")
    return (
        obj.get("/Encoding") == pikepdf.Name("/Identity-H")
        and descendant.get("/CIDToGIDMap") == pikepdf.Name.Identity
        and descriptor is not None
        and "/FontFile2" in descriptor
        and "/ToUnicode" in obj
    )


def _dictionary(entries: dict[str, bytes]) -> bytes:
    """Write a dictionary of already written values."""
    return b"<< " + b"".join(pikepdf.Name(k).unparse() + b" " + v + b" " for k, v in entries.items()) + b">>"


def _array(values: Sequence[Any]) -> bytes:
    """Write an array of numbers and arrays of numbers."""
    return b"[" + b" ".join(_array(v) if isinstance(v, list) else _number(v) for v in values) + b"]"


def _number(value: Any) -> bytes:
    """Write a number as PDF does: no exponent, no needless zeros."""
    if isinstance(value, int):
        return b"%d" % value
    text = f"{Decimal(str(value)):f}"
    return (text.rstrip("0").rstrip(".") if "." in text else text).encode() or b"0"


def _stream(entries: dict[str, bytes], data: bytes) -> bytes:
    """Write a stream, compressed."""
    import zlib

    packed = zlib.compress(data)
    return _stream_raw(_dictionary({**entries, "/Filter": b"/FlateDecode"})[3:-2], packed)


def _stream_raw(entries: bytes, raw: bytes) -> bytes:
    """Write a stream whose data is already encoded as its entries say."""
    return b"<< %s/Length %d >>\nstream\n%s\nendstream" % (entries, len(raw), raw)


def _widths(array: Any) -> dict[int, Any]:
    """Read a CID font's /W array: `first [w w w]` runs and `first last w` ranges."""
    found: dict[int, Any] = {}
    items = list(array)
    i = 0
    while i < len(items):
        first = int(items[i])
        if isinstance(items[i + 1], int) or not hasattr(items[i + 1], "__len__"):
            last, width = int(items[i + 1]), items[i + 2]
            found.update(dict.fromkeys(range(first, last + 1), width))
            i += 3
        else:
            found.update({first + n: width for n, width in enumerate(items[i + 1])})
            i += 2
    return found


def _widths_array(widths: dict[int, Any]) -> list[Any]:
    """Write widths as a /W array of runs, as WeasyPrint does."""
    array: list[Any] = []
    for gid in sorted(widths):
        if gid - 1 not in widths:
            array += [gid, []]
        array[-1].append(widths[gid])
    return array


_BFCHAR = re.compile(rb"<([0-9a-fA-F]{4})>\s*<([0-9a-fA-F]*)>")


def _to_unicode(cmap: bytes) -> dict[int, str]:
    """Read the glyph-to-text pairs of a ToUnicode map as WeasyPrint writes it (bfchar entries only)."""
    pairs = _BFCHAR.findall(cmap)
    return {int(gid, 16): bytes.fromhex(text.decode()).decode("utf-16-be") for gid, text in pairs}


def _to_unicode_stream(text: dict[int, str]) -> bytes:
    """Write a ToUnicode map, as WeasyPrint does: bfchar blocks of at most 100 entries."""
    lines = [
        b"/CIDInit /ProcSet findresource begin",
        b"12 dict begin",
        b"begincmap",
        b"/CIDSystemInfo",
        b"<< /Registry (Adobe)",
        b"/Ordering (UCS)",
        b"/Supplement 0",
        b">> def",
        b"/CMapName /Adobe-Identity-UCS def",
        b"/CMapType 2 def",
        b"1 begincodespacerange",
        b"<0000> <ffff>",
        b"endcodespacerange",
    ]
    pairs = sorted(text.items())
    for start in range(0, len(pairs), 100):
        batch = pairs[start : start + 100]
        lines.append(f"{len(batch)} beginbfchar".encode())
        lines += [f"<{gid:04x}> <{chars.encode('utf-16-be').hex()}>".encode() for gid, chars in batch]
        lines.append(b"endbfchar")
    lines += [b"endcmap", b"CMapName currentdict /CMap defineresource pop", b"end", b"end"]
    return b"\n".join(lines)


def _cid_set(widths: dict[int, Any]) -> bytes:
    """Write the bit set of the glyph ids a font uses (PDF 1.4 and PDF/A ask for it)."""
    bits = bytearray((max(widths) + 8) // 8)
    for gid in widths:
        bits[gid // 8] |= 0x80 >> (gid % 8)
    return bytes(bits)


def _merged_glyphs(programs: list[bytes]) -> bytes:
    """Merge TrueType subsets that kept their glyph ids into one font holding every part's glyphs.

    Glyphs are named by id in every copy, so a composite glyph's parts resolve the same in each.
    """
    from fontTools.ttLib import TTFont, newTable

    # Keep the font's own dates: fontTools would stamp the clock into it, and the bytes must repeat.
    fonts = [_by_glyph_id(TTFont(io.BytesIO(program), recalcTimestamp=False)) for program in programs]
    merged = max(fonts, key=lambda font: len(font.getGlyphOrder()))
    glyf, hmtx = merged["glyf"], merged["hmtx"]
    for font in fonts:
        if font is merged:
            continue
        for name in font.getGlyphOrder():
            theirs = font["glyf"][name]
            if theirs.numberOfContours != 0 and glyf[name].numberOfContours == 0:
                glyf[name] = theirs
                hmtx[name] = font["hmtx"][name]
            elif hmtx[name][0] == 0 and font["hmtx"][name][0] != 0:
                hmtx[name] = font["hmtx"][name]
    if "post" in merged:
        merged["post"].formatType = 3.0  # names by id only: the PDF finds glyphs by id
    else:
        merged["post"] = newTable("post")
    out = io.BytesIO()
    merged.save(out)  # recalcTimestamp was set when it was read
    return out.getvalue()


def _by_glyph_id(font: Any) -> Any:
    """Name a font's glyphs by their ids, so the same glyph has the same name in every subset."""
    count = font["maxp"].numGlyphs
    font.setGlyphOrder([".notdef", *(f"glyph{gid:05d}" for gid in range(1, count))])
    return font
