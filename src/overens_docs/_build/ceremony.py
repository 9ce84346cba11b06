"""The ceremony file, ``signature-pages.pdf``: the signature pages of the organisations it
is for (one ceremony's, or everyone's who is to sign: see :mod:`selection`), in list order;
or, with ``signing.layout: list``, one ceremony list of them."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from overens_docs._build.manifest import Ceremony, Listed
from overens_docs._build.plan import CEREMONY_FILE, Plan
from overens_docs._build.problems import StageFailed, in_template
from overens_docs._i18n import _
from overens_docs._pdf.assemble import Assembler, AssemblyError
from overens_docs._render.context import ceremony_context, organisation_context
from overens_docs._render.docx import DocumentTemplate
from overens_docs._render.template_file import TemplateError
from overens_docs._targets import display

FILE = CEREMONY_FILE


def list_document(plan: Plan, template: DocumentTemplate) -> bytes | None:
    """With ``signing.layout: list``, the ceremony list of the organisations the ceremony
    file is for (also with --only: it is one document), rendered from the list template;
    else None."""
    ceremony = plan.ceremony
    if plan.signature_list is None or ceremony is None:
        return None
    listing = dataclasses.replace(template, path=plan.signature_list)
    try:
        return listing.render([organisation_context(o) for o in ceremony.organisations],
                              include_text=False,
                              ceremony=ceremony_context(ceremony.date, ceremony.place))
    except TemplateError as problem:  # the list's template, not the agreement's
        raise StageFailed([in_template(plan.signature_list, problem.rule,
                                       f"{display(plan.signature_list)}: {problem}")],
                          ) from problem


def list_rows(plan: Plan) -> int:
    """How many organisations the ceremony list holds (0: no list)."""
    ceremony = plan.ceremony
    return 0 if plan.signature_list is None or ceremony is None else len(ceremony.organisations)


def listed(plan: Plan) -> list[Listed] | None:
    """What the manifest records of the ceremony list: who is on it (for overens verify)."""
    if plan.signature_list is None or plan.ceremony is None:
        return None
    return [Listed(o.id, o.name, o.org_number) for o in plan.ceremony.organisations]


def recorded(plan: Plan) -> Ceremony | None:
    """What the manifest records of the ceremony file: whose pages, which ceremony."""
    ceremony = plan.ceremony
    if ceremony is None:
        return None
    return Ceremony(None if ceremony.date is None else ceremony.date.isoformat(), ceremony.ids)


def made(plan: Plan) -> bool:
    """Whether this build makes the ceremony file: there is one, and with --only, it holds
    that organisation's page (else the earlier file stays as it is)."""
    ceremony = plan.ceremony
    if ceremony is None:
        return False
    return plan.complete or plan.signature_list is not None or (
        plan.organisations[0].id in ceremony.ids)


def ceremony_pdf(plan: Plan, assembler: Assembler, master_pdf: Path, text_pages: int,
                 list_pdf: Path | None) -> tuple[bytes, int]:
    """The ceremony file's bytes and pages: the list, or the signature pages."""
    if list_pdf is not None:
        return _list_pdf(plan, master_pdf, text_pages, list_pdf)
    return _pages_pdf(plan, assembler)


def _pages_pdf(plan: Plan, assembler: Assembler) -> tuple[bytes, int]:
    """The ceremony's organisations' pages in list order; with --only, the earlier file with
    this organisation's page replaced, or inserted where it belongs."""
    title = f"{plan.agreement.title} – underskriftssidor"
    ceremony = plan.ceremony
    assert ceremony is not None  # noqa: S101 -- see made()
    if plan.previous is None:
        built = [organisation.id for organisation in plan.organisations]
        if built == ceremony.ids:
            return assembler.signature_pages_pdf(title=title)
        return assembler.signature_pages_pdf(
            title=title, selection=[built.index(identifier) for identifier in ceremony.ids])
    only = plan.organisations[0].id
    earlier = plan.destination / FILE
    if only in plan.previous.ceremony_ids:
        return assembler.signature_pages_pdf(
            earlier, replacing=plan.previous.ceremony_ids.index(only), title=title)
    return assembler.signature_pages_pdf(earlier, inserting=ceremony.ids.index(only),
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
