"""Stage: every organisation's signature page as PDF, ready to assemble.

From the Word template: the signature pages are rendered as one .docx per CPU core (their
footers carry no page number: it is stamped as the PDFs are assembled, see
:mod:`overens_docs._pdf.page_numbers`), converted side by side, and checked to hold exactly
one page per organisation with every font embedded. From a PDF form: one filled,
flattened page per organisation, not numbered.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from overens_docs._pdf.assemble import Assembler
from overens_docs._build.organisation_files import SignaturePage
from overens_docs._build.plan import Plan
from overens_docs._build.problems import StageFailed, at, for_organisation, in_template
from overens_docs._pdf.check import page_problems
from overens_docs._pdf.convert import PAGES_FILTER, PDF_FILTER, Conversion, timeout_for
from overens_docs._domain import Agreement, Organisation
from overens_docs._domain.fingerprint import short_form, text_fingerprint
from overens_docs._errors import OverensError
from overens_docs._findings import Finding, excerpt
from overens_docs._i18n import _
from overens_docs._render.context import organisation_context
from overens_docs._render.docx import DocumentTemplate
from overens_docs._targets import display


# What LibreOffice spends on one row of the ceremony list, in signature pages: a list of
# 1,000 organisations took about 6.3 s of CPU, a batch of 500 signature pages about 4.5 s.
LIST_ROW_WEIGHT = 0.7


@dataclass(frozen=True, slots=True)
class Batch:
    """Consecutive organisations whose signature pages are one .docx, converted together."""

    organisations: tuple[Organisation, ...]
    document: bytes  # rendered
    with_list: bool = False  # its LibreOffice also converts the ceremony list


def batch_sizes(count: int, parts: int, extra: float = 0.0) -> list[int]:
    """How many organisations each batch holds, so that every LibreOffice has about the same
    work when the first one also converts ``extra`` pages' worth (the ceremony list); a
    first batch of 0 means the list is converted on its own."""
    parts = max(1, min(parts, count))
    if parts == 1:
        return [count]
    first = min(count, max(0, round((count + extra) / parts - extra)))
    rest = count - first
    size = -(-rest // (parts - 1))
    return [first] + [min(size, rest - start) for start in range(0, rest, size)]


def _render(template: DocumentTemplate, organisations: Sequence[Organisation],
            sizes: Sequence[int], list_rows: int) -> Iterator[Batch]:
    """The batches of ``sizes`` consecutive organisations, each rendered when asked for."""
    start = 0
    for index, size in enumerate(sizes):
        chunk = tuple(organisations[start:start + size])
        start += size
        yield Batch(chunk, template.render([organisation_context(o) for o in chunk],
                                           include_text=False) if chunk else b"",
                    with_list=index == 0 and list_rows > 0)


def _documents(batch: Batch, index: int, work: Path, ceremony_list: bytes | None) -> list[Path]:
    """``batch`` (and the ceremony list, if it carries it) written as .docx for LibreOffice."""
    documents = []
    if batch.organisations:
        path = work / f"signatures-{index}.docx"
        path.write_bytes(batch.document)
        documents.append(path)
    if batch.with_list and ceremony_list is not None:
        path = work / "signature-list.docx"
        path.write_bytes(ceremony_list)
        documents.append(path)
    return documents


@dataclass
class Conversions:
    """LibreOffice converting the text and the signature pages: see :func:`start`. Each
    LibreOffice is waited for once, when its first PDF is asked for."""

    batches: list[Batch]  # those with organisations, in order
    _running: list[Conversion]
    _signatures: list[tuple[int, int]]  # per batch: (conversion, output)
    _list: tuple[int, int] | None  # the ceremony list's
    _done: dict[int, list[Path]] = field(default_factory=dict)

    def _output(self, conversion: int, output: int) -> Path:
        if conversion not in self._done:
            self._done[conversion] = self._running[conversion].wait()
        return self._done[conversion][output]

    def text(self) -> tuple[Path, Path]:
        """The published agreement's PDF and the master's."""
        return self._output(0, 0), self._output(0, 1)

    def signatures(self) -> tuple[list[Path], Path | None]:
        """Each batch's PDF, in order, and the ceremony list's (``signing.layout: list``)."""
        return ([self._output(*place) for place in self._signatures],
                self._output(*self._list) if self._list is not None else None)


def start(stack: contextlib.ExitStack, text: Sequence[Path], template: DocumentTemplate,  # noqa: PLR0913
          organisations: Sequence[Organisation], *, parts: int, work: Path,
          ceremony_list: bytes | None, list_rows: int, form: bool, timeout: float | None,
          notify: Callable[[str], None] | None) -> Conversions:
    """Start converting the ``text`` documents (the published agreement and the master) and
    the signature pages of ``organisations``, rendered in ``parts`` batches; each
    LibreOffice is stopped when ``stack`` closes.

    LibreOffice spends about 0.4 s of CPU starting, as much as on 80 signature pages, so
    no more of them run than there are cores. With several batches (a large agreement),
    the first batch is rendered first and converted after the text by the same
    LibreOffice; each other batch by one of its own, started as soon as it is rendered.
    With one batch (a small agreement), the text's LibreOffice starts at once and the
    batch has one of its own beside it. The ceremony list goes with the first batch (made
    smaller for it); with ``form`` (a PDF form), only the text is converted.
    """
    if form:
        return Conversions([], [stack.enter_context(Conversion(
            text, work, timeout=timeout_for(0, timeout), notify=notify))],
            [], None)
    weight = LIST_ROW_WEIGHT * list_rows
    sizes = batch_sizes(len(organisations), parts, weight)
    pending = _render(template, organisations, sizes, list_rows)
    running: list[Conversion] = []
    places: list[tuple[int, int]] = []
    listing: tuple[int, int] | None = None
    if len(sizes) == 1:
        running.append(stack.enter_context(Conversion(
            text, work, timeout=timeout_for(0, timeout), notify=notify)))
    batches = []
    for index, batch in enumerate(pending):
        documents = _documents(batch, index, work, ceremony_list)
        limit = timeout_for(round(len(batch.organisations) + (weight if batch.with_list else 0)),
                            timeout)
        # The first batch after the text, by its LibreOffice and so with its filter (PDF/A
        # and PDF/UA: one filter per LibreOffice; assembly takes pages from either).
        leading = list(text) if index == 0 and not running else []
        running.append(stack.enter_context(Conversion(
            [*leading, *documents], work, pdf_filter=PDF_FILTER if leading else PAGES_FILTER,
            timeout=limit, notify=notify)))
        first = len(leading)
        if batch.organisations:
            batches.append(batch)
            places.append((len(running) - 1, first))
        if batch.with_list and ceremony_list is not None:
            listing = (len(running) - 1, first + (1 if batch.organisations else 0))
    return Conversions(batches, running, places, listing)


def check_batches(batches: Sequence[Batch], pdfs: Sequence[Path], assembler: Assembler,
                  plan: Plan) -> None:
    """Raise :class:`StageFailed` unless LibreOffice made one page per organisation, with
    embedded fonts (the batches are not exported as PDF/A, which would have insisted)."""
    for batch, pdf, document, pages in zip(batches, pdfs, assembler.signatures,
                                           assembler.signature_counts, strict=True):
        chunk = batch.organisations
        if pages != len(chunk):
            raise StageFailed(_overflowing(chunk, pdf, pages, plan))
        for issue in page_problems(document):
            raise StageFailed([in_template(
                plan.template, "pdf-archival",
                _("LibreOffice's signature pages are not fit to archive: {problem}.").format(
                    problem=issue))])


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


def positions(batches: Sequence[Sequence[Organisation]]) -> list[tuple[Organisation,
                                                                       SignaturePage]]:
    """Each organisation with where its signature page is, in list order."""
    return [(organisation, SignaturePage(batch, page))
            for batch, organisations in enumerate(batches)
            for page, organisation in enumerate(organisations)]


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
