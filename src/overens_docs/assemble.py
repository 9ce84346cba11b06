"""Stage: put PDFs together with pikepdf (qpdf), keeping them PDF/A.

A writer that starts a new PDF drops the catalog's ``/Metadata`` (XMP, which carries the
PDF/A identification), ``/OutputIntents`` and ``/Lang``, and writes its own Info. Every
file written here gets them back from the LibreOffice master. The structure tree is not
carried over, so assembled files are PDF/A-2b but untagged (PDF/A-2b allows that); the
published ``agreement.pdf`` comes straight from LibreOffice and stays tagged.

pikepdf rather than pypdf because this runs once per organisation, thousands of times:
pikepdf writes such a file in about 2 ms where pypdf needs about 15.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from pathlib import Path

import pikepdf


def page_count(pdf: Path) -> int:
    with pikepdf.open(pdf) as document:
        return len(document.pages)


class Assembler:
    """Makes each organisation's PDF (the master's text pages plus its signature page) and
    the ceremony file of all signature pages. Every input is opened once."""

    def __init__(self, master: Path, text_pages: int, signatures: Iterable[Path]) -> None:
        self.master = pikepdf.open(master)
        self.text_pages = text_pages
        self.signatures = [pikepdf.open(path) for path in signatures]
        # LibreOffice writes /OutputIntents as a direct array; copying between files
        # needs an indirect object.
        self.output_intents = self.master.make_indirect(self.master.Root.OutputIntents)

    @property
    def signature_counts(self) -> list[int]:
        return [len(document.pages) for document in self.signatures]

    def _finish(self, pdf: pikepdf.Pdf) -> bytes:
        pdf.Root.Metadata = pdf.copy_foreign(self.master.Root.Metadata)
        pdf.Root.OutputIntents = pdf.copy_foreign(self.output_intents)
        pdf.Root.Lang = self.master.Root.Lang
        pdf.docinfo = pdf.copy_foreign(self.master.docinfo)  # type: ignore[assignment]
        for page in pdf.pages:
            if "/StructParents" in page.obj:
                del page.obj["/StructParents"]  # the structure tree stays behind
        buffer = io.BytesIO()
        # Keep the XMP as LibreOffice wrote it (it already agrees with the Info dictionary),
        # and copy streams as they are: decoding and recompressing them changes nothing.
        pdf.save(buffer, min_version=self.master.pdf_version, fix_metadata_version=False,
                 stream_decode_level=pikepdf.StreamDecodeLevel.none, recompress_flate=False)
        return buffer.getvalue()

    def organisation_pdf(self, signature_file: int, signature_page: int) -> tuple[bytes, int]:
        pdf = pikepdf.new()
        pdf.pages.extend(self.master.pages[: self.text_pages])
        pdf.pages.append(self.signatures[signature_file].pages[signature_page])
        return self._finish(pdf), len(pdf.pages)

    def signature_pages_pdf(self) -> tuple[bytes, int]:
        pdf = pikepdf.new()
        for document in self.signatures:
            pdf.pages.extend(document.pages)
        return self._finish(pdf), len(pdf.pages)
