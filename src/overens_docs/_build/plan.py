"""Stage: plan a build: what to build, from which templates, and where.

The destination is ``OUT/<agreement id>/``. A build replaces that folder wholesale, so the
plan refuses a destination that is, contains or lies inside an input (the agreement
folder, the templates), and one that exists but was not written by an earlier build (it
holds no manifest of ours): a build never replaces anything it did not write.
"""

from __future__ import annotations

import datetime
import os
from dataclasses import dataclass
from pathlib import Path

from overens_docs._build.manifest import MANIFEST, Manifest, ManifestProblem, read_manifest
from overens_docs._build.problems import at
from overens_docs._domain import Agreement, Organisation, SignatureLayout
from overens_docs._domain.fingerprint import short_form, text_fingerprint
from overens_docs._domain.template_files import DEFAULT_TEMPLATE, document_template
from overens_docs._errors import OverensError, UsageError
from overens_docs._findings import Finding
from overens_docs._i18n import _
from overens_docs._package_data import data_dir
from overens_docs._reproducible import build_date
from overens_docs._targets import display, unknown_id

# The ceremony list (signing.layout: list): beside the Word template, else the default's.
LIST_TEMPLATE = "signature-list.docx"


class BuildRefused(OverensError):
    """The build is refused as asked, with findings that say why (exit code 1)."""

    def __init__(self, findings: list[Finding]) -> None:
        super().__init__("; ".join(finding.message for finding in findings))
        self.findings = findings


@dataclass(frozen=True, slots=True)
class Plan:
    agreement: Agreement
    organisations: tuple[Organisation, ...]  # the ones to build: all, or --only's one
    destination: Path
    template: Path
    form: Path | None  # a PDF form for the signature pages, instead of the Word template's
    text_fingerprint: str
    everyone: tuple[Organisation, ...]  # every listed organisation, in list order
    previous: Manifest | None = None  # with --only: the build it updates
    timeout: float | None = None  # seconds per LibreOffice run (None: by its pages)
    signature_list: Path | None = None  # the ceremony list's template (layout: list)

    @property
    def listed(self) -> tuple[str, ...]:
        """Every organisation's id, in list order."""
        return tuple(organisation.id for organisation in self.everyone)

    @property
    def complete(self) -> bool:
        """False with --only: only that organisation's files (and the ceremony file's page)
        are made, into the previous build."""
        return self.previous is None

    @property
    def date(self) -> datetime.datetime:
        """The date every output carries (see :func:`build_date`)."""
        return build_date(self.agreement.signing.date, self.agreement.adoption.date)

    @property
    def organisations_file(self) -> str:
        return self.organisations[0].place.file if self.organisations else ""


def plan(agreement: Agreement, organisations: tuple[Organisation, ...], out: Path,
         only: str | None, timeout: float | None = None) -> Plan:
    """The plan for one agreement; :class:`UsageError` when it cannot be built as asked,
    :class:`BuildRefused` when building it would leave a build folder mixing versions."""
    everyone = organisations
    if only is not None:
        organisations = tuple(o for o in organisations if o.id == only)
        if not organisations:
            raise UsageError(unknown_id(display(agreement.folder), only, [o.id for o in everyone],
                                        {o.file_stem: o.id for o in everyone}))
    templates = data_dir("templates")
    form = agreement.template.signature_form
    destination = out / agreement.id
    check_destination(destination, inputs=(agreement.folder, templates))
    fingerprint = text_fingerprint(agreement)
    listed = tuple(organisation.id for organisation in everyone)
    previous = None
    if only is not None:
        previous = _previous_build(agreement, destination, fingerprint, listed, only)
    template = document_template(agreement.folder, agreement.template.document)
    signature_list = None
    if agreement.signing.layout is SignatureLayout.LIST:
        beside = template.parent / LIST_TEMPLATE
        signature_list = beside if beside.is_file() else (
            templates / DEFAULT_TEMPLATE).parent / LIST_TEMPLATE
    return Plan(agreement, organisations, destination, template,
                templates / form if form else None, fingerprint, everyone, previous, timeout,
                signature_list)


