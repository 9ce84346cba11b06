"""The ceremony file, ``signature-pages.pdf``: every organisation's signature page in list
order, or, with ``signing.layout: list``, one ceremony list of every organisation."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from overens_docs._build.manifest import Listed
from overens_docs._build.plan import Plan
from overens_docs._build.problems import StageFailed, in_template
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
