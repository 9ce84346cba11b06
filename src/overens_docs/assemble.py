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

from pypdf import PageObject, PdfReader, PdfWriter
from pypdf.generic import NameObject

_CATALOG_KEYS = ("/Metadata", "/OutputIntents", "/Lang")


def _finish(writer: PdfWriter, metadata_source: PdfReader) -> bytes:
    source_root = metadata_source.trailer["/Root"]
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

    Opens the master once; the text pages are parsed once and reused for every file.
    """

    def __init__(self, master: Path, text_pages: int) -> None:
        self.master = PdfReader(master)
        self.text_pages = list(self.master.pages[:text_pages])

    def organisation_pdf(self, signature_page: PageObject) -> tuple[bytes, int]:
        data = combine([*self.text_pages, signature_page], self.master)
        return data, len(self.text_pages) + 1
