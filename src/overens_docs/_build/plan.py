"""Stage: plan a build: what to build, from which templates, and where.

The destination is ``OUT/<agreement id>/``. A build replaces that folder wholesale, so the
plan refuses a destination that is, contains or lies inside an input (the agreement
folder, the templates), and one that exists but was not written by an earlier build (it
holds no manifest of ours): a build never replaces anything it did not write.
"""

from __future__ import annotations

import datetime
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from overens_docs._build.manifest import MANIFEST, Manifest, ManifestProblem, read_manifest
from overens_docs._build.problems import at
from overens_docs._build.selection import CeremonyFile, Selection, select
from overens_docs._domain import (
    Agreement,
    Organisation,
    OrganisationContact,
    SignatureLayout,
    Standing,
)
from overens_docs._domain.fingerprint import short_form, text_fingerprint
from overens_docs._domain.template_files import DEFAULT_TEMPLATE, document_template
from overens_docs._errors import OverensError, UsageError
from overens_docs._findings import Finding, Severity
from overens_docs._i18n import _, ngettext
from overens_docs._package_data import data_dir
from overens_docs._reproducible import build_date
from overens_docs._targets import display, unknown_id

# The ceremony list (signing.layout: list) and the letters: beside the Word template, else
# the default's.
LIST_TEMPLATE = "signature-list.docx"
LETTER_TEMPLATE = "letter.docx"
CEREMONY_FILE = "signature-pages.pdf"


class BuildRefused(OverensError):  # noqa: N818 -- says what happened; caught, never shown
    """The build is refused as asked, with findings that say why (exit code 1)."""

    def __init__(self, findings: list[Finding]) -> None:
        super().__init__("; ".join(finding.message for finding in findings))
        self.findings = findings


@dataclass(frozen=True, slots=True)
class Plan:
    agreement: Agreement
    organisations: tuple[Organisation, ...]  # the ones to build (see selection), or --only's
    destination: Path
    template: Path
    form: Path | None  # a PDF form for the signature pages, instead of the Word template's
    text_fingerprint: str
    everyone: tuple[Organisation, ...]  # every listed organisation, in list order
    previous: Manifest | None = None  # with --only: the build it updates
    timeout: float | None = None  # seconds per LibreOffice run (None: by its pages)
    signature_list: Path | None = None  # the ceremony list's template (layout: list)
    selection: Selection | None = None  # what a full build makes (None: everything, unread)
    letters: Path | None = None  # the letters' template, when letters are made
    contacts: Mapping[str, OrganisationContact] = field(default_factory=dict)  # by organisation id
    every: bool = False  # --all

    @property
    def ceremony(self) -> CeremonyFile | None:
        """Whose signature pages ``signature-pages.pdf`` holds (None: there is none)."""
        if self.selection is None:
            return CeremonyFile(None, self.agreement.signing.place, self.everyone)
        return self.selection.ceremony

    @property
    def recipients(self) -> tuple[Organisation, ...]:
        """The organisations to invite or remind: a letter each, a row in the mailing list."""
        return () if self.selection is None else self.selection.recipients

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
         only: str | None, timeout: float | None = None, *, every: bool = False,
         contacts: Mapping[str, OrganisationContact] | None = None) -> Plan:
    """The plan for one agreement (its organisations resolved, see
    :func:`overens_docs._domain.signing.resolve`); :class:`UsageError` when it cannot be
    built as asked, :class:`BuildRefused` when building it would leave a build folder
    mixing versions, or documents for a withdrawn organisation."""
    everyone = organisations
    selection = select(agreement, everyone, every=every)
    organisations = selection.documents
    if only is not None:
        organisations = tuple(o for o in everyone if o.id == only)
        if not organisations:
            raise UsageError(unknown_id(display(agreement.folder), only, [o.id for o in everyone],
                                        {o.file_stem: o.id for o in everyone}))
        if organisations[0].standing is Standing.WITHDRAWN:
            raise BuildRefused([at(organisations[0].place, "build-only-withdrawn", _(
                "{name} has withdrawn from the agreement (status withdrawn), so it gets no "
                "documents.").format(name=organisations[0].name))])
    templates = data_dir("templates")
    form = agreement.template.signature_form
    destination = out / agreement.id
    check_destination(destination, inputs=(agreement.folder, templates),
                      replaced=only is None)
    refuse_unlisted(destination)
    fingerprint = text_fingerprint(agreement)
    listed = tuple(organisation.id for organisation in everyone)
    previous = None
    if only is not None:
        previous = _previous_build(agreement, destination, fingerprint, listed, only)
        _same_ceremony(agreement, previous, selection.ceremony, only)
    template = document_template(agreement.folder, agreement.template.document)
    return Plan(agreement, organisations, destination, template,
                templates / form if form else None, fingerprint, everyone, previous, timeout,
                _beside(template, LIST_TEMPLATE)
                if agreement.signing.layout is SignatureLayout.LIST else None,
                selection,
                _beside(template, LETTER_TEMPLATE)
                if agreement.invitation is not None and selection.recipients and only is None
                else None,
                contacts or {}, every)


