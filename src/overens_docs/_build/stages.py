"""The stages of one agreement's build, after the plan, each a function that takes and
returns typed records; :func:`overens_docs._build.workflow.make` runs them in order:

    render -> convert -> (check the text) -> signature pages -> assemble -> write

Two of them overlap in time with the ones after them: :func:`start_copies` and
:func:`start_conversions` start work in other processes (a worker writing every
organisation's .docx, and LibreOffice) and return at once; what they make is collected by
the later stages that need it.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import jinja2

from overens_docs._build import ceremony, processes, signature_pages
from overens_docs._build.manifest import Manifest
from overens_docs._build.organisation_files import (
    DocxState,
    Made,
    PdfJob,
    PdfState,
    write_docx,
    write_pdf,
)
from overens_docs._build.output import write_staged
from overens_docs._build.plan import Plan
from overens_docs._build.problems import StageFailed, for_organisation, in_template
from overens_docs._domain import Organisation
from overens_docs._domain.template_files import template_folders
from overens_docs._findings import Finding, Severity, excerpt
from overens_docs._i18n import _
from overens_docs._pdf.assemble import COPIES_PER_BASE, Assembler, AssemblyError
from overens_docs._pdf.check import (
    DeliveredFile,
    KnownContent,
    accessibility_problems,
    expected_fonts_missing,
    problems,
)
from overens_docs._pdf.reading import page_count
from overens_docs._render.agreement_html import agreement_html
from overens_docs._render.context import agreement_context
from overens_docs._render.docx import (
    CoreProperties,
    DocumentTemplate,
    template_sources,
    with_page_number_glyphs,
)
from overens_docs._render.jinja_env import environment
from overens_docs._render.personalise import Personaliser
from overens_docs._render.signatories import signatories_csv, signatories_html
from overens_docs._render.template_file import macros_message, read_template
from overens_docs._render.template_signature import signature_problems
from overens_docs._reproducible import normalise_pdf

TEMPLATE_FONTS = ("Liberation Serif", "Liberation Sans")

Notify = Callable[[str], None]
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Rendered:
    """The Word documents: the published agreement, and the master (the text and one
    signature page with placeholders), written into the work folder for LibreOffice."""

    template: DocumentTemplate
    personaliser: Personaliser  # proven on the organisations: writes each one's .docx
    published: bytes  # agreement.docx
    text: tuple[Path, Path]  # agreement.docx and master.docx in the work folder
    numbered: bool  # signature pages get a stamped page number (not a PDF form's)
    warnings: tuple[Finding, ...] = ()  # about the template (macros left out)


def template_warnings(plan: Plan) -> list[Finding]:
    """The Word template as a build requires it (read as data, with a signature section
    unless a PDF form makes the signature pages): :class:`StageFailed` when it is not, else
    the warnings about it. What it takes from outside itself is refused as it is rendered."""
    within = template_folders(plan.agreement.folder)
    read = read_template(plan.template, within)
    if plan.form is None:
        try:
            parsed = [(part, environment().parse(source))
                      for part, source in template_sources(plan.template, within)]
        except jinja2.TemplateSyntaxError:
            parsed = []  # the render reports it, at its place
        problems = signature_problems(parsed) if parsed else []
        if problems:
            raise StageFailed([in_template(plan.template, "template-signature", problem)
                               for problem in problems])
    return [in_template(plan.template, "template-macros", macros_message(read.macros),
                        severity=Severity.WARNING)] if read.macros else []


def render(plan: Plan, work: Path) -> Rendered:
    warnings = template_warnings(plan)
    template = DocumentTemplate(plan.template, agreement_context(plan.agreement),
                                CoreProperties.of(plan.agreement), plan.date,
                                template_folders(plan.agreement.folder))
    personaliser = Personaliser(template)
    published = template.render([], include_text=True)
    master = personaliser.master_document(with_number=True)
    numbered = plan.form is None  # a PDF form's pages are not stamped (its own layout)
    if numbered:  # the font of the text pages' numbers then has every digit
        master = with_page_number_glyphs(master)
    (work / "agreement.docx").write_bytes(published)
    (work / "master.docx").write_bytes(master)
    personaliser.prove(plan.organisations)  # before other processes copy it
    return Rendered(template, personaliser, published,
                    (work / "agreement.docx", work / "master.docx"), numbered,
                    tuple(warnings))


def start_copies(stack: ExitStack, plan: Plan, staging: Path,
                 rendered: Rendered) -> processes.Workers[DocxState, Organisation, Made]:
    """Every organisation's .docx, written into ``staging`` by a worker process at low
    priority while LibreOffice converts (in this process for a small agreement)."""
    return stack.enter_context(processes.Workers(
        write_docx, DocxState(staging, rendered.personaliser), plan.organisations,
        processes=1 if processes.parallel(len(plan.organisations)) else 0, chunksize=50,
        lower_priority=True))


def start_conversions(stack: ExitStack, plan: Plan, rendered: Rendered, work: Path,
                      notify: Notify | None) -> signature_pages.Conversions:
    """LibreOffice, started on the text and the signature pages (see
    :func:`signature_pages.start`); stopped when ``stack`` closes."""
    listing = ceremony.list_document(plan, rendered.template)
    parallel = processes.parallel(len(plan.organisations))
    return signature_pages.start(
        stack, rendered.text, rendered.template, plan.organisations,
        parts=processes.cores() if parallel else 1, work=work, ceremony_list=listing,
        list_rows=ceremony.list_rows(plan) if listing is not None else 0,
        form=plan.form is not None, timeout=plan.timeout, notify=notify)


@dataclass(frozen=True, slots=True)
class Text:
    """LibreOffice's PDFs of the text, checked and normalised (their dates, checksums and
    ids made reproducible): every delivered PDF takes its dates and id from these."""

    agreement: Path  # agreement.pdf
    master: Path  # the text pages, then one signature page
    pages: int  # the text's pages


def checked_text(plan: Plan, conversions: signature_pages.Conversions) -> Text:
    agreement_pdf, master_pdf = conversions.text()
    findings = [in_template(plan.template, "pdf-archival",
                            _("LibreOffice's {file} is not fit to archive: {problem}.").format(
                                file=pdf.name, problem=issue))
                for pdf in (agreement_pdf, master_pdf) for issue in problems(pdf)]
    if findings:
        raise StageFailed(findings)
    missing_fonts = expected_fonts_missing(agreement_pdf, TEMPLATE_FONTS)
    if missing_fonts:
        raise StageFailed([in_template(
            plan.template, "pdf-fonts",
            _("The fonts {fonts} are not installed, so LibreOffice replaced them. Install "
              "fonts-liberation2.").format(fonts=", ".join(missing_fonts)))])
    for pdf in (agreement_pdf, master_pdf):
        normalise_pdf(pdf, plan.date)
    check_delivered(plan, "agreement.pdf",
                    accessibility_problems(agreement_pdf, tagged=True, ua=True))
    return Text(agreement_pdf, master_pdf, page_count(agreement_pdf))


def stage_published(plan: Plan, staging: Path, manifest: Manifest, rendered: Rendered,
                    text: Text) -> None:
    """The agreement as published: .docx, PDF and web page (not with --only)."""
    if plan.complete:
        stage(staging, manifest, "agreement.docx", rendered.published, "agreement-docx", None)
        stage(staging, manifest, "agreement.pdf", text.agreement.read_bytes(), "agreement-pdf",
              text.pages)
        stage(staging, manifest, "agreement.html", agreement_html(plan.agreement),
              "agreement-html", None)


@dataclass(frozen=True, slots=True)
class Signatures:
    """Every organisation's signature page, converted and checked, opened for assembly."""

    assembler: Assembler
    pdfs: tuple[Path, ...]  # the signature PDFs the assembler holds, in order
    batches: tuple[tuple[Organisation, ...], ...]  # the organisations of each, in order
    list_pdf: Path | None  # the ceremony list (signing.layout: list)
    numbered: bool  # each signature page's number is stamped


