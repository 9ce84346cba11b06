"""The ceremony file, ``signature-pages.pdf``: the signature pages of the organisations it
is for (one ceremony's, or everyone's who is to sign: see :mod:`selection`), in list order;
or, with ``signing.layout: list``, one ceremony list of them."""

from __future__ import annotations

import dataclasses

from overens_docs._build.manifest import Ceremony, Listed
from overens_docs._build.plan import CEREMONY_FILE, Plan
from overens_docs._build.problems import StageFailed, in_template
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
