"""The build of one agreement, as a row of stages:

    plan -> render -> convert -> assemble -> check -> write -> move into place

1. **plan** (:mod:`plan`): what to build, from which templates, and where; a destination
   that overlaps the inputs, or that a build did not write, is refused.
2. **render** (:mod:`overens_docs._render`): the published agreement, and a master (the
   text plus one signature page with placeholders) as .docx.
3. **convert** (:mod:`overens_docs._pdf.convert`, :func:`signature_pages.start`): a worker
   process writes every organisation's .docx (the fast way, proven first) while this one
   renders the signature pages in one batch per core and starts LibreOffice, never more
   of them than there are cores: the first converts the text and then the first batch,
   each other batch has one of its own, started as soon as it is rendered. (A small
   agreement's one batch is converted beside the text.) The text PDFs are checked before
   anything is built on them. With ``signing.layout: list``, the ceremony list of every
   organisation is rendered as one more document, converted with the first batch (made
   smaller for it).
4. **assemble** (:mod:`overens_docs._pdf.assemble`): each organisation's PDF is the master's text
   pages plus its own signature page, made by worker processes (:mod:`organisation_files`);
   the ceremony file of all signature pages (or the ceremony list) is made here meanwhile.
5. **check** (:mod:`overens_docs._pdf.check`): every delivered PDF, as delivered.
6. **write**: everything goes into a staging folder beside the destination, with
   ``manifest.json`` listing every file, its SHA-256, pages and organisation.
7. **move into place**: the staging folder replaces the destination in two renames
   (with ``--only``, that organisation's files are moved in and the manifest updated).

LibreOffice thus runs at most once per core for an agreement, however many organisations
there are. Only :mod:`processes` knows how work is spread over processes.
"""

from __future__ import annotations

import contextlib
import dataclasses
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TypeVar

from overens_docs._pdf.assemble import Assembler, AssemblyError
from overens_docs._build import freshness, processes, signature_pages
from overens_docs._build.organisation_files import (
    DocxState,
    Made,
    PdfJob,
    PdfState,
    write_docx,
    write_pdf,
)
from overens_docs._build.output import (
    Manifest,
    move_files,
    staging_folder,
    swap_into_place,
    write_staged,
)
from overens_docs._build.plan import MANIFEST, Plan, plan
from overens_docs._build.problems import StageFailed, at, for_organisation, in_template
from overens_docs._pdf.check import (
    DeliveredFile,
    KnownContent,
    accessibility_problems,
    expected_fonts_missing,
    problems,
)
from overens_docs._domain import Agreement, Organisation
from overens_docs._errors import UsageError
from overens_docs._findings import Finding
from overens_docs._i18n import _
from overens_docs._pdf.reading import page_count
from overens_docs._render.agreement_html import agreement_html
from overens_docs._render.context import agreement_context, organisation_context
from overens_docs._render.docx import (
    CoreProperties,
    DocumentTemplate,
    TemplateError,
    with_page_number_glyphs,
)
from overens_docs._render.personalise import Personaliser
from overens_docs._render.signatories import signatories_csv, signatories_html
from overens_docs._reproducible import normalise_pdf
from overens_docs._targets import display

TEMPLATE_FONTS = ("Liberation Serif", "Liberation Sans")

T = TypeVar("T")


