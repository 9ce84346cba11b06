"""Stage: each organisation's two files, its .docx and its PDF, written into staging.

The functions here run in worker processes or in the building one (see :mod:`processes`):
they take an explicit state and a job (a run of organisations), and return a typed record
per organisation of what they made, or why they could not. An organisation is always known
by itself, never by its position in a list.

A worker opens what it needs when its first job needs it (the master PDF, then each
signature batch, one at a time: see :class:`~overens_docs._pdf.assemble.Assembler`), so
that its memory does not depend on how many organisations there are.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from overens_docs._build.manifest import FileRecord
from overens_docs._build.output import write_staged
from overens_docs._domain import Organisation
from overens_docs._i18n import _
from overens_docs._pdf.assemble import Assembler, Batch
from overens_docs._pdf.check import (
    KnownContent,
    archival_problems,
    delivered_organisation_pdf,
    page_problems,
    pages_accessibility,
    structure_problems,
)
from overens_docs._pdf.master import Master
from overens_docs._render.personalise import Personaliser

FOLDER = "organisations"


@dataclass(frozen=True, slots=True)
class Copy:
    """One organisation's PDF to make: its signature page is page ``page`` of ``batch``,
    and ``sequence`` its place among all copies (see
    :data:`~overens_docs._pdf.assemble.COPIES_PER_BASE`)."""

    organisation: Organisation
    batch: Batch
    page: int
    sequence: int
    known: KnownContent  # what its signature page's content holds (parsed once already)


@dataclass(frozen=True, slots=True)
class PdfJob:
    """PDFs of consecutive organisations; ``text_pages``: the master's pages before its
    signature page."""

    copies: tuple[Copy, ...]
    text_pages: int


@dataclass(frozen=True, slots=True)
class Made:
    """One file made for one organisation (its id: this is sent back from a worker, and
    thousands of them are kept until the build ends, so not the whole organisation): its
    record, or the reason it could not be made."""

    organisation: str
    record: FileRecord | None
    error: str | None = None


@dataclass
class CopyState:
    """What making the copies needs, the same in every worker: where to write, the proven
    :class:`Personaliser`, and the master PDF (opened by each worker at its first PDF)."""

    staging: Path
    personaliser: Personaliser
    master: Path
    title: str  # the agreement's; each copy's is "<title> – <organisation>"
    page_numbers: bool = True  # stamp the signature page's number
    _assembler: Assembler | None = field(default=None, repr=False)
    _text_problems: list[str] = field(default_factory=list, repr=False)

    def start(self) -> None:
        (self.staging / FOLDER).mkdir(parents=True, exist_ok=True)

    def assembler(self, text_pages: int) -> tuple[Assembler, list[str]]:
        """This process's assembler, opened at the first PDF, and what is wrong with the
        text pages every organisation's PDF shares (checked then, once)."""
        if self._assembler is None:
            master = Master(self.master, text_pages, page_numbers=self.page_numbers)
            self._assembler = Assembler(master)
            text = self._assembler.text_document()
            self._text_problems = (archival_problems(text) + page_problems(text)
                                   + pages_accessibility(text)
                                   + structure_problems(text, ua=False))
        return self._assembler, self._text_problems

    def release(self) -> None:
        """Close the batch this process holds open (after a job)."""
        if self._assembler is not None:
            self._assembler.close()

    def __getstate__(self) -> dict[str, object]:
        return {**self.__dict__, "_assembler": None}  # opened again in each process


def _relative(organisation: Organisation, suffix: str) -> str:
    return f"{FOLDER}/{organisation.file_stem}.{suffix}"


def write_docx(state: CopyState, organisations: tuple[Organisation, ...]) -> list[Made]:
    return [_docx(state, organisation) for organisation in organisations]


def _docx(state: CopyState, organisation: Organisation) -> Made:
    relative = _relative(organisation, "docx")
    try:
        data = state.personaliser.document(organisation)
        write_staged(state.staging / relative, data)
    except Exception as error:  # noqa: BLE001 -- reported by organisation, never swallowed
        return Made(organisation.id, None, f"{type(error).__name__}: {error}")
    return Made(organisation.id, FileRecord.of(relative, data, kind="organisation-docx",
                                            pages=None, organisation=organisation.id))


def write_pdf(state: CopyState, job: PdfJob) -> list[Made]:
    """Assemble, check and write the PDFs of ``job``'s organisations; then close the batch
    they came from (a job is a batch's copies, and the next job another batch's)."""
    made = [_pdf(state, job, copy) for copy in job.copies]
    state.release()
    return made


def _pdf(state: CopyState, job: PdfJob, copy: Copy) -> Made:
    organisation = copy.organisation
    relative = _relative(organisation, "pdf")
    expected = job.text_pages + 1
    known = dict(copy.known)
    try:
        assembler, text_problems = state.assembler(job.text_pages)
        data, pages, found = assembler.organisation_pdf(
            copy.batch, copy.page, organisation.id,
            check=lambda document: delivered_organisation_pdf(document, pages=expected,
                                                              known=known),
            title=f"{state.title} – {organisation.name}", sequence=copy.sequence)
        found = text_problems + found
        if found:
            return Made(organisation.id, None, _("its PDF is not fit to deliver: {problems}")
                        .format(problems="; ".join(found)))
        write_staged(state.staging / relative, data)
    except Exception as error:  # noqa: BLE001 -- reported by organisation, never swallowed
        return Made(organisation.id, None, f"{type(error).__name__}: {error}")
    return Made(organisation.id, FileRecord.of(relative, data, kind="organisation-pdf",
                                            pages=pages, organisation=organisation.id))
