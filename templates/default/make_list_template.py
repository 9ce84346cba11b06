"""Write ``signature-list.docx``, the ceremony list of the default template.

Run from anywhere (``make.py`` runs it and ``make_template.py``)::

    python templates/default/make_list_template.py

With ``signing: {layout: list}`` in agreement.yaml, ``signature-pages.pdf`` is this one
document: the heading and the agreement's title once, the public body's signature block
once, then a table with one row per organisation (name and organisation number, signature,
name in print, title) and a header row that repeats on every page. It is its own document,
so its footer counts its own pages with real PAGE/NUMPAGES fields; the footer also carries
the text fingerprint, so every page of the list says which text was signed.

It shares the styles, fonts and settings of ``agreement.docx`` (``styles.py``, ``ooxml.py``) and is
byte-for-byte reproducible in the same way.
"""

from __future__ import annotations

from pathlib import Path

from lxml import etree
from make_template import (
    FINGERPRINT,
    field_pair,
    first_header_xml,
    header_xml,
    section_sectpr,
)
from ooxml import (
    TEXT_COLOUR,
    TEXT_W,
    field,
    line,
    package_parts,
    para,
    row,
    run,
    run_props,
    spacing,
    tab_run,
    tag,
    text,
    two_columns,
    w,
    write_package,
)
from styles import numbering_xml, styles_xml

HERE = Path(__file__).resolve().parent
OUTPUT = HERE / "signature-list.docx"

# Column widths in twips: organisation, signature, name in print, title (together TEXT_W).
COLUMNS = (2722, 2155, 1985, TEXT_W - 2722 - 2155 - 1985)
ROW_HEIGHT = 1077  # 19 mm: room to sign by hand


def list_cell(width: int, *content: etree._Element, bottom: bool = False) -> etree._Element:
    properties = w("tcPr", w("tcW", w=str(width), type="dxa"),
                   w("vAlign", val="bottom") if bottom else None)
    return w("tc", properties, *content)


def small_run(value: str) -> etree._Element:
    return w("r", run_props(half_points=20), text(value))


def public_body_block() -> list[etree._Element]:
    """The public body signs once: place and date, signature | name in print, title."""
    # The ceremony's place and date (a list that is not for one ceremony: no date).
    place_date = (
        "{% if ceremony.place %}{{ ceremony.place }} den {% endif %}"
        "{% if ceremony.date_text %}{{ ceremony.date_text }}{% endif %}"
    )
    public_name = "{% if public_signatory.name %}{{ public_signatory.name }}{% endif %}"
    half = TEXT_W // 2
    block = row(
        list_cell(half, *field_pair(place_date, "Ort och datum", before=240),
                  *field_pair("", "Underskrift", before=720)),
        list_cell(half, *field_pair(public_name, "Namnförtydligande", before=240),
                  *field_pair("{{ public_signatory.title }}", "Titel", before=720)),
    )
    return [line("SignatureParty", "För {{ agreement.public_body.name }}"), two_columns(block)]


def organisation_table() -> etree._Element:
    """One row per organisation; the header row repeats on every page, no row is split."""
    rule = {"val": "single", "sz": "4", "space": "0", "color": TEXT_COLOUR}
    properties = w(
        "tblPr",
        w("tblW", w=str(TEXT_W), type="dxa"),
        w("tblBorders", w("top", **rule), w("bottom", **rule), w("insideH", **rule)),
        w("tblLayout", type="fixed"),
        w("tblCellMar", w("top", w="57", type="dxa"), w("left", w="57", type="dxa"),
          w("bottom", w="57", type="dxa"), w("right", w="57", type="dxa")),
        w("tblLook", val="0000", firstRow="1", lastRow="0", firstColumn="0", lastColumn="0",
          noHBand="1", noVBand="1"),
    )
    grid = w("tblGrid", *(w("gridCol", w=str(width)) for width in COLUMNS))
    labels = ("Organisation och org.nr", "Underskrift", "Namnförtydligande",
              "Titel")
    header = w("tr", w("trPr", w("cantSplit"), w("tblHeader")),
               *(list_cell(width, line("SignatureLabel", label))
                 for width, label in zip(COLUMNS, labels, strict=True)))
    organisation = w(
        "tr",
        w("trPr", w("cantSplit"), w("trHeight", val=str(ROW_HEIGHT), hRule="atLeast")),
        list_cell(COLUMNS[0],
                  # keepNext off: inside a table it would keep every row with the next,
                  # and LibreOffice would move the whole list to the next page.
                  para("SignatureParty", run("{{ organisation.name }}"),
                       ppr=[w("keepNext", val="0"), spacing(after=20, line_twips=240)]),
                  tag("if organisation.org_number"),
                  line("SignatureLabel", "{{ organisation.org_number }}"),
                  tag("endif")),
        list_cell(COLUMNS[1], para("Normal", ppr=[spacing(line_twips=240)]), bottom=True),
        # 10 pt, so that a long title ("Församlingsföreståndare") fits its column.
        list_cell(COLUMNS[2], para("Normal", small_run("{{ organisation.representative }}"),
                                   ppr=[spacing(line_twips=240)]), bottom=True),
        list_cell(COLUMNS[3], para("Normal",
                                   small_run("{{ organisation.representative_title }}"),
                                   ppr=[spacing(line_twips=240)]), bottom=True),
    )

    def loop_row(statement: str) -> etree._Element:
        return w("tr", list_cell(TEXT_W, line("TemplateTag", f"{{%tr {statement} %}}")))

    return w("tbl", properties, grid, header, loop_row("for organisation in organisations"),
             organisation, loop_row("endfor"))


def document_xml() -> etree._Element:
    heading = para("Heading1", run("Underskrifter"),
                   ppr=[spacing(before=0, after=120, line_twips=240)])
    intro = (
        "Genom underskrifterna nedan ansluter sig de idéburna organisationer som står i listan "
        "till överenskommelsen, och {{ agreement.public_body.name }} bekräftar deras "
        "anslutning."
    )
    organisations_heading = para("Heading2", run("De idéburna organisationerna"),
                                 ppr=[spacing(before=480, after=120, line_twips=240)])
    body = w(
        "body",
        heading,
        line("SignatureTitle", "{{ agreement.title }}"),
        para("Normal", run(intro), ppr=[spacing(after=240, line_twips=276)]),
        *public_body_block(),
        organisations_heading,
        organisation_table(),
        # Word wants a paragraph after a table at the end of the body; a tiny one, so that
        # a list that fills its last page does not leave an empty page after it.
        para("SectionBreak"),
        section_sectpr("rIdHeader1", "rIdFooter1"),
    )
    return w("document", body)


def footer_xml() -> etree._Element:
    """Dnr and the text fingerprint on the left, 'sida X av Y' of the list on the right."""
    left = run(
        "{% if agreement.adoption.diarienummer %}"
        "Dnr {{ agreement.adoption.diarienummer }} · {% endif %}" + FINGERPRINT)
    fields = [run("sida "), *field("PAGE", "1"), run(" av "), *field("NUMPAGES", "1")]
    return w("ftr", para("Footer", left, tab_run(), *fields))


def parts() -> dict[str, bytes]:
    return package_parts(document_xml(), styles_xml(), numbering_xml(), [
        ("rIdHeader1", "header1.xml", header_xml()), ("rIdFooter1", "footer1.xml", footer_xml()),
        ("rIdHeaderFirst", "header3.xml", first_header_xml())])


def main() -> None:
    write_package(OUTPUT, parts())
    print(f"wrote {OUTPUT}")


if __name__ == "__main__":
    main()