def build_agreement(agreement: Agreement, organisations: tuple[Organisation, ...], *,  # noqa: PLR0913
                    out: Path, only: str | None = None, progress: bool = False,
                    timeout: float | None = None,
                    force: bool = False) -> tuple[Path, list[Finding], bool]:
    """Build one valid agreement into ``out/<agreement id>/``.

    Returns the destination, the findings that stopped the build (empty when built), and
    whether the destination was up to date already (built from the same inputs, and
    intact: see :mod:`freshness`), so that nothing was done; ``force`` builds anyway.
    ``timeout``: seconds each LibreOffice run may take (default: by its number of pages).
    ``progress``: show progress on standard error.
    Raises :class:`~overens_docs._errors.UsageError` for a build that cannot be done as
    asked, and other :class:`~overens_docs._errors.OverensError`\\ s when LibreOffice is
    missing or fails.
    """
    the_plan = plan(agreement, organisations, out, only, timeout)
    destination = the_plan.destination
    choice = agreement.template
    for path, place in ((the_plan.template, choice.document_place),
                        (the_plan.form, choice.signature_form_place)):
        if path is not None and not path.is_file():
            return destination, [at(place, "template-missing",
                                    _("The template {template} does not exist (or is a "
                                      "folder): check template in agreement.yaml.").format(
                                        template=display(path)))], False
    inputs = freshness.inputs_key(the_plan) if the_plan.complete else None
    if not force and freshness.up_to_date(destination, inputs):
        return destination, [], True
    try:
        destination.parent.mkdir(parents=True, exist_ok=True)
        staging = staging_folder(destination)
    except OSError as error:
        raise UsageError(_("{folder}: cannot write there ({reason}). Choose another --out "
                           "folder.").format(folder=display(destination.parent),
                                             reason=error.strerror or error)) from error
    try:
        with tempfile.TemporaryDirectory(prefix=".overens-work-", dir=destination.parent) as work:
            with _template_findings(the_plan):
                manifest = _make(the_plan, Path(work), staging, progress=progress)
            manifest.inputs = inputs
            _move_into_place(the_plan, manifest, staging)
    except StageFailed as failed:
        return destination, failed.findings, False
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return destination, [], False


def _make(plan: Plan, work: Path, staging: Path, *, progress: bool) -> Manifest:
    """Every file of the build, written into ``staging``; the manifest that lists them."""
    notify = _notify if progress else None
    manifest = Manifest(plan.destination.name, plan.text_fingerprint, list(plan.listed),
                        signature_layout=plan.agreement.signing.layout.value,
                        signature_list=_listing(plan))
    template = DocumentTemplate(plan.template, agreement_context(plan.agreement),
                                CoreProperties.of(plan.agreement), plan.date)
    personaliser = Personaliser(template)
    published = template.render([], include_text=True)
    master = personaliser.master_document(with_number=True)
    numbered = plan.form is None  # a PDF form's pages are not stamped (its own layout)
    if numbered:  # the font of the text pages' numbers then has every digit
        master = with_page_number_glyphs(master)
    (work / "agreement.docx").write_bytes(published)
    (work / "master.docx").write_bytes(master)
    count = len(plan.organisations)
    with contextlib.ExitStack() as stack:
        personaliser.prove(plan.organisations)  # before other processes copy it
        documents = stack.enter_context(processes.Workers(
            write_docx, DocxState(staging, personaliser), plan.organisations,
            processes=1 if processes.parallel(count) else 0, chunksize=50,
            lower_priority=True))
        ceremony_list = _ceremony_list(plan, template)
        conversions = signature_pages.start(
            stack, [work / "agreement.docx", work / "master.docx"], template,
            plan.organisations, parts=processes.cores() if processes.parallel(count) else 1,
            work=work, ceremony_list=ceremony_list,
            list_rows=len(plan.everyone) if ceremony_list is not None else 0,
            form=plan.form is not None, timeout=plan.timeout, notify=notify)
        batches = conversions.batches
        agreement_pdf, master_pdf = conversions.text()
        _check_text(plan, agreement_pdf, master_pdf)
        for pdf in (agreement_pdf, master_pdf):  # every PDF takes its dates and id from these
            normalise_pdf(pdf, plan.date)
        _check_delivered(plan, "agreement.pdf",
                         accessibility_problems(agreement_pdf, tagged=True, ua=True))
        if plan.complete:
            agreement_bytes = agreement_pdf.read_bytes()
            _stage(staging, manifest, "agreement.docx", published, "agreement-docx", None)
            _stage(staging, manifest, "agreement.pdf", agreement_bytes, "agreement-pdf",
                   page_count(agreement_pdf))
            _stage(staging, manifest, "agreement.html", agreement_html(plan.agreement),
                   "agreement-html", None)
        text_pages = page_count(agreement_pdf)
        signature_pdfs, list_pdf = conversions.signatures()
        order: list[tuple[Organisation, ...]] = [batch.organisations for batch in batches]
        if plan.form is not None:
            signature_pdfs = signature_pages.fill_forms(plan.form, plan.agreement,
                                                        plan.organisations, work)
            order = [(o,) for o in plan.organisations]
        try:
            assembler = Assembler(master_pdf, text_pages, signature_pdfs,
                                  salt="" if plan.complete else f"{plan.organisations[0].id}:",
                                  page_numbers=numbered)
        except AssemblyError as error:
            raise StageFailed([in_template(
                plan.template, "pdf-archival",
                _("LibreOffice's signature pages cannot be used: {error}.").format(
                    error=error))]) from error
        if plan.form is None:
            signature_pages.check_batches(batches, signature_pdfs, assembler, plan)
        docx_made = list(documents.results())  # long done: written during the conversions
        jobs = [PdfJob(organisation, page)
                for organisation, page in signature_pages.positions(order)]
        if assembler.unnumbered is not None and notify is not None:
            notify(_("The signature pages carry no page number: {reason}.").format(
                reason=assembler.unnumbered))
        state = PdfState(staging, master_pdf, text_pages, tuple(signature_pdfs),
                         plan.agreement.title, page_numbers=numbered, assembler=assembler)
        state.start()  # here, once: forked workers share it (see PdfState)
        with processes.Workers(write_pdf, state, jobs, processes=processes.processes_for(count),
                               chunksize=25) as pdfs:
            # While the workers make the copies: the ceremony file, checked but for its
            # tagging, which is checked with what the copies' checks find in the same
            # signature pages.
            data, pages = (_ceremony(plan, assembler) if list_pdf is None
                           else _ceremony_list_pdf(plan, master_pdf, text_pages, list_pdf))
            with DeliveredFile(data) as ceremony:
                found = ceremony.problems(pages=None if list_pdf else len(plan.listed))
                pdf_made = list(_progress(pdfs.results(), len(jobs), progress))
                known: KnownContent = {}
                for made in pdf_made:
                    known.update(made.content or {})
                _check_delivered(plan, "signature-pages.pdf",
                                 found + ceremony.tagging_problems(known))
    _record(plan, staging, manifest, docx_made + pdf_made)
    _stage(staging, manifest, "signature-pages.pdf", data, "signature-pages-pdf", pages)
    # The public list of signatories: who has signed and not withdrawn, nothing personal.
    _stage(staging, manifest, "signatories.html",
           signatories_html(plan.agreement, plan.everyone), "signatories-html", None)
    _stage(staging, manifest, "signatories.csv", signatories_csv(plan.everyone),
           "signatories-csv", None)
    return manifest