def signatures(plan: Plan, conversions: signature_pages.Conversions, text: Text,
               rendered: Rendered, work: Path, notify: Notify | None) -> Signatures:
    pdfs, list_pdf = conversions.signatures()
    batches = tuple(batch.organisations for batch in conversions.batches)
    if plan.form is not None:
        pdfs = signature_pages.fill_forms(plan.form, plan.agreement, plan.organisations, work)
        batches = tuple((organisation,) for organisation in plan.organisations)
    try:
        assembler = Assembler(text.master, text.pages, pdfs,
                              salt="" if plan.complete else f"{plan.organisations[0].id}:",
                              page_numbers=rendered.numbered)
    except AssemblyError as error:
        raise StageFailed([in_template(
            plan.template, "pdf-archival",
            _("LibreOffice's signature pages cannot be used: {error}.").format(
                error=error))]) from error
    if plan.form is None:
        signature_pages.check_batches(conversions.batches, pdfs, assembler, plan)
    if assembler.unnumbered is not None and notify is not None:
        notify(_("The signature pages carry no page number: {reason}.").format(
            reason=assembler.unnumbered))
    return Signatures(assembler, tuple(pdfs), batches, list_pdf, rendered.numbered)


@dataclass(frozen=True, slots=True)
class Assembled:
    """Every organisation's PDF (written into staging, or why not) and the ceremony file
    (None when this build makes none)."""

    made: list[Made]
    ceremony: bytes | None
    ceremony_pages: int


