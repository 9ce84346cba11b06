"""A tagged source PDF read once (:class:`TaggedPages`), and what reading a structure
tree takes: its ``Document`` element, an element's kids, a number tree."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pikepdf

DOCUMENT = pikepdf.Name.Document
# Deeper than any structure tree a document has (a guard against a cycle of /P links).
_DEPTH = 256
# The most elements an array may hold in older readers (and in LibreOffice's groups).
ARRAY_LIMIT = 8191


def document_element(pdf: pikepdf.Pdf) -> pikepdf.Dictionary | None:
    """The ``Document`` element LibreOffice puts at the top of the tree, if there is one."""
    root = pdf.Root.get("/StructTreeRoot")
    return None if root is None else document_of(root)


def document_of(root: pikepdf.Object) -> pikepdf.Dictionary | None:
    """The ``Document`` element under the structure tree root ``root``, if there is one."""
    kids = root.get("/K")
    if isinstance(kids, pikepdf.Array):
        kids = kids[0] if len(kids) == 1 else None
    if isinstance(kids, pikepdf.Dictionary) and kids.get("/S") == DOCUMENT:
        return kids
    return None


@dataclass(frozen=True, slots=True)
class _PageStructure:
    """A page's structure, made in the source once: a ``Sect`` holding the page's elements
    (the largest wholly on it), and its ParentTree entry (the element of each MCID),
    together in one indirect array ``[section, entry or null]`` that one ``copy_foreign``
    copies, links between them included (one call per element cost a millisecond a page).
    The section's ``/P`` and ``/Pg`` are set where it is grafted."""

    bundle: pikepdf.Object

    @classmethod
    def of(cls, pdf: pikepdf.Pdf, elements: list[pikepdf.Object],
           marked: Iterable[pikepdf.Object] | None) -> _PageStructure:
        if len(elements) == 1 and elements[0].get("/S") == pikepdf.Name.Sect:
            section = elements[0]  # from a file made here before (overens build --only)
        else:
            section = pdf.make_indirect(pikepdf.Dictionary(
                Type=pikepdf.Name.StructElem, S=pikepdf.Name.Sect, K=pikepdf.Array(elements)))
            for element in elements:
                element.P = section
        entry = pikepdf.Array(list(marked)) if marked is not None else None
        return cls(pdf.make_indirect(pikepdf.Array([section, entry])))


