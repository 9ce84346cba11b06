"""Write ``agreement.docx``, the default docxtpl template of overens-docs.

Run from anywhere::

    python templates/default/make_template.py

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

import zipfile
from collections.abc import Iterable
from pathlib import Path

from lxml import etree

HERE = Path(__file__).resolve().parent
OUTPUT = HERE / "agreement.docx"

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
XML_NS = "http://www.w3.org/XML/1998/namespace"
W_NSMAP = {"w": W_NS, "r": R_NS}

OFFICE_DOC_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
OFFICE_CT = "application/vnd.openxmlformats-officedocument"
WML_CT = f"{OFFICE_CT}.wordprocessingml"

# Fixed zip timestamp: the earliest date a zip entry can carry, so re-runs give equal bytes.
ZIP_DATE = (1980, 1, 1, 0, 0, 0)
# Fixed core-property dates for the same reason; the tool overwrites them after rendering.
CORE_DATE = "2024-01-01T00:00:00Z"

# Geometry in twentieths of a point (twips): A4 portrait, 25 mm margins.
PAGE_W, PAGE_H = 11906, 16838
MARGIN = 1417  # 25 mm
HEADER_FOOTER_DIST = 709  # 12.5 mm from the paper edge
TEXT_W = PAGE_W - 2 * MARGIN  # 9072 twips = 160 mm
NUMBER_INDENT = 567  # 10 mm hanging indent for the commitment numbers

SERIF = "Liberation Serif"
SANS = "Liberation Sans"
MONO = "Liberation Mono"
TEXT_COLOUR = "000000"
MUTED_COLOUR = "404040"  # grey that still passes WCAG AA contrast on white


# --------------------------------------------------------------------------------------------
# Element helpers
# --------------------------------------------------------------------------------------------


def qn(name: str) -> str:
    """``"w:val"`` or ``"val"`` -> Clark notation; a bare name is in the w namespace."""
    prefix, _, local = name.rpartition(":")
    return f"{{{W_NSMAP[prefix or 'w']}}}{local}"


def w(tag: str, *children: etree._Element | str | None, **attrs: str) -> etree._Element:
    """A ``w:`` element; a str child is its text, keyword ``r_id`` becomes ``r:id`` and other
    keywords ``w:<name>``."""
    element = etree.Element(qn(tag), nsmap=W_NSMAP)
    for key, value in attrs.items():
        element.set(qn("r:id") if key == "r_id" else qn(key), value)
    for child in children:
        if isinstance(child, str):
            element.text = child
        elif child is not None:
            element.append(child)
    return element


def lang() -> etree._Element:
    """Swedish for every script, so spell checking and PDF /Lang agree with the text."""
    return w("lang", val="sv-SE", eastAsia="sv-SE", bidi="ar-SA")


def fonts(name: str) -> etree._Element:
    return w("rFonts", ascii=name, hAnsi=name, eastAsia=name, cs=name)


def size(half_points: int) -> list[etree._Element]:
    return [w("sz", val=str(half_points)), w("szCs", val=str(half_points))]


def run_props(
    font: str | None = None,
    half_points: int | None = None,
    *,
    bold: bool = False,
    italic: bool = False,
    colour: str | None = None,
    style: str | None = None,
) -> etree._Element:
    """A ``w:rPr`` with children in schema order (Word rejects other orders)."""
    rpr = w("rPr")
    if style:
        rpr.append(w("rStyle", val=style))
    if font:
        rpr.append(fonts(font))
    if bold:
        rpr.extend([w("b"), w("bCs")])
    if italic:
        rpr.extend([w("i"), w("iCs")])
    if colour:
        rpr.append(w("color", val=colour))
    if half_points:
        rpr.extend(size(half_points))
    return rpr


def text(value: str, tag_name: str = "t") -> etree._Element:
    element = w(tag_name, value)
    # Jinja tags and labels often start or end with a space that must survive.
    element.set(f"{{{XML_NS}}}space", "preserve")
    return element


def run(value: str, *, style: str | None = None, bold: bool = False) -> etree._Element:
    rpr = run_props(style=style, bold=bold) if (style or bold) else None
    return w("r", rpr, text(value))


def tab_run() -> etree._Element:
    return w("r", w("tab"))


def break_run(kind: str | None = None) -> etree._Element:
    return w("r", w("br", type=kind) if kind else w("br"))


def para(style: str, *runs: etree._Element, ppr: Iterable[etree._Element] = ()) -> etree._Element:
    """A paragraph in a named style; ``ppr`` adds direct properties after ``w:pStyle``."""
    return w("p", w("pPr", w("pStyle", val=style), *ppr), *runs)


def line(style: str, value: str) -> etree._Element:
    """A paragraph holding one run; each Jinja tag stays inside a single ``w:t``."""
    return para(style, run(value))


def tag(statement: str) -> etree._Element:
    """A ``{%p ... %}`` paragraph: docxtpl replaces the whole paragraph by the tag."""
    return line("TemplateTag", f"{{%p {statement} %}}")


def field(instruction: str, placeholder: str) -> list[etree._Element]:
    """A complex field; LibreOffice and Word both update PAGE/NUMPAGES in footers."""
    return [
        w("r", w("fldChar", fldCharType="begin")),
        w("r", text(f" {instruction} ", "instrText")),
        w("r", w("fldChar", fldCharType="separate")),
        w("r", text(placeholder)),
        w("r", w("fldChar", fldCharType="end")),
    ]


# --------------------------------------------------------------------------------------------
# styles.xml
# --------------------------------------------------------------------------------------------


def spacing(before: int = 0, after: int = 0, line_twips: int | None = None) -> etree._Element:
    """Paragraph spacing in twips; ``line_twips`` is in 240ths of a line (auto rule)."""
    element = w("spacing", before=str(before), after=str(after))
    if line_twips is not None:
        element.set(qn("line"), str(line_twips))
        element.set(qn("lineRule"), "auto")
    return element


def bottom_border() -> etree._Element:
    return w("pBdr", w("bottom", val="single", sz="6", space="1", color=TEXT_COLOUR))


def style(
    kind: str,
    style_id: str,
    name: str,
    *,
    based_on: str | None = None,
    next_style: str | None = None,
    ppr: Iterable[etree._Element] = (),
    rpr: etree._Element | None = None,
    default: bool = False,
    ui_priority: int | None = None,
) -> etree._Element:
    """One ``w:style``; every style repeats the Swedish language so none can fall back."""
    element = w("style", type=kind, styleId=style_id)
    if default:
        element.set(qn("default"), "1")
    element.append(w("name", val=name))
    if based_on:
        element.append(w("basedOn", val=based_on))
    if next_style:
        element.append(w("next", val=next_style))
    if ui_priority is not None:
        element.append(w("uiPriority", val=str(ui_priority)))
    element.append(w("qFormat"))
    ppr_children = list(ppr)
    if ppr_children:
        element.append(w("pPr", *ppr_children))
    rpr = rpr if rpr is not None else w("rPr")
    rpr.append(lang())
    element.append(rpr)
    return element


def doc_defaults() -> etree._Element:
    return w(
        "docDefaults",
        w("rPrDefault", w("rPr", fonts(SERIF), *size(23), lang())),
        w("pPrDefault", w("pPr", spacing(after=160, line_twips=276))),
    )


def heading_ppr(before: int, after: int, level: int) -> list[etree._Element]:
    # keepNext/keepLines stop a heading from being stranded at the foot of a page;
    # outlineLvl is what LibreOffice and Word turn into PDF bookmarks and H1/H2 tags.
    return [
        w("keepNext"),
        w("keepLines"),
        spacing(before=before, after=after, line_twips=240),
        w("outlineLvl", val=str(level)),
    ]


def text_styles() -> list[etree._Element]:
    """Styles of the agreement text."""
    hanging = str(NUMBER_INDENT)
    return [
        style(
            "paragraph",
            "Normal",
            "Normal",
            default=True,
            ppr=[w("widowControl")],
            rpr=run_props(SERIF, 23, colour=TEXT_COLOUR),
        ),
        style(
            "paragraph",
            "Title",
            "Title",
            based_on="Normal",
            next_style="DocumentInfo",
            ui_priority=10,
            # Outline level 1 makes the title the document's first heading in the PDF tag
            # tree and bookmarks, which accessibility checkers expect.
            ppr=[w("keepNext"), spacing(after=200, line_twips=240), w("outlineLvl", val="0")],
            rpr=run_props(SANS, 44, bold=True),
        ),
        style(
            "paragraph",
            "DocumentInfo",
            "Document Info",
            based_on="Normal",
            ppr=[w("keepNext"), spacing(after=40, line_twips=240)],
            rpr=run_props(SANS, 20, colour=MUTED_COLOUR),
        ),
        style(
            "paragraph",
            "Parties",
            "Parties",
            based_on="DocumentInfo",
            next_style="Normal",
            ppr=[bottom_border(), spacing(before=120, after=360, line_twips=240)],
        ),
        style(
            "paragraph",
            "Heading1",
            "heading 1",
            based_on="Normal",
            next_style="Normal",
            ui_priority=9,
            ppr=heading_ppr(360, 120, 0),
            rpr=run_props(SANS, 28, bold=True),
        ),
        style(
            "paragraph",
            "Heading2",
            "heading 2",
            based_on="Normal",
            next_style="Normal",
            ui_priority=9,
            ppr=heading_ppr(240, 80, 1),
            rpr=run_props(SANS, 24, bold=True),
        ),
        # Numbered through numbering.xml (see commitment_list); the indent is the list's.
        style(
            "paragraph",
            "Commitment",
            "Commitment",
            based_on="Normal",
            ppr=[
                w("keepLines"),
                w("tabs", w("tab", val="left", pos=hanging)),
                spacing(after=120, line_twips=264),
                w("ind", left=hanging, hanging=hanging),
            ],
        ),
        style(
            "character",
            "Citation",
            "Citation",
            rpr=run_props(SERIF, 19, italic=True, colour=MUTED_COLOUR),
        ),
        style("character", "Strong", "Strong", rpr=run_props(bold=True)),
    ]


def page_styles() -> list[etree._Element]:
    """Header, footer, signature page and helper styles."""
    footer_tabs = w("tabs", w("tab", val="right", pos=str(TEXT_W)))
    return [
        style(
            "paragraph",
            "Header",
            "header",
            based_on="Normal",
            ppr=[spacing(line_twips=240), w("jc", val="right")],
            rpr=run_props(SANS, 17, colour=MUTED_COLOUR),
        ),
        style(
            "paragraph",
            "Footer",
            "footer",
            based_on="Normal",
            ppr=[footer_tabs, spacing(line_twips=240)],
            rpr=run_props(SANS, 17, colour=MUTED_COLOUR),
        ),
        style(
            "paragraph",
            "SignatureTitle",
            "Signature Agreement Title",
            based_on="Normal",
            ppr=[w("keepNext"), spacing(after=240, line_twips=240)],
            rpr=run_props(SANS, 24, bold=False),
        ),
        style(
            "paragraph",
            "SignatureParty",
            "Signature Party",
            based_on="Normal",
            ppr=[w("keepNext"), spacing(after=40, line_twips=240)],
            rpr=run_props(SANS, 22, bold=True),
        ),
        # The line to write on is the paragraph's bottom border; space before is the room
        # for handwriting above it.
        style(
            "paragraph",
            "SignatureLine",
            "Signature Line",
            based_on="Normal",
            ppr=[w("keepNext"), bottom_border(), spacing(before=600, after=0, line_twips=240)],
        ),
        style(
            "paragraph",
            "SignatureLabel",
            "Signature Label",
            based_on="Normal",
            ppr=[spacing(before=40, after=0, line_twips=240)],
            rpr=run_props(SANS, 16, colour=MUTED_COLOUR),
        ),
        # Carries the sectPr of section 1; tiny so it can never push an empty page.
        style(
            "paragraph",
            "SectionBreak",
            "Section Break",
            based_on="Normal",
            ppr=[w("spacing", before="0", after="0", line="20", lineRule="exact")],
            rpr=run_props(half_points=2),
        ),
        # Only seen while editing: docxtpl removes {%p %} paragraphs when rendering.
        style(
            "paragraph",
            "TemplateTag",
            "Template Tag",
            based_on="Normal",
            ppr=[spacing(after=0, line_twips=240)],
            rpr=run_props(MONO, 16, colour="7F7F7F"),
        ),
    ]


def default_styles() -> list[etree._Element]:
    """The defaults Word expects to exist (run font, table, list)."""
    para_font = w(
        "style",
        w("name", val="Default Paragraph Font"),
        w("uiPriority", val="1"),
        w("semiHidden"),
        w("unhideWhenUsed"),
        type="character",
        default="1",
        styleId="DefaultParagraphFont",
    )
    cell_margins = w(
        "tblCellMar",
        w("top", w="0", type="dxa"),
        w("left", w="108", type="dxa"),
        w("bottom", w="0", type="dxa"),
        w("right", w="108", type="dxa"),
    )
    table = w(
        "style",
        w("name", val="Normal Table"),
        w("uiPriority", val="99"),
        w("semiHidden"),
        w("unhideWhenUsed"),
        w("tblPr", w("tblInd", w="0", type="dxa"), cell_margins),
        type="table",
        default="1",
        styleId="TableNormal",
    )
    no_list = w(
        "style",
        w("name", val="No List"),
        w("uiPriority", val="99"),
        w("semiHidden"),
        w("unhideWhenUsed"),
        type="numbering",
        default="1",
        styleId="NoList",
    )
    return [para_font, table, no_list]


def numbering_xml() -> etree._Element:
    """One decimal list format ("1." and a tab, hanging) and LISTS instances of it, each
    starting at 1: commitment_list gives each party's commitments an instance of their own."""
    hanging = str(NUMBER_INDENT)
    level = w(
        "lvl",
        w("start", val="1"),
        w("numFmt", val="decimal"),
        w("lvlText", val="%1."),
        w("lvlJc", val="left"),
        w("pPr", w("tabs", w("tab", val="num", pos=hanging)), w("ind", left=hanging,
                                                                  hanging=hanging)),
        ilvl="0",
    )
    abstract = w("abstractNum", w("multiLevelType", val="singleLevel"), level, abstractNumId="0")
    instances = [
        w("num", w("abstractNumId", val="0"),
          w("lvlOverride", w("startOverride", val="1"), ilvl="0"), numId=str(number))
        for number in range(1, LISTS + 1)
    ]
    return w("numbering", abstract, *instances)


