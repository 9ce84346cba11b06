"""Findings a build adds, each pointing at what a person can change: the template, the
agreement's key, or the organisation's row; and :class:`StageFailed`, which ends a build."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from overens_docs._domain import Organisation, Place
from overens_docs._errors import OverensError
from overens_docs._findings import Finding, Severity
from overens_docs._targets import display


def at(place: Place, rule: str, message: str, severity: Severity = Severity.ERROR) -> Finding:
    return Finding(place.file, place.line, place.column, "$", rule, severity, message,
                   sheet=place.sheet)


def in_template(template: Path, rule: str, message: str,
                severity: Severity = Severity.ERROR) -> Finding:
    return at(Place(display(template)), rule, message, severity)


def for_organisation(organisation: Organisation, rule: str, message: str) -> Finding:
    return at(organisation.place, rule, message)


class StageFailed(OverensError):  # noqa: N818 -- says what happened; caught, never shown
    """A stage found problems that stop the build; nothing is moved into place."""

    def __init__(self, findings: Sequence[Finding]) -> None:
        super().__init__("; ".join(finding.message for finding in findings))
        self.findings = list(findings)
