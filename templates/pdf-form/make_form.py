"""Build ``signature-page.pdf``: a one-page A4 fillable (AcroForm) signature page.

Build-time tools only (overens-docs itself needs nothing but pypdf to *fill* the form)::

    pip install reportlab fonttools

then run ``python templates/pdf-form/make_form.py`` (writes next to this script, or to the
path given as the first argument). The output is byte-for-byte reproducible for the same
versions of reportlab, fontTools, pypdf and the DejaVu fonts.

How it is built:

1. reportlab draws the static page (headings, labels, lines) in DejaVu Sans / DejaVu Sans Bold;
   reportlab embeds a subset of each font holding the glyphs it uses. ``invariant=1`` fixes the
   dates and the file identifier.
2. fontTools subsets DejaVu Sans to Latin-1, Latin Extended-A and common punctuation, leaving
   out every character that changes under NFKC (ª º ² ſ, no-break space, …). pypdf writes the
   ToUnicode CMap as ``NFKC(char)``; such characters would share a Unicode value with a, o, 2,
   s, space and pypdf would then draw the wrong glyph for plain text.
3. pypdf turns that subset into an embedded Type0/CIDFontType2 (Identity-H, ToUnicode, /W)
   font in the AcroForm's /DR as ``/DejaVu`` (this uses pypdf's private ``Font`` class, which is
   fine for a build script) and adds the text fields, all with ``/DejaVu <size> Tf`` as /DA.
"""

from __future__ import annotations

import io
import sys
import unicodedata
from pathlib import Path
from typing import cast

from fontTools import subset
from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    FloatObject,
    IndirectObject,
    NameObject,
    NumberObject,
    StreamObject,
    TextStringObject,
)
from pypdf.generic._font import Font  # private pypdf API; build time only
from reportlab.lib.colors import Color
from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

HERE = Path(__file__).resolve().parent
FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
REGULAR = FONT_DIR / "DejaVuSans.ttf"
BOLD = FONT_DIR / "DejaVuSans-Bold.ttf"
FIELD_FONT = "/DejaVu"
FIELD_FONT_PS_NAME = "/PYPDFA+DejaVuSans"  # subset tag + PostScript name

# Latin-1, Latin Extended-A, general punctuation (dashes, quotes, bullets, ellipsis, ‰, ‹ ›), €, ™
RANGES = [
    (0x20, 0x7E),
    (0xA0, 0x17F),
    (0x2010, 0x2027),
    (0x2030, 0x203A),
    (0x20AC, 0x20AC),
    (0x2122, 0x2122),
]

PAGE_WIDTH, PAGE_HEIGHT = A4
LEFT = 70.0
RIGHT = PAGE_WIDTH - 70.0
COLUMN_WIDTH = 205.0
COLUMNS = (LEFT, RIGHT - COLUMN_WIDTH)
GREY = Color(0.35, 0.35, 0.35)

MULTILINE = 1 << 12  # field flag bit 13
PRINT = 4  # annotation flag

SENTENCE = (
    "Genom underskrift ansluter sig organisationen nedan till överenskommelsen och "
    "förbinder sig att följa den. Överenskommelsen har upprättats i två likalydande "
    "exemplar, av vilka parterna har tagit var sitt."
)

# (label under the line, y of the line, left column field, right column field, field height)
SIGNATURE_LINES: list[tuple[str, float, str | None, str | None, float]] = [
    ("Ort och datum", 490.0, None, None, 0.0),
    ("Underskrift", 425.0, None, None, 0.0),
    ("Namnförtydligande", 370.0, "signatory_name", "representative", 25.0),
    ("Titel", 315.0, "signatory_title", "representative_title", 25.0),
]


def field_unicodes() -> list[int]:
    return [
        code
        for first, last in RANGES
        for code in range(first, last + 1)
        if unicodedata.normalize("NFKC", chr(code)) == chr(code)
    ]


def subset_font(path: Path) -> bytes:
    options = subset.Options()
    options.hinting = False
    options.name_IDs = ["*"]
    options.notdef_outline = True
    options.recalc_bounds = True  # FontBBox of the subset: pypdf derives line spacing from it
    options.recalc_timestamp = False
    options.drop_tables += ["FFTM"]  # FontForge's timestamp table; fontTools cannot subset it
    font = subset.load_font(str(path), options)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=field_unicodes())
    subsetter.subset(font)
    buffer = io.BytesIO()
    subset.save_font(font, buffer, options)
    return buffer.getvalue()


def draw_static_page() -> bytes:
    pdfmetrics.registerFont(TTFont("DejaVuSans", str(REGULAR)))
    pdfmetrics.registerFont(TTFont("DejaVuSans-Bold", str(BOLD)))
    buffer = io.BytesIO()
    c = canvas.Canvas(
        buffer, pagesize=A4, invariant=1, pageCompression=1, initialFontName="DejaVuSans"
    )
    c.setTitle("Underskriftssida")
    c.setSubject("Underskriftssida till överenskommelse (fyllbart formulär)")
    c.setCreator("overens-docs templates/pdf-form/make_form.py")

    c.setFont("DejaVuSans-Bold", 20)
    c.drawString(LEFT, 772, "Underskrifter")
    c.setFont("DejaVuSans", 8)
    c.setFillColor(GREY)
    c.drawString(LEFT, 752, "Överenskommelse")
    c.setFillColor(Color(0, 0, 0))
    # the title field covers y 700..748
    c.setFont("DejaVuSans", 10)
    y = 680.0
    for line in simpleSplit(SENTENCE, "DejaVuSans", 10, RIGHT - LEFT):
        c.drawString(LEFT, y, line)
        y -= 14

    for x in COLUMNS:
        c.setFont("DejaVuSans-Bold", 11)
        c.drawString(x, 618, "För")  # the party's name field follows on the same line
    c.setFont("DejaVuSans", 9)
    c.drawString(COLUMNS[1], 556, "Organisationsnummer")

    c.setLineWidth(0.6)
    for label, line_y, *_ in SIGNATURE_LINES:
        for x in COLUMNS:
            c.line(x, line_y, x + COLUMN_WIDTH, line_y)
            c.setFont("DejaVuSans", 8)
            c.setFillColor(GREY)
            c.drawString(x, line_y - 10, label)
            c.setFillColor(Color(0, 0, 0))
    c.showPage()
    c.save()
    return buffer.getvalue()