def _previous_build(agreement: Agreement, destination: Path, fingerprint: str,
                    listed: tuple[str, ...], only: str) -> Manifest:
    """The build that --only updates; :class:`BuildRefused` when updating it would mix two
    texts, or two lists of organisations, in one build folder."""
    previous = read_manifest(destination)
    place = agreement.place
    if isinstance(previous, ManifestProblem) and previous.missing:
        raise BuildRefused([at(place, "build-only-without-build",
                               _("--only {id} updates an earlier build, and there is none in "
                                 "{folder}. Run a full build first (without --only).").format(
                                   id=only, folder=display(destination)))])
    if isinstance(previous, ManifestProblem):
        raise BuildRefused([previous.finding("build-only-without-build", _(
            "--only {id} cannot update a build whose manifest does not hold. Run a full "
            "build (without --only).").format(id=only))])
    if previous.text_fingerprint != fingerprint:
        raise BuildRefused([at(place, "build-only-text-changed",
                          _("The agreement's text has changed since {folder} was built (text "
                            "fingerprint {before}, now {now}): --only would mix two texts in "
                            "one build. Run a full build (without --only), so that every "
                            "organisation gets the new text.").format(
                              folder=display(destination),
                              before=short_form(previous.text_fingerprint),
                              now=short_form(fingerprint)))])
    layout = agreement.signing.layout.value
    if previous.signature_layout != layout:
        raise BuildRefused([at(place, "build-only-layout-changed", _(
            "signing.layout is now '{layout}', and {folder} was built with '{previous}': "
            "--only would leave a ceremony file of the other kind. Run a full build "
            "(without --only).").format(layout=layout, folder=display(destination),
                                        previous=previous.signature_layout))])
    others = [identifier for identifier in listed if identifier != only]
    if [identifier for identifier in previous.organisations if identifier != only] != others:
        raise BuildRefused([at(place, "build-only-list-changed",
                          _("The list of organisations has changed since the last full build "
                            "in other ways than this organisation: run a full build (without "
                            "--only), so that the ceremony file and the manifest list them "
                            "all."))])
    return previous


def _overlap(first: Path, second: Path) -> bool:
    return first == second or first.is_relative_to(second) or second.is_relative_to(first)


def check_destination(destination: Path, *, inputs: tuple[Path, ...]) -> None:
    """Refuse (with :class:`UsageError`) a destination a build must not replace."""
    resolved = destination.resolve()
    out = resolved.parent
    if out.exists() and not out.is_dir():
        raise UsageError(_("{path} is a file, not a folder: --out names the folder the build "
                           "writes into.").format(path=display(destination.parent)))
    existing = next(folder for folder in (out, *out.parents) if folder.exists())
    if not os.access(existing, os.W_OK):
        raise UsageError(_("{folder}: cannot write there (no permission). Choose another --out "
                           "folder.").format(folder=display(existing)))
    for folder in inputs:
        if _overlap(resolved, folder.resolve()):
            raise UsageError(
                _("{destination}: a build there would overlap {folder}, which holds its inputs. "
                  "Choose another --out folder (the default is build/).").format(
                    destination=display(destination), folder=display(folder)))
    if resolved.exists() and not resolved.is_dir():
        raise UsageError(_("{path} is a file, not a folder: a build writes a folder there. "
                           "Choose another --out folder.").format(path=display(destination)))
    if resolved.is_dir() and any(resolved.iterdir()) and not written_by_a_build(resolved):
        raise UsageError(
            _("{folder} exists and was not written by 'overens build' (it has no {manifest} of "
              "ours), so a build will not replace it. Move it away or choose another --out "
              "folder.").format(folder=display(destination), manifest=MANIFEST))


def written_by_a_build(folder: Path) -> bool:
    """Whether ``folder`` holds a manifest that a build wrote."""
    return isinstance(read_manifest(folder), Manifest)
