"""Reading PDFs: the fonts their pages use and their page count (pikepdf).

pikepdf reads a 500-page signature batch in milliseconds, where pypdf needs a tenth of a
second and more; assembly and the checks both walk fonts, so the walk lives here once.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pikepdf


def page_count(pdf: Path) -> int:
    with pikepdf.open(pdf) as document:
        return len(document.pages)


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


def fonts(document: pikepdf.Pdf, pages: int | None = None, *, first: int = 0,
          ) -> Iterator[pikepdf.Object]:
    """Every font that pages ``first`` to ``pages`` (all by default) of ``document`` use,
    each once."""
    seen: set[tuple[int, int]] = set()
    for page in document.pages[first:pages]:
        yield from _fonts(page.obj.get("/Resources"), seen)
