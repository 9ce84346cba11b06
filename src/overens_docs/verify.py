"""Stage: check what LibreOffice produced before anything is built from it.

LibreOffice ignores a misspelled export option and substitutes a missing font without a
word, so the PDF itself is checked: PDF/A-2b identification, Swedish language, and every
font embedded.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pypdf import PdfReader
from pypdf.generic import DictionaryObject


def _fonts(resources: Any, seen: set[int]) -> list[DictionaryObject]:
    found: list[DictionaryObject] = []
    if resources is None:
        return found
    resources = resources.get_object()
    for reference in (resources.get("/Font") or {}).values():
        font = reference.get_object()
        found.append(font)
        found.extend(item.get_object() for item in font.get("/DescendantFonts") or [])
    for xreference in (resources.get("/XObject") or {}).values():
        xobject = xreference.get_object()
        if id(xobject) not in seen and "/Resources" in xobject:
            seen.add(id(xobject))
            found += _fonts(xobject["/Resources"], seen)
    return found


def problems(pdf: Path) -> list[str]:
    """What keeps ``pdf`` from being an archivable, Swedish PDF/A-2b; empty if nothing."""
    reader = PdfReader(pdf)
    found = []
    root: Any = reader.trailer["/Root"]
    metadata = root.get("/Metadata")
    xmp = metadata.get_object().get_data().decode("utf-8", "replace") if metadata else ""
    if "pdfaid:part" not in xmp or not (
            'pdfaid:part="2"' in xmp or "<pdfaid:part>2</pdfaid:part>" in xmp):
        found.append("it is not identified as PDF/A-2 (no pdfaid:part=2 in its XMP metadata)")
    if "/OutputIntents" not in root:
        found.append("it has no output intent (PDF/A needs one)")
    if str(root.get("/Lang", "")) != "sv-SE":
        found.append(f"its language is '{root.get('/Lang', '')}', not sv-SE")
    not_embedded: set[str] = set()
    seen: set[int] = set()
    for page in reader.pages:
        for font in _fonts(page.get("/Resources"), seen):
            if font.get("/Subtype") in ("/Type0", "/Type3"):
                continue  # checked through its descendant; Type3 glyphs are drawings
            reference = font.get("/FontDescriptor")
            descriptor: Any = reference.get_object() if reference is not None else {}
            if not any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")):
                not_embedded.add(str(font.get("/BaseFont", "?")))
    if not_embedded:
        found.append(f"fonts not embedded: {', '.join(sorted(not_embedded))}")
    return found


def expected_fonts_missing(pdf: Path, families: tuple[str, ...]) -> list[str]:
    """Font families the template asks for that are absent (LibreOffice substituted them)."""
    reader = PdfReader(pdf)
    names: set[str] = set()
    for page in reader.pages[:3]:
        names |= {str(font.get("/BaseFont", "")) for font in _fonts(page.get("/Resources"), set())}
    compact = {name.split("+")[-1].replace(" ", "").lower() for name in names}
    return [family for family in families
            if not any(name.startswith(family.replace(" ", "").lower()) for name in compact)]
