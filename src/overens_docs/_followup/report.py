"""``overens followup report``: read the year's follow-up, check it, and write the report.

Reads the year's workbook (strictly: every finding at its cell), the workbooks of earlier
years (for the comparison over the years; leniently, since the agreement may have changed
since) and the questionnaires returned to ``svar/``; then, when nothing fails, writes
``uppfoljningsrapport-<year>.docx``, ``.pdf`` (PDF/A, tagged, each chart a Figure with
its alt text) and ``.html``, and each chart as a PNG, into ``--out``. Everything is made
in a staging folder and moved into place only when whole and checked.
"""

from __future__ import annotations

import datetime
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from overens_docs._domain import Agreement, Organisation
from overens_docs._domain.fingerprint import short_form, text_fingerprint
from overens_docs._domain.naming import slugify
from overens_docs._domain.template_files import document_template
from overens_docs._errors import ConversionError, UsageError
from overens_docs._findings import Report, Severity
from overens_docs._followup.charts import Chart, chart
from overens_docs._followup.document import report_context
from overens_docs._followup.figures import Answer, Figures, figures
from overens_docs._followup.items import items, questionnaire_items
from overens_docs._followup.layout import Kind, YearFolder, earlier_years
from overens_docs._followup.new import read_agreement
from overens_docs._followup.reading import Entry, Read, read_workbook
from overens_docs._followup.report_html import report_html
from overens_docs._i18n import _
from overens_docs._package_data import data_dir
from overens_docs._pdf.check import accessibility_problems, problems
from overens_docs._pdf.convert import convert
from overens_docs._render.docx import CoreProperties, render
from overens_docs._reproducible import build_date, normalise_docx, normalise_pdf
from overens_docs._targets import display

REPORT_TEMPLATE = "followup-report.docx"  # beside the agreement's own template, or default/
_WORKBOOK_FILL = len(Kind.WORKBOOK.fill_in(""))
_QUESTIONNAIRE_FILL = len(Kind.QUESTIONNAIRE.fill_in(""))


@dataclass
class ReportResult:
    """What ``followup report`` found, counted and wrote."""

    report: Report
    figures: Figures | None = None
    written: list[Path] = field(default_factory=list)


def _check_year(read: Read, agreement: Agreement, year: int) -> None:
    if read.year is not None and read.year != str(year):
        read.finding(None, None, "followup-year",
                     _("This workbook is for {found}, not {year}.").format(found=read.year,
                                                                           year=year))
    current = short_form(text_fingerprint(agreement))
    if read.text_version is not None and read.text_version != current:
        read.finding(None, None, "followup-text-version",
                     _("This workbook was made for the text {made}; the agreement's text is "
                       "now {current}. Rows whose text has changed since are findings of "
                       "their own.").format(made=read.text_version, current=current),
                     Severity.WARNING)


def _answers(target: YearFolder, agreement: Agreement, organisations: tuple[Organisation, ...],
             report: Report) -> tuple[Answer, ...]:
    """The returned questionnaires that count: readable, of this year, from an organisation
    in the register, the first of each organisation (by file name)."""
    rows = questionnaire_items(agreement)
    register = {organisation.id: organisation for organisation in organisations}
    counted: dict[str, tuple[Answer, str]] = {}
    for path in target.returned():
        read = read_workbook(path, display(path), Kind.QUESTIONNAIRE, rows,
                             fill_in=_QUESTIONNAIRE_FILL)
        report.files.append(read.file)
        report.extend(read.findings)
        if read.failed:
            continue
        identifier = read.organisation_id or ""
        organisation = register.get(identifier)
        if read.year != str(target.year):
            warning = _("This is the questionnaire of {found}, not of {year}: not "
                        "counted.").format(found=read.year, year=target.year)
            rule = "followup-year"
        elif organisation is None:
            warning = _("The organisation '{id}' ({name}) is not in the register: its answers "
                        "are not counted. Is the questionnaire another agreement's?").format(
                id=identifier, name=read.organisation_name or "?")
            rule = "followup-unknown-organisation"
        elif identifier in counted:
            warning = _("{name} has answered twice: {first} is counted, this one is not. "
                        "Remove the one that is not meant.").format(
                name=organisation.name, first=counted[identifier][1])
            rule = "followup-twice"
        else:
            counted[identifier] = (Answer(organisation, read.entries), read.file)
            continue
        read.finding(None, None, rule, warning, Severity.WARNING)
        report.extend(read.findings[-1:])
    return tuple(answer for answer, _file in counted.values())


