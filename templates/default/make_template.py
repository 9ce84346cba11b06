"""Write ``agreement.docx``, the default docxtpl template of overens-docs.

Run from anywhere (``make.py`` runs it and ``make_list_template.py``)::

    python templates/default/make.py

The package is written as raw WordprocessingML with lxml instead of being derived from
python-docx's bundled template: that template brings Calibri/Cambria styles, an en-US theme
and dozens of unused styles, and python-docx stamps zip entries with the current time. Writing
every part here keeps the styles exactly as designed (Swedish language everywhere, Liberation
fonts) and makes the output byte-for-byte reproducible.

Layout of the template (see README.md for the context variables): one section, with one
header and one footer on every page, so that a logo put in the header (in Word or
LibreOffice, on whichever page) is on every page, the title page and the signature pages
included:

* the agreement text, wrapped in ``{%p if include_text %}``;
* one signature page per organisation (``{%p for organisation in organisations %}``), each
  starting on a page of its own; rendering without the text or without signature pages
  leaves no empty page behind.
"""

from __future__ import annotations

from pathlib import Path

from lxml import etree
from ooxml import (
    HEADER_FOOTER_DIST,
    MARGIN,
    PAGE_H,
    PAGE_W,
    break_run,
    cell,
    field,
    line,
    package_parts,
    para,
    row,
    run,
    spacing,
    tab_run,
    tag,
    two_columns,
    w,
    write_package,
)
from styles import LISTS, numbering_xml, styles_xml

HERE = Path(__file__).resolve().parent
OUTPUT = HERE / "agreement.docx"


def paragraphs_of(expression: str, style_name: str = "Normal") -> list[etree._Element]:
    """One paragraph per string in a list of paragraph strings."""
    return [
        tag(f"for paragraph in {expression}"),
        line(style_name, "{{ paragraph }}"),
        tag("endfor"),
    ]


def optional_section(heading: str, expression: str) -> list[etree._Element]:
    """Heading 1 plus paragraphs, all left out when the list is empty."""
    return [
        tag(f"if {expression}"),
        line("Heading1", heading),
        *paragraphs_of(expression),
        tag("endif"),
    ]


def title_block() -> list[etree._Element]:
    adoption = (
        "Antagen av {{ agreement.adoption.body_in_sentence }}{% if agreement.adoption.date_text %}"
        " den {{ agreement.adoption.date_text }}{% endif %}"
    )
    period = "Gäller {{ agreement.period.start_text }} – {{ agreement.period.end_text }}"
    # Party names come from agreement.parties; the organisations' party is explained
    # because its members are only those who sign, which the name alone does not say.
    parties = (
        "{% for party in agreement.parties %}"
        "{% if not loop.first %}{% if loop.last %} och {% else %}, {% endif %}{% endif %}"
        "{{ party.name }}{% if party.role == 'organisations' %}"
        " (de idéburna organisationer som undertecknar överenskommelsen){% endif %}"
        "{% endfor %}"
    )
    return [
        line("Title", "{{ agreement.title }}"),
        line("DocumentInfo", adoption),
        tag("if agreement.period"),
        line("DocumentInfo", period),
        tag("endif"),
        para("Parties", run("Parter: ", style="Strong"), run(parties)),
    ]


def definitions() -> list[etree._Element]:
    return [
        tag("if agreement.definitions"),
        line("Heading1", "Definitioner"),
        tag("for definition in agreement.definitions"),
        line("Heading2", "{{ definition.term }}"),
        *paragraphs_of("definition.paragraphs"),
        tag("endfor"),
        tag("endif"),
    ]


def principles() -> list[etree._Element]:
    return [
        tag("if agreement.principles"),
        line("Heading1", "Principer för samverkan"),
        tag("for principle in agreement.principles"),
        line("Heading2", "{{ principle.name }}"),
        *paragraphs_of("principle.paragraphs"),
        tag("endfor"),
        tag("endif"),
    ]


def commitment_list(expression: str, list_id: str) -> list[etree._Element]:
    """Numbered commitments; the citation follows on its own line in the Citation style."""
    item = para(
        "Commitment",
        # The {% if %} opens in this run and closes in the citation run, so the line break
        # disappears together with an empty citation.
        run("{{ commitment.text }}{% if commitment.citation %}"),
        break_run(),
        run("{{ commitment.citation }}{% endif %}", style="Citation"),
        ppr=[w("numPr", w("ilvl", val="0"), w("numId", val="{{ " + list_id + " }}"))],
    )
    return [tag(f"for commitment in {expression}"), item, tag("endfor")]


