"""Stage: check PDFs before they are built on and before they are delivered.

LibreOffice ignores a misspelled export option and substitutes a missing font without a
word, and assembly could drop what makes a file archival, so the PDFs themselves are
checked: PDF/A-2b identification, an output intent, Swedish language, every font embedded.
The build checks LibreOffice's output before building on it, and then every file it
delivers (each organisation's PDF and the ceremony file) before anything moves into place.

What PDF/A-2b and PDF/UA-1 ask that can be checked without a full validator is checked
too (:func:`accessibility_problems`): fonts with a ToUnicode map, the title shown in the
title bar and equal in Info and XMP, no encryption, no JavaScript, no links out of the
document; for a tagged file, ``MarkInfo/Marked``, a structure tree whose ``ParentTree``
covers every marked-content id on every page, and the PDF/UA identification. A full
validator (veraPDF) would add the checks of the content itself: reading order, alternative
texts, table structure, colour contrast, the meaning of each structure element.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable
from pathlib import Path

import pikepdf

from overens_docs._pdf.content import KnownContent, PageContent, content_key, page_content
from overens_docs._pdf.reading import fonts
from overens_docs._pdf.structure import number_tree

__all__ = ["DeliveredFile", "KnownContent", "PageContent", "accessibility_problems",
           "archival_problems", "catalog_problems", "content_key",
           "delivered_organisation_pdf", "expected_fonts_missing", "page_content",
           "page_delivery_problems", "page_problems", "page_structure_problems",
           "pages_accessibility", "problems", "structure_problems"]

_FONT_FILES = ("/FontFile", "/FontFile2", "/FontFile3")


def problems(pdf: Path | bytes, *, pages: int | None = None) -> list[str]:
    """What keeps ``pdf`` (a file, or a file's bytes) from being an archivable, Swedish
    PDF/A-2b with ``pages`` pages (any number if None); empty if nothing."""
    try:
        document = pikepdf.open(io.BytesIO(pdf) if isinstance(pdf, bytes) else pdf)
    except pikepdf.PdfError as error:
        return [f"it is not a readable PDF ({error})"]
    with document:
        return _file_problems(document, pages)


def _file_problems(document: pikepdf.Pdf, pages: int | None) -> list[str]:
    found = archival_problems(document)
    if pages is not None and len(document.pages) != pages:
        found.append(f"it has {len(document.pages)} pages, not {pages}")
    return found + page_problems(document)


def delivered_organisation_pdf(document: pikepdf.Pdf, *, pages: int,
                               known: KnownContent | None = None) -> list[str]:
    """What keeps one organisation's PDF, as it is saved, from being fit to deliver.

    Every organisation's PDF is the same text pages (whose fonts are checked once, in
    :func:`page_problems` of the text document) plus its own signature page; so this checks
    the catalog, the page count, and the fonts and the tagging of the last page, about a
    millisecond where parsing the saved file again would cost several times as much.
    What its signature page's content holds is added to ``known`` (see :func:`page_content`).
    """
    last = len(document.pages) - 1
    found = archival_problems(document) + catalog_problems(document)
    if len(document.pages) != pages:
        found.append(f"it has {len(document.pages)} pages, not {pages}")
    return (found + page_problems(document, first=last) + _page_accessibility(document, last)
            + structure_problems(document, ua=False, first=last, known=known))


def archival_problems(document: pikepdf.Pdf) -> list[str]:
    """What in the catalog of ``document`` keeps it from being a Swedish PDF/A-2b."""
    found = []
    root = document.Root
    metadata = root.get("/Metadata")
    xmp = metadata.read_bytes().decode("utf-8", "replace") if metadata is not None else ""
    if 'pdfaid:part="2"' not in xmp and "<pdfaid:part>2</pdfaid:part>" not in xmp:
        found.append("it is not identified as PDF/A-2 (no pdfaid:part=2 in its XMP metadata)")
    if "/OutputIntents" not in root:
        found.append("it has no output intent (PDF/A needs one)")
    if str(root.get("/Lang", "")) != "sv-SE":
        found.append(f"its language is '{root.get('/Lang', '')}', not sv-SE")
    return found


def page_problems(document: pikepdf.Pdf, *, first: int = 0) -> list[str]:
    """What in the pages of ``document`` (from page index ``first`` on) keeps them from
    going into a PDF/A file: fonts that are not embedded. Empty if nothing."""
    not_embedded = _not_embedded(fonts(document, first=first))
    return [f"fonts not embedded: {', '.join(not_embedded)}"] if not_embedded else []


def _not_embedded(checked: Iterable[pikepdf.Object]) -> list[str]:
    names = set()
    for font in checked:
        if font.get("/Subtype") in ("/Type0", "/Type3"):
            continue  # a Type0 is checked through its descendant; Type3 glyphs are drawings
        descriptor = font.get("/FontDescriptor")
        if descriptor is None or not any(key in descriptor for key in _FONT_FILES):
            names.add(str(font.get("/BaseFont", "?")))
    return sorted(names)


def _unmapped(checked: Iterable[pikepdf.Object]) -> list[str]:
    return sorted({str(font.get("/BaseFont", "?")) for font in checked
                   if font.get("/Subtype") not in ("/Type3", "/CIDFontType0", "/CIDFontType2")
                   and "/ToUnicode" not in font})


def page_delivery_problems(document: pikepdf.Pdf, index: int, number: int, *,
                           entry: pikepdf.Object | None, known: KnownContent,
                           fonts_seen: set[tuple[int, int]]) -> list[str]:
    """What keeps page ``index`` of ``document``, page ``number`` of the file it goes into,
    from being delivered: fonts not embedded or without a ToUnicode map (each font, and the
    fonts of each shared resource dictionary, checked once in all calls that share
    ``fonts_seen``), links out or JavaScript, and its tagging
    against its ParentTree ``entry`` (:func:`page_structure_problems`; what its content
    holds is added to ``known``)."""
    page = document.pages[index]
    resources = page.obj.get("/Resources")
    shared = (resources.objgen if resources is not None and resources.is_indirect
              else None)
    if shared is not None and shared in fonts_seen:  # another page's: its fonts are checked
        new_fonts = []
    else:
        new_fonts = [font for font in fonts(document, index + 1, first=index)
                     if not font.is_indirect or font.objgen not in fonts_seen]
        fonts_seen.update(font.objgen for font in new_fonts if font.is_indirect)
        if shared is not None:
            fonts_seen.add(shared)
    found = [f"page {number} {problem}" for problem in _annotation_problems(page)]
    not_embedded, unmapped = _not_embedded(new_fonts), _unmapped(new_fonts)
    if not_embedded:
        found.append(f"fonts not embedded: {', '.join(not_embedded)}")
    if unmapped:
        found.append(f"page {number} has fonts without a ToUnicode map: {', '.join(unmapped)}")
    return found + page_structure_problems(page, number, entry, known)


def _annotation_problems(page: pikepdf.Page) -> list[str]:
    found = []
    for annotation in page.obj.get("/Annots") or []:
        action = annotation.get("/A")
        kind = str(action.get("/S", "")) if isinstance(action, pikepdf.Dictionary) else ""
        if kind in _OUTWARD:
            found.append(f"links outside the document ({kind[1:]})")
        elif kind == "/JavaScript" or "/AA" in annotation:
            found.append("has JavaScript")
    return found


def expected_fonts_missing(pdf: Path, families: tuple[str, ...]) -> list[str]:
    """Font families the template asks for that are absent (LibreOffice substituted them)."""
    with pikepdf.open(pdf) as document:
        names = {str(font.get("/BaseFont", "")) for font in fonts(document, 3)}
    compact = {name.split("+")[-1].replace(" ", "").lower() for name in names}
    return [family for family in families
            if not any(name.startswith(family.replace(" ", "").lower()) for name in compact)]


_UA_PART = re.compile(r'pdfuaid:part(?:>|=")1')
_XMP_TITLE = re.compile(r"<dc:title>\s*<rdf:Alt>\s*<rdf:li[^>]*>([^<]*)</rdf:li>", re.S)
_OUTWARD = frozenset({"/URI", "/Launch", "/GoToR", "/GoToE", "/ImportData", "/SubmitForm"})


def _unescape(text: str) -> str:
    return (text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"')
            .replace("&apos;", "'").replace("&amp;", "&"))


def _flag(holder: pikepdf.Object, dictionary: str, key: str) -> bool:
    """Whether ``holder[dictionary][key]`` is true."""
    inner = holder.get(dictionary)
    return isinstance(inner, pikepdf.Dictionary) and bool(inner.get(key, False))


def catalog_problems(document: pikepdf.Pdf) -> list[str]:
    """What in the catalog keeps ``document`` from being an accessible, safe PDF: its title
    not shown or not agreeing between Info and XMP, encryption, JavaScript."""
    found = []
    root = document.Root
    if not _flag(root, "/ViewerPreferences", "/DisplayDocTitle"):
        found.append("the viewer shows its file name, not its title (no DisplayDocTitle)")
    title = str(document.docinfo.get("/Title", ""))
    metadata = root.get("/Metadata")
    xmp = metadata.read_bytes().decode("utf-8", "replace") if metadata is not None else ""
    match = _XMP_TITLE.search(xmp)
    if not title:
        found.append("it has no title")
    elif match is None or _unescape(match.group(1)) != title:
        found.append("its XMP dc:title differs from its title")
    if document.is_encrypted:
        found.append("it is encrypted")
    names = root.get("/Names")
    action = root.get("/OpenAction")
    scripted = isinstance(names, pikepdf.Dictionary) and "/JavaScript" in names
    on_open = isinstance(action, pikepdf.Dictionary) and str(action.get("/S", "")) == (
        "/JavaScript")
    if scripted or on_open or "/AA" in root:
        found.append("it runs JavaScript or actions when opened")
    return found


def _page_accessibility(document: pikepdf.Pdf, index: int) -> list[str]:
    """What on page ``index`` is not allowed: links out of the document, JavaScript, fonts
    without a ToUnicode map (their text cannot be read aloud or searched)."""
    found = [f"page {index + 1} {problem}"
             for problem in _annotation_problems(document.pages[index])]
    unmapped = _unmapped(fonts(document, index + 1, first=index))
    if unmapped:
        found.append(f"page {index + 1} has fonts without a ToUnicode map: "
                     f"{', '.join(unmapped)}")
    return found


def structure_problems(document: pikepdf.Pdf, *, ua: bool, first: int = 0,
                       known: KnownContent | None = None) -> list[str]:
    """What keeps a tagged ``document`` from being a well-formed tagged PDF (PDF/UA-1 too
    with ``ua``): MarkInfo, the structure tree, and, on every page from index ``first`` on,
    /StructParents, a ParentTree entry for every marked-content id, and no text outside
    tagged content and artifacts (see :func:`page_content` for ``known``)."""
    root = document.Root
    found = []
    if not _flag(root, "/MarkInfo", "/Marked"):
        found.append("it is not marked as tagged (MarkInfo/Marked)")
    tree = root.get("/StructTreeRoot")
    if tree is None:
        return [*found, "it has no structure tree"]
    metadata = root.get("/Metadata")
    xmp = metadata.read_bytes().decode("utf-8", "replace") if metadata is not None else ""
    if ua and not _UA_PART.search(xmp):
        found.append("it is not identified as PDF/UA-1 (no pdfuaid:part=1 in its XMP)")
    parents = number_tree(tree.ParentTree) if "/ParentTree" in tree else {}
    for number, page in enumerate(document.pages[first:], first + 1):
        key = page.obj.get("/StructParents")
        found += page_structure_problems(
            page, number, None if key is None else parents.get(int(key)), known)
    return found


def page_structure_problems(page: pikepdf.Page, number: int, entry: pikepdf.Object | None,
                            known: KnownContent | None = None) -> list[str]:
    """What keeps ``page`` (page ``number`` of its file) from being tagged: text outside
    tagged content and artifacts, no /StructParents, or marked content that its ParentTree
    ``entry`` does not cover."""
    found = []
    content = page_content(page, known)
    if content.untagged_text:
        found.append(f"page {number} has text outside the structure tree")
    if "/StructParents" not in page.obj:
        return [*found, f"page {number} has no /StructParents"]
    elements = list(entry) if isinstance(entry, pikepdf.Array) else []
    if any(mcid >= len(elements) or not isinstance(elements[mcid], pikepdf.Dictionary)
           for mcid in content.ids):
        found.append(f"page {number}: the structure tree does not cover all of its tagged "
                     "content (ParentTree)")
    return found


def pages_accessibility(document: pikepdf.Pdf) -> list[str]:
    """What on any page of ``document`` is not allowed (see :func:`_page_accessibility`)."""
    return [problem for index in range(len(document.pages))
            for problem in _page_accessibility(document, index)]


def accessibility_problems(pdf: Path | bytes, *, tagged: bool, ua: bool = False) -> list[str]:
    """Everything :func:`catalog_problems`, the pages and (``tagged``)
    :func:`structure_problems` find in ``pdf`` (a file, or a file's bytes)."""
    with pikepdf.open(io.BytesIO(pdf) if isinstance(pdf, bytes) else pdf) as document:
        found = catalog_problems(document) + pages_accessibility(document)
        if tagged:
            found += structure_problems(document, ua=ua)
        return found


class DeliveredFile:
    """A delivered file's bytes, opened once for checks made at different times (reading
    a 1,000-page file's pages costs a quarter of a second each time it is opened): what
    :func:`problems` and :func:`accessibility_problems` find at once, and its tagging
    later, with what is ``known`` of its content by then. A context manager."""

    def __init__(self, pdf: bytes) -> None:
        self._document: pikepdf.Pdf | None = None
        self._unreadable: list[str] = []
        try:
            self._document = pikepdf.open(io.BytesIO(pdf))
        except pikepdf.PdfError as error:
            self._unreadable = [f"it is not a readable PDF ({error})"]

    def __enter__(self) -> DeliveredFile:
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self._document is not None:
            self._document.close()

    def problems(self, *, pages: int | None) -> list[str]:
        """What :func:`problems` and (untagged) :func:`accessibility_problems` find."""
        document = self._document
        if document is None:
            return self._unreadable
        return (_file_problems(document, pages) + catalog_problems(document)
                + pages_accessibility(document))

    def tagging_problems(self, known: KnownContent) -> list[str]:
        """What :func:`structure_problems` finds, with ``known``."""
        if self._document is None:
            return []  # said by problems()
        return structure_problems(self._document, ua=False, known=known)
