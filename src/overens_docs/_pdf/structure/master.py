"""A master's structure tree cut down to its text pages (:func:`keep_pages`)."""

from __future__ import annotations

import pikepdf

from overens_docs._pdf.structure.source import document_element, kids_of


def keep_pages(pdf: pikepdf.Pdf, pages: int) -> None:
    """Take out of ``pdf``'s structure tree (in memory) what belongs to its pages after the
    first ``pages``, so that copying the tree does not copy those pages too."""
    document = document_element(pdf)
    if document is None:
        return
    for element, parent, number in _page_units(pdf, document):
        if number >= pages:
            kids = parent.K
            for position in range(len(kids)):
                if kids[position].is_indirect and kids[position].objgen == element.objgen:
                    del kids[position]
                    break
    root = pdf.Root.StructTreeRoot
    if "/ParentTree" in root:
        tree = pikepdf.NumberTree(root.ParentTree)
        for page in pdf.pages[pages:]:
            key = page.obj.get("/StructParents")
            if key is not None and int(key) in tree:
                del tree[int(key)]


def _pages_of(element: pikepdf.Object, index: dict[tuple[int, int], int],
              inherited: int | None = None) -> frozenset[int]:
    """The indexes of the pages ``element``'s content is on."""
    def page_of(holder: pikepdf.Object, default: int | None) -> int | None:
        on = holder.get("/Pg")
        return index.get(on.objgen) if isinstance(on, pikepdf.Dictionary) else default

    here = page_of(element, inherited)
    found: set[int | None] = set()
    for kid in kids_of(element):
        if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
            found |= _pages_of(kid, index, here)
        elif isinstance(kid, pikepdf.Dictionary):  # a marked-content or object reference
            found.add(page_of(kid, here))
        else:  # a marked-content id on the element's page
            found.add(here)
    if not found and here is not None:  # an empty element: where it says it is
        found.add(here)
    return frozenset(number for number in found if number is not None)


def _page_units(pdf: pikepdf.Pdf, document: pikepdf.Object,
                ) -> list[tuple[pikepdf.Object, pikepdf.Object, int]]:
    """The largest elements under ``document`` whose content is all on one page: each with
    its parent and its page's index. LibreOffice puts the elements of a long document into
    ``Div`` groups of 8,191 (the largest array older readers take), so a group spans pages
    and its kids are looked into instead."""
    index = {page.obj.objgen: number for number, page in enumerate(pdf.pages)}
    units: list[tuple[pikepdf.Object, pikepdf.Object, int]] = []

    def look_into(parent: pikepdf.Object) -> None:
        for kid in kids_of(parent):
            if not (isinstance(kid, pikepdf.Dictionary) and "/S" in kid and kid.is_indirect):
                continue
            pages = _pages_of(kid, index)
            if len(pages) == 1:
                units.append((kid, parent, next(iter(pages))))
            elif len(pages) > 1:
                look_into(kid)

    look_into(document)
    return units
