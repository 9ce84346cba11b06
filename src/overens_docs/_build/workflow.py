"""The build of one agreement, as a row of stages (each a function of :mod:`stages` but the
first and the last):

    plan -> render -> convert -> assemble -> check -> write -> move into place

1. **plan** (:func:`plan.plan`): what to build, from which templates, and where; a
   destination that overlaps the inputs, or that a build did not write, is refused. An
   agreement whose build folder is up to date (:mod:`freshness`) stops here.
2. **render** (:func:`stages.render`, with :mod:`overens_docs._render`): the published
   agreement, and a master (the text plus one signature page with placeholders) as .docx.
3. **convert** (:func:`stages.start_copies`, :func:`stages.start_conversions`): a worker
   process writes every organisation's .docx (the fast way, proven first) while this one
   renders the signature pages in batches of at most
   :data:`signature_pages.BATCH_PAGES`, each just before LibreOffice converts it
   (:mod:`overens_docs._pdf.convert`): one LibreOffice per core for the first round of
   batches, fewer after (:func:`signature_pages.libreoffices`); the first converts the
   text beside them. With ``signing.layout: list``, the ceremony list is rendered as one
   more document, converted with the first batch (made smaller for it). The text PDFs are
   checked before anything is built on them (:func:`stages.checked_text`), and each batch
   as it is opened (:func:`signature_pages.check_batch`).
4. **assemble** (:func:`stages.assemble`, with :mod:`overens_docs._pdf.assemble`): each
   organisation's PDF is the master's text pages plus its own signature page, made by
   worker processes (:mod:`organisation_files`), each taking a batch's copies at a time;
   the ceremony file of all signature pages (or the ceremony list, :mod:`ceremony`) is
   written here meanwhile, batch by batch as they are converted (:mod:`assembly`).
5. **check** (:mod:`overens_docs._pdf.check`): every delivered PDF, as it is delivered.
6. **write**: everything goes into a staging folder beside the destination as it is made,
   with ``manifest.json`` (:mod:`manifest`) listing every file, its SHA-256, pages and
   organisation.
7. **move into place** (:func:`_move_into_place`): the staging folder replaces the
   destination in two renames (with ``--only``, that organisation's files are moved in and
   the manifest updated).
8. **keep** (:func:`_keep`, with :mod:`versions`): what a copy of this text must be
   compared with is kept beside the build folder, where no later build deletes it.

**What overlaps.** Stage 3 starts work in other processes and returns at once: LibreOffice
converts, and a worker writes the .docx copies, while this process checks the text and
opens the signature pages; the copies are collected just before assembly starts (by then
long done), so that no thread of theirs is alive when the assembly workers are forked;
LibreOffice is stopped, if it still runs, when :func:`make`'s ``ExitStack`` closes.
No process holds more than one batch of signature pages at a time, so memory does not grow
with the number of organisations (see docs/development.md, "How fast it is"). Only
:mod:`processes` knows how work is spread over processes.
"""

from __future__ import annotations

import contextlib
import sys
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from overens_docs._build import assembly, ceremony, freshness, letters, processes, stages, versions
from overens_docs._build.manifest import Manifest, read_manifest
from overens_docs._build.outcomes import AgreementBuild, Built, Failed, Summary, UpToDate
from overens_docs._build.output import move_files, staging_folder, swap_into_place
from overens_docs._build.plan import Plan, plan
from overens_docs._build.problems import StageFailed, at, in_template
from overens_docs._domain import Agreement, Organisation, OrganisationContact
from overens_docs._errors import UsageError
from overens_docs._findings import Finding, Severity
from overens_docs._i18n import _
from overens_docs._render.template_file import TemplateError
from overens_docs._scratch import Scratch, sweep
from overens_docs._targets import display