@contextlib.contextmanager
def _template_findings(plan: Plan) -> Iterator[None]:
    """A template that cannot be rendered, as a finding: at the template when its content
    is wrong, at agreement.yaml's template key when the file is not a template at all."""
    try:
        yield
    except TemplateError as problem:
        message = f"{display(plan.template)}: {problem}"
        finding = (at(plan.agreement.template.document_place, problem.rule, message)
                   if problem.rule == "template-unreadable"
                   else in_template(plan.template, problem.rule, message))
        raise StageFailed([finding]) from problem


def _check_text(plan: Plan, agreement_pdf: Path, master_pdf: Path) -> None:
    """LibreOffice's text PDFs, checked before anything is built on them."""
    findings = [in_template(plan.template, "pdf-archival",
                            _("LibreOffice's {file} is not fit to archive: {problem}.").format(
                                file=pdf.name, problem=issue))
                for pdf in (agreement_pdf, master_pdf) for issue in problems(pdf)]
    if findings:
        raise StageFailed(findings)
    missing_fonts = expected_fonts_missing(agreement_pdf, TEMPLATE_FONTS)
    if missing_fonts:
        findings.append(in_template(
            plan.template, "pdf-fonts",
            _("The fonts {fonts} are not installed, so LibreOffice replaced them. Install "
              "fonts-liberation2.").format(fonts=", ".join(missing_fonts))))
    if findings:
        raise StageFailed(findings)