def assemble(plan: Plan, staging: Path, text: Text, signed: Signatures, *,
             progress: bool) -> Assembled:
    """Each organisation's PDF, by worker processes (which share the open PDFs when
    forked); meanwhile, here, the ceremony file, checked but for its tagging, which is
    checked with what the copies' checks found in the same signature pages."""
    jobs = [PdfJob(organisation, page, sequence) for sequence, (organisation, page)
            in enumerate(signature_pages.positions(signed.batches))]
    state = PdfState(staging, text.master, text.pages, signed.pdfs, plan.agreement.title,
                     page_numbers=signed.numbered, assembler=signed.assembler)
    state.start()  # here, once: forked workers share it (see PdfState)
    count = len(plan.organisations)
    # Each worker takes a whole base's run of copies at a time: see COPIES_PER_BASE.
    with processes.Workers(write_pdf, state, jobs, processes=processes.processes_for(count),
                           chunksize=COPIES_PER_BASE) as pdfs:
        if not ceremony.made(plan):
            return Assembled(list(_progress(pdfs.results(), len(jobs), progress)), None, 0)
        data, pages = ceremony.ceremony_pdf(plan, signed.assembler, text.master, text.pages,
                                            signed.list_pdf)
        with DeliveredFile(data) as delivered:
            found = delivered.problems(pages=None if signed.list_pdf
                                       else len(plan.ceremony.ids) if plan.ceremony else None)
            made = list(_progress(pdfs.results(), len(jobs), progress))
            known: KnownContent = {}
            for item in made:
                known.update(item.content or {})
            check_delivered(plan, ceremony.FILE, found + delivered.tagging_problems(known))
    return Assembled(made, data, pages)


def check_delivered(plan: Plan, name: str, found: list[str]) -> None:
    if found:
        raise StageFailed([in_template(
            plan.template, "pdf-archival",
            _("{file} is not fit to deliver: {problems}.").format(file=name,
                                                                   problems="; ".join(found)))])


def stage(staging: Path, manifest: Manifest, relative: str, data: bytes, kind: str,
          pages: int | None) -> None:
    """Write one file into the staging folder and list it in the manifest."""
    write_staged(staging / relative, data)
    manifest.add(relative, data, kind=kind, pages=pages)


def record_copies(staging: Path, manifest: Manifest, made: Sequence[Made]) -> None:
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
                                 name=excerpt(organisation.name), error=excerpt(error, 300)))
            for organisation, error in failed.values()])


def stage_lists(plan: Plan, staging: Path, manifest: Manifest, assembled: Assembled) -> None:
    """The ceremony file, and the public list of signatories: who has signed the current
    text (and, apart, an older one), nothing personal."""
    if assembled.ceremony is not None:
        stage(staging, manifest, ceremony.FILE, assembled.ceremony, "signature-pages-pdf",
              assembled.ceremony_pages)
    stage(staging, manifest, "signatories.html",
          signatories_html(plan.agreement, plan.everyone), "signatories-html", None)
    stage(staging, manifest, "signatories.csv", signatories_csv(plan.agreement, plan.everyone),
          "signatories-csv", None)


def _progress(items: Iterable[T], total: int, show: bool) -> Iterable[T]:
    if not show or total < 10:
        return items
    from tqdm import tqdm  # noqa: PLC0415 -- only for long builds on a terminal

    bar: Iterable[T] = tqdm(items, total=total, desc=_("Signature-ready PDFs"),
                            unit=_("files"), file=sys.stderr)
    return bar

