"""Stage: put PDFs together with pypdf, keeping them PDF/A.

pypdf's writer drops the catalog's ``/Metadata`` (XMP, which carries the PDF/A
identification), ``/OutputIntents`` and ``/Lang``, writes "pypdf" as Producer (which then
disagrees with the XMP) and no file ``/ID``. Every file written here gets them back from
the LibreOffice PDF it came from. The structure tree is not carried over, so assembled
files are PDF/A-2b but untagged (PDF/A-2b allows that); the published ``agreement.pdf``
comes straight from LibreOffice and stays tagged.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pikepdf
from pypdf import PageObject, PdfReader, PdfWriter
from pypdf.generic import NameObject

_CATALOG_KEYS = ("/Metadata", "/OutputIntents", "/Lang")


def _finish(writer: PdfWriter, metadata_source: PdfReader) -> bytes:
    source_root: Any = metadata_source.trailer["/Root"]
    for key in _CATALOG_KEYS:
        if key in source_root:
            writer.root_object[NameObject(key)] = source_root.raw_get(key).clone(writer)
    if metadata_source.metadata is not None:
        writer.metadata = metadata_source.metadata  # replaces pypdf's own Producer
    for page in writer.pages:
        # The structure tree stays behind; a page must not point into it.
        if "/StructParents" in page:
            del page[NameObject("/StructParents")]
    writer.generate_file_identifiers()
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def combine(pages: Iterable[PageObject], metadata_source: PdfReader) -> bytes:
    """One PDF of ``pages``, carrying PDF/A metadata over from ``metadata_source``."""
    writer = PdfWriter()
    for page in pages:
        writer.add_page(page)
    return _finish(writer, metadata_source)


class Assembler:
    """Makes each organisation's PDF: the agreement's text pages plus its signature page.

    This runs once per organisation, thousands of times, so it uses pikepdf (qpdf), which
    writes such a file in about 2 ms where pypdf needs about 15. The master and the
    signature PDFs are opened once.
    """

    def __init__(self, master: Path, text_pages: int, signatures: list[Path]) -> None:
        self.master = pikepdf.open(master)
        self.text_pages = text_pages
        self.signatures = [pikepdf.open(path) for path in signatures]
        # LibreOffice writes /OutputIntents as a direct array; copying between files
        # needs an indirect object.
        self.output_intents = self.master.make_indirect(self.master.Root.OutputIntents)

    def organisation_pdf(self, signature_file: int, signature_page: int) -> tuple[bytes, int]:
        pdf = pikepdf.new()
        pdf.pages.extend(self.master.pages[: self.text_pages])
        pdf.pages.append(self.signatures[signature_file].pages[signature_page])
        pdf.Root.Metadata = pdf.copy_foreign(self.master.Root.Metadata)
        pdf.Root.OutputIntents = pdf.copy_foreign(self.output_intents)
        pdf.Root.Lang = self.master.Root.Lang
        pdf.docinfo = pdf.copy_foreign(self.master.docinfo)  # type: ignore[assignment]
        for page in pdf.pages:
            if "/StructParents" in page.obj:
                del page.obj["/StructParents"]  # the structure tree stays behind
        buffer = io.BytesIO()
        # Keep the XMP as LibreOffice wrote it; it already agrees with the Info dictionary.
        pdf.save(buffer, min_version=self.master.pdf_version, fix_metadata_version=False)
        return buffer.getvalue(), len(pdf.pages)
