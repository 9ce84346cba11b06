"""``overens followup new``: the year's workbook and the questionnaires to send.

Validates the agreement folder, then writes into ``uppfoljning/<year>/`` (see
:mod:`layout`) the year's workbook, with last year's entries carried over when there is
a workbook of an earlier year, and a questionnaire for every organisation that has
signed; and makes the folder ``svar/`` for the questionnaires that come back. Nothing
that exists is replaced: run it again after more organisations have signed, and it
writes their questionnaires and leaves the rest as they are.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from overens_docs._domain import Agreement, Organisation
from overens_docs._errors import UsageError
from overens_docs._findings import Report
from overens_docs._followup.files import write_new
from overens_docs._followup.items import Item, items, questionnaire_items
from overens_docs._followup.layout import Kind, YearFolder, earlier_years
from overens_docs._followup.questionnaires import Questionnaires
from overens_docs._followup.reading import read_workbook
from overens_docs._followup.workbook import Filled, Sheet, workbook_bytes
from overens_docs._i18n import _
from overens_docs._read import read_target
from overens_docs._reproducible import build_date
from overens_docs._targets import AGREEMENT_FILE, Target, display, is_agreement_folder

FIRST_YEAR, LAST_YEAR = 1900, 9999


@dataclass
class NewResult:
    """What ``followup new`` found and wrote."""

    report: Report
    folder: YearFolder | None = None
    workbook_written: bool = False
    carried_over_from: int | None = None  # the year whose entries were carried over
    questionnaires: list[Path] = field(default_factory=list)  # written now
    questionnaires_kept: int = 0  # there already


def read_agreement(folder: Path, year: int,
                   ) -> tuple[Report, Agreement | None, tuple[Organisation, ...]]:
    """Validate the agreement folder ``folder``; the agreement when it is valid. Raises
    :class:`UsageError` for a path that is not an agreement folder or a year that is not
    one."""
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise UsageError(_("{year} is not a year (write it as 2025).").format(year=year))
    if not is_agreement_folder(folder):
        raise UsageError(_("{path}: no agreement folder here (one holds {file} and the "
                           "organisation list).").format(path=folder, file=AGREEMENT_FILE))
    read = read_target(Target(folder))
    report = Report(read.findings, read.files)
    if not read.valid or read.agreement is None or read.organisations is None:
        return report, None, ()
    return report, read.agreement, read.organisations


def _carried_over(agreement: Agreement, year: int, rows: tuple[Item, ...],
                  result: NewResult) -> dict[str, Filled]:
    """Last year's entries (status, comments, measure) of the items the agreement still
    has, from the latest workbook of a year before ``year``; none if there is none."""
    earlier = earlier_years(agreement.folder, year)
    if not earlier:
        return {}
    last = earlier[-1]
    read = read_workbook(last.workbook, display(last.workbook), Kind.WORKBOOK, rows,
                         fill_in=len(Kind.WORKBOOK.fill_in("")), strict=False)
    result.report.files.append(read.file)
    result.report.extend(read.findings)
    if read.failed:
        return {}
    result.carried_over_from = last.year
    known = {item.id for item in rows}
    return {entry.id: (entry.status.value if entry.status else None, *entry.notes)
            for entry in read.entries.values() if entry.id in known}


def followup_new(folder: Path, year: int) -> NewResult:
    """Write the follow-up files of ``year`` for the agreement in ``folder``."""
    report, agreement, organisations = read_agreement(folder, year)
    result = NewResult(report)
    if agreement is None:
        return result
    result.folder = target = YearFolder.of(folder, year)
    when = build_date(agreement.signing.date, agreement.adoption.date)
    for path in (target.folder, target.questionnaires, target.answers):
        path.mkdir(parents=True, exist_ok=True)
    if not target.workbook.exists():
        rows = items(agreement)
        filled = _carried_over(agreement, year, rows, result)
        if result.report.fails():
            return result
        sheet = Sheet(Kind.WORKBOOK, agreement, year, rows, filled)
        result.workbook_written = write_new(target.workbook, workbook_bytes(sheet, when))
    signed = [organisation for organisation in organisations if organisation.is_signatory]
    if signed:
        copies = Questionnaires(agreement, year, questionnaire_items(agreement), when)
        for organisation in signed:
            path = target.questionnaires / f"{organisation.file_stem}.xlsx"
            if not path.exists() and write_new(path, copies.make(organisation)):
                result.questionnaires.append(path)
            else:
                result.questionnaires_kept += 1
    return result
