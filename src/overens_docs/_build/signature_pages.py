"""Stage: every organisation's signature page as PDF, ready to assemble.

From the Word template: the signature pages are rendered as one .docx per CPU core, with
their page number still a placeholder (LibreOffice has not yet counted the text's pages),
converted side by side, and checked to hold exactly one page per organisation with every
font embedded. From a PDF form: one filled, flattened page per organisation.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from overens_docs._assemble import Assembler
from overens_docs._build.organisation_files import SignaturePage
from overens_docs._build.problems import StageFailed, for_organisation, in_template
from overens_docs._check import page_problems
from overens_docs._convert import PAGES_FILTER, convert_parallel
from overens_docs._domain import Agreement, Organisation
from overens_docs._errors import OverensError
from overens_docs._render.context import organisation_context
from overens_docs._render.docx import DocumentTemplate
from overens_docs._render.personalise import PAGE_NUMBER_PLACEHOLDER, fill_page_number


@dataclass(frozen=True, slots=True)
class Batch:
    """Consecutive organisations whose signature pages are one .docx, converted together."""

    organisations: tuple[Organisation, ...]
    document: bytes  # rendered, the page number a placeholder


def render_batches(template: DocumentTemplate, organisations: Sequence[Organisation],
                   parts: int) -> list[Batch]:
    """The signature pages in ``parts`` batches of consecutive organisations."""
    if not organisations:
        return []
    size = -(-len(organisations) // max(1, parts))
    chunks = [tuple(organisations[start:start + size])
              for start in range(0, len(organisations), size)]
    return [Batch(chunk, template.render([organisation_context(o) for o in chunk],
                                         include_text=False,
                                         signature_page_number=PAGE_NUMBER_PLACEHOLDER))
            for chunk in chunks]


def convert_batches(batches: Sequence[Batch], work: Path, page_number: int,  # noqa: PLR0913
                    profile: Path, *, timeout: float | None,
                    notify: Callable[[str], None] | None) -> list[Path]:
    """Each batch as PDF, all converted at once, each LibreOffice from a copy of ``profile``."""
    documents = []
    for index, batch in enumerate(batches):
        path = work / f"signatures-{index}.docx"
        path.write_bytes(fill_page_number(batch.document, page_number))
        documents.append([path])
    if not documents:
        return []
    converted = convert_parallel(documents, work, pdf_filter=PAGES_FILTER, seed_profile=profile,
                                 timeout=timeout, notify=notify)
    return [pdfs[0] for pdfs in converted]


def check_batches(batches: Sequence[Batch], assembler: Assembler, template: Path) -> None:
    """Raise :class:`StageFailed` unless LibreOffice made one page per organisation, with
    embedded fonts (the batches are not exported as PDF/A, which would have insisted)."""
    for batch, document, pages in zip(batches, assembler.signatures,
                                      assembler.signature_counts, strict=True):
        chunk = batch.organisations
        if pages != len(chunk):
            raise StageFailed([in_template(
                template, "signature-page-overflow",
                f"{len(chunk)} signature pages came out as {pages} pages: one of "
                f"{chunk[0].name!r} … {chunk[-1].name!r} does not fit on one page.")])
        for issue in page_problems(document):
            raise StageFailed([in_template(
                template, "pdf-archival",
                f"LibreOffice's signature pages are not fit to archive: {issue}.")])


def positions(batches: Sequence[Sequence[Organisation]]) -> list[tuple[Organisation,
                                                                       SignaturePage]]:
    """Each organisation with where its signature page is, in list order."""
    return [(organisation, SignaturePage(batch, page))
            for batch, organisations in enumerate(batches)
            for page, organisation in enumerate(organisations)]


def fill_forms(form_path: Path, agreement: Agreement, organisations: Sequence[Organisation],
               work: Path, page_number: int) -> list[Path]:
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
            f"The form {form_path.name} lacks the fields {', '.join(missing)}.")])
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
            "page_label": f"sida {page_number} av {page_number}",
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
