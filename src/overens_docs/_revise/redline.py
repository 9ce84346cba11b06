"""The jämförelsedokument: the new agreement as rendered, with Word tracked changes
(``w:ins``/``w:del``) that turn the old rendering into it.

Both versions are rendered through the same template, so their ``document.xml`` differ
only where the text does. Their body paragraphs are aligned with :mod:`difflib` over the
paragraphs' texts, then again, inside each block that differs, with every number taken
as the same (so that a commitment removed near the top does not make every renumbered
commitment after it look new); a changed paragraph is diffed word by word, and every run
keeps the run properties of the paragraph it came from. Everything but ``document.xml``
(styles, headers, footers with the new fingerprint) is the new version's.

:func:`accept_all` and :func:`reject_all` do what Word's "Accept all"/"Reject all" do to
the revisions written here; the tests check that they give the new and the old text.
"""

from __future__ import annotations

import copy
import datetime
import difflib
import io
import re
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeAlias

from lxml import etree

from overens_docs._reproducible import zip_info
from overens_docs._revise.words import TOKENS, opcodes

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
DOCUMENT = "word/document.xml"
AUTHOR = "overens-docs"
_XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
_NUMBER = re.compile(r"\d+")
_PAIR_RATIO = 0.5  # paragraphs at least this alike are one paragraph changed, not two


def w(tag: str) -> str:
    return f"{{{W}}}{tag}"


# lxml carries no type information (lxml-stubs lags lxml): its elements are Any to mypy.
Element: TypeAlias = Any


@dataclass
class _Revisions:
    """Makes the ``w:ins``/``w:del`` elements: one author, one date, ids counted up.
    A paragraph that holds any of ``whole`` in the old version is replaced whole."""

    date: str
    next_id: int = 1
    whole: tuple[str, ...] = ()

    def mark(self, kind: str) -> Element:
        element = etree.Element(w(kind))
        element.set(w("id"), str(self.next_id))
        element.set(w("author"), AUTHOR)
        element.set(w("date"), self.date)
        self.next_id += 1
        return element


@dataclass(frozen=True, slots=True)
class _Token:
    """A word, a run of white space, a tab or a line break, with its run's properties."""

    kind: str  # "t", "tab" or "br"
    text: str
    properties: Element | None = field(compare=False)

    @property
    def key(self) -> str:
        return self.text if self.kind == "t" else f"\x00{self.kind}"


def paragraph_text(paragraph: Element) -> str:
    """The text a paragraph shows: its ``w:t`` (and ``w:delText``), tabs and breaks."""
    parts = []
    for element in paragraph.iter(w("t"), w("delText"), w("tab"), w("br")):
        if element.tag in (w("t"), w("delText")):
            parts.append(element.text or "")
        elif element.getparent() is not None and element.getparent().tag == w("r"):
            parts.append("\t" if element.tag == w("tab") else "\n")
    return "".join(parts)


def _tokens(paragraph: Element) -> list[_Token] | None:
    """The paragraph's tokens; None when it holds more than runs of text, tabs and breaks
    (then it is compared as a whole)."""
    tokens: list[_Token] = []
    for child in paragraph:
        if child.tag == w("pPr"):
            continue
        if child.tag != w("r"):
            return None
        properties = child.find(w("rPr"))
        for item in child:
            if item.tag == w("rPr"):
                continue
            if item.tag == w("t"):
                tokens += [_Token("t", text, properties)
                           for text in TOKENS.findall(item.text or "")]
            elif item.tag in (w("tab"), w("br")) and not item.attrib:
                tokens.append(_Token(etree.QName(item).localname, "", properties))
            else:
                return None
    return tokens


def _runs(tokens: Sequence[_Token], *, deleted: bool) -> Iterator[Element]:
    """Runs for ``tokens``: one per stretch of the same properties, texts joined."""
    text_tag = w("delText") if deleted else w("t")
    run: Element | None = None
    current: bytes | None = None
    for token in tokens:
        properties = (b"" if token.properties is None
                      else etree.tostring(token.properties))
        if run is None or properties != current:
            if run is not None:
                yield run
            run, current = etree.Element(w("r")), properties
            if token.properties is not None:
                run.append(copy.deepcopy(token.properties))
        last = run[-1] if len(run) else None
        if token.kind == "t":
            if last is not None and last.tag == text_tag:
                last.text = (last.text or "") + token.text
            else:
                text = etree.SubElement(run, text_tag)
                text.text = token.text
                text.set(_XML_SPACE, "preserve")
        else:
            etree.SubElement(run, w(token.kind))
    if run is not None:
        yield run


