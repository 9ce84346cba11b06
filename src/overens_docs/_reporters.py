"""Reporters: findings as text for people, or as one JSON object for programs."""

from __future__ import annotations

import json
import re

from overens_docs._findings import Finding, Report, Severity
from overens_docs._i18n import _, ngettext

_PLAIN_SHEET_NAME = re.compile(r"\A\w+\Z")
_NUMBERED_PART = re.compile(r"word/(header|footer)(\d*)\.xml")


def _sheet(name: str) -> str:
    """A sheet name as Excel writes it in a reference: quoted unless a plain word."""
    if _PLAIN_SHEET_NAME.match(name):
        return name
    return "'" + name.replace("'", "''") + "'"


def _place(finding: Finding) -> str:
    if finding.sheet is not None:
        # organisations.xlsx:Organisationer!C7, as Excel names a cell; a whole row as 7:7.
        place = f"{finding.file}:{_sheet(finding.sheet)}"
        if finding.line is not None:
            place += "!" + (finding.cell or f"{finding.line}:{finding.line}")
        return place
    place = finding.file
    if finding.part is not None:
        return _template_place(finding)
    if finding.page is not None:
        return _("{file} (page {page})").format(file=place, page=finding.page)
    if finding.line is not None:
        place += f":{finding.line}"
        if finding.column is not None:
            place += f":{finding.column}"
    return place


def part_name(part: str) -> str:
    """A part of a Word package as a person finds it in Word: ``word/header2.xml`` ->
    "header 2"."""
    match = _NUMBERED_PART.fullmatch(part)
    if part == "word/document.xml":
        return _("body")
    if match and match.group(1) == "header":
        return _("header {number}").format(number=match.group(2) or 1)
    if match and match.group(1) == "footer":
        return _("footer {number}").format(number=match.group(2) or 1)
    return part


def _template_place(finding: Finding) -> str:
    """``mall.docx, header 1, paragraph 2 ("Kontakt: {{ x }}")``."""
    assert finding.part is not None  # noqa: S101 -- only called for findings with a part
    if finding.paragraph is None:
        return f"{finding.file}, {part_name(finding.part)}"
    return _('{file}, {part}, paragraph {paragraph} ("{words}")').format(
        file=finding.file, part=part_name(finding.part), paragraph=finding.paragraph,
        words=finding.words or "")


def finding_line(f: Finding) -> str:
    """``file:line:column: severity [rule] message``. The place is the one a person finds
    in an editor (line and column, the cell, the page, the template's paragraph); the JSON
    path, for programs, is in the JSON only, but for a finding without a line to show
    (``(path)`` after the message)."""
    return (f"{_place(f)}: {_severity(f.severity)} [{f.rule}] {f.message}"
            + (f" ({f.path})" if f.line is None and f.part is None and f.path != "$" else ""))


def as_text(report: Report, *, strict: bool = False) -> str:
    """``file:line:column: severity [rule] message``, one per line (:func:`finding_line`),
    then a summary."""
    lines = [finding_line(f) for f in report.sorted_findings()]
    verdict = _("FAILED") if report.fails(strict=strict) else _("OK")
    files = len(report.files)
    summary = _("{verdict}: {files} checked, {errors}, {warnings}").format(
        verdict=verdict,
        files=ngettext("{count} file", "{count} files", files).format(count=files),
        errors=ngettext("{count} error", "{count} errors", report.errors)
        .format(count=report.errors),
        warnings=ngettext("{count} warning", "{count} warnings", report.warnings)
        .format(count=report.warnings))
    if strict and report.warnings:
        summary += " " + _("(--strict: warnings fail)")
    lines.append(summary)
    return "\n".join(lines)


def _severity(severity: Severity) -> str:
    """The severity as a person reads it; JSON keeps the codes ``error`` and ``warning``."""
    return _("error") if severity is Severity.ERROR else _("warning")


def document(report: Report, *, strict: bool = False) -> dict[str, object]:
    """The findings and their summary, as the JSON of every command holds them."""
    return {
        "findings": [finding.as_dict() for finding in report.sorted_findings()],
        "summary": {
            "files": report.files,
            "errors": report.errors,
            "warnings": report.warnings,
            "strict": strict,
            "valid": not report.fails(strict=strict),
        },
    }


def as_json(report: Report, *, strict: bool = False, built: list[str] | None = None,
            up_to_date: list[str] | None = None,
            builds: dict[str, object] | None = None) -> str:
    """One JSON document; ``built`` (the folders a build wrote), ``up_to_date`` (those it
    left as they were) and ``builds`` (what each built folder holds) go into the summary."""
    findings = document(report, strict=strict)
    summary: dict[str, object] = findings["summary"]  # type: ignore[assignment]
    if built is not None:
        summary["built"] = built
    if up_to_date is not None:
        summary["up_to_date"] = up_to_date
    if builds is not None:
        summary["builds"] = builds
    return json.dumps(findings, ensure_ascii=False, indent=2)
