"""Write ``followup-report.docx``, the Word template of the yearly follow-up report.

Run from anywhere (``make.py`` runs it with the others)::

    python templates/default/make.py

``overens followup report`` renders it into ``uppfoljningsrapport-<year>.docx`` (and,
through LibreOffice, the PDF/A): a summary; each chart with its alt text, a caption and a
table of its numbers; a table per party of every commitment and activity with its status,
comments and measure; the organisations' answers to the questionnaire; the contacts. The
names it uses are listed in README.md ("The follow-up report"). It shares the styles,
fonts and settings of ``agreement.docx`` and is byte-for-byte reproducible in the same way.
"""

from __future__ import annotations

from pathlib import Path

from lxml import etree
from make_template import FINGERPRINT, first_header_xml, section_sectpr
from ooxml import (
    MUTED_COLOUR,
    SANS,
    TEXT_COLOUR,
    TEXT_W,
    field,
    line,
    package_parts,
    para,
    run,
    run_props,
    spacing,
    tab_run,
    tag,
    w,
    write_package,
)
from styles import numbering_xml, style, styles_xml

HERE = Path(__file__).resolve().parent
OUTPUT = HERE / "followup-report.docx"

# The chart tables: the category, then the five statuses and the total.
NUMBER_W = 1012
CATEGORY_W = TEXT_W - 6 * NUMBER_W
# The item tables: id, the commitment or activity, its status, comments and measure.
ITEM_COLUMNS = (794, 3969, 1191, TEXT_W - 794 - 3969 - 1191)
# The answers: id, the commitment or activity, the answers counted, the comments.
ANSWER_COLUMNS = (794, 3402, 1758, TEXT_W - 794 - 3402 - 1758)


def report_styles() -> etree._Element:
    """The agreement's styles, and those of tables and captions."""
    styles = styles_xml()
    styles.extend([
        style("paragraph", "TableText", "Table Text", based_on="Normal",
              ppr=[spacing(after=0, line_twips=240)], rpr=run_props(SANS, 18)),
        style("paragraph", "TableHeading", "Table Heading", based_on="TableText",
              rpr=run_props(SANS, 18, bold=True)),
        style("paragraph", "TableNumber", "Table Number", based_on="TableText",
              ppr=[w("jc", val="right")]),
        # Not Word's "caption": LibreOffice would tag it as a PDF Caption, which belongs
        # inside a Figure or Table element, not beside one.
        style("paragraph", "ChartNote", "Chart Note", based_on="Normal", next_style="Normal",
              ppr=[spacing(before=60, after=120, line_twips=240)],
              rpr=run_props(SANS, 18, italic=True, colour=MUTED_COLOUR)),
        style("paragraph", "TableNote", "Table Note", based_on="TableText",
              ppr=[spacing(before=20, after=0, line_twips=240)],
              rpr=run_props(SANS, 16, colour=MUTED_COLOUR)),
        # Not "Figure": LibreOffice tags a paragraph by its style's name, and a paragraph
        # tagged Figure would wrap the picture's own Figure, without its alt text.
        style("paragraph", "ChartPicture", "Chart Picture", based_on="Normal",
              ppr=[w("keepNext"), spacing(before=120, after=0, line_twips=240)]),
        style("paragraph", "TableHeadingNumber", "Table Heading Number",
              based_on="TableHeading", ppr=[w("jc", val="right")]),
    ])
    return styles


def cell(width: int, *content: etree._Element) -> etree._Element:
    return w("tc", w("tcPr", w("tcW", w=str(width), type="dxa")), *content)


def table(widths: tuple[int, ...], header: etree._Element,
          *rows: etree._Element) -> etree._Element:
    """A table with thin rules, a fixed layout and a header row that repeats on every
    page (LibreOffice tags its cells as table headers, TH, in the PDF)."""
    rule = {"val": "single", "sz": "4", "space": "0", "color": TEXT_COLOUR}
    properties = w(
        "tblPr",
        w("tblW", w=str(TEXT_W), type="dxa"),
        w("tblBorders", w("top", **rule), w("bottom", **rule), w("insideH", **rule)),
        w("tblLayout", type="fixed"),
        w("tblCellMar", w("top", w="40", type="dxa"), w("left", w="57", type="dxa"),
          w("bottom", w="40", type="dxa"), w("right", w="57", type="dxa")),
        w("tblLook", val="0000", firstRow="1", lastRow="0", firstColumn="0", lastColumn="0",
          noHBand="1", noVBand="1"),
    )
    grid = w("tblGrid", *(w("gridCol", w=str(width)) for width in widths))
    return w("tbl", properties, grid, header, *rows)


def header_row(widths: tuple[int, ...], labels: list[str], *,
               numbers: int = 0) -> etree._Element:
    """The header row; the last ``numbers`` columns hold numbers, aligned right."""
    first = len(labels) - numbers
    return w("tr", w("trPr", w("cantSplit"), w("tblHeader")),
             *(cell(width, line("TableHeading" if index < first else "TableHeadingNumber",
                                label))
               for index, (width, label) in enumerate(zip(widths, labels, strict=True))))


def loop_row(statement: str) -> etree._Element:
    """A row holding only ``{%tr ... %}``: docxtpl replaces the whole row by the tag."""
    return w("tr", cell(TEXT_W, line("TemplateTag", f"{{%tr {statement} %}}")))


def body_row(*cells: etree._Element) -> etree._Element:
    return w("tr", w("trPr", w("cantSplit")), *cells)


