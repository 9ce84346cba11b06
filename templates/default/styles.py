"""The default template's styles and list numbering (``word/styles.xml``,
``word/numbering.xml``), shared by its two documents."""

from __future__ import annotations

from collections.abc import Iterable

from lxml import etree
from ooxml import (
    MONO,
    MUTED_COLOUR,
    NUMBER_INDENT,
    SANS,
    SERIF,
    TEXT_COLOUR,
    TEXT_W,
    bottom_border,
    fonts,
    lang,
    qn,
    run_props,
    size,
    spacing,
    w,
)

# Commitments are a real Word list (so that they are a list in the tagged PDF too), one
# list per party so that each restarts at 1: numbering.xml defines LISTS numbering
# instances of one list format, and each party's commitments use instance number
# {{ list_id }} (the party's place; the shared commitments use the last one).
LISTS = 20


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
    return [*_title_styles(), *_body_styles()]


def _title_styles() -> list[etree._Element]:
    """The title, the lines under it and the body text they are based on."""
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
    ]


def _body_styles() -> list[etree._Element]:
    """Headings, commitments and their citations."""
    hanging = str(NUMBER_INDENT)
    return [
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
    return [*_running_styles(), *_signature_styles(), *_helper_styles()]


def _running_styles() -> list[etree._Element]:
    """The running header and footer."""
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


def _signature_styles() -> list[etree._Element]:
    """The signature page: the agreement's title, each party, the lines and their labels."""
    return [
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
    ]


def _helper_styles() -> list[etree._Element]:
    """The paragraph that carries section 1's break, and the tags only an editor sees."""
    return [
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