def _check_delivered(plan: Plan, name: str, found: list[str]) -> None:
    if found:
        raise StageFailed([in_template(
            plan.template, "pdf-archival",
            _("{file} is not fit to deliver: {problems}.").format(file=name,
                                                                   problems="; ".join(found)))])


def _stage(staging: Path, manifest: Manifest, relative: str, data: bytes, kind: str,
           pages: int | None) -> None:
    write_staged(staging / relative, data)
    manifest.add(relative, data, kind=kind, pages=pages)


def _record(plan: Plan, staging: Path, manifest: Manifest, made: list[Made]) -> None:
    """List each organisation's files in the manifest; or, if any of its files could not be
    made, remove all of them (never half its documents) and fail the build naming it."""
    failed: dict[str, tuple[Organisation, str]] = {}
    for item in made:
        if item.error is not None:
            failed.setdefault(item.organisation.id, (item.organisation, item.error))
    for item in made:
        if item.record is None:
            continue
        if item.organisation.id in failed:
            (staging / item.record.path).unlink(missing_ok=True)
        else:
            manifest.record(item.record)
    if failed:
        raise StageFailed([
            for_organisation(organisation, "build-organisation-failed",
                             _("The documents for {name} could not be made: {error}").format(
                                 name=organisation.name, error=error))
            for organisation, error in failed.values()])


def _ceremony(plan: Plan, assembler: Assembler) -> tuple[bytes, int]:
    """signature-pages.pdf: every organisation's page in list order; with --only, the
    earlier one with this organisation's page replaced, or inserted where it is listed."""
    title = f"{plan.agreement.title} – underskriftssidor"
    if plan.previous is None:
        return assembler.signature_pages_pdf(title=title)
    only = plan.organisations[0].id
    earlier = plan.destination / "signature-pages.pdf"
    if only in plan.previous.organisations:
        return assembler.signature_pages_pdf(
            earlier, replacing=plan.previous.organisations.index(only), title=title)
    return assembler.signature_pages_pdf(earlier, inserting=plan.listed.index(only),
                                         title=title)


def _ceremony_list(plan: Plan, template: DocumentTemplate) -> bytes | None:
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


def _ceremony_list_pdf(plan: Plan, master_pdf: Path, text_pages: int,
                       list_pdf: Path) -> tuple[bytes, int]:
    """signature-pages.pdf as the ceremony list, made archival as the ceremony file is."""
    try:
        listing = Assembler(master_pdf, text_pages, [list_pdf], salt="list:",
                            page_numbers=False)  # the list prints its own numbers
    except AssemblyError as error:
        raise StageFailed([in_template(
            plan.signature_list or plan.template, "pdf-archival",
            _("LibreOffice's ceremony list cannot be used: {error}.").format(error=error))],
        ) from error
    return listing.whole_pdf(title=f"{plan.agreement.title} – underskriftslista")


def _listing(plan: Plan) -> list[dict[str, str | None]] | None:
    """What the manifest records of the ceremony list: who is on it (for overens verify)."""
    if plan.signature_list is None:
        return None
    return [{"organisation": o.id, "name": o.name, "org_number": o.org_number}
            for o in plan.everyone]


def _move_into_place(plan: Plan, manifest: Manifest, staging: Path) -> None:
    if plan.previous is None:
        manifest.write(staging / MANIFEST)
        swap_into_place(staging, plan.destination)
    else:  # --only: that organisation's files and the ceremony file move in
        updated, stale = plan.previous.updated_with(
            manifest, replacing={o.id for o in plan.organisations})
        move_files(staging, plan.destination)
        updated.write(plan.destination / MANIFEST)
        for relative in stale:  # its files under an earlier name
            (plan.destination / relative).unlink(missing_ok=True)


def _notify(line: str) -> None:
    print(f"overens: {line}", file=sys.stderr)


def _progress(items: Iterable[T], total: int, show: bool) -> Iterable[T]:
    if not show or total < 10:
        return items
    from tqdm import tqdm  # noqa: PLC0415 -- only for long builds on a terminal

    bar: Iterable[T] = tqdm(items, total=total, desc=_("Signature-ready PDFs"),
                            unit=_("files"), file=sys.stderr)
    return bar
