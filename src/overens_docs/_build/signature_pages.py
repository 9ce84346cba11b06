"""Stage: every organisation's signature page as PDF, ready to assemble.

From the Word template: the signature pages are rendered in batches of at most
:data:`BATCH_PAGES` (their footers carry no page number: it is stamped as the PDFs are
assembled, see :mod:`overens_docs._pdf.page_numbers`), each converted by a LibreOffice of
its own, one per core for the first batches and fewer after (:func:`libreoffices`), and
checked to hold exactly one page per organisation (:class:`SignaturePipeline`). From a PDF
form: one filled, flattened page per organisation, not numbered (:func:`fill_forms`).

Batches are bounded because LibreOffice's cost per page is lowest around 500 pages (3.6 ms
of CPU a page, with its start) and grows beyond: 6 ms a page and 520 MB for 4,000 pages.
Each batch is rendered just before its conversion starts, so that the building process
holds no more than one rendered batch.
"""

from __future__ import annotations

import contextlib
import gc
import math
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from overens_docs._build.plan import Plan
from overens_docs._build.problems import StageFailed, at, for_organisation, in_template
from overens_docs._domain import Agreement, Organisation
from overens_docs._domain.fingerprint import short_form, text_fingerprint
from overens_docs._errors import OverensError
from overens_docs._findings import Finding, excerpt
from overens_docs._i18n import _
from overens_docs._pdf.convert import PAGES_FILTER, PDF_FILTER, Conversion, timeout_for
from overens_docs._pdf.reading import page_count
from overens_docs._render.context import organisation_context
from overens_docs._render.docx import DocumentTemplate
from overens_docs._targets import display

# The most signature pages one LibreOffice converts (see the module's docstring).
BATCH_PAGES = 500
# What LibreOffice spends on one row of the ceremony list, in signature pages: a list of
# 1,000 organisations took about 6.3 s of CPU, a batch of 500 signature pages about 4.5 s.
LIST_ROW_WEIGHT = 0.7
_POLL = 0.01  # seconds between looks at the running conversions
# LibreOffice's share of a large build's CPU, measured on 10,000 organisations: 37 s of
# 98 s (it converts a page in 3.1 ms and starts in 0.3 s; the rest is this process and the
# workers). On 2 cores one LibreOffice at a time built them as fast as two, in 150 MB less.
LIBREOFFICE_SHARE = 0.4

Notify = Callable[[str], None]


