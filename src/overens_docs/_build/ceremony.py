"""The ceremony file, ``signature-pages.pdf``: every organisation's signature page in list
order, or, with ``signing.layout: list``, one ceremony list of every organisation."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from overens_docs._build.manifest import Listed
from overens_docs._build.plan import Plan
from overens_docs._build.problems import StageFailed, in_template
from overens_docs._i18n import _
from overens_docs._pdf.assemble import Assembler, AssemblyError
from overens_docs._render.context import organisation_context
from overens_docs._render.docx import DocumentTemplate, TemplateError
from overens_docs._targets import display

FILE = "signature-pages.pdf"


def list_document(plan: Plan, template: DocumentTemplate) -> bytes | None:
    """With ``signing.layout: list``, the ceremony list of every listed organisation (also
    with --only: it is one document), rendered from the list template; else None."""
    if plan.signature_list is None:
        return None
    listing = dataclasses.replace(template, path=plan.signature_list)
    try:
        return listing.render([organisation_context(o) for o in plan.everyone],
                              include_text=False)
    except TemplateError as problem:  # the list's template, not the agreement's
        raise StageFailed([in_template(plan.signature_list, problem.rule,
                                       f"{display(plan.signature_list)}: {problem}")],
                          ) from problem


def listed(plan: Plan) -> list[Listed] | None:
    """What the manifest records of the ceremony list: who is on it (for overens verify)."""
    if plan.signature_list is None:
        return None
    return [Listed(o.id, o.name, o.org_number) for o in plan.everyone]


def ceremony_pdf(plan: Plan, assembler: Assembler, master_pdf: Path, text_pages: int,
                 list_pdf: Path | None) -> tuple[bytes, int]:
    """The ceremony file's bytes and pages: the list, or every signature page."""
    if list_pdf is not None:
        return _list_pdf(plan, master_pdf, text_pages, list_pdf)
    return _pages_pdf(plan, assembler)


def _pages_pdf(plan: Plan, assembler: Assembler) -> tuple[bytes, int]:
    """Every organisation's page in list order; with --only, the earlier file with this
    organisation's page replaced, or inserted where it is listed."""
    title = f"{plan.agreement.title} – underskriftssidor"
    if plan.previous is None:
        return assembler.signature_pages_pdf(title=title)
    only = plan.organisations[0].id
    earlier = plan.destination / FILE
    if only in plan.previous.organisations:
        return assembler.signature_pages_pdf(
            earlier, replacing=plan.previous.organisations.index(only), title=title)
    return assembler.signature_pages_pdf(earlier, inserting=plan.listed.index(only),
                                         title=title)


def _list_pdf(plan: Plan, master_pdf: Path, text_pages: int,
              list_pdf: Path) -> tuple[bytes, int]:
    """The ceremony list, made archival as the ceremony file is."""
    try:
        listing = Assembler(master_pdf, text_pages, [list_pdf], salt="list:",
                            page_numbers=False)  # the list prints its own numbers
    except AssemblyError as error:
        raise StageFailed([in_template(
            plan.signature_list or plan.template, "pdf-archival",
            _("LibreOffice's ceremony list cannot be used: {error}.").format(error=error))],
        ) from error
    return listing.whole_pdf(title=f"{plan.agreement.title} – underskriftslista")