class TaggedPages:
    """The structure of each page of a tagged PDF, ready to be copied with the page.

    A page's elements are found when first asked for, from its ParentTree entry: each
    element of its marked content, or the largest ancestor of it that lies wholly on the
    page. (Walking the whole tree instead costs half a second for a 500-page batch, in
    every process that assembles from it.)"""

    def __init__(self, pdf: pikepdf.Pdf) -> None:
        self.pdf = pdf
        self.role_map: pikepdf.Object = pikepdf.Dictionary()
        self._found: dict[int, _PageStructure] = {}
        self._document = document_element(pdf)
        self._entries: dict[int, pikepdf.Object] = {}
        self._spans: dict[tuple[int, int], bool] = {}
        self._tops: dict[tuple[int, int], pikepdf.Object | None] = {}  # see _top
        if self._document is None:
            self._tag_whole_pages()
            return
        root = pdf.Root.StructTreeRoot
        if "/RoleMap" in root:
            self.role_map = root.RoleMap
        if "/ParentTree" in root:
            self._entries = number_tree(root.ParentTree)

    def whole(self) -> list[pikepdf.Object] | None:
        """``Document``'s children, when the source's tree can be copied with all its pages
        at once (:meth:`Tree.adopt`); None when it cannot: the source is untagged, or some
        page's structure has been taken out already (:meth:`of` cuts links up the tree),
        or content hangs directly under ``Document``."""
        if self._document is None or self._found:
            return None
        if not self.pdf.Root.StructTreeRoot.is_indirect:
            return None
        kids = kids_of(self._document)
        if not all(isinstance(kid, pikepdf.Dictionary) and "/S" in kid and kid.is_indirect
                   for kid in kids):
            return None
        return kids

    def _tag_whole_pages(self) -> None:
        """Tag each page of an untagged source (a filled PDF form, an earlier untagged
        ceremony file) as one paragraph, so that its text is inside the structure tree."""
        for number, page in enumerate(self.pdf.pages):
            before = self.pdf.make_stream(b"/P <</MCID 0>> BDC\n")
            after = self.pdf.make_stream(b"\nEMC\n")
            contents = page.obj.get("/Contents")
            streams = list(contents) if isinstance(contents, pikepdf.Array) else (
                [] if contents is None else [contents])
            page.obj.Contents = pikepdf.Array([before, *streams, after])
            element = self.pdf.make_indirect(pikepdf.Dictionary(
                Type=pikepdf.Name.StructElem, S=pikepdf.Name.P, K=0, Pg=page.obj))
            self._found[number] = _PageStructure.of(self.pdf, [element], [element])

    def of(self, page: int) -> _PageStructure | None:
        """Page ``page``'s structure; None if the source has none."""
        if page in self._found:
            return self._found[page]
        if self._document is None:
            return None
        key = self.pdf.pages[page].obj.get("/StructParents")
        marked = self._entries.get(int(key)) if key is not None else None
        if not isinstance(marked, pikepdf.Array):
            self._found[page] = _PageStructure.of(self.pdf, [], None)
            return self._found[page]
        units: dict[tuple[int, int], pikepdf.Object] = {}
        document = self._document.objgen
        for element in marked:
            if not isinstance(element, pikepdf.Dictionary) or not element.is_indirect:
                continue
            # Its ancestor just under Document is the unit when that one lies on this page
            # alone (then so does everything under it, as content runs forward): one look
            # at the page of its first and last content instead of one per ancestor.
            top = self._top(element, document)
            if top is not None and not self._spans_pages(top):
                units.setdefault(top.objgen, top)
                continue
            unit: pikepdf.Object = element
            while True:
                parent = unit.get("/P")
                if (not isinstance(parent, pikepdf.Dictionary) or "/S" not in parent
                        or parent.objgen == document or self._spans_pages(parent)):
                    break
                unit = parent
            units.setdefault(unit.objgen, unit)
        for unit in units.values():
            if "/P" in unit:
                del unit["/P"]  # see the module's docstring; its section becomes its parent
        self._found[page] = _PageStructure.of(self.pdf, list(units.values()), marked)
        return self._found[page]

    def _top(self, element: pikepdf.Object, document: tuple[int, int],
             ) -> pikepdf.Object | None:
        """The ancestor of ``element`` (or itself) just under ``Document``; None if its
        chain of parents does not lead there."""
        chain = []  # element and its ancestors, up to one whose top is known
        unit = element
        top: pikepdf.Object | None = None
        for _ in range(_DEPTH):
            key = unit.objgen
            if key in self._tops:
                top = self._tops[key]
                break
            chain.append(key)
            parent = unit.get("/P")
            if not isinstance(parent, pikepdf.Dictionary) or "/S" not in parent:
                break
            if parent.objgen == document:
                top = unit
                break
            unit = parent
        for key in chain:
            self._tops[key] = top
        return top

    def _spans_pages(self, element: pikepdf.Object) -> bool:
        """Whether ``element`` has content on more than one page (as LibreOffice's Div
        groups of 8,191 elements do): whether its first and its last content are on
        different pages, as content runs forward through the pages."""
        if element.objgen not in self._spans:
            first, last = _edge_page(element, 0), _edge_page(element, -1)
            self._spans[element.objgen] = (first is not None and last is not None
                                           and first.objgen != last.objgen)
        return self._spans[element.objgen]


def number_tree(node: pikepdf.Object) -> dict[int, pikepdf.Object]:
    """A number tree (the ParentTree), flattened."""
    entries: dict[int, pikepdf.Object] = {}
    stack = [node]
    while stack:
        current = stack.pop()
        numbers = current.get("/Nums", pikepdf.Array())
        for position in range(0, len(numbers) - 1, 2):
            entries[int(numbers[position])] = numbers[position + 1]
        stack.extend(current.get("/Kids", pikepdf.Array()))
    return entries


def _edge_page(element: pikepdf.Object, end: int) -> pikepdf.Object | None:
    """The page of the first (``end`` 0) or last (-1) content of ``element``."""
    page = element.get("/Pg")
    kids = kids_of(element)
    while kids:
        kid = kids[end]
        if not isinstance(kid, pikepdf.Dictionary):
            return page
        page = kid.get("/Pg", page)
        if "/S" not in kid:
            return page
        kids = kids_of(kid)
    return page


def kids_of(element: pikepdf.Object) -> list[pikepdf.Object]:
    """``element``'s ``/K``, as a list (it may be one kid, an array of them, or absent)."""
    kids = element.get("/K")
    if kids is None:
        return []
    return list(kids) if isinstance(kids, pikepdf.Array) else [kids]