def read_year(folder: Path, year: int) -> ReportResult:
    """Validate the agreement and read everything of ``year``'s follow-up; the figures
    when nothing fails. Raises :class:`UsageError` when there is no workbook for it."""
    report, agreement, organisations = read_agreement(folder, year)
    result = ReportResult(report)
    if agreement is None:
        return result
    target = YearFolder.of(folder, year)
    if not target.workbook.is_file():
        raise UsageError(_("{file}: no follow-up workbook for {year}. Make it first: overens "
                           "followup new {folder} {year}").format(
            file=display(target.workbook), year=year, folder=display(folder)))
    rows = items(agreement)
    current = read_workbook(target.workbook, display(target.workbook), Kind.WORKBOOK, rows,
                            fill_in=_WORKBOOK_FILL)
    _check_year(current, agreement, year)
    report.files.append(current.file)
    report.extend(current.findings)
    earlier: list[tuple[int, dict[str, Entry]]] = []
    for previous in earlier_years(folder, year):
        read = read_workbook(previous.workbook, display(previous.workbook), Kind.WORKBOOK,
                             rows, fill_in=_WORKBOOK_FILL, strict=False)
        report.files.append(read.file)
        report.extend(read.findings)
        earlier.append((previous.year, read.entries))
    answers = _answers(target, agreement, organisations, report)
    if not report.fails():
        result.figures = figures(
            agreement, year, rows=rows, entries=current.entries, earlier=earlier,
            questionnaire_rows=questionnaire_items(agreement), answers=answers,
            signatories=sum(organisation.is_signatory for organisation in organisations))
    return result


def charts_of(figures: Figures) -> list[Chart]:
    tables = [figures.by_principle, figures.by_group, figures.by_year, figures.answers_table]
    return [chart(table) for table in tables if table is not None]


def report_template(agreement: Agreement) -> Path:
    """``followup-report.docx`` beside the agreement's own Word template, else the default."""
    own = document_template(agreement.folder, agreement.template.document).parent
    beside = own / REPORT_TEMPLATE
    return beside if beside.is_file() else data_dir("templates") / "default" / REPORT_TEMPLATE


def check_out(out: Path, agreement: Agreement) -> None:
    """Refuse an ``--out`` that is a file, or lies in the agreement's folder or the
    templates (the report would land among the inputs)."""
    resolved = out.resolve()
    if resolved.exists() and not resolved.is_dir():
        raise UsageError(_("{path} is a file, not a folder: --out names the folder the report "
                           "is written into.").format(path=display(out)))
    for folder in (agreement.folder, data_dir("templates")):
        if resolved.is_relative_to(folder.resolve()):
            raise UsageError(_("{out}: writing there would put the report among the inputs in "
                               "{folder}. Choose another --out folder.").format(
                out=display(out), folder=display(folder)))


def write_report(figures: Figures, out: Path, *, timeout: float | None = None) -> list[Path]:
    """Write the report of ``figures`` into ``out``; :class:`ConversionError` when
    LibreOffice fails or its PDF is not fit to archive."""
    agreement, year = figures.agreement, figures.year
    check_out(out, agreement)
    when = build_date(agreement.signing.date, agreement.adoption.date)
    charts = charts_of(figures)
    made_from = (f"Underlag: {YearFolder.of(agreement.folder, year).workbook.name} och "
                 f"{len(figures.answers)} besvarade enkäter.")
    context = report_context(figures, charts, made_from)
    core = CoreProperties.titled(f"Uppföljning {year} – {agreement.title}",
                                 "Uppföljningsrapport", agreement.public_body.name)
    stem = f"uppfoljningsrapport-{year}"
    out.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=out))
    try:
        docx = staging / f"{stem}.docx"
        docx.write_bytes(normalise_docx(render(report_template(agreement), context, core), when))
        (staging / f"{stem}.html").write_bytes(report_html(context, agreement.contacts))
        for number, made in enumerate(charts, start=1):
            (staging / f"diagram-{number}-{slugify(made.table.name)}.png").write_bytes(made.png)
        _pdf(docx, staging, when, timeout)
        written = []
        for path in sorted(staging.iterdir()):
            path.replace(out / path.name)
            written.append(out / path.name)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return written


def _pdf(docx: Path, staging: Path, when: datetime.datetime, timeout: float | None) -> None:
    with tempfile.TemporaryDirectory(prefix="overens-report-") as work:
        [pdf] = convert([docx], Path(work), timeout=timeout)
        normalise_pdf(pdf, when)
        found = problems(pdf) + accessibility_problems(pdf, tagged=True, ua=True)
        if found:
            raise ConversionError(_("The report's PDF is not fit to archive: {problems}.")
                                  .format(problems="; ".join(found)))
        shutil.copyfile(pdf, staging / pdf.name)
