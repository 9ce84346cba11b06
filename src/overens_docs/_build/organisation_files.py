"""Stage: each organisation's two files, its .docx and its PDF, written into staging.

The functions here run in worker processes or in the building one (see :mod:`processes`):
they take an explicit state and one organisation's job, and return a typed record of what
they made, or why they could not. An organisation is always known by itself, never by its
position in a list.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from overens_docs._pdf.assemble import Assembler
from overens_docs._build.manifest import FileRecord
from overens_docs._build.output import write_staged
from overens_docs._pdf.check import (
    KnownContent,
    archival_problems,
    delivered_organisation_pdf,
    page_problems,
    pages_accessibility,
    structure_problems,
)
from overens_docs._domain import Organisation
from overens_docs._i18n import _
from overens_docs._render.personalise import Personaliser

FOLDER = "organisations"


@dataclass(frozen=True, slots=True)
class SignaturePage:
    """Where an organisation's signature page is: page ``page`` of signature PDF ``batch``."""

    batch: int
    page: int


@dataclass(frozen=True, slots=True)
class PdfJob:
    organisation: Organisation
    signature: SignaturePage
    sequence: int  # its place among the copies (see overens_docs._pdf.assemble.COPIES_PER_BASE)


@dataclass(frozen=True, slots=True)
class Made:
    """One file made for one organisation: its record, or the reason it could not be made."""

    organisation: Organisation
    record: FileRecord | None
    error: str | None = None
    # Of a PDF: what its signature page's content holds, by content_key (for the check of
    # the ceremony file, whose page for this organisation has the same content).
    content: KnownContent | None = None


@dataclass
class DocxState:
    """What writing .docx files needs: a proven :class:`Personaliser` and the staging folder."""

    staging: Path
    personaliser: Personaliser

    def start(self) -> None:
        (self.staging / FOLDER).mkdir(parents=True, exist_ok=True)


@dataclass
class PdfState:
    """What assembling PDFs needs: the master and the signature PDFs, opened, and what is
    wrong with the text pages that every organisation's PDF shares.

    The building process hands over its own :class:`Assembler` and calls :meth:`start`
    before the workers start: forked workers share both with it then (its PDFs are read
    without a file position, see :func:`overens_docs._pdf.assemble._open`). A spawned worker
    receives neither and opens the PDFs itself."""

    staging: Path
    master: Path
    text_pages: int
    signature_pdfs: tuple[Path, ...]
    title: str  # the agreement's; each copy's is "<title> – <organisation>"
    page_numbers: bool = True  # stamp the signature page's number
    assembler: Assembler | None = field(default=None, repr=False)
    text_problems: list[str] | None = field(default=None, repr=False)

    def start(self) -> None:
        if self.assembler is None:
            self.assembler = Assembler(self.master, self.text_pages, self.signature_pdfs,
                                       page_numbers=self.page_numbers)
        if self.text_problems is None:
            text = self.assembler.text_document()  # the same pages in every organisation's PDF
            self.text_problems = (archival_problems(text) + page_problems(text)
                                  + pages_accessibility(text)
                                  + structure_problems(text, ua=False))

    def __getstate__(self) -> dict[str, object]:
        return {**self.__dict__, "assembler": None}  # opened again by start()


def _relative(organisation: Organisation, suffix: str) -> str:
    return f"{FOLDER}/{organisation.file_stem}.{suffix}"


def write_docx(state: DocxState, organisation: Organisation) -> Made:
    relative = _relative(organisation, "docx")
    try:
        data = state.personaliser.document(organisation)
        write_staged(state.staging / relative, data)
    except Exception as error:  # noqa: BLE001 -- reported by organisation, never swallowed
        return Made(organisation, None, f"{type(error).__name__}: {error}")
    return Made(organisation, FileRecord.of(relative, data, kind="organisation-docx",
                                            pages=None, organisation=organisation.id))


def write_pdf(state: PdfState, job: PdfJob) -> Made:
    """Assemble, check and write one organisation's PDF."""
    assert state.assembler is not None  # noqa: S101 -- start() ran in this process
    organisation = job.organisation
    relative = _relative(organisation, "pdf")
    expected = state.text_pages + 1
    seen: KnownContent = {}
    try:
        data, pages, found = state.assembler.organisation_pdf(
            job.signature.batch, job.signature.page, organisation.id,
            check=lambda document: delivered_organisation_pdf(document, pages=expected,
                                                              known=seen),
            title=f"{state.title} – {organisation.name}", sequence=job.sequence)
        found = (state.text_problems or []) + found
        if found:
            return Made(organisation, None, _("its PDF is not fit to deliver: {problems}")
                        .format(problems="; ".join(found)))
        write_staged(state.staging / relative, data)
    except Exception as error:  # noqa: BLE001 -- reported by organisation, never swallowed
        return Made(organisation, None, f"{type(error).__name__}: {error}")
    return Made(organisation, FileRecord.of(relative, data, kind="organisation-pdf",
                                            pages=pages, organisation=organisation.id),
                content=seen)
