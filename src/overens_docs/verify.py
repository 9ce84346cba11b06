"""Stage: check what LibreOffice produced before anything is built from it.

LibreOffice ignores a misspelled export option and substitutes a missing font without a
word, so the PDF itself is checked: PDF/A-2b identification, Swedish language, and every
font embedded. pikepdf reads a 500-page signature batch in milliseconds, where pypdf
needs a tenth of a second and more.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pikepdf

_FONT_FILES = ("/FontFile", "/FontFile2", "/FontFile3")


def _fonts(resources: pikepdf.Object | None, seen: set[tuple[int, int]],
           ) -> Iterator[pikepdf.Object]:
    """Every font ``resources`` uses, also inside form XObjects, each object once."""
    if resources is None:
        return
    for font in dict(resources.get("/Font") or {}).values():
        if font.is_indirect:
            if font.objgen in seen:
                continue
            seen.add(font.objgen)
        yield font
        yield from (descendant for descendant in font.get("/DescendantFonts") or [])
    for xobject in dict(resources.get("/XObject") or {}).values():
        if xobject.objgen not in seen and "/Resources" in xobject:
            seen.add(xobject.objgen)
            yield from _fonts(xobject.Resources, seen)


def fonts(document: pikepdf.Pdf, pages: int | None = None) -> Iterator[pikepdf.Object]:
    """Every font the first ``pages`` pages (all by default) of ``document`` use, once."""
    seen: set[tuple[int, int]] = set()
    for page in document.pages[:pages]:
        yield from _fonts(page.obj.get("/Resources"), seen)


def problems(pdf: Path) -> list[str]:
    """What keeps ``pdf`` from being an archivable, Swedish PDF/A-2b; empty if nothing."""
    with pikepdf.open(pdf) as document:
        found = []
        root = document.Root
        metadata = root.get("/Metadata")
        xmp = metadata.read_bytes().decode("utf-8", "replace") if metadata is not None else ""
        if "pdfaid:part" not in xmp or not (
                'pdfaid:part="2"' in xmp or "<pdfaid:part>2</pdfaid:part>" in xmp):
            found.append("it is not identified as PDF/A-2 (no pdfaid:part=2 in its XMP metadata)")
        if "/OutputIntents" not in root:
            found.append("it has no output intent (PDF/A needs one)")
        if str(root.get("/Lang", "")) != "sv-SE":
            found.append(f"its language is '{root.get('/Lang', '')}', not sv-SE")
        return found + page_problems(document)


def page_problems(document: pikepdf.Pdf) -> list[str]:
    """What in the pages of ``document`` keeps them from going into a PDF/A file: fonts
    that are not embedded. Empty if nothing."""
    not_embedded: set[str] = set()
    for font in fonts(document):
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
