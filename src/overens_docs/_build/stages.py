"""The stages of one agreement's build, after the plan, each a function that takes and
returns typed records; :func:`overens_docs._build.workflow.make` runs them in order:

    render -> convert -> (check the text) -> assemble (:mod:`assembly`) -> write

Two of them overlap in time with the ones after them: :func:`start_copies` starts the
worker processes and gives them every organisation's .docx to write, and
:func:`start_conversions` starts LibreOffice; both return at once, and what they make is
collected by the later stages that need it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import jinja2

from overens_docs._build import ceremony, processes, signature_pages
from overens_docs._build.manifest import Manifest
from overens_docs._build.organisation_files import CopyState, Made, write_docx
from overens_docs._build.output import write_staged
from overens_docs._build.plan import Plan
from overens_docs._build.problems import StageFailed, for_organisation, in_template
from overens_docs._domain import Organisation
from overens_docs._domain.template_files import template_folders
from overens_docs._findings import Finding, Severity, excerpt
from overens_docs._i18n import _
from overens_docs._pdf.check import accessibility_problems, expected_fonts_missing, problems
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
DOCX_PER_JOB = 100  # organisations whose .docx one worker writes at a time

Notify = Callable[[str], None]


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


@dataclass(frozen=True, slots=True)
class Copies:
    """The worker processes making the copies, and the .docx files they were given."""

    pool: processes.Pool[CopyState]
    docx: list[Callable[[], list[Made]]]


def start_copies(stack: ExitStack, plan: Plan, staging: Path, rendered: Rendered,
                 work: Path) -> Copies:
    """The worker processes that make the copies, started now, while this process is small
    (one per core for a large agreement; none, this process, for a small one), and every
    organisation's .docx given to them at once: they write those while LibreOffice
    converts."""
    count = len(plan.organisations)
    pool = stack.enter_context(processes.Pool(
        CopyState(staging, rendered.personaliser, work / "master.pdf", plan.agreement.title,
                  page_numbers=rendered.numbered),
        processes=processes.processes_for(count)))
    docx = [pool.submit(write_docx, plan.organisations[start:start + DOCX_PER_JOB])
            for start in range(0, count, DOCX_PER_JOB)]
    return Copies(pool, docx)


def start_conversions(stack: ExitStack, plan: Plan, rendered: Rendered, work: Path,
                      notify: Notify | None) -> signature_pages.SignaturePipeline:
    """LibreOffice, started on the text and the signature pages (see
    :class:`signature_pages.SignaturePipeline`); stopped when ``stack`` closes. With a PDF
    form, only the text is converted."""
    listing = ceremony.list_document(plan, rendered.template)
    count = 0 if plan.form is not None else len(plan.organisations)
    rows = ceremony.list_rows(plan) if listing is not None else 0
    weight = signature_pages.LIST_ROW_WEIGHT * rows
    parts = processes.cores() if processes.parallel(count) else 1
    return signature_pages.SignaturePipeline(
        stack, rendered.text, rendered.template, plan.organisations[:count],
        sizes=signature_pages.batch_sizes(count, parts, weight) if count else [],
        limit=processes.cores(), work=work, ceremony_list=listing, list_weight=weight,
        timeout=plan.timeout, notify=notify)


@dataclass(frozen=True, slots=True)
class Text:
    """LibreOffice's PDFs of the text, checked and normalised (their dates, checksums and
    ids made reproducible): every delivered PDF takes its dates and id from these."""

    agreement: Path  # agreement.pdf
    master: Path  # the text pages, then one signature page
    pages: int  # the text's pages


def checked_text(plan: Plan, pipeline: signature_pages.SignaturePipeline) -> Text:
    agreement_pdf, master_pdf = pipeline.text()
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
        stage(staging, manifest, "agreement.docx", rendered.published, kind="agreement-docx",
              pages=None)
        stage(staging, manifest, "agreement.pdf", text.agreement.read_bytes(),
              kind="agreement-pdf", pages=text.pages)
        stage(staging, manifest, "agreement.html", agreement_html(plan.agreement),
              kind="agreement-html", pages=None)


def check_delivered(plan: Plan, name: str, found: list[str]) -> None:
    if found:
        raise StageFailed([in_template(
            plan.template, "pdf-archival",
            _("{file} is not fit to deliver: {problems}.").format(file=name,
                                                                   problems="; ".join(found)))])


def stage(staging: Path, manifest: Manifest, relative: str, data: bytes, *, kind: str,
          pages: int | None) -> None:
    """Write one file into the staging folder and list it in the manifest."""
    write_staged(staging / relative, data)
    manifest.add(relative, data, kind=kind, pages=pages)


def record_copies(staging: Path, manifest: Manifest, made: Sequence[Made],
                  organisations: Sequence[Organisation]) -> None:
    """List each organisation's files in the manifest; or, if any of its files could not be
    made, remove all of them (never half its documents) and fail the build naming it."""
    failed: dict[str, str] = {}
    for item in made:
        if item.error is not None:
            failed.setdefault(item.organisation, item.error)
    for item in made:
        if item.record is None:
            continue
        if item.organisation in failed:
            (staging / item.record.path).unlink(missing_ok=True)
        else:
            manifest.record(item.record)
    if failed:
        raise StageFailed([
            for_organisation(organisation, "build-organisation-failed",
                             _("The documents for {name} could not be made: {error}").format(
                                 name=excerpt(organisation.name),
                                 error=excerpt(failed[organisation.id], 300)))
            for organisation in organisations if organisation.id in failed])


def stage_lists(plan: Plan, staging: Path, manifest: Manifest) -> None:
    """The public list of signatories: who has signed the current text (and, apart, an
    older one), nothing personal."""
    stage(staging, manifest, "signatories.html",
          signatories_html(plan.agreement, plan.everyone), kind="signatories-html", pages=None)
    stage(staging, manifest, "signatories.csv", signatories_csv(plan.agreement, plan.everyone),
          kind="signatories-csv", pages=None)
