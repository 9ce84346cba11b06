"""Stage 2: validation. Schema first, then the semantic rules; findings, never exceptions."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from overens_docs._domain import Agreement, Organisation, read_agreement, read_organisations
from overens_docs._findings import Finding, Report, Severity
from overens_docs._i18n import _
from overens_docs._load import Loaded, load_csv, load_xlsx, load_yaml
from overens_docs._targets import (
    AGREEMENT_FILE,
    ORGANISATION_FILES,
    Target,
    display,
    resolve_targets,
)
from overens_docs._validate.agreement_rules import AGREEMENT_RULES, template_location
from overens_docs._validate.framework import run_rules
from overens_docs._validate.organisation_rules import ORGANISATION_RULES
from overens_docs._validate.register_rules import REGISTER_RULES, run_folder_rules
from overens_docs._validate.schema import check_schema
from overens_docs._validate.text_rules import TEXT_RULES

__all__ = ["CheckedAgreement", "check_target", "validate_paths"]


@dataclass(slots=True)
class CheckedAgreement:
    """One agreement folder after validation: its loaded files and everything found."""

    target: Target
    agreement: Loaded | None = None
    organisations: Loaded | None = None
    findings: list[Finding] = field(default_factory=list)
    files: list[str] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return not any(finding.severity is Severity.ERROR for finding in self.findings)

    def read(self) -> tuple[Agreement, tuple[Organisation, ...]] | None:
        """The agreement and its organisations as the domain knows them, when the whole
        folder (not a single file) was checked and is valid; else None."""
        if not self.valid or self.agreement is None or self.organisations is None:
            return None
        return (read_agreement(self.agreement, self.target.folder),
                read_organisations(self.organisations))


def _is_organisation_file(path: Path) -> bool:
    """``organisations.yaml``, ``*.organisations.yaml`` or any CSV or Excel file."""
    return (path.suffix.lower() in (".csv", ".xlsx")
            or "organisations" in path.name.lower().split("."))


def _load(path: Path) -> Loaded:
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return load_csv(path, display(path))
    if suffix == ".xlsx":
        return load_xlsx(path, display(path))
    return load_yaml(path, display(path))


def _check_file(path: Path, *, organisations: bool) -> Loaded:
    loaded = _load(path)
    if loaded.usable:
        schema_name = "organisations" if organisations else "agreement"
        loaded.findings.extend(check_schema(loaded, schema_name))
        rules = ORGANISATION_RULES | REGISTER_RULES if organisations else AGREEMENT_RULES
        loaded.findings.extend(run_rules(rules, loaded))
        loaded.findings.extend(run_rules(TEXT_RULES, loaded))
        if not organisations:
            loaded.findings.extend(template_location(loaded, path.parent))
    return loaded


def _missing(path: Path, message: str) -> Finding:
    return Finding(display(path), None, None, "$", "missing-file", Severity.ERROR, message)


def check_target(target: Target) -> CheckedAgreement:
    """Load and validate one agreement folder (or the one file ``target.only`` names).

    Raises ``OSError`` only when a file exists but cannot be read at all.
    """
    checked = CheckedAgreement(target)
    if target.only is not None:
        organisations = _is_organisation_file(target.only)
        loaded = _check_file(target.only, organisations=organisations)
        if organisations:
            checked.organisations = loaded
        else:
            checked.agreement = loaded
        checked.files.append(loaded.source.file)
        checked.findings.extend(loaded.findings)
        return checked

    agreement_path = target.folder / AGREEMENT_FILE
    if agreement_path.is_file():
        checked.agreement = _check_file(agreement_path, organisations=False)
        checked.files.append(checked.agreement.source.file)
        checked.findings.extend(checked.agreement.findings)
    else:
        checked.findings.append(_missing(
            agreement_path, _("The agreement folder has no {file}.").format(file=AGREEMENT_FILE)))

    lists = [target.folder / name for name in ORGANISATION_FILES
             if (target.folder / name).is_file()]
    if not lists:
        checked.findings.append(_missing(
            target.folder / ORGANISATION_FILES[0],
            _("The agreement folder lists no organisations: add one of {files}.").format(
                files=", ".join(ORGANISATION_FILES))))
    elif len(lists) > 1:
        checked.findings.append(Finding(
            display(lists[1]), None, None, "$", "two-organisation-lists", Severity.ERROR,
            _("{files} each list organisations; keep one, so that nobody edits a list that "
              "is not used.").format(files=_(" and ").join(path.name for path in lists))))
    else:
        checked.organisations = _check_file(lists[0], organisations=True)
        checked.files.append(checked.organisations.source.file)
        checked.findings.extend(checked.organisations.findings)
        checked.findings.extend(_check_both(checked))
    return checked


def _check_both(checked: CheckedAgreement) -> list[Finding]:
    """The rules that need the agreement and its organisations together (the signed
    versions against the text's fingerprint); they run once the agreement is valid."""
    agreement, organisations = checked.agreement, checked.organisations
    if (agreement is None or organisations is None or not organisations.usable
            or not agreement.usable
            or any(f.severity is Severity.ERROR for f in agreement.findings)):
        return []
    findings = run_folder_rules(read_agreement(agreement, checked.target.folder), organisations)
    organisations.findings.extend(findings)
    return findings


def validate_paths(paths: Iterable[Path]) -> tuple[Report, list[CheckedAgreement]]:
    """Validate every agreement the paths name (none: every folder under ``agreements/``)."""
    report = Report()
    checked_all = [check_target(target) for target in resolve_targets(paths)]
    for checked in checked_all:
        report.extend(checked.findings)
        report.files.extend(checked.files)
    return report, checked_all