def batch_sizes(count: int, parts: int, extra: float = 0.0) -> list[int]:
    """How many organisations each batch holds: at least ``parts`` batches (one per core
    for a large agreement), none of more than :data:`BATCH_PAGES`, of about equal work
    when the first one also carries ``extra`` pages' worth (the ceremony list); a first
    batch of 0 means the list is converted on its own."""
    parts = max(1, min(count, max(parts, math.ceil((count + extra) / BATCH_PAGES))))
    if parts == 1:
        return [count]
    first = min(count, max(0, round((count + extra) / parts - extra)))
    rest = count - first
    size = -(-rest // (parts - 1))
    return [first] + [min(size, rest - start) for start in range(0, rest, size)]


def libreoffices(cores: int, batch: int) -> int:
    """How many LibreOffices may run when batch number ``batch`` (from 0) is to start, on
    ``cores`` cores: one per core for the first round of batches, which the rest of the
    build waits for; then only LibreOffice's share of the cores (see
    :data:`LIBREOFFICE_SHARE`), at least one. More would not make a large build quicker,
    as every core is busy by then, only take memory (150 MB each) and time from the
    processes that assemble what LibreOffice has made."""
    if batch < cores:
        return cores
    return max(1, math.ceil(cores * LIBREOFFICE_SHARE))


@dataclass(frozen=True, slots=True)
class Converted:
    """A batch of signature pages, converted: its organisations, in order, and its PDF."""

    index: int
    organisations: tuple[Organisation, ...]
    pdf: Path


class SignaturePipeline:
    """LibreOffice converting the text (the published agreement and the master) and every
    batch of signature pages, ``limit`` (the cores) at a time at most (see
    :func:`libreoffices`), each batch rendered when its turn
    comes; every LibreOffice is stopped when ``stack`` closes. With ``signing.layout: list``
    the ceremony list is converted with the first batch (made smaller for it)."""

    def __init__(self, stack: contextlib.ExitStack, text: Sequence[Path],
                 template: DocumentTemplate, organisations: Sequence[Organisation], *,
                 sizes: Sequence[int], limit: int, work: Path, ceremony_list: bytes | None,
                 list_weight: float, timeout: float | None, notify: Notify | None) -> None:
        self._stack, self._template, self._work = stack, template, work
        self._limit, self._timeout, self._notify = max(1, limit), timeout, notify
        self._list, self._list_weight = ceremony_list, list_weight
        self.chunks: list[tuple[Organisation, ...]] = []  # each batch's organisations
        start = 0
        for size in sizes:
            self.chunks.append(tuple(organisations[start:start + size]))
            start += size
        self._pending = deque(enumerate(self.chunks))
        self._running: dict[int, Conversion] = {}
        self._text = self._convert(list(text), PDF_FILTER, 0)
        self._list_pdf: Path | None = None
        self._fill()

    def _convert(self, documents: list[Path], pdf_filter: str, pages: int) -> Conversion:
        return self._stack.enter_context(Conversion(
            documents, self._work, pdf_filter=pdf_filter,
            timeout=timeout_for(pages, self._timeout), notify=self._notify))

    def _fill(self) -> None:
        """Start batches while fewer LibreOffices run than :func:`libreoffices` allows."""
        while (self._pending
               and self._active() < libreoffices(self._limit, self._pending[0][0])):
            index, chunk = self._pending.popleft()
            with_list = index == 0 and self._list is not None
            documents = []
            if chunk:
                path = self._work / f"signatures-{index}.docx"
                path.write_bytes(self._template.render(
                    [organisation_context(o) for o in chunk], include_text=False))
                # Rendering leaves the batch's document in reference cycles (25 MB for 500
                # pages), which only a full collection frees, and those are rare in a
                # build: a 30,000-organisation build carried 100-150 MB of them. Freed
                # now, in about 6 ms (what the workers share is frozen: processes.py).
                gc.collect()
                documents.append(path)
            if with_list and self._list is not None:
                path = self._work / "signature-list.docx"
                path.write_bytes(self._list)
                documents.append(path)
            self._running[index] = self._convert(
                documents, PAGES_FILTER,
                round(len(chunk) + (self._list_weight if with_list else 0)))

    def _active(self) -> int:
        """How many LibreOffices run (a conversion's may have ended before it is taken)."""
        return (not self._text.done()) + sum(not conversion.done()
                                             for conversion in self._running.values())

    def text(self) -> tuple[Path, Path]:
        """The published agreement's PDF and the master's, once converted."""
        agreement_pdf, master_pdf = self._text.wait()
        self._fill()
        return agreement_pdf, master_pdf

    def batches(self) -> Iterator[Converted]:
        """Each batch, in order, once converted; meanwhile the next ones are started as
        LibreOffices end."""
        for index, chunk in enumerate(self.chunks):
            while not self._running[index].done():
                self._fill()
                time.sleep(_POLL)
            outputs = self._running.pop(index).wait()
            self._fill()
            if index == 0 and self._list is not None:
                self._list_pdf = outputs[-1]
            if chunk:
                yield Converted(index, tuple(chunk), outputs[0])

    def list_pdf(self) -> Path | None:
        """The ceremony list's PDF (``signing.layout: list``), once the first batch is in."""
        return self._list_pdf


def check_batch(batch: Converted, plan: Plan) -> None:
    """Raise :class:`StageFailed` unless LibreOffice made one page per organisation (a
    page that runs over is named at its organisation's row)."""
    pages = page_count(batch.pdf)
    if pages != len(batch.organisations):
        raise wrong_page_count(batch, plan, pages)


def wrong_page_count(batch: Converted, plan: Plan, pages: int) -> StageFailed:
    """The failure of a batch that came out as ``pages`` pages, not one per organisation
    (found by :func:`check_batch`, or by whoever opened the batch anyway)."""
    return StageFailed(_overflowing(batch.organisations, batch.pdf, pages, plan))


def _normalised(text: str) -> str:
    return " ".join(text.split())


def _overflowing(organisations: Sequence[Organisation], pdf: Path, pages: int,
                 plan: Plan) -> list[Finding]:
    """The organisations whose signature page runs over onto another page, each at its
    row; found by where each one's name starts in the converted batch. When every one of
    several runs over, what is too long is on the public body's side (or the template)."""
    from pypdf import PdfReader  # noqa: PLC0415 -- text extraction, on this failure path only

    texts = [_normalised(page.extract_text() or "") for page in PdfReader(pdf).pages]
    starts: list[int] = []
    for organisation in organisations:
        marks = [_normalised(mark) for mark in (organisation.name, organisation.org_number)
                 if mark]
        first = starts[-1] + 1 if starts else 0
        found = next((index for index in range(first, len(texts))
                      if any(mark in texts[index] for mark in marks)), None)
        if found is None:  # the text could not be matched: say what is known
            return [in_template(
                plan.template, "signature-page-overflow",
                _("{count} signature pages came out as {pages} pages: one of '{first}' … "
                  "'{last}' does not fit on one page.").format(
                    count=len(organisations), pages=pages, first=excerpt(organisations[0].name),
                    last=excerpt(organisations[-1].name)))]
        starts.append(found)
    ends = [*starts[1:], pages]
    over = [end - start > 1 for start, end in zip(starts, ends, strict=True)]
    if len(organisations) > 1 and all(over):
        party = plan.agreement.public_party
        return [at(party.signatory.place if party.signatory else party.place,
                   "signature-page-overflow",
                   _("No organisation's signature page fits on one page, so what is too long "
                     "is the public body's signatory (name and title) or the template's "
                     "signature section ({template}).").format(template=display(plan.template)))]
    return [for_organisation(
        organisation, "signature-page-overflow",
        _("The signature page of '{name}' takes {pages} pages: its name, representative or "
          "title, with the agreement's title above them, is too long for one page. Shorten it "
          "here, or make the template's signature section smaller.").format(
            name=excerpt(organisation.name), pages=end - start))
        for organisation, start, end in zip(organisations, starts, ends, strict=True)
        if end - start > 1]


def fill_forms(form_path: Path, agreement: Agreement, organisations: Sequence[Organisation],
               work: Path) -> list[Path]:
    """One filled, flattened one-page PDF per organisation, in list order."""
    from overens_docs._render.pdf_form import SignatureForm  # noqa: PLC0415 -- rarely used

    try:
        form = SignatureForm(form_path)
    except OverensError as error:
        raise StageFailed([in_template(form_path, "template-form", str(error))]) from error
    missing = form.missing_fields()
    if missing:
        raise StageFailed([in_template(
            form_path, "template-form-fields",
            _("The form {form} lacks the fields {fields}.").format(
                form=form_path.name, fields=", ".join(missing)))])
    signatory = agreement.public_party.signatory
    findings = []
    filled = []
    for index, organisation in enumerate(organisations):
        values = {
            "title": agreement.title, "public_body": agreement.public_body.name,
            "signatory_name": (signatory.name if signatory else None) or "",
            "signatory_title": signatory.title if signatory else "",
            "org_name": organisation.name, "org_number": organisation.org_number or "",
            "representative": organisation.representative,
            "representative_title": organisation.representative_title,
            # Left empty: a page number here would count differently in the organisation's
            # copy and in the ceremony file; a form's pages are not stamped (its own layout).
            "page_label": "",
            "text_fingerprint": "Textens fingeravtryck: "
                                f"{short_form(text_fingerprint(agreement))}",
        }
        try:
            data = form.fill(values)
        except OverensError as error:
            findings.append(for_organisation(organisation, "template-form-characters",
                                             f"{organisation.name}: {error}"))
            continue
        path = work / f"form-{index}.pdf"
        path.write_bytes(data)
        filled.append(path)
    if findings:
        raise StageFailed(findings)
    return filled