def add_field_font(writer: PdfWriter, fonts: DictionaryObject) -> None:
    font = Font.from_truetype_font_file(io.BytesIO(subset_font(REGULAR)))
    reference = font._add_to_writer(writer, fonts, NameObject(FIELD_FONT))
    type0 = cast(DictionaryObject, reference.get_object())
    cid_font = type0["/DescendantFonts"][0].get_object()
    for target in (type0, cid_font, cid_font["/FontDescriptor"].get_object()):
        key = "/FontName" if "/FontName" in target else "/BaseFont"
        target[NameObject(key)] = NameObject(FIELD_FONT_PS_NAME)
    descriptor = cid_font["/FontDescriptor"].get_object()
    for stream in (type0.raw_get("/ToUnicode"), descriptor.raw_get("/FontFile2")):
        data = cast(StreamObject, stream.get_object())
        writer._replace_object(cast(IndirectObject, stream), data.flate_encode(level=9))


def add_text_field(
    writer: PdfWriter,
    name: str,
    rect: tuple[float, float, float, float],
    size: float,
    *,
    multiline: bool = True,
    align: int = 0,
    tooltip: str = "",
) -> IndirectObject:
    page = writer.pages[0]
    # pypdf starts the text 2 pt inside the field: shift the field so the text lines up
    rect = (rect[0] - 2, rect[1], rect[2] - 2, rect[3])
    field = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject("/Widget"),
            NameObject("/FT"): NameObject("/Tx"),
            NameObject("/T"): TextStringObject(name),
            NameObject("/TU"): TextStringObject(tooltip or name),
            NameObject("/Rect"): ArrayObject(FloatObject(round(v, 2)) for v in rect),
            NameObject("/F"): NumberObject(PRINT),
            NameObject("/Ff"): NumberObject(MULTILINE if multiline else 0),
            NameObject("/DA"): TextStringObject(f"0 g {FIELD_FONT} {size:g} Tf"),
            NameObject("/Q"): NumberObject(align),
            NameObject("/V"): TextStringObject(""),
            NameObject("/BS"): DictionaryObject(
                {NameObject("/W"): NumberObject(0), NameObject("/S"): NameObject("/S")}
            ),
            NameObject("/P"): page.indirect_reference,
        }
    )
    reference = writer._add_object(field)
    page.setdefault(NameObject("/Annots"), ArrayObject()).append(reference)
    return reference


def _fields(writer: PdfWriter) -> list[IndirectObject]:
    """Every field of the form, in the order they are filled and tabbed through."""
    col_left, col_right = COLUMNS
    party_x = 24.0  # the name field starts after "För"
    fields = [
        add_text_field(
            writer, "title", (LEFT, 700, RIGHT, 746), 13, tooltip="Överenskommelsens titel"
        ),
        add_text_field(
            writer,
            "public_body",
            (col_left + party_x, 574, col_left + COLUMN_WIDTH + 2, 627.5),
            10,
            tooltip="Kommunen eller regionen",
        ),
        add_text_field(
            writer,
            "org_name",
            (col_right + party_x, 574, col_right + COLUMN_WIDTH + 2, 627.5),
            10,
            tooltip="Organisationens namn",
        ),
        add_text_field(
            writer,
            "org_number",
            (col_right + 106, 550, col_right + COLUMN_WIDTH + 2, 565.5),
            10,
            tooltip="Organisationsnummer",
        ),
    ]
    for label, line_y, left_name, right_name, height in SIGNATURE_LINES:
        for x, name in ((col_left, left_name), (col_right, right_name)):
            if name is not None:
                rect = (x, line_y + 1, x + COLUMN_WIDTH + 2, line_y + 1 + height)
                fields.append(add_text_field(writer, name, rect, 10, tooltip=label))
    fields.append(
        add_text_field(
            writer,
            "text_fingerprint",
            (LEFT, 30, LEFT + 300, 44),
            8,
            multiline=False,
            tooltip="Textens fingeravtryck, t.ex. 3F9A 21C0 77D2",
        )
    )
    fields.append(
        add_text_field(
            writer,
            "page_label",
            (RIGHT - 120, 30, RIGHT + 2, 44),
            8,
            multiline=False,
            align=2,
            tooltip="Sidnummer, t.ex. sida 9 av 9",
        )
    )
    return fields


def build() -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(draw_static_page())))
    writer.root_object[NameObject("/Lang")] = TextStringObject("sv-SE")
    fonts = DictionaryObject()
    add_field_font(writer, fonts)

    fields = _fields(writer)
    writer.root_object[NameObject("/AcroForm")] = writer._add_object(
        DictionaryObject(
            {
                NameObject("/Fields"): ArrayObject(fields),
                NameObject("/DR"): DictionaryObject({NameObject("/Font"): fonts}),
                NameObject("/DA"): TextStringObject(f"0 g {FIELD_FONT} 10 Tf"),
            }
        )
    )
    writer.compress_identical_objects(remove_duplicates=True, remove_unreferenced=True)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def main() -> None:
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else HERE / "signature-page.pdf"
    target.write_bytes(build())
    print(target)


if __name__ == "__main__":
    main()