def styles_xml() -> etree._Element:
    return w("styles", doc_defaults(), *default_styles(), *text_styles(), *page_styles())


# --------------------------------------------------------------------------------------------
# document.xml: section 1, the agreement text
# --------------------------------------------------------------------------------------------


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


# Commitments are a real Word list (so that they are a list in the tagged PDF too), one
# list per party so that each restarts at 1: numbering.xml defines LISTS numbering
# instances of one list format, and each party's commitments use instance number
# {{ list_id }} (the party's place; the shared commitments use the last one).
LISTS = 20


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
        *optional_section("Syfte", "agreement.purpose"),
        *optional_section("Vem kan ansluta sig", "agreement.eligibility"),
        *definitions(),
        *optional_section("Värdegrund", "agreement.value_base"),
        *principles(),
        *party_commitments(),
        *shared_commitments(),
        *optional_section("Uppföljning", "agreement.follow_up"),
        para("SignatureLabel", run(FINGERPRINT), ppr=[spacing(before=480, after=0)]),
        tag("endif"),
    ]


# --------------------------------------------------------------------------------------------
# document.xml: section 2, the signature pages
# --------------------------------------------------------------------------------------------


# Which text was signed: the first 12 hex digits of the text fingerprint (see README).
FINGERPRINT = "Kontrollsumma för avtalstexten: {{ agreement.text_fingerprint }}"


