"""The structure tree (tagging) of PDFs that are put together from pages of other PDFs.

LibreOffice writes a tagged PDF's structure as a ``Document`` element whose children
(headings, paragraphs, lists) each name the page they start on (``/Pg``), and a
``ParentTree`` that maps each page's ``/StructParents`` number to the elements of its
marked content, by MCID. A signature page's elements start and end on that page (the
template puts a page break between signature pages), so a page can be carried into
another PDF together with its elements:

- :class:`TaggedPages` reads a source PDF once: which of ``Document``'s children belong to
  each page, and the page's ParentTree entry. It cuts each child's ``/P`` (its link up to
  the source's ``Document``), since copying an element copies all it refers to, and
  through its parent that would be every page of the source.
- :class:`Tree` is the structure tree of the PDF being made: :meth:`Tree.graft` adds a
  copied page's elements under its ``Document`` and its ParentTree entry under a new
  number; :meth:`Tree.ungraft` takes them away again, for the assembler's base document,
  which takes each organisation's page in turn. :meth:`Tree.adopt` takes a whole source
  at once, all its pages and its tree (the ceremony file, made of whole batches), which
  spares finding each page's elements.

Elements are copied with ``Pdf.copy_foreign``, which shares qpdf's map of copied objects
with ``Pdf.pages.append``: an element's ``/Pg`` becomes the copied page.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import pikepdf

_DOCUMENT = pikepdf.Name.Document
# Deeper than any structure tree a document has (a guard against a cycle of /P links).
_DEPTH = 256
# The most elements an array may hold in older readers (and in LibreOffice's groups).
ARRAY_LIMIT = 8191


def _document_element(pdf: pikepdf.Pdf) -> pikepdf.Dictionary | None:
    """The ``Document`` element LibreOffice puts at the top of the tree, if there is one."""
    root = pdf.Root.get("/StructTreeRoot")
    return None if root is None else _document_of(root)


def _document_of(root: pikepdf.Object) -> pikepdf.Dictionary | None:
    """The ``Document`` element under the structure tree root ``root``, if there is one."""
    kids = root.get("/K")
    if isinstance(kids, pikepdf.Array):
        kids = kids[0] if len(kids) == 1 else None
    if isinstance(kids, pikepdf.Dictionary) and kids.get("/S") == _DOCUMENT:
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
        self._document = _document_element(pdf)
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
        kids = _kids(self._document)
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
    kids = _kids(element)
    while kids:
        kid = kids[end]
        if not isinstance(kid, pikepdf.Dictionary):
            return page
        page = kid.get("/Pg", page)
        if "/S" not in kid:
            return page
        kids = _kids(kid)
    return page


class Tree:
    """The structure tree of ``pdf`` (a PDF being made), with its ``Document`` element."""

    def __init__(self, pdf: pikepdf.Pdf, role_maps: list[pikepdf.Object]) -> None:
        self.pdf = pdf
        existing = _document_element(pdf)
        if existing is None:
            root = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.StructTreeRoot))
            existing = pdf.make_indirect(pikepdf.Dictionary(
                Type=pikepdf.Name.StructElem, S=_DOCUMENT, P=root, K=pikepdf.Array()))
            root.K = pikepdf.Array([existing])
            root.ParentTree = pdf.make_indirect(pikepdf.Dictionary(Nums=pikepdf.Array()))
            root.ParentTreeNextKey = 0
            pdf.Root.StructTreeRoot = root
        self.root = pdf.Root.StructTreeRoot
        self.document = existing
        if "/K" not in self.document or not isinstance(self.document.K, pikepdf.Array):
            kids = self.document.get("/K")
            self.document.K = pikepdf.Array([] if kids is None else [kids])
        roles = self.root.get("/RoleMap", pikepdf.Dictionary())
        merged = {str(key): value for key, value in roles.items()}
        for role_map in role_maps:
            for key, value in role_map.items():
                merged.setdefault(str(key), pikepdf.Name(str(value)))
        if merged:
            self.root.RoleMap = pikepdf.Dictionary(merged)
        self.parents = pikepdf.NumberTree(self.root.ParentTree)
        pdf.Root.MarkInfo = pikepdf.Dictionary(Marked=True)

    @property
    def next_key(self) -> int:
        used = [int(key) for key, _ in self.parents.items()]
        return max([int(self.root.get("/ParentTreeNextKey", 0)) - 1, *used]) + 1

    def graft(self, page: pikepdf.Page, source: TaggedPages, number: int, key: int) -> int:
        """Give ``page`` (page ``number`` of ``source``, just added to this PDF) its
        structure: its elements under ``Document``, its ParentTree entry under ``key``.
        The elements go into a ``Sect`` of their own. Returns how many elements were added
        under ``Document`` (for :meth:`ungraft`)."""
        structure = source.of(number)
        if "/StructParents" in page.obj:
            del page.obj["/StructParents"]
        for annotation in page.obj.get("/Annots") or []:
            if "/StructParent" in annotation:  # a number in the source's ParentTree
                del annotation["/StructParent"]
        if structure is None:
            return 0
        # One section per page: a signature page is one, and a ceremony file of thousands
        # stays within the 8,191 elements an array may have in older readers.
        bundle = self.pdf.copy_foreign(structure.bundle)
        section, marked = bundle[0], bundle[1]
        section.P = self.document
        section.Pg = page.obj
        self.document.K.append(section)
        if isinstance(marked, pikepdf.Array):
            self.parents[key] = marked
            page.obj.StructParents = key
            self.root.ParentTreeNextKey = max(key + 1, int(self.root.get("/ParentTreeNextKey",
                                                                         0)))
        return 1

    def adopt(self, source: TaggedPages, pages: Sequence[pikepdf.Page], key: int, *,
              group: bool) -> int:
        """Give ``pages`` (every page of ``source``, just added to this PDF, in order) the
        source's whole structure at once: ``Document``'s children under this ``Document``
        (in a ``Div`` of their own with ``group``, as LibreOffice groups the children of a
        long document), and its ParentTree entries under numbers from ``key`` on. Returns
        the next free number. One copy of the source's tree, where a :meth:`graft` per
        page must find each page's elements first (a millisecond a page)."""
        if source.whole() is None:
            raise ValueError("the source's tree cannot be copied whole")
        # The elements and the entries in one copy, so that links between them hold; their
        # /Pg become the pages copied already.
        copied = self.pdf.copy_foreign(source.pdf.Root.StructTreeRoot)
        document = _document_of(copied)
        assert document is not None  # noqa: S101 -- whole() found it in the source
        holder = self.document
        if group:
            holder = self.pdf.make_indirect(pikepdf.Dictionary(
                Type=pikepdf.Name.StructElem, S=pikepdf.Name.Div, P=self.document,
                K=pikepdf.Array()))
            self.document.K.append(holder)
        kids = _kids(document)
        for kid in kids:
            kid.P = holder
        holder.K.extend(kids)
        entries = number_tree(copied.ParentTree) if "/ParentTree" in copied else {}
        for number, entry in sorted(entries.items()):
            self.parents[key + number] = entry
        for page in pages:
            if "/StructParents" in page.obj:
                page.obj.StructParents = key + int(page.obj.StructParents)
            for annotation in page.obj.get("/Annots") or []:
                if "/StructParent" in annotation:
                    annotation.StructParent = key + int(annotation.StructParent)
        used = max([int(copied.get("/ParentTreeNextKey", 0)) - 1, *entries]) + 1
        self.root.ParentTreeNextKey = key + used
        return key + used

    def ungraft(self, key: int, elements: int, next_key: int) -> None:
        """Undo a :meth:`graft` that added ``elements`` elements under ``key``."""
        kids = self.document.K
        for _ in range(elements):
            del kids[len(kids) - 1]
        if key in self.parents:
            del self.parents[key]
        self.root.ParentTreeNextKey = next_key


def keep_pages(pdf: pikepdf.Pdf, pages: int) -> None:
    """Take out of ``pdf``'s structure tree (in memory) what belongs to its pages after the
    first ``pages``, so that copying the tree does not copy those pages too."""
    document = _document_element(pdf)
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
    for kid in _kids(element):
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
        for kid in _kids(parent):
            if not (isinstance(kid, pikepdf.Dictionary) and "/S" in kid and kid.is_indirect):
                continue
            pages = _pages_of(kid, index)
            if len(pages) == 1:
                units.append((kid, parent, next(iter(pages))))
            elif len(pages) > 1:
                look_into(kid)

    look_into(document)
    return units


def _kids(element: pikepdf.Object) -> list[pikepdf.Object]:
    kids = element.get("/K")
    if kids is None:
        return []
    return list(kids) if isinstance(kids, pikepdf.Array) else [kids]