def _wrapped(kind: str, runs: Iterator[Element], revisions: _Revisions) -> list[Element]:
    made = list(runs)
    if not made:
        return []
    wrapper = revisions.mark(kind)
    wrapper.extend(made)
    return [wrapper]


def _mark_paragraph(paragraph: Element, kind: str, revisions: _Revisions) -> None:
    """Mark the paragraph's mark as inserted or deleted (``w:pPr/w:rPr/w:ins|w:del``)."""
    properties = paragraph.find(w("pPr"))
    if properties is None:
        properties = etree.Element(w("pPr"))
        paragraph.insert(0, properties)
    run_properties = properties.find(w("rPr"))
    if run_properties is None:
        run_properties = etree.Element(w("rPr"))
        later = [child for child in properties if child.tag in (w("sectPr"), w("pPrChange"))]
        if later:
            later[0].addprevious(run_properties)
        else:
            properties.append(run_properties)
    run_properties.insert(0, revisions.mark(kind))


def _whole(paragraph: Element, kind: str, revisions: _Revisions) -> Element:
    """A copy of ``paragraph``, all of it inserted or deleted."""
    result = copy.deepcopy(paragraph)
    for run in [child for child in result if child.tag == w("r")]:
        if kind == "del":
            for text in run.iter(w("t")):
                text.tag = w("delText")
            for instruction in run.iter(w("instrText")):
                instruction.tag = w("delInstrText")
        wrapper = revisions.mark(kind)
        run.addprevious(wrapper)
        wrapper.append(run)
    _mark_paragraph(result, kind, revisions)
    return result


def _changed(old: Element, new: Element, revisions: _Revisions) -> list[Element]:
    """``new`` with word-level revisions from ``old``; or old deleted and new inserted
    whole, when either holds more than text."""
    before, after = _tokens(old), _tokens(new)
    if before is None or after is None or any(
            text in paragraph_text(old) for text in revisions.whole):
        return [_whole(old, "del", revisions), _whole(new, "ins", revisions)]
    result = etree.Element(w("p"))
    properties = new.find(w("pPr"))
    if properties is not None:
        result.append(copy.deepcopy(properties))
    for tag, i1, i2, j1, j2 in opcodes([t.key for t in before], [t.key for t in after]):
        if tag == "equal":
            result.extend(_runs(after[j1:j2], deleted=False))
            continue
        result.extend(_wrapped("del", _runs(before[i1:i2], deleted=True), revisions))
        result.extend(_wrapped("ins", _runs(after[j1:j2], deleted=False), revisions))
    return [result]


def _key(element: Element) -> str:
    if element.tag == w("p"):
        return paragraph_text(element)
    serialised: bytes = etree.tostring(element)
    return serialised.decode("utf-8")


def _ratio(old: Element, new: Element) -> float:
    return difflib.SequenceMatcher(None, TOKENS.findall(_key(old)),
                                   TOKENS.findall(_key(new)), autojunk=False).ratio()


def _block(old: Sequence[Element], new: Sequence[Element],
           revisions: _Revisions) -> list[Element]:
    """Two runs of paragraphs that differ: pair the alike ones in order, in, out the rest."""
    result: list[Element] = []
    i = j = 0
    while i < len(old) or j < len(new):
        if i < len(old) and j < len(new) and (
                len(old) == len(new) or _ratio(old[i], new[j]) >= _PAIR_RATIO):
            result += _changed(old[i], new[j], revisions)
            i, j = i + 1, j + 1
        elif j < len(new) and (i >= len(old) or (
                j + 1 < len(new) and _ratio(old[i], new[j + 1]) >= _PAIR_RATIO)):
            result.append(_whole(new[j], "ins", revisions))
            j += 1
        else:
            result.append(_whole(old[i], "del", revisions))
            i += 1
    return result