def handlingsplan() -> list[etree._Element]:
    """The handlingsplan as a numbered list like the commitments (its own numbering, the one
    before the shared commitments'): each activity, and under it who, when and for which
    principles."""
    item = para("Commitment", run("{{ activity.text }}"), break_run(),
                run("{{ activity.details }}", style="Citation"),
                ppr=[w("numPr", w("ilvl", val="0"), w("numId", val=str(LISTS - 1)))])
    return [tag("if agreement.handlingsplan"), line("Heading1", "Handlingsplan"),
            tag("for activity in agreement.handlingsplan"), item, tag("endfor"), tag("endif")]


def party_commitments() -> list[etree._Element]:
    return [
        tag("for party in agreement.parties"),
        tag("set list_id = loop.index"),
        tag("if party.commitments"),
        line("Heading1", "{{ party.heading }}"),
        *commitment_list("party.commitments", "list_id"),
        tag("endif"),
        tag("endfor"),
    ]


def shared_commitments() -> list[etree._Element]:
    return [
        tag("if agreement.shared_commitments"),
        line("Heading1", "Gemensamma åtaganden"),
        *commitment_list("agreement.shared_commitments", str(LISTS)),
        tag("endif"),
    ]


def section_sectpr(header_rid: str, footer_rid: str, *,
                   title_page: bool = True) -> etree._Element:
    """Page setup; the header and footer parts it uses.

    With ``title_page`` (the ceremony list, make_list_template.py), the first page has a
    header of its own, an empty one (``titlePg``); its footer is the same as the others'.
    Without (the agreement), every page has the one header and footer: Word and
    LibreOffice each show a first-page header as a header of its own, and a logo put in
    the other would not reach the first page.
    """
    first = [w("headerReference", type="first", r_id="rIdHeaderFirst"),
             w("footerReference", type="first", r_id=footer_rid)] if title_page else []
    return w(
        "sectPr",
        w("headerReference", type="default", r_id=header_rid),
        w("footerReference", type="default", r_id=footer_rid),
        *first,
        w("type", val="nextPage"),
        w("pgSz", w=str(PAGE_W), h=str(PAGE_H)),
        w(
            "pgMar",
            top=str(MARGIN),
            right=str(MARGIN),
            bottom=str(MARGIN),
            left=str(MARGIN),
            header=str(HEADER_FOOTER_DIST),
            footer=str(HEADER_FOOTER_DIST),
            gutter="0",
        ),
        w("cols", space="708"),
        w("titlePg") if title_page else None,
    )


def section_one() -> list[etree._Element]:
    """The agreement text; the first signature page after it starts a page of its own."""
    return [
        tag("if include_text"),
        *title_block(),
        *optional_section("Bakgrund", "agreement.background"),
        *optional_section("Vision", "agreement.vision"),
        *optional_section("Syfte", "agreement.purpose"),
        *optional_section("Vem kan ansluta sig", "agreement.eligibility"),
        *definitions(),
        *optional_section("Värdegrund", "agreement.value_base"),
        *principles(),
        *party_commitments(),
        *shared_commitments(),
        *handlingsplan(),
        *optional_section("Uppföljning", "agreement.follow_up"),
        para("SignatureLabel", run(FINGERPRINT), ppr=[spacing(before=480, after=0)]),
        tag("endif"),
    ]


# Which text was signed: the first 12 hex digits of the text fingerprint (see README).
FINGERPRINT = "Textens fingeravtryck: {{ agreement.text_fingerprint }}"


def field_pair(value: str, label: str, *, before: int | None = None) -> list[etree._Element]:
    """A writing line with ``value`` printed on it and a small label under it."""
    ppr = [spacing(before=before, after=0, line_twips=240)] if before is not None else []
    return [para("SignatureLine", run(value), ppr=ppr), line("SignatureLabel", label)]


