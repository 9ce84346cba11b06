"""Stage: check PDFs before they are built on and before they are delivered.

LibreOffice ignores a misspelled export option and substitutes a missing font without a
word, and assembly could drop what makes a file archival, so the PDFs themselves are
checked: PDF/A-2b identification, an output intent, Swedish language, every font embedded.
The build checks LibreOffice's output before building on it, and then every file it
delivers (each organisation's PDF and the ceremony file) before anything moves into place.
"""

from __future__ import annotations

import io
from pathlib import Path

import pikepdf

from overens_docs._pdf import fonts

_FONT_FILES = ("/FontFile", "/FontFile2", "/FontFile3")


def problems(pdf: Path | bytes, *, pages: int | None = None) -> list[str]:
    """What keeps ``pdf`` (a file, or a file's bytes) from being an archivable, Swedish
    PDF/A-2b with ``pages`` pages (any number if None); empty if nothing."""
    try:
        document = pikepdf.open(io.BytesIO(pdf) if isinstance(pdf, bytes) else pdf)
    except pikepdf.PdfError as error:
        return [f"it is not a readable PDF ({error})"]
    with document:
        found = archival_problems(document)
        if pages is not None and len(document.pages) != pages:
            found.append(f"it has {len(document.pages)} pages, not {pages}")
        return found + page_problems(document)


def delivered_organisation_pdf(document: pikepdf.Pdf, *, pages: int) -> list[str]:
    """What keeps one organisation's PDF, as it is saved, from being fit to deliver.

    Every organisation's PDF is the same text pages (whose fonts are checked once, in
    :func:`page_problems` of the text document) plus its own signature page; so this checks
    the catalog, the page count and the fonts of the last page, a tenth of a millisecond
    where parsing the saved file again would cost ten times as much.
    """
    found = archival_problems(document)
    if len(document.pages) != pages:
        found.append(f"it has {len(document.pages)} pages, not {pages}")
    return found + page_problems(document, first=len(document.pages) - 1)


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
    not_embedded: set[str] = set()
    for font in fonts(document, first=first):
        if font.get("/Subtype") in ("/Type0", "/Type3"):
            continue  # a Type0 is checked through its descendant; Type3 glyphs are drawings
        descriptor = font.get("/FontDescriptor")
        if descriptor is None or not any(key in descriptor for key in _FONT_FILES):
            not_embedded.add(str(font.get("/BaseFont", "?")))
    return [f"fonts not embedded: {', '.join(sorted(not_embedded))}"] if not_embedded else []


def expected_fonts_missing(pdf: Path, families: tuple[str, ...]) -> list[str]:
    """Font families the template asks for that are absent (LibreOffice substituted them)."""
    with pikepdf.open(pdf) as document:
        names = {str(font.get("/BaseFont", "")) for font in fonts(document, 3)}
    compact = {name.split("+")[-1].replace(" ", "").lower() for name in names}
    return [family for family in families
            if not any(name.startswith(family.replace(" ", "").lower()) for name in compact)]