def build_agreement(agreement: Agreement, organisations: tuple[Organisation, ...], *,
                    out: Path, only: str | None = None, progress: bool = False,
                    timeout: float | None = None, force: bool = False, every: bool = False,
                    contacts: Mapping[str, OrganisationContact] | None = None) -> AgreementBuild:
    """Build one valid agreement into ``out/<agreement id>/``: :class:`Built`,
    :class:`UpToDate` (built from the same inputs, and intact: see :mod:`freshness`;
    ``force`` builds anyway) or :class:`Failed` with the findings that stopped it.

    ``organisations`` are resolved (:func:`overens_docs._domain.signing.resolve`): who
    gets documents follows the register (:mod:`selection`; ``every``: ``--all``).
    ``contacts`` (by organisation id) go into the mailing list only.
    ``timeout``: seconds each LibreOffice run may take (default: by its number of pages).
    ``progress``: show progress on standard error.
    Raises :class:`~overens_docs._build.plan.BuildRefused` for a build that would mix
    versions, :class:`~overens_docs._errors.UsageError` for one that cannot be done as
    asked, and other :class:`~overens_docs._errors.OverensError`\\ s when LibreOffice is
    missing or fails.
    """
    started = time.monotonic()
    the_plan = plan(agreement, organisations, out, only, timeout, every=every,
                    contacts=contacts)
    destination = the_plan.destination
    missing = _missing_templates(the_plan)
    if missing:
        return Failed(destination, tuple(missing))
    inputs = freshness.inputs_key(the_plan) if the_plan.complete else None
    if not force and freshness.up_to_date(destination, inputs):
        kept = read_manifest(destination)
        if isinstance(kept, Manifest):  # built before texts were kept: kept now
            _keep(the_plan, kept)
        return UpToDate(destination)
    try:
        destination.parent.mkdir(parents=True, exist_ok=True)
        sweep(destination.parent)  # what killed runs left here
        staging = staging_folder(destination)
    except OSError as error:
        raise UsageError(_("{folder}: cannot write there ({reason}). Choose another --out "
                           "folder.").format(folder=display(destination.parent),
                                             reason=error.strerror or error)) from error
    try:
        with Scratch.make(destination.parent, ".overens-work-") as work:
            with _template_findings(the_plan):
                staged = make(the_plan, work.path, staging.path, progress=progress)
            staged.manifest.inputs = inputs
            written, old = _move_into_place(the_plan, staged.manifest, staging)
            warnings = staged.warnings + _left_behind(the_plan, old)
        _keep(the_plan, written, staged.signature_pages)
    except StageFailed as failed:
        return Failed(destination, tuple(failed.findings))
    finally:
        staging.remove()
    return Built(destination, Summary.of(written, only, the_plan), time.monotonic() - started,
                 tuple(warnings))


def _missing_templates(plan: Plan) -> list[Finding]:
    """A template that ``agreement.yaml`` names and that is not there, at its key."""
    choice = plan.agreement.template
    return [at(place, "template-missing",
               _("The template {template} does not exist (or is a folder): check template in "
                 "agreement.yaml.").format(template=display(path)))
            for path, place in ((plan.template, choice.document_place),
                                (plan.form, choice.signature_form_place))
            if path is not None and not path.is_file()][:1]


@dataclass(frozen=True, slots=True)
class Staged:
    """What :func:`make` wrote into staging: the manifest that lists it, the warnings found
    on the way, and the raw digest of each page of the ceremony file of signature pages
    (None: none made), for the text kept (:func:`_keep`)."""

    manifest: Manifest
    warnings: list[Finding]
    signature_pages: list[str] | None


