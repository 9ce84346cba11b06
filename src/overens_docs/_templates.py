"""``overens template``: start a kommun's own Word template from the default, and check one.

``new`` copies the default template (the committed ``templates/default/agreement.docx``,
from a checkout or from inside an installed package). ``check`` compares a template with
the names a real build gives it: the render context is made by the same code a build uses
(:mod:`overens_docs._render.context`), from a given agreement folder or from the sample in
``templates/check-sample/``, in which every optional value is set.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from overens_docs._domain.template_files import DEFAULT_TEMPLATE
from overens_docs._errors import UsageError
from overens_docs._findings import Report
from overens_docs._i18n import _
from overens_docs._package_data import data_dir
from overens_docs._read import read_paths
from overens_docs._render.context import (
    Context,
    agreement_context,
    organisation_context,
    render_context,
)
from overens_docs._render.template_check import check_template
from overens_docs._targets import display, present

SAMPLE = "check-sample"  # under templates/


def new_template(destination: Path, *, force: bool = False) -> Path:
    """Write a copy of the default template to ``destination`` (a ``.docx`` name), in one
    step: a file is either whole or not there. Raises :class:`UsageError` for a name that
    is not ``.docx``, a file that exists (unless ``force``) or a folder that does not."""
    if destination.suffix.lower() != ".docx":
        raise UsageError(_("{file}: a Word template's name ends in .docx.").format(
            file=destination))
    if destination.is_dir():
        raise UsageError(_("{file} is a folder: give the name of the new template.").format(
            file=destination))
    if destination.exists() and not force:
        raise UsageError(_("{file} exists already: choose another name, or add --force to "
                           "replace it.").format(file=destination))
    if not destination.parent.is_dir():
        raise UsageError(_("{folder}: no such folder.").format(folder=destination.parent))
    data = (data_dir("templates") / DEFAULT_TEMPLATE).read_bytes()
    descriptor, temporary = tempfile.mkstemp(prefix=".overens-", suffix=".docx",
                                             dir=destination.parent)
    try:
        with os.fdopen(descriptor, "wb") as file:
            file.write(data)
        os.chmod(temporary, 0o666 & ~_umask())  # noqa: PTH101 -- as an ordinary new file
        Path(temporary).replace(destination)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return destination


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def sample_context(agreement_folder: Path | None = None) -> tuple[Context | None, Report]:
    """The context a build of ``agreement_folder`` (default: the sample) gives a template;
    None, with the agreement's findings, when it is not valid."""
    folder = agreement_folder or data_dir("templates") / SAMPLE
    if not folder.is_dir():
        raise UsageError(_("{folder}: --agreement takes an agreement folder.").format(
            folder=folder))
    inputs = read_paths([folder])
    if len(inputs.agreements) != 1 or inputs.report.fails():
        return None, inputs.report
    agreement, organisations = inputs.agreements[0].whole("template check")
    report = inputs.report
    context = render_context(agreement_context(agreement),
                             [organisation_context(o) for o in organisations],
                             include_text=True)
    return context, report


def check_template_file(template: Path, agreement_folder: Path | None = None) -> Report:
    """Every problem of the Word template ``template`` (see
    :mod:`overens_docs._render.template_check`), or the findings that make
    ``agreement_folder`` unusable for the check."""
    if not present(template):
        raise UsageError(_("{file}: no such file.").format(file=template))
    context, report = sample_context(agreement_folder)
    if context is None:
        return report
    checked = Report(files=[display(template)])
    checked.extend(check_template(template, display(template), context))
    return checked