def _align(old: Sequence[Element], new: Sequence[Element], revisions: _Revisions,
           *, numbers_alike: bool = False) -> list[Element]:
    def key(element: Element) -> str:
        text = _key(element)
        return _NUMBER.sub("#", text) if numbers_alike else text

    result: list[Element] = []
    matcher = difflib.SequenceMatcher(None, [key(e) for e in old], [key(e) for e in new],
                                      autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal" and not numbers_alike:
            result += new[j1:j2]
        elif tag == "equal":  # alike but for numbers: compare word by word
            for before, after in zip(old[i1:i2], new[j1:j2], strict=True):
                result += ([after] if _key(before) == _key(after)
                           else _changed(before, after, revisions))
        elif numbers_alike:
            result += _block(old[i1:i2], new[j1:j2], revisions)
        else:
            result += _align(old[i1:i2], new[j1:j2], revisions, numbers_alike=True)
    return result


def _body(document: Element) -> tuple[Element, list[Element], Element | None]:
    body = document.find(w("body"))
    assert body is not None  # noqa: S101 -- every rendered document has one
    children = list(body)
    last = children[-1] if children and children[-1].tag == w("sectPr") else None
    return body, [child for child in children if child is not last], last


def tracked_document_xml(old_xml: bytes, new_xml: bytes, when: datetime.datetime,
                         whole: tuple[str, ...] = ()) -> bytes:
    """``new_xml`` (a ``document.xml``) with the revisions that turn ``old_xml`` into it;
    a changed paragraph that holds any of ``whole`` (the old text's fingerprint: two
    identifiers, not an edit of one) is deleted and inserted whole, so the two stand apart."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    old_document = etree.fromstring(old_xml, parser)
    new_document = etree.fromstring(new_xml, parser)
    revisions = _Revisions(when.strftime("%Y-%m-%dT%H:%M:%SZ"), whole=whole)
    _, old_children, _ = _body(old_document)
    body, new_children, section = _body(new_document)
    merged = _align([copy.deepcopy(e) for e in old_children], new_children, revisions)
    for child in list(body):
        body.remove(child)
    body.extend(merged)
    if section is not None:
        body.append(section)
    xml: bytes = etree.tostring(new_document, xml_declaration=True, encoding="UTF-8",
                                standalone=True)
    return xml


def tracked_docx(old_docx: bytes, new_docx: bytes, when: datetime.datetime,
                 whole: tuple[str, ...] = ()) -> bytes:
    """The new .docx with its ``document.xml`` carrying the revisions from the old one
    (``whole``: see :func:`tracked_document_xml`); every ZIP entry dated ``when``, as a
    build's are."""
    with zipfile.ZipFile(io.BytesIO(old_docx)) as old:
        old_xml = old.read(DOCUMENT)
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(new_docx)) as new, zipfile.ZipFile(buffer, "w") as out:
        for item in new.infolist():
            data = new.read(item.filename)
            if item.filename == DOCUMENT:
                data = tracked_document_xml(old_xml, data, when, whole)
            out.writestr(zip_info(item.filename, when), data)
    return buffer.getvalue()


def headed(document_xml: bytes, heading: str, introduction: str,
           title_style: str | None) -> bytes:
    """``document_xml`` with a heading (in the style ``title_style``, the template's
    Title) and a paragraph before its text, saying what the document is. Neither is a
    revision: they belong to the comparison, not to either version."""
    document = etree.fromstring(document_xml, etree.XMLParser(resolve_entities=False,
                                                             no_network=True))
    body = document.find(w("body"))
    assert body is not None  # noqa: S101 -- every rendered document has one
    for position, (style, text) in enumerate(((title_style, heading), (None, introduction))):
        paragraph = etree.Element(w("p"))
        if style is not None:
            etree.SubElement(etree.SubElement(paragraph, w("pPr")), w("pStyle")).set(
                w("val"), style)
        etree.SubElement(etree.SubElement(paragraph, w("r")), w("t")).text = text
        body.insert(position, paragraph)
    xml: bytes = etree.tostring(document, xml_declaration=True, encoding="UTF-8",
                                standalone=True)
    return xml