def field_pair(value: str, label: str, *, before: int | None = None) -> list[etree._Element]:
    """A writing line with ``value`` printed on it and a small label under it."""
    ppr = [spacing(before=before, after=0, line_twips=240)] if before is not None else []
    return [para("SignatureLine", run(value), ppr=ppr), line("SignatureLabel", label)]


def cell(*content: etree._Element) -> etree._Element:
    """A table cell half the text width wide; its contents are paragraphs."""
    return w("tc", w("tcPr", w("tcW", w=str(TEXT_W // 2), type="dxa")), *content)


def row(*cells: etree._Element) -> etree._Element:
    # cantSplit: a block is never torn over two pages (the batch check then sees the
    # overflow as a whole extra page, which it reports).
    return w("tr", w("trPr", w("cantSplit")), *cells)


def two_columns(*rows: etree._Element) -> etree._Element:
    """A borderless table of two equal columns with a fixed layout (LibreOffice need not
    measure the contents to size the columns)."""
    half = str(TEXT_W // 2)
    properties = w(
        "tblPr",
        w("tblW", w=str(TEXT_W), type="dxa"),
        w("tblLayout", type="fixed"),
        w("tblCellMar", w("left", w="0", type="dxa"), w("right", w="284", type="dxa")),
        w("tblLook", val="0000", firstRow="0", lastRow="0", firstColumn="0", lastColumn="0",
          noHBand="1", noVBand="1"),
    )
    return w("tbl", properties, w("tblGrid", w("gridCol", w=half), w("gridCol", w=half)), *rows)


def signature_blocks() -> list[etree._Element]:
    """The two signature blocks side by side, as they stand at a ceremony: the public body
    on the left, the organisation on the right.

    A borderless two-column table of two rows: the parties' names (an organisation's may be
    long and run over several lines), then their four writing lines, which so stay level.
    LibreOffice lays out a table more slowly than paragraphs; two rows per page keep a
    batch of a thousand pages within a few seconds (benchmarks/build_bench.py).
    """
    # "Örebro den ____", "Örebro den 27 april 2010" or just the date, as the YAML allows.
    place_date = (
        "{% if agreement.signing.place %}{{ agreement.signing.place }} den {% endif %}"
        "{% if agreement.signing.date_text %}{{ agreement.signing.date_text }}{% endif %}"
    )
    # An organisation that joins later signs on its own date (signed_on in the register).
    organisation_place_date = (
        "{% if agreement.signing.place %}{{ agreement.signing.place }} den {% endif %}"
        "{% if organisation.signed_on_text %}{{ organisation.signed_on_text }}"
        "{% elif agreement.signing.date_text %}{{ agreement.signing.date_text }}{% endif %}"
    )
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


# --------------------------------------------------------------------------------------------
# Headers and footers
# --------------------------------------------------------------------------------------------


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


# --------------------------------------------------------------------------------------------
# Package parts
# --------------------------------------------------------------------------------------------


def settings_xml() -> etree._Element:
    compat = w(
        "compat",
        w(
            "compatSetting",
            name="compatibilityMode",
            uri="http://schemas.microsoft.com/office/word",
            val="15",
        ),
    )
    return w(
        "settings",
        w("defaultTabStop", val="709"),
        w("characterSpacingControl", val="doNotCompress"),
        compat,
        w("themeFontLang", val="sv-SE"),
        w("decimalSymbol", val=","),
        w("listSeparator", val=";"),
    )


def font_table_xml() -> etree._Element:
    # panose/family let Word substitute Times New Roman, Arial and Courier New (metric
    # compatible) on computers without the Liberation fonts.
    def font(name: str, panose: str, family: str, pitch: str) -> etree._Element:
        return w(
            "font",
            w("panose1", val=panose),
            w("charset", val="00"),
            w("family", val=family),
            w("pitch", val=pitch),
            name=name,
        )

    return w(
        "fonts",
        font(SERIF, "02020603050405020304", "roman", "variable"),
        font(SANS, "020B0604020202020204", "swiss", "variable"),
        font(MONO, "02070409020205020404", "modern", "fixed"),
    )


def relationships(rels: list[tuple[str, str, str]]) -> etree._Element:
    root = etree.Element(f"{{{PKG_REL_NS}}}Relationships", nsmap={None: PKG_REL_NS})
    for rel_id, rel_type, target in rels:
        etree.SubElement(
            root,
            f"{{{PKG_REL_NS}}}Relationship",
            Id=rel_id,
            Type=f"{OFFICE_DOC_REL}/{rel_type}",
            Target=target,
        )
    return root


def document_rels() -> etree._Element:
    return relationships(
        [
            ("rIdStyles", "styles", "styles.xml"),
            ("rIdSettings", "settings", "settings.xml"),
            ("rIdFontTable", "fontTable", "fontTable.xml"),
            ("rIdNumbering", "numbering", "numbering.xml"),
            ("rIdHeader1", "header", "header1.xml"),
            ("rIdFooter1", "footer", "footer1.xml"),
        ]
    )


def package_rels() -> etree._Element:
    root = relationships(
        [
            ("rId1", "officeDocument", "word/document.xml"),
            ("rId3", "extended-properties", "docProps/app.xml"),
        ]
    )
    etree.SubElement(
        root,
        f"{{{PKG_REL_NS}}}Relationship",
        Id="rId2",
        Target="docProps/core.xml",
        Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/"
        "core-properties",
    )
    return root


def content_types() -> etree._Element:
    root = etree.Element(f"{{{CT_NS}}}Types", nsmap={None: CT_NS})
    etree.SubElement(
        root,
        f"{{{CT_NS}}}Default",
        Extension="rels",
        ContentType="application/vnd.openxmlformats-package.relationships+xml",
    )
    etree.SubElement(root, f"{{{CT_NS}}}Default", Extension="xml", ContentType="application/xml")
    overrides = {
        "/word/document.xml": f"{WML_CT}.document.main+xml",
        "/word/styles.xml": f"{WML_CT}.styles+xml",
        "/word/settings.xml": f"{WML_CT}.settings+xml",
        "/word/fontTable.xml": f"{WML_CT}.fontTable+xml",
        "/word/numbering.xml": f"{WML_CT}.numbering+xml",
        "/word/header1.xml": f"{WML_CT}.header+xml",
        "/word/header2.xml": f"{WML_CT}.header+xml",
        "/word/header3.xml": f"{WML_CT}.header+xml",
        "/word/footer1.xml": f"{WML_CT}.footer+xml",
        "/word/footer2.xml": f"{WML_CT}.footer+xml",
        "/docProps/core.xml": "application/vnd.openxmlformats-package.core-properties+xml",
        "/docProps/app.xml": f"{OFFICE_CT}.extended-properties+xml",
    }
    for part, content_type in overrides.items():
        etree.SubElement(root, f"{{{CT_NS}}}Override", PartName=part, ContentType=content_type)
    return root


def core_xml() -> bytes:
    # Title stays empty: docxtpl does not render core properties, the tool sets them.
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/'
        'metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        "<dc:title></dc:title><dc:creator>overens-docs</dc:creator><dc:language>sv-SE</dc:language>"
        f'<dcterms:created xsi:type="dcterms:W3CDTF">{CORE_DATE}</dcterms:created>'
        f'<dcterms:modified xsi:type="dcterms:W3CDTF">{CORE_DATE}</dcterms:modified>'
        "</cp:coreProperties>"
    ).encode()


def app_xml() -> bytes:
    return (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
        b'extended-properties"><Application>overens-docs</Application></Properties>'
    )


def serialise(root: etree._Element) -> bytes:
    # Every helper element declares w:/r:; keep the declarations on the root only.
    etree.cleanup_namespaces(root, top_nsmap=root.nsmap)
    data: bytes = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    return data


def parts() -> dict[str, bytes]:
    """All package parts, [Content_Types].xml first as the OPC convention expects."""
    types = content_types()
    for override in types.findall("{*}Override"):  # the ceremony list's parts, not ours
        if override.get("PartName") in ("/word/header2.xml", "/word/header3.xml",
                                        "/word/footer2.xml"):
            types.remove(override)
    return {
        "[Content_Types].xml": serialise(types),
        "_rels/.rels": serialise(package_rels()),
        "docProps/core.xml": core_xml(),
        "docProps/app.xml": app_xml(),
        "word/document.xml": serialise(document_xml()),
        "word/_rels/document.xml.rels": serialise(document_rels()),
        "word/styles.xml": serialise(styles_xml()),
        "word/settings.xml": serialise(settings_xml()),
        "word/fontTable.xml": serialise(font_table_xml()),
        "word/numbering.xml": serialise(numbering_xml()),
        "word/header1.xml": serialise(header_xml()),
        "word/footer1.xml": serialise(footer_xml()),
    }


def write_package(path: Path, contents: dict[str, bytes]) -> None:
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in contents.items():
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)


def main() -> None:
    write_package(OUTPUT, parts())
    print(f"wrote {OUTPUT}")
    # The ceremony list shares this script's styles and parts (make_list_template.py).
    import make_list_template  # noqa: PLC0415 -- it imports this module in turn

    make_list_template.main()


if __name__ == "__main__":
    main()
