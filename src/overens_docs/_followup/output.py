"""What the follow-up commands say they did: as text for people, as JSON for programs.

The numbers' JSON has the shape README.md gives ("The yearly follow-up"): statuses as the
scale's Swedish words, the same in either language; the messages follow the language.
"""

from __future__ import annotations

import json
from pathlib import Path

from overens_docs._followup.document import summary
from overens_docs._followup.figures import Table
from overens_docs._followup.items import COLUMNS
from overens_docs._followup.new import NewResult
from overens_docs._followup.report import ReportResult
from overens_docs._i18n import _, ngettext
from overens_docs._targets import display

__all__ = ["NewResult", "ReportResult", "new_as_json", "new_as_text", "report_as_json",
           "report_as_text"]


def new_as_text(result: NewResult) -> str:
    target = result.folder
    if target is None:
        return ""
    workbook = display(target.workbook)
    if result.workbook_written and result.carried_over_from is not None:
        lines = [_("Wrote {file}, with the entries of {year} carried over.").format(
            file=workbook, year=result.carried_over_from)]
    elif result.workbook_written:
        lines = [_("Wrote {file}.").format(file=workbook)]
    else:
        lines = [_("Kept {file}: it exists (fill it in; it is never replaced).").format(
            file=workbook)]
    written = len(result.questionnaires)
    lines.append(ngettext("Wrote {count} questionnaire into {folder}",
                          "Wrote {count} questionnaires into {folder}", written).format(
        count=written, folder=display(target.questionnaires))
        + (ngettext(" ({count} was there already).", " ({count} were there already).",
                    result.questionnaires_kept).format(count=result.questionnaires_kept)
           if result.questionnaires_kept else "."))
    lines.append(_("Send each organisation its questionnaire, put those that come back into "
                   "{answers}, fill in the workbook, then: overens followup report {folder} "
                   "{year}").format(answers=display(target.answers),
                                    folder=display(target.folder.parent.parent),
                                    year=target.year))
    return "\n".join(lines)


def new_as_json(result: NewResult) -> str:
    target = result.folder
    findings = [finding.as_dict() for finding in result.report.sorted_findings()]
    return json.dumps({
        "workbook": display(target.workbook) if target else None,
        "workbook_written": result.workbook_written,
        "carried_over_from": result.carried_over_from,
        "questionnaires": [display(path) for path in result.questionnaires],
        "questionnaires_kept": result.questionnaires_kept,
        "answers_folder": display(target.answers) if target else None,
        "findings": findings}, ensure_ascii=False, indent=2)


def _table(table: Table | None) -> list[dict[str, object]] | None:
    if table is None:
        return None
    return [{"category": category, "counts": dict(zip(COLUMNS, counts, strict=True))}
            for category, counts in table.rows]


def report_as_json(result: ReportResult) -> str:
    figures = result.figures
    document: dict[str, object] = {
        "findings": [finding.as_dict() for finding in result.report.sorted_findings()],
        "written": [display(path) for path in result.written]}
    if figures is not None:
        document.update({
            "agreement": figures.agreement.id, "year": figures.year,
            "totals": dict(zip(COLUMNS, figures.totals, strict=True)),
            "by_principle": _table(figures.by_principle), "by_party": _table(figures.by_group),
            "by_year": _table(figures.by_year),
            "answers": {"answered": len(figures.answers), "asked": figures.signatories,
                        "by_item": _table(figures.answers_table)},
            "rows": [{"id": item.id, "status": figures.status(item)} for item in figures.items],
        })
    return json.dumps(document, ensure_ascii=False, indent=2)


def report_as_text(result: ReportResult) -> str:
    lines = summary(result.figures) if result.figures is not None else []
    lines += [_("Wrote {path}").format(path=display(path)) for path in result.written
              if path.suffix != ".png"]
    pictures = [path for path in result.written if path.suffix == ".png"]
    if pictures:
        lines.append(ngettext("Wrote {count} chart as a picture into {folder}",
                              "Wrote {count} charts as pictures into {folder}",
                              len(pictures)).format(count=len(pictures),
                                                    folder=display(Path(pictures[0]).parent)))
    return "\n".join(lines)
