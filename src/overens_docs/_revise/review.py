"""What Word's "Accept all" and "Reject all" do to the revisions in a ``document.xml``:
the new text and the old text back. The tests use them to prove a jämförelsedokument."""

from __future__ import annotations

from lxml import etree

from overens_docs._revise.redline import Element, paragraph_text, w


def _unwrap(element: Element) -> None:
    parent = element.getparent()
    assert parent is not None  # noqa: S101 -- a revision is never the root
    for child in list(element):
        element.addprevious(child)
    parent.remove(element)


def _resolve(document_xml: bytes, *, keep: str, drop: str) -> Element:
    document = etree.fromstring(document_xml, etree.XMLParser(resolve_entities=False,
                                                             no_network=True))
    for paragraph in list(document.iter(w("p"))):
        mark = paragraph.find(f"{w('pPr')}/{w('rPr')}/{w(drop)}")
        if mark is not None:  # a paragraph mark that goes: join what stays to the next
            for revision in paragraph.findall(w(drop)):
                paragraph.remove(revision)
            following = paragraph.getnext()
            content = [child for child in paragraph if child.tag != w("pPr")]
            if following is not None and following.tag == w("p"):
                anchor = following.find(w("pPr"))
                for child in reversed(content):
                    if anchor is None:
                        following.insert(0, child)
                    else:
                        anchor.addnext(child)
            paragraph.getparent().remove(paragraph)
    for revision in list(document.iter(w(drop))):
        revision.getparent().remove(revision)
    for revision in list(document.iter(w(keep))):
        parent = revision.getparent()
        if parent is not None and parent.tag == w("rPr"):
            parent.remove(revision)
        else:
            _unwrap(revision)
    for text in document.iter(w("delText")):
        text.tag = w("t")
    return document


def accept_all(document_xml: bytes) -> list[str]:
    """The paragraphs' texts once every revision is accepted."""
    body = _resolve(document_xml, keep="ins", drop="del").find(w("body"))
    return [paragraph_text(p) for p in body.iter(w("p"))]


def reject_all(document_xml: bytes) -> list[str]:
    """The paragraphs' texts once every revision is rejected."""
    body = _resolve(document_xml, keep="del", drop="ins").find(w("body"))
    return [paragraph_text(p) for p in body.iter(w("p"))]


# Where w:strike and w:u go among a run's properties (the order the schema gives).
_RUN_PROPERTIES = ("rStyle", "rFonts", "b", "bCs", "i", "iCs", "caps", "smallCaps", "strike",
                   "dstrike", "outline", "shadow", "emboss", "imprint", "noProof", "snapToGrid",
                   "vanish", "webHidden", "color", "spacing", "w", "kern", "position", "sz",
                   "szCs", "highlight", "u")


def _format(run: Element, name: str, value: str | None) -> None:
    properties = run.find(w("rPr"))
    if properties is None:
        properties = etree.Element(w("rPr"))
        run.insert(0, properties)
    mark = etree.Element(w(name))
    if value is not None:
        mark.set(w("val"), value)
    rank = _RUN_PROPERTIES.index(name)
    later = [child for child in properties
             if etree.QName(child).localname not in _RUN_PROPERTIES[:rank + 1]]
    if later:
        later[0].addprevious(mark)
    else:
        properties.append(mark)


def marked_up(document_xml: bytes) -> bytes:
    """The revisions as plain formatting, for print: inserted text underlined, deleted text
    struck through, both in the text's own colour (readable in black and white)."""
    document = etree.fromstring(document_xml, etree.XMLParser(resolve_entities=False,
                                                             no_network=True))
    for revision in list(document.iter(w("ins"), w("del"))):
        parent = revision.getparent()
        if parent is not None and parent.tag == w("rPr"):
            parent.remove(revision)
            continue
        inserted = revision.tag == w("ins")
        for run in revision.iter(w("r")):
            _format(run, "u" if inserted else "strike", "single" if inserted else None)
        _unwrap(revision)
    for text in document.iter(w("delText")):
        text.tag = w("t")
    xml: bytes = etree.tostring(document, xml_declaration=True, encoding="UTF-8",
                                standalone=True)
    return xml