def signature_blocks() -> list[etree._Element]:
    """The two signature blocks side by side, as they stand at a ceremony: the public body
    on the left, the organisation on the right.

    A borderless two-column table of two rows: the parties' names (an organisation's may be
    long and run over several lines), then their four writing lines, which so stay level.
    LibreOffice lays out a table more slowly than paragraphs; two rows per page keep a
    batch of a thousand pages within a few seconds (benchmarks/build_bench.py).
    """
    # "Örebro den ____" or "Örebro den 20 maj 2025": a date only where this organisation
    # signs on it (its ceremony's, or the date it signed), else filled in by hand. The
    # public body signs on the organisation's date only at a ceremony, where both sign.
    place = "{% if organisation.signing_place %}{{ organisation.signing_place }} den {% endif %}"
    place_date = place + (
        "{% if organisation.ceremony_text %}{{ organisation.ceremony_text }}{% endif %}")
    organisation_place_date = place + (
        "{% if organisation.signs_on_text %}{{ organisation.signs_on_text }}{% endif %}")
    public_name = "{% if public_signatory.name %}{{ public_signatory.name }}{% endif %}"
    names = row(
        cell(line("SignatureParty", "För {{ agreement.public_body.name }}")),
        cell(line("SignatureParty", "För {{ organisation.name }}"),
             tag("if organisation.org_number"),
             line("SignatureLabel", "Organisationsnummer {{ organisation.org_number }}"),
             tag("endif")),
    )
    lines = row(
        cell(*field_pair(place_date, "Ort och datum", before=360),
             *field_pair("", "Underskrift", before=840),
             *field_pair(public_name, "Namnförtydligande", before=240),
             *field_pair("{{ public_signatory.title }}", "Titel", before=240)),
        cell(*field_pair(organisation_place_date, "Ort och datum", before=360),
             *field_pair("", "Underskrift", before=840),
             *field_pair("{{ organisation.representative }}", "Namnförtydligande", before=240),
             *field_pair("{{ organisation.representative_title }}", "Titel", before=240)),
    )
    return [
        two_columns(names, lines),
        para("SignatureLabel", run(FINGERPRINT), ppr=[spacing(before=480, after=0)]),
    ]


def section_two() -> list[etree._Element]:
    # The page break is a run inside the heading, left out for the first page of a
    # document (no text before it): a paragraph with only a break would leave an empty
    # line at the top of the next page, and pageBreakBefore on a document's first page
    # risks a blank page.
    heading = para(
        "Heading1",
        run("{% if include_text or not loop.first %}"),
        break_run("page"),
        run("{% endif %}Underskrifter"),
        ppr=[spacing(before=0, after=120, line_twips=240)],
    )
    intro = (
        "Genom underskrifterna nedan ansluter sig {{ organisation.name }} till "
        "överenskommelsen och {{ agreement.public_body.name }} bekräftar anslutningen."
    )
    return [
        tag("for organisation in organisations"),
        heading,
        line("SignatureTitle", "{{ agreement.title }}"),
        para("Normal", run(intro), ppr=[spacing(after=360, line_twips=276)]),
        *signature_blocks(),
        tag("endfor"),
    ]


def document_xml() -> etree._Element:
    body = w("body", *section_one(), *section_two(),
             section_sectpr("rIdHeader1", "rIdFooter1", title_page=False))
    return w("document", body)


def header_xml() -> etree._Element:
    """The title, right-aligned, on every page (a logo goes beside or above it)."""
    return w("hdr", line("Header", "{{ agreement.title }}"))


def first_header_xml() -> etree._Element:
    """The first page's header: empty (the title is right below it, see section_sectpr)."""
    return w("hdr", para("Header"))


def footer_xml() -> etree._Element:
    """'Dnr ...' on the left (only with a diarienummer), 'sida X av Y' on the right.

    The footer also serves the batch documents of signature pages (include_text false),
    where PAGE/NUMPAGES would count the batch, not the agreement; there the right-hand side
    stays empty, and the page number is stamped on each page as the PDFs are assembled
    (its number in the organisation's copy, or in the ceremony file).
    """
    dnr = run(
        "{% if agreement.adoption.diarienummer %}"
        "Dnr {{ agreement.adoption.diarienummer }}{% endif %}"
    )
    fields = [run("{% if include_text %}sida "), *field("PAGE", "1"), run(" av "),
              *field("NUMPAGES", "1"), run("{% endif %}")]
    return w("ftr", para("Footer", dnr, tab_run(), *fields))


def parts() -> dict[str, bytes]:
    """All package parts, [Content_Types].xml first as the OPC convention expects."""
    return package_parts(document_xml(), styles_xml(), numbering_xml(), [
        ("rIdHeader1", "header1.xml", header_xml()), ("rIdFooter1", "footer1.xml", footer_xml())])


def main() -> None:
    write_package(OUTPUT, parts())
    print(f"wrote {OUTPUT}")


if __name__ == "__main__":
    main()