def lines_or_dash(expression: str, name: str, width: int) -> etree._Element:
    """A cell with one paragraph per item of a list, or a dash when it is empty (a cell
    must hold a paragraph)."""
    return cell(width, tag(f"for {name} in {expression}"), line("TableText", f"{{{{ {name} }}}}"),
                tag("endfor"), tag(f"if not {expression}"), line("TableText", "–"),
                tag("endif"))


def chart_block() -> list[etree._Element]:
    """Each chart: its heading, the picture (with its alt text), the caption, and the
    table of its numbers."""
    widths = (CATEGORY_W, *(NUMBER_W,) * 6)
    header = header_row(widths, ["{{ chart.category }}", *(
        f"{{{{ report.columns[{index}] }}}}" for index in range(5)), "Totalt"], numbers=6)
    numbers = body_row(
        cell(CATEGORY_W, line("TableText", "{{ row.category }}")),
        *(cell(NUMBER_W, line("TableNumber", f"{{{{ row.counts[{index}] }}}}"))
          for index in range(5)),
        cell(NUMBER_W, line("TableNumber", "{{ row.total }}")))
    return [
        tag("for chart in report.charts"),
        line("Heading2", "{{ chart.title }}"),
        line("ChartPicture", "{{ chart.picture }}"),
        line("ChartNote", "Diagram {{ chart.number }}. {{ chart.title }}. Tabellen nedan ger "
                        "diagrammets siffror.{% if chart.note %} {{ chart.note }}{% endif %}"),
        table(widths, header, loop_row("for row in chart.rows"), numbers, loop_row("endfor")),
        tag("endfor"),
    ]


def item_tables() -> list[etree._Element]:
    header = header_row(ITEM_COLUMNS, ["Id", "Åtagande eller aktivitet", "Status",
                                       "Kommentarer och mått"])
    item = body_row(
        cell(ITEM_COLUMNS[0], line("TableText", "{{ item.id }}")),
        cell(ITEM_COLUMNS[1], line("TableText", "{{ item.text }}"),
             line("TableNote", "{{ item.details }}")),
        cell(ITEM_COLUMNS[2], line("TableText", "{{ item.status }}")),
        lines_or_dash("item.notes", "note", ITEM_COLUMNS[3]),
    )
    return [
        line("Heading1", "Åtaganden och aktiviteter"),
        line("Normal", "Varje åtagande och aktivitet, per part, med status, kommentarer och "
                       "mått eller indikator ur årets arbetsbok."),
        tag("for group in report.groups"),
        line("Heading2", "{{ group.name }}"),
        table(ITEM_COLUMNS, header, loop_row("for item in group.rows"), item,
              loop_row("endfor")),
        tag("endfor"),
    ]


def answers() -> list[etree._Element]:
    header = header_row(ANSWER_COLUMNS, ["Id", "Åtagande eller aktivitet", "Svar",
                                         "Organisationernas kommentarer"])
    item = body_row(
        cell(ANSWER_COLUMNS[0], line("TableText", "{{ item.id }}")),
        cell(ANSWER_COLUMNS[1], line("TableText", "{{ item.text }}")),
        lines_or_dash("item.counts", "answer", ANSWER_COLUMNS[2]),
        lines_or_dash("item.comments", "comment", ANSWER_COLUMNS[3]),
    )
    return [
        line("Heading1", "Enkäten till organisationerna"),
        line("Normal", "{{ report.answers_text }}"),
        tag("if report.answers"),
        table(ANSWER_COLUMNS, header, loop_row("for item in report.answers"), item,
              loop_row("endfor")),
        tag("endif"),
    ]


def document_xml() -> etree._Element:
    body = w(
        "body",
        line("Title", "Uppföljning {{ report.year }}"),
        line("DocumentInfo", "{{ agreement.title }}"),
        para("Parties", run("{{ report.made_from }}")),
        line("Heading1", "Sammanfattning"),
        tag("for paragraph in report.summary"),
        line("Normal", "{{ paragraph }}"),
        tag("endfor"),
        line("Heading1", "Läget i siffror"),
        *chart_block(),
        *item_tables(),
        *answers(),
        tag("if report.contacts"),
        line("Heading1", "Kontakt"),
        tag("for contact in report.contacts"),
        line("Normal", "{{ contact }}"),
        tag("endfor"),
        tag("endif"),
        para("SignatureLabel", run(FINGERPRINT), ppr=[spacing(before=480, after=0)]),
        section_sectpr("rIdHeader1", "rIdFooter1"),
    )
    return w("document", body)


def header_xml() -> etree._Element:
    return w("hdr", line("Header", "Uppföljning {{ report.year }} · {{ agreement.title }}"))


def footer_xml() -> etree._Element:
    dnr = run("{% if agreement.adoption.diarienummer %}"
              "Dnr {{ agreement.adoption.diarienummer }}{% endif %}")
    fields = [run("sida "), *field("PAGE", "1"), run(" av "), *field("NUMPAGES", "1")]
    return w("ftr", para("Footer", dnr, tab_run(), *fields))


def parts() -> dict[str, bytes]:
    return package_parts(document_xml(), report_styles(), numbering_xml(), [
        ("rIdHeader1", "header1.xml", header_xml()), ("rIdFooter1", "footer1.xml", footer_xml()),
        ("rIdHeaderFirst", "header3.xml", first_header_xml())])


def main() -> None:
    write_package(OUTPUT, parts())
    print(f"wrote {OUTPUT}")


if __name__ == "__main__":
    main()
