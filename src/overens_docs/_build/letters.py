"""Stage: the letters to the organisations to invite or remind, and the mailing list.

A letter each (``letters/<name>.pdf`` and ``.docx``), made when ``agreement.yaml`` says
what letters say (``invitation``): every letter is rendered into one Word document from the
letter template (``letter.docx`` beside the Word template, else the default's), converted
by one LibreOffice run to PDF/A, checked to hold one page per letter, and split into one
PDF per organisation that keeps its page's structure (tagged) and is checked as every
delivered PDF is. Each organisation's Word letter is a fast copy (:mod:`personalise`).

The mailing list, ``letters/mailing-list.csv``, has a row for every organisation to invite
or remind, letters or not. The ``letters/`` folder holds personal data (e-mail addresses,
phone numbers): it is for the officer, not for publishing.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

from overens_docs._build.manifest import Manifest
from overens_docs._build.output import write_staged
from overens_docs._build.plan import Plan
from overens_docs._build.problems import StageFailed, at, in_template
from overens_docs._i18n import _
from overens_docs._pdf.assemble import Assembler, AssemblyError, Batch
from overens_docs._pdf.check import delivered_organisation_pdf, problems
from overens_docs._pdf.convert import PDF_FILTER, Conversion, timeout_for
from overens_docs._pdf.master import Master
from overens_docs._pdf.reading import page_count
from overens_docs._render.context import organisation_context
from overens_docs._render.docx import DocumentTemplate
from overens_docs._render.mailing_list import mailing_list_csv
from overens_docs._render.personalise import Personaliser
from overens_docs._render.template_file import TemplateError
from overens_docs._reproducible import normalise_pdf

FOLDER = "letters"
MAILING_LIST = f"{FOLDER}/mailing-list.csv"


@dataclass
class Letters:
    """The letters, rendered and being converted (see :func:`start`)."""

    template: DocumentTemplate
    conversion: Conversion


def start(stack: ExitStack, plan: Plan, template: DocumentTemplate, work: Path,
          notify: Callable[[str], None] | None) -> Letters | None:
    """Render every letter into one document and start converting it (stopped when
    ``stack`` closes); None when this build makes no letters."""
    if plan.letters is None:
        return None
    letter = dataclasses.replace(template, path=plan.letters)
    try:
        data = letter.render([organisation_context(o) for o in plan.recipients],
                             include_text=False)
    except TemplateError as problem:
        raise StageFailed([in_template(plan.letters, problem.rule, str(problem))]) from problem
    folder = work / FOLDER
    folder.mkdir()
    document = folder / "letters.docx"
    document.write_bytes(data)
    conversion = stack.enter_context(Conversion(
        [document], folder, pdf_filter=PDF_FILTER,
        timeout=timeout_for(len(plan.recipients), plan.timeout), notify=notify))
    return Letters(letter, conversion)


def finish(plan: Plan, letters: Letters | None, staging: Path, manifest: Manifest) -> None:
    """Each letter as PDF and Word file, and the mailing list, into ``staging``."""
    if not plan.complete or not plan.recipients:
        return
    if letters is not None:
        _letters(plan, letters, staging, manifest)
    data = mailing_list_csv(plan.recipients, plan.contacts, letters=letters is not None)
    write_staged(staging / MAILING_LIST, data)
    manifest.add(MAILING_LIST, data, kind="mailing-list-csv", pages=None)


def _letters(plan: Plan, letters: Letters, staging: Path, manifest: Manifest) -> None:
    (pdf,) = letters.conversion.wait()
    invitation = plan.agreement.invitation
    assert invitation is not None and plan.letters is not None  # noqa: S101 -- see plan
    found = problems(pdf)
    if found:
        raise StageFailed([in_template(plan.letters, "pdf-archival", _(
            "LibreOffice's letters are not fit to archive: {problem}.").format(
                problem="; ".join(found)))])
    normalise_pdf(pdf, plan.date)
    if page_count(pdf) != len(plan.recipients):
        raise StageFailed([at(invitation.written, "letter-overflow", _(
            "The {count} letters came out as {pages} pages: a letter must fit on one page. "
            "Shorten the invitation's texts, or the letter template ({template}).").format(
                count=len(plan.recipients), pages=page_count(pdf), template=plan.letters.name))])
    try:
        master = Master(pdf, 0, page_numbers=False)  # no text pages: only the catalog
    except AssemblyError as error:
        raise StageFailed([in_template(plan.letters, "pdf-archival", str(error))]) from error
    split = Assembler(master)
    personaliser = Personaliser(letters.template)
    personaliser.prove(plan.recipients)
    batch = Batch(pdf, "letter:")
    try:
        for index, organisation in enumerate(plan.recipients):
            data, pages, found = split.organisation_pdf(
                batch, index, f"letter:{organisation.id}",
                check=lambda document: delivered_organisation_pdf(document, pages=1),
                title=f"{plan.agreement.title} – brev till {organisation.name}")
            if found:
                raise StageFailed([in_template(plan.letters, "pdf-archival", _(
                    "The letter to {name} is not fit to deliver: {problems}.").format(
                        name=organisation.name, problems="; ".join(found)))])
            for suffix, content, kind, count in (("pdf", data, "letter-pdf", pages), (
                    "docx", personaliser.document(organisation), "letter-docx", None)):
                relative = f"{FOLDER}/{organisation.file_stem}.{suffix}"
                write_staged(staging / relative, content)
                manifest.add(relative, content, kind=kind, pages=count,
                             organisation=organisation.id)
    finally:
        split.close()
        master.close()