def make(plan: Plan, work: Path, staging: Path, *, progress: bool) -> Staged:
    """Stages 2 to 6: every file of the build, written into ``staging``; see
    :class:`Staged`. ``work`` holds what LibreOffice reads and writes."""
    notify = _notify if progress else None
    manifest = Manifest(plan.destination.name, plan.text_fingerprint, list(plan.listed),
                        signature_layout=plan.agreement.signing.layout.value,
                        signature_list=ceremony.listed(plan), ceremony=ceremony.recorded(plan),
                        every=plan.every)
    rendered = stages.render(plan, work)
    large = processes.parallel(len(plan.organisations))
    with contextlib.ExitStack() as stack:
        # The letters' LibreOffice: at once beside a small build, which leaves cores idle;
        # once the signature pages are converted in a large one, which uses them all.
        started = None if large else letters.start(stack, plan, rendered.template, work, notify)
        copies = stages.start_copies(stack, plan, staging, rendered, work)  # see above
        pipeline = stages.start_conversions(stack, plan, rendered, work, notify)
        text = stages.checked_text(plan, pipeline)
        stages.stage_published(plan, staging, manifest, rendered, text)

        def start_letters() -> None:
            nonlocal started
            if large:
                started = letters.start(stack, plan, rendered.template, work, notify)

        assembled = assembly.assemble(plan, staging, text, copies, pipeline,
                                      numbered=rendered.numbered, work=work,
                                      progress=progress, notify=notify, then=start_letters)
        docx_made = [item for result in copies.docx for item in result()]
        letters.finish(plan, started, staging, manifest)
    stages.record_copies(staging, manifest, docx_made + assembled.made,
                         plan.organisations)
    if assembled.ceremony is not None:
        manifest.record(assembled.ceremony)
    stages.stage_lists(plan, staging, manifest)
    return Staged(manifest, list(rendered.warnings), assembled.signature_pages)


@contextlib.contextmanager
def _template_findings(plan: Plan) -> Iterator[None]:
    """A template that cannot be rendered, as a finding: at the template when its content
    is wrong, at agreement.yaml's template key when the file is not a template at all."""
    try:
        yield
    except TemplateError as problem:
        message = f"{display(plan.template)}: {problem}"
        finding = (at(plan.agreement.template.document_place, problem.rule, message)
                   if problem.rule in ("template-unreadable", "input-refused")
                   else in_template(plan.template, problem.rule, message))
        raise StageFailed([finding]) from problem


def _move_into_place(plan: Plan, manifest: Manifest,
                     staging: Scratch) -> tuple[Manifest, Path | None]:
    """Stage 7; returns the manifest as written into the destination, and the old build
    when it could not be removed."""
    if plan.previous is None:
        manifest.write(staging.path)
        return manifest, swap_into_place(staging, plan.destination)
    # --only: that organisation's files and the ceremony file move in
    updated, stale = plan.previous.updated_with(
        manifest, replacing={o.id for o in plan.organisations})
    move_files(staging.path, plan.destination)
    updated.write(plan.destination)
    for relative in stale:  # its files under an earlier name
        (plan.destination / relative).unlink(missing_ok=True)
    return updated, None


def _left_behind(plan: Plan, old: Path | None) -> list[Finding]:
    """A warning naming the old build, when it could not be removed after the new one was
    moved into place: the build holds; the next run removes the old one."""
    if old is None:
        return []
    return [in_template(old, "build-old-folder", _(
        "{destination} is built, but the build it replaced, moved aside to {old}, could not "
        "be removed (a file in it is open, or not ours to delete): remove it by hand, or the "
        "next build will.").format(destination=display(plan.destination), old=display(old)),
        severity=Severity.WARNING)]


def _keep(plan: Plan, manifest: Manifest, signature_pages: list[str] | None = None) -> None:
    """Stage 8: keep the text just built beside the build folder (:mod:`versions`), so that
    a copy of it can be checked after a later build has replaced the folder.
    ``signature_pages``: the ceremony file's page digests, when known (else read)."""
    names = {o.id: (o.name, o.org_number) for o in plan.everyone}
    try:
        versions.keep(plan.destination, manifest, names, signature_pages)
    except OSError as error:
        raise UsageError(_("{folder}: the text just built could not be kept there ({reason})."
                           ).format(folder=display(versions.versions_folder(plan.destination)),
                                    reason=error.strerror or error)) from error


def _notify(line: str) -> None:
    print(f"overens: {line}", file=sys.stderr)
