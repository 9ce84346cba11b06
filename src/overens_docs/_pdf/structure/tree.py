"""The structure tree of a PDF being made (:class:`Tree`): a source page's elements
grafted in one by one, or a whole source adopted at once."""

from __future__ import annotations

from collections.abc import Sequence

import pikepdf

from overens_docs._pdf.structure.source import (
    DOCUMENT,
    TaggedPages,
    document_element,
    document_of,
    kids_of,
    number_tree,
)


class Tree:
    """The structure tree of ``pdf`` (a PDF being made), with its ``Document`` element."""

    def __init__(self, pdf: pikepdf.Pdf, role_maps: list[pikepdf.Object]) -> None:
        self.pdf = pdf
        existing = document_element(pdf)
        if existing is None:
            root = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.StructTreeRoot))
            existing = pdf.make_indirect(pikepdf.Dictionary(
                Type=pikepdf.Name.StructElem, S=DOCUMENT, P=root, K=pikepdf.Array()))
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
        document = document_of(copied)
        assert document is not None  # noqa: S101 -- whole() found it in the source
        holder = self.document
        if group:
            holder = self.pdf.make_indirect(pikepdf.Dictionary(
                Type=pikepdf.Name.StructElem, S=pikepdf.Name.Div, P=self.document,
                K=pikepdf.Array()))
            self.document.K.append(holder)
        kids = kids_of(document)
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