def _beside(template: Path, name: str) -> Path:
    """The template ``name`` beside the Word template, else the default one."""
    beside = template.parent / name
    return beside if beside.is_file() else (
        data_dir("templates") / DEFAULT_TEMPLATE).parent / name


def _same_ceremony(agreement: Agreement, previous: Manifest, ceremony: CeremonyFile | None,
                   only: str) -> None:
    """:class:`BuildRefused` when --only would leave a ceremony file that a full build would
    not make: who else is on it, or the ceremony, has changed, or ``only`` has left it."""
    before = [i for i in previous.ceremony_ids if i != only] if CEREMONY_FILE in previous.files \
        else None
    now = None if ceremony is None else [i for i in ceremony.ids if i != only]
    left = ceremony is not None and only in previous.ceremony_ids and only not in ceremony.ids
    date = None if ceremony is None or ceremony.date is None else ceremony.date.isoformat()
    earlier = previous.ceremony.date if previous.ceremony is not None else None
    if before != now or left or (now is not None and earlier != date):
        raise BuildRefused([at(agreement.place, "build-only-list-changed", _(
            "Who is on the ceremony file (signature-pages.pdf) has changed since the last "
            "full build: run a full build (without --only), so that it holds the right "
            "organisations."))])


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


def check_destination(destination: Path, *, inputs: tuple[Path, ...],
                      replaced: bool = True) -> None:
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
    # --only replaces no folder: whether its manifest holds is for _previous_build to say.
    if replaced and resolved.is_dir() and any(resolved.iterdir()) \
            and not written_by_a_build(resolved):
        raise UsageError(
            _("{folder} exists and was not written by 'overens build' (it has no {manifest} of "
              "ours), so a build will not replace it. Move it away or choose another --out "
              "folder.").format(folder=display(destination), manifest=MANIFEST))


# What file managers leave in any folder they show; a build replaces them with the folder.
LITTER = frozenset({".DS_Store", "Thumbs.db", "desktop.ini"})
_NAMED = 20  # unlisted files named one by one, at most


def refuse_unlisted(destination: Path) -> None:
    """Stop (:class:`BuildRefused`) when the build folder ``destination`` holds files that
    its manifest does not list: a signed copy saved there, notes. A build replaces the
    folder whole, so it would delete them; it names them instead, and deletes nothing."""
    manifest = read_manifest(destination) if destination.is_dir() else None
    if not isinstance(manifest, Manifest):
        return  # none, or not ours: check_destination says so
    listed = set(manifest.files) | {MANIFEST}
    unlisted = sorted(path for path in destination.rglob("*")
                      if (path.is_file() or path.is_symlink()) and path.name not in LITTER
                      and path.relative_to(destination).as_posix() not in listed)
    if not unlisted:
        return
    findings = [Finding(display(path), None, None, "$", "build-unlisted-file", Severity.ERROR,
                        _("A build did not write this file, and a new build would replace "
                          "{folder} with it inside. Move it out of the build folder first "
                          "(a signed copy: `overens receive` files it in the agreement's "
                          "folder, under signed/).").format(folder=display(destination)))
                for path in unlisted[:_NAMED]]
    if len(unlisted) > _NAMED:
        findings.append(Finding(
            display(destination), None, None, "$", "build-unlisted-file", Severity.ERROR,
            ngettext("... and {count} more file that no build wrote.",
                     "... and {count} more files that no build wrote.",
                     len(unlisted) - _NAMED).format(count=len(unlisted) - _NAMED)))
    raise BuildRefused(findings)


def written_by_a_build(folder: Path) -> bool:
    """Whether ``folder`` holds a manifest that a build wrote."""
    return isinstance(read_manifest(folder), Manifest)
