"""The ceremony file, ``signature-pages.pdf``: every signature page in order, written as the
batches come, so that its memory depends on one batch and not on the number of pages.

Each batch is opened, its pages made ready (annotations printed, "sida k av M" stamped, see
:mod:`overens_docs._pdf.page_numbers`), checked as they will be delivered, written with
what they reach (:class:`~overens_docs._pdf.writer.PdfWriter`), and closed. Its structure
comes along: a fresh batch's whole tree (the children of its ``Document``) under the file's
``Document``, or in a ``Div`` per batch when all of them together would be more than an
array may hold in older readers; a page of an earlier ceremony file (``--only``) as a
``Sect`` of its own. The page tree, the structure tree's root and its ``ParentTree`` and
the catalog are written last, from what was kept of each page: a few numbers.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import BinaryIO

import pikepdf

from overens_docs._pdf.check import KnownContent, page_delivery_problems
from overens_docs._pdf.master import (
    Batch,
    Master,
    give_back_memory,
    open_signatures,
    own_attributes,
    printable,
)
from overens_docs._pdf.page_content import raw_digest
from overens_docs._pdf.page_numbers import stamp
from overens_docs._pdf.structure import ARRAY_LIMIT, TaggedPages, number_tree
from overens_docs._pdf.structure.source import DOCUMENT
from overens_docs._pdf.writer import PdfWriter, Reference, serialise

# Pages per node of the page tree, structure elements per Div, and entries per leaf of the
# ParentTree, when one array would hold more than ARRAY_LIMIT.
_PER_NODE = 1000


class PageCountError(Exception):
    """A batch has another number of pages than it should (see :meth:`CeremonyFile.add_batch`)."""

    def __init__(self, pages: int) -> None:
        super().__init__(f"{pages} pages")
        self.pages = pages


class _Holder:
    """A structure element the file's pages' elements go under: ``Document`` or a ``Div``."""

    def __init__(self, number: int) -> None:
        self.number = number
        self.kids: list[int] = []


class _Source:
    """A batch or an earlier file being written from, and what its pages share."""

    def __init__(self, batch: Batch, pages: int | None) -> None:
        self.document, self.tagged = open_signatures(batch)
        if pages is not None and len(self.document.pages) != pages:
            count = len(self.document.pages)
            self.document.close()
            raise PageCountError(count)
        self.resources: dict[tuple[int, int], pikepdf.Object] = {}  # stamped, see stamp()
        self.placeholders: dict[int, pikepdf.Object] = {}  # by the number they stand for
        self.fonts_seen: set[tuple[int, int]] = set()  # checked already
        self.font: pikepdf.Object | None = None  # the page numbers' font's placeholder


class CeremonyFile:
    """``signature-pages.pdf`` being written to ``out``: :meth:`add_batch` and
    :meth:`add_pages` in order, then :meth:`finish`. ``pages``: how many it will have (each
    is numbered "sida k av ``pages``")."""

    def __init__(self, out: BinaryIO, master: Master, pages: int, *, title: str) -> None:
        self._writer = PdfWriter(out, version=master.version)
        self._master = master
        self._title = title
        self._count = pages
        self._pages: list[int] = []  # the number of each page written
        self._nodes: list[int] = []  # of the page tree's nodes under its root, if any
        self._root = self._writer.reserve()  # the page tree's root
        self._tree = self._writer.reserve()  # the structure tree's root
        self._document = _Holder(self._writer.reserve())
        self._holders: list[_Holder] = []  # Divs under Document, when grouped
        self._grouped: bool | None = None
        self._parents: dict[int, int] = {}  # ParentTree: key -> the entry's number
        self._key = 0
        self._roles: dict[str, str] = {}
        self._font: int | None = None  # the page numbers' font, written once
        # What the content of each page of the last add_* holds, for the copies.
        self.page_known: list[KnownContent] = []
        # Each page's raw digest, page number left out, as page_content.raw_digests(pdf,
        # stamp=False) reads it from the file written: taken as the page goes by, for the
        # text kept (_build/versions.py), which would otherwise open the whole file again.
        self.page_digests: list[str] = []

    def add_batch(self, batch: Batch, *, pages: int | None = None) -> list[str]:
        """Every page of ``batch`` (a fresh one: its tree is taken whole when it can be);
        what keeps them from being delivered. :attr:`page_known` then says what their
        content holds. ``pages``: how many it must have (:class:`PageCountError`, before
        anything is written, if it has not), checked here where it is opened anyway."""
        source = _Source(batch, pages)
        self.page_known = []
        try:
            kids = source.tagged.whole()
            if kids is None:
                return self._pages_of(source, range(len(source.document.pages)))
            if self._grouped is None:  # every batch has as many elements per page
                self._grouped = (len(kids) * self._count
                                 > ARRAY_LIMIT * max(1, len(source.document.pages)))
            return self._whole(source, kids, self._holder(new=True))
        finally:
            self._done(source)

    def add_pages(self, batch: Batch, numbers: Iterable[int], *,
                  pages: int | None = None) -> list[str]:
        """Pages ``numbers`` of ``batch`` (an earlier ceremony file, or a batch), each with
        its elements in a ``Sect`` of its own; what keeps them from being delivered.
        ``pages``: as in :meth:`add_batch`."""
        source = _Source(batch, pages)
        self.page_known = []
        try:
            if self._grouped is None:
                self._grouped = self._count > ARRAY_LIMIT
            return self._pages_of(source, numbers)
        finally:
            self._done(source)

    def _done(self, source: _Source) -> None:
        self._merge_roles(source.tagged)
        self._writer.forget(source.document)
        source.document.close()
        give_back_memory()

    def _holder(self, *, new: bool = False) -> _Holder:
        """Where the next elements go: ``Document``, or a ``Div`` (a new one for each
        batch taken whole, and after every ``_PER_NODE`` pages)."""
        if not self._grouped:
            return self._document
        if new or not self._holders or len(self._holders[-1].kids) >= _PER_NODE:
            self._holders.append(_Holder(self._writer.reserve()))
            self._document.kids.append(self._holders[-1].number)
        return self._holders[-1]

    def _placeholder(self, source: _Source, number: int) -> pikepdf.Object:
        """An object of ``source`` that is written as a reference to ``number``."""
        if number not in source.placeholders:
            placeholder = source.document.make_indirect(pikepdf.Dictionary())
            self._writer.alias(source.document, placeholder, number)
            source.placeholders[number] = placeholder
        return source.placeholders[number]

    def _parent_node(self, source: _Source) -> pikepdf.Object:
        """The page tree node the next page goes under, as a placeholder in ``source``."""
        if self._count <= ARRAY_LIMIT:
            node = self._root
        else:
            if len(self._pages) % _PER_NODE == 0:
                self._nodes.append(self._writer.reserve())
            node = self._nodes[-1]
        return self._placeholder(source, node)

    def _ready(self, source: _Source, index: int) -> None:
        """Page ``index`` of ``source`` made as it is delivered: printable, numbered."""
        page = source.document.pages[index]
        own_attributes(page.obj)  # written without its page tree (see open_pdf)
        self.page_digests.append(raw_digest(page, stamp=False))
        printable(page)
        numbers = self._master.page_numbers
        if numbers is None:
            return
        if self._font is None:
            self._font = self._writer.add(self._master.pdf, numbers.footer.font)
        if source.font is None:
            source.font = self._placeholder(source, self._font)
            source.fonts_seen.add(source.font.objgen)  # the master's, checked with the text
        stamp(page, numbers.stream_object(source.document, len(self._pages) + 1, self._count),
              source.font, source.resources)

    def _write_page(self, source: _Source, index: int, entry: pikepdf.Object | None,
                    ) -> list[str]:
        """Check page ``index`` of ``source`` and write it; what keeps it from being
        delivered."""
        document = source.document
        known: KnownContent = {}
        found = page_delivery_problems(document, index, len(self._pages) + 1, entry=entry,
                                       known=known, fonts_seen=source.fonts_seen)
        self.page_known.append(known)
        parent = self._parent_node(source)
        self._pages.append(self._writer.add(document, document.pages[index].obj,
                                            {"/Parent": parent}))
        return found

    def _whole(self, source: _Source, kids: list[pikepdf.Object], holder: _Holder,
               ) -> list[str]:
        """Every page of ``source`` with its whole structure tree under ``holder``."""
        document = source.document
        root = document.Root.StructTreeRoot
        entries = number_tree(root.ParentTree) if "/ParentTree" in root else {}
        offset = self._key
        found = []
        for index, page in enumerate(document.pages):
            self._ready(source, index)
            key = page.obj.get("/StructParents")
            if key is not None:
                page.obj.StructParents = offset + int(key)
            for annotation in page.obj.get("/Annots") or []:
                if "/StructParent" in annotation:
                    annotation.StructParent = offset + int(annotation.StructParent)
            found += self._write_page(source, index,
                                      None if key is None else entries.get(int(key)))
        above = self._placeholder(source, holder.number)
        holder.kids += [self._writer.add(document, kid, {"/P": above}) for kid in kids]
        for number, entry in sorted(entries.items()):
            self._parents[offset + number] = self._writer.add(document, entry)
        used = max([int(root.get("/ParentTreeNextKey", 0)) - 1, *entries], default=-1) + 1
        self._key = offset + used
        return found

    def _pages_of(self, source: _Source, numbers: Iterable[int]) -> list[str]:
        """Pages ``numbers`` of ``source``, each with its elements in a ``Sect``. Each page
        is written before its elements, which refer to it (as ``/Pg``)."""
        document = source.document
        found = []
        for index in numbers:
            page = document.pages[index]
            structure = source.tagged.of(index)  # before its StructParents is changed
            self._ready(source, index)
            for annotation in page.obj.get("/Annots") or []:
                if "/StructParent" in annotation:  # a number in the source's ParentTree
                    del annotation["/StructParent"]
            if "/StructParents" in page.obj:
                del page.obj["/StructParents"]
            section, entry = (None, None) if structure is None else (
                structure.bundle[0], structure.bundle[1])
            if isinstance(entry, pikepdf.Array):
                page.obj.StructParents = self._key
            found += self._write_page(source, index, entry)
            if section is not None:
                section.Pg = page.obj
                holder = self._holder()
                holder.kids.append(self._writer.add(
                    document, section, {"/P": self._placeholder(source, holder.number)}))
            if isinstance(entry, pikepdf.Array):
                self._parents[self._key] = self._writer.add(document, entry)
                self._key += 1
        return found

    def _merge_roles(self, tagged: TaggedPages) -> None:
        for key, value in tagged.role_map.items():
            self._roles.setdefault(str(key), str(value))

    def finish(self) -> int:
        """Write the trees and the catalog; the number of pages written."""
        writer = self._writer
        self._write_page_tree()
        for holder in self._holders:
            writer.add_raw(holder.number, serialise({
                "/Type": "/StructElem", "/S": "/Div", "/P": Reference(self._document.number),
                "/K": [Reference(kid) for kid in holder.kids]}))
        writer.add_raw(self._document.number, serialise({
            "/Type": "/StructElem", "/S": str(DOCUMENT), "/P": Reference(self._tree),
            "/K": [Reference(kid) for kid in self._document.kids]}))
        tree: dict[str, object] = {
            "/Type": "/StructTreeRoot", "/K": [Reference(self._document.number)],
            "/ParentTree": Reference(self._parent_tree()), "/ParentTreeNextKey": self._key}
        if self._roles:
            tree["/RoleMap"] = dict(self._roles)
        writer.add_raw(self._tree, serialise(tree))  # type: ignore[arg-type]
        catalog = writer.reserve()
        metadata = writer.reserve()
        writer.add_stream(metadata, serialise({"/Type": "/Metadata", "/Subtype": "/XML"}),
                          self._master.retitled_xmp(self._title))
        master = self._master.pdf
        intents = writer.add(master, master.Root.OutputIntents)
        info = writer.add(master, master.docinfo, {"/Title": pikepdf.String(self._title)})
        writer.add_raw(catalog, serialise({
            "/Type": "/Catalog", "/Pages": Reference(self._root),
            "/Metadata": Reference(metadata), "/OutputIntents": Reference(intents),
            "/Lang": master.Root.Lang, "/ViewerPreferences": {"/DisplayDocTitle": True},
            "/StructTreeRoot": Reference(self._tree), "/MarkInfo": {"/Marked": True}}))
        writer.finish(root=catalog, info=info,
                      first_id=self._master.file_identifier("signature-pages"))
        return len(self._pages)

    def _write_page_tree(self) -> None:
        writer, pages = self._writer, self._pages
        if not self._nodes:
            writer.add_raw(self._root, serialise({
                "/Type": "/Pages", "/Count": len(pages),
                "/Kids": [Reference(page) for page in pages]}))
            return
        for position, node in enumerate(self._nodes):
            run = pages[position * _PER_NODE:(position + 1) * _PER_NODE]
            writer.add_raw(node, serialise({
                "/Type": "/Pages", "/Parent": Reference(self._root), "/Count": len(run),
                "/Kids": [Reference(page) for page in run]}))
        writer.add_raw(self._root, serialise({
            "/Type": "/Pages", "/Count": len(pages),
            "/Kids": [Reference(node) for node in self._nodes]}))

    def _parent_tree(self) -> int:
        """The ParentTree: one node, or leaves of ``_PER_NODE`` entries under a root."""
        writer = self._writer
        entries = sorted(self._parents.items())

        def nums(part: list[tuple[int, int]]) -> list[object]:
            return [value for key, number in part for value in (key, Reference(number))]

        root = writer.reserve()
        if len(entries) * 2 <= ARRAY_LIMIT:
            writer.add_raw(root, serialise({"/Nums": nums(entries)}))  # type: ignore[dict-item]
            return root
        leaves = []
        for start in range(0, len(entries), _PER_NODE):
            part = entries[start:start + _PER_NODE]
            leaf = writer.reserve()
            writer.add_raw(leaf, serialise({"/Nums": nums(part),  # type: ignore[dict-item]
                                            "/Limits": [part[0][0], part[-1][0]]}))
            leaves.append(leaf)
        writer.add_raw(root, serialise({"/Kids": [Reference(leaf) for leaf in leaves]}))
        return root
