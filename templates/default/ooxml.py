"""WordprocessingML written with lxml: the constants, element helpers and package parts
shared by the default template's two documents (``make_template.py``,
``make_list_template.py``), so that both are byte-for-byte reproducible."""

from __future__ import annotations

import zipfile
from collections.abc import Iterable
from pathlib import Path

from lxml import etree

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


def spacing(before: int = 0, after: int = 0, line_twips: int | None = None) -> etree._Element:
    """Paragraph spacing in twips; ``line_twips`` is in 240ths of a line (auto rule)."""
    element = w("spacing", before=str(before), after=str(after))
    if line_twips is not None:
        element.set(qn("line"), str(line_twips))
        element.set(qn("lineRule"), "auto")
    return element


def bottom_border() -> etree._Element:
    return w("pBdr", w("bottom", val="single", sz="6", space="1", color=TEXT_COLOUR))


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


def write_package(path: Path, contents: dict[str, bytes]) -> None:
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in contents.items():
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)


# The relationships every document of ours has; a header's or footer's come after them.
BASE_RELATIONSHIPS = [
    ("rIdStyles", "styles", "styles.xml"),
    ("rIdSettings", "settings", "settings.xml"),
    ("rIdFontTable", "fontTable", "fontTable.xml"),
    ("rIdNumbering", "numbering", "numbering.xml"),
]


def package_parts(document: etree._Element, styles: etree._Element, numbering: etree._Element,
                  sections: list[tuple[str, str, etree._Element]]) -> dict[str, bytes]:
    """All the parts of a Word package, [Content_Types].xml first as the OPC convention
    expects: ``document`` and its ``styles`` and ``numbering``, and ``sections``, its
    headers and footers: (relationship id, part name such as ``header1.xml``, its XML),
    each related from the document in that order. The content types name those only."""
    names = {f"/word/{name}" for _, name, _ in sections}
    types = content_types()
    for override in types.findall("{*}Override"):
        name = override.get("PartName") or ""
        if name.startswith(("/word/header", "/word/footer")) and name not in names:
            types.remove(override)
    relations = [*BASE_RELATIONSHIPS, *((rid, _kind(name), name) for rid, name, _ in sections)]
    ordered = sorted(sections, key=lambda section: _kind(section[1]) != "header")
    return {
        "[Content_Types].xml": serialise(types),
        "_rels/.rels": serialise(package_rels()),
        "docProps/core.xml": core_xml(),
        "docProps/app.xml": app_xml(),
        "word/document.xml": serialise(document),
        "word/_rels/document.xml.rels": serialise(relationships(relations)),
        "word/styles.xml": serialise(styles),
        "word/settings.xml": serialise(settings_xml()),
        "word/fontTable.xml": serialise(font_table_xml()),
        "word/numbering.xml": serialise(numbering),
        **{f"word/{name}": serialise(xml) for _, name, xml in ordered},  # headers first
    }


def _kind(name: str) -> str:
    """``header`` or ``footer``, of a part named like ``header1.xml``."""
    return name.split(".", maxsplit=1)[0].rstrip("0123456789")
