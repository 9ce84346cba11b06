"""Write ``agreement.docx``: the default template with a logo in the header of every page.

Run from anywhere, with python-docx installed (it comes with overens-docs)::

    python templates/example-logo/make_template.py

It starts from whatever ``templates/default/agreement.docx`` is now, so run it again after
the default template changes. It writes ``logo.png`` (a small made-up logo, drawn here so
that it is byte-for-byte the same every time) and puts it at the start of every header of
every section, the signature pages' included. The output is byte-for-byte reproducible.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from pathlib import Path

from docx import Document
from docx.shared import Mm

HERE = Path(__file__).resolve().parent
DEFAULT = HERE.parent / "default" / "agreement.docx"
OUTPUT = HERE / "agreement.docx"
LOGO = HERE / "logo.png"
ZIP_DATE = (1980, 1, 1, 0, 0, 0)
WIDTH, HEIGHT = 240, 60  # pixels
ALT_TEXT = "Mallstads kommuns logotyp"


def _chunk(kind: bytes, data: bytes) -> bytes:
    return (struct.pack(">I", len(data)) + kind + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))


def logo_png() -> bytes:
    """A blue band with three white squares: a stand-in for a kommun's logo."""
    rows = []
    for y in range(HEIGHT):
        row = bytearray([0])  # filter type 0 for each scanline
        for x in range(WIDTH):
            square = 10 <= y < 50 and any(12 + 50 * i <= x < 52 + 50 * i for i in range(3))
            row += bytes((255, 255, 255)) if square else bytes((0, 84, 147))
        rows.append(bytes(row))
    header = struct.pack(">IIBBBBB", WIDTH, HEIGHT, 8, 2, 0, 0, 0)  # 8-bit RGB
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header)
            + _chunk(b"IDAT", zlib.compress(b"".join(rows), 9)) + _chunk(b"IEND", b""))


def with_logo(template: bytes, logo: bytes) -> bytes:
    """``template`` with ``logo`` in a paragraph of its own at the top of every header."""
    document = Document(io.BytesIO(template))
    seen = set()
    for section in document.sections:
        headers = [section.header]
        if section.different_first_page_header_footer:
            headers.append(section.first_page_header)
        if document.settings.odd_and_even_pages_header_footer:
            headers.append(section.even_page_header)
        for header in headers:
            if header.is_linked_to_previous or id(header.part) in seen:
                continue  # it shows the previous section's header, which has the logo
            seen.add(id(header.part))
            if header.paragraphs:
                first = header.paragraphs[0]
                paragraph = first.insert_paragraph_before(style=first.style)
            else:
                paragraph = header.add_paragraph()
            picture = paragraph.add_run().add_picture(io.BytesIO(logo), height=Mm(12))
            properties = picture._inline.docPr  # python-docx has no API for these
            # Word wants drawing ids unique in the whole document; a reader wants alt text.
            properties.set("id", str(1000 + len(seen)))
            properties.set("descr", ALT_TEXT)
    buffer = io.BytesIO()
    document.save(buffer)
    return _reproducible(buffer.getvalue())


def _reproducible(data: bytes) -> bytes:
    """The same package with every entry dated 1980-01-01, in a fixed order."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for name in source.namelist():
            info = zipfile.ZipInfo(name, ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            target.writestr(info, source.read(name))
    return out.getvalue()


def main() -> None:
    logo = logo_png()
    LOGO.write_bytes(logo)
    OUTPUT.write_bytes(with_logo(DEFAULT.read_bytes(), logo))
    print(f"Wrote {OUTPUT} and {LOGO}")


if __name__ == "__main__":
    main()
