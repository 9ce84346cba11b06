"""Assembly as the tests on small PDFs use it: a master and a list of signature batches,
each organisation's PDF by the batch's position, and the ceremony file as bytes (written
with :class:`~overens_docs._pdf.ceremony.CeremonyFile`, as a build writes it)."""

from __future__ import annotations

import io
from pathlib import Path

import pikepdf

from overens_docs._pdf.assemble import Assembler, Batch, Check
from overens_docs._pdf.ceremony import CeremonyFile
from overens_docs._pdf.master import Master
from overens_docs._pdf.page_numbers import PageNumbers


class Assembly:
    """An :class:`Assembler` of ``master`` (``text_pages`` text pages, then a signature
    page) with the signature batches ``batches``, their font subsets renamed with ``salt``
    and each batch's position, as a build renames them."""

    def __init__(self, master: Path, text_pages: int, batches: list[Path], *,
                 salt: str = "", page_numbers: bool = True) -> None:
        self.master = Master(master, text_pages, page_numbers=page_numbers)
        self.assembler = Assembler(self.master)
        self.batches = [Batch(path, f"{salt}{index}") for index, path in enumerate(batches)]
        self.found: list[str] = []  # what the last ceremony file's checks found

    @property
    def unnumbered(self) -> str | None:
        return self.master.unnumbered

    @property
    def page_numbers(self) -> PageNumbers | None:
        return self.master.page_numbers

    @property
    def signatures(self) -> list[pikepdf.Pdf]:
        """The batch the assembler holds open, if any."""
        opened = self.assembler.open_batch
        return [] if opened is None else [opened]

    def organisation_pdf(self, batch: int, page: int, identity: str, *,
                         check: Check | None = None, title: str | None = None,
                         ) -> tuple[bytes, int, list[str]]:
        return self.assembler.organisation_pdf(self.batches[batch], page, identity,
                                               check=check, title=title)

    def signature_pages_pdf(self, earlier: Path | None = None, *, replacing: int = -1,
                            inserting: int = -1, title: str | None = None,
                            ) -> tuple[bytes, int]:
        """Every batch's pages; or, with ``earlier``, its pages with the first batch's one
        page in place of page index ``replacing``, or inserted before ``inserting``."""
        title = title if title is not None else str(self.master.pdf.docinfo.get("/Title", ""))
        buffer = io.BytesIO()
        if earlier is None:
            count = sum(len(pikepdf.open(batch.path).pages) for batch in self.batches)
            ceremony = CeremonyFile(buffer, self.master, count, title=title)
            self.found = [problem for batch in self.batches
                          for problem in ceremony.add_batch(batch)]
            ceremony.finish()
            return buffer.getvalue(), count
        with pikepdf.open(earlier) as previous:
            before = len(previous.pages)
        replaced = 0 <= replacing < before
        position = replacing if replaced else (inserting if inserting >= 0 else before)
        count = before if replaced else before + 1
        ceremony = CeremonyFile(buffer, self.master, count, title=title)
        old = Batch(earlier, None)
        self.found = (ceremony.add_pages(old, range(position))
                      + ceremony.add_pages(self.batches[0], [0])
                      + ceremony.add_pages(old, range(position + replaced, before)))
        ceremony.finish()
        return buffer.getvalue(), count
