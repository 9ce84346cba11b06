"""Stage: each organisation's PDF, the master's text pages plus its own signature page,
kept PDF/A and tagged (pikepdf, qpdf).

pikepdf rather than pypdf because this runs once per organisation, thousands of times.
The text pages and catalog entries are copied once into a base document; each
organisation's file is that base with its signature page appended, saved, and the page
taken off again: about 1 ms per file, where pypdf needed about 15. Each file is tagged:
the master's structure tree comes along with its text pages, and each signature page brings
its own elements (see :mod:`overens_docs._pdf.structure`).

An assembler holds one signature batch open at a time (:class:`Batch`): a worker opens the
batch of the copies it is given and closes it when it moves on, so that no process holds
more than one, however many organisations there are.

Each signature page gets its page number here, where it is known: "sida N av N" in an
organisation's PDF (:mod:`overens_docs._pdf.page_numbers`).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pikepdf

from overens_docs._pdf.master import (
    AssemblyError,
    Batch,
    Master,
    give_back_memory,
    open_signatures,
    own_attributes,
    printable,
)
from overens_docs._pdf.page_numbers import stamp
from overens_docs._pdf.structure import TaggedPages, Tree

__all__ = ["COPIES_PER_BASE", "Assembler", "AssemblyError", "Batch", "Check", "whole_pdf"]

# How many organisations' files one base document makes before it is made anew. Every page
# and structure element copied into it stays in it (qpdf cannot delete an object), and
# saving costs time in proportion to all its objects, not only those written: after 500
# copies, 50 times as long as the first save. What a base has copied before decides how
# the objects of a copy are numbered, so a copy's bytes depend on its place in its base's
# run: bases start at every multiple of this in the order of all copies, at every batch,
# and whenever copies are not made in order (see :meth:`Assembler.organisation_pdf`).
COPIES_PER_BASE = 50

# Inspects a document as it is about to be saved; returns the problems found.
Check = Callable[[pikepdf.Pdf], list[str]]


class Assembler:
    """Makes each organisation's PDF: the master's text pages plus its signature page."""

    def __init__(self, master: Master) -> None:
        self.master = master
        # A master not from LibreOffice may be untagged: each page is tagged as a paragraph.
        self._untagged_text = (None if "/StructTreeRoot" in master.pdf.Root
                               else TaggedPages(master.pdf))
        self._batch: Batch | None = None
        self._signatures: tuple[pikepdf.Pdf, TaggedPages] | None = None
        self._base: pikepdf.Pdf | None = None
        self._last = -1  # the sequence number of the last copy made (see COPIES_PER_BASE)
        self._base_batch: Batch | None = None  # the batch whose pages the base has taken
        # Every copy's last page is "sida N av N": one stamp and font per base.
        self._copy_stamp: tuple[pikepdf.Object, pikepdf.Object] | None = None
        self._stamped_resources: dict[tuple[int, int], pikepdf.Object] = {}
        self._tree: Tree | None = None
        self._key = 0  # the ParentTree number of each copy's signature page

    @property
    def open_batch(self) -> pikepdf.Pdf | None:
        """The signature batch held open (the last one a copy was made from)."""
        return None if self._signatures is None else self._signatures[0]

    def close(self) -> None:
        """Close the open batch and drop the base (the master is the caller's)."""
        self._open(None)
        self._base = None

    def _open(self, batch: Batch | None) -> tuple[pikepdf.Pdf, TaggedPages] | None:
        """``batch``, opened; the batch open before is closed (one at a time)."""
        if batch != self._batch:
            if self._signatures is not None:
                self._base = None  # it refers to the closed batch's objects
                self._signatures[0].close()
                self._signatures = None
                give_back_memory()
            self._batch = batch
            self._signatures = open_signatures(batch) if batch is not None else None
        return self._signatures

    def _text(self) -> pikepdf.Pdf:
        """The base document: the master's text pages and its catalog entries."""
        if self._base is None:
            master = self.master
            base = pikepdf.new()
            base.pages.extend(master.pdf.pages[: master.text_pages])
            for page in base.pages:
                printable(page)
            if self._untagged_text is None:
                # After the pages: their copies are what the elements' /Pg become.
                base.Root.StructTreeRoot = base.copy_foreign(master.pdf.Root.StructTreeRoot)
            signatures = self._signatures
            self._tree = Tree(base, [signatures[1].role_map] if signatures else [])
            if self._untagged_text is not None:
                for number, page in enumerate(base.pages):
                    self._tree.graft(page, self._untagged_text, number, number)
            self._key = self._tree.next_key
            master.archival(base)
            if master.page_numbers is not None:
                count = master.text_pages + 1
                self._copy_stamp = (master.page_numbers.stream_object(base, count, count),
                                    master.page_numbers.font_for(base))
                self._stamped_resources = {}
            self._base = base
            self._base_batch = self._batch
        return self._base

    def text_document(self) -> pikepdf.Pdf:
        """The text pages with the catalog entries every organisation's PDF shares."""
        return self._text()

    def organisation_pdf(self, batch: Batch, page: int, identity: str, *,
                         check: Check | None = None, title: str | None = None,
                         sequence: int | None = None) -> tuple[bytes, int, list[str]]:
        """One organisation's PDF (with page ``page`` of ``batch`` as its signature page),
        its page count, and what ``check`` found in the document as it is saved;
        ``identity`` (its id) makes the file identifier unique, ``title`` (the agreement's
        and the organisation's name) is its document title.

        ``sequence`` is the copy's place among all copies of the build (default: the one
        after the last made here). A new base document is made at every multiple of
        :data:`COPIES_PER_BASE`, for every batch, and whenever the copies are not made in
        order, so that the bytes of a copy depend on its place only, not on which process
        made it."""
        sequence = self._last + 1 if sequence is None else sequence
        signatures = self._open(batch)
        assert signatures is not None  # noqa: S101 -- a batch was given
        document, tagged = signatures
        if self._base is not None and (sequence % COPIES_PER_BASE == 0
                                       or sequence != self._last + 1
                                       or self._base_batch != batch):
            self._base = None  # small: its memory is given back with the batch's
        self._last = sequence
        base = self._text()
        tree = self._tree
        assert tree is not None  # noqa: S101 -- made with the base
        source = document.pages[page].obj
        own_attributes(source)  # copied without its page tree (see open_pdf)
        base.pages.append(pikepdf.Page(base.copy_foreign(source)))
        elements = 0
        try:
            copied = base.pages[-1]
            printable(copied)
            if self._copy_stamp is not None:
                stamp(copied, *self._copy_stamp, self._stamped_resources)
            elements = tree.graft(copied, tagged, page, self._key)
            if title is not None:
                self.master.retitle(base, title)
            found = check(base) if check is not None else []
            return self.master.save(base, identity), len(base.pages), found
        finally:
            tree.ungraft(self._key, elements, self._key)
            del base.pages[-1]


def whole_pdf(master: Master, path: Path, title: str) -> tuple[bytes, int]:
    """One signature PDF (the ceremony list) as a whole, with its structure tree as
    LibreOffice made it: its tables run over pages, so it is not taken page by page."""
    source, _tagged = open_signatures(Batch(path, "list:0"))
    with source:
        pdf = pikepdf.new()
        pdf.pages.extend(source.pages)
        for page in pdf.pages:
            printable(page)
        if "/StructTreeRoot" in source.Root:  # after the pages, as in _text()
            pdf.Root.StructTreeRoot = pdf.copy_foreign(source.Root.StructTreeRoot)
            pdf.Root.MarkInfo = pikepdf.Dictionary(Marked=True)
        master.archival(pdf)
        master.retitle(pdf, title)
        return master.save(pdf, "signature-pages"), len(pdf.pages)
