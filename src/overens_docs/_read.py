"""Reading input: the one way every command reads an agreement folder.

    load (:mod:`_load`) -> validate (:mod:`_validate`) -> domain (:mod:`_domain`)

:func:`read_target` loads an agreement folder's files (or the one file the user named)
with the place of every value, validates them, and reads what holds into the domain: an
:class:`~overens_docs._domain.Agreement` and its
:class:`~overens_docs._domain.Organisation`\\ s, or the findings that say why not.
:func:`read_paths` does it for every agreement the paths a user gives name.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from overens_docs._domain import (
    Agreement,
    Organisation,
    OrganisationContact,
    read_agreement,
    read_organisation_contacts,
    read_organisations,
)
from overens_docs._domain.signing import resolve
from overens_docs._errors import UsageError
from overens_docs._findings import Finding, Report, Severity
from overens_docs._i18n import _
from overens_docs._load import Loaded, load_csv, load_xlsx, load_yaml
from overens_docs._targets import (
    AGREEMENT_FILE,
    ORGANISATION_FILES,
    Target,
    display,
    present,
    resolve_targets,
)
from overens_docs._validate import (
    validate_agreement,
    validate_organisations,
    validate_together,
)


def _fails(findings: Iterable[Finding]) -> bool:
    return any(finding.severity is Severity.ERROR for finding in findings)


@dataclass
class AgreementInput:
    """One agreement folder (or one of its files, ``target.only``) as read: every finding,
    the files checked, and the domain of each file that holds."""

    target: Target
    findings: list[Finding] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    agreement: Agreement | None = None  # when agreement.yaml was read and holds
    _organisations: Loaded | None = field(default=None, repr=False)

    @property
    def valid(self) -> bool:
        return not _fails(self.findings)

    @functools.cached_property
    def organisations(self) -> tuple[Organisation, ...] | None:
        """The organisations, when the list was read and holds (read into the domain when
        first asked for: validating alone does not need them)."""
        loaded = self._organisations
        if loaded is None or not loaded.usable or _fails(loaded.findings):
            return None
        return read_organisations(loaded)

    @functools.cached_property
    def contacts(self) -> dict[str, OrganisationContact]:
        """Each organisation's contact by its id (none when the list does not hold)."""
        loaded = self._organisations
        if loaded is None or not loaded.usable or _fails(loaded.findings):
            return {}
        return read_organisation_contacts(loaded)

    def whole(self, command: str) -> tuple[Agreement, tuple[Organisation, ...]]:
        """The agreement and its organisations, of a valid folder, each organisation with
        where it stands and when it signs (:func:`~overens_docs._domain.signing.resolve`);
        :class:`UsageError` when the user named a single file, which ``command`` cannot
        take."""
        if self.target.only is not None:
            raise UsageError(_("{file}: {command} takes agreement folders, not files; give "
                               "the folder that holds it.").format(file=self.target.only,
                                                                   command=command))
        organisations = self.organisations
        if self.agreement is None or organisations is None or not self.valid:
            raise UsageError(_("{folder} is not valid.").format(
                folder=display(self.target.folder)))
        return self.agreement, resolve(self.agreement, organisations)


def _load(path: Path) -> Loaded:
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return load_csv(path, display(path))
    if suffix == ".xlsx":
        return load_xlsx(path, display(path))
    return load_yaml(path, display(path))


def is_organisation_file(path: Path) -> bool:
    """``organisations.yaml``, ``*.organisations.yaml`` or any CSV or Excel file."""
    return (path.suffix.lower() in (".csv", ".xlsx")
            or "organisations" in path.name.lower().split("."))


def _missing(path: Path, message: str) -> Finding:
    return Finding(display(path), None, None, "$", "missing-file", Severity.ERROR, message)


class _Reading:
    """Reads the files of one target into an :class:`AgreementInput`."""

    def __init__(self, target: Target) -> None:
        self.result = AgreementInput(target)

    def agreement(self, path: Path) -> None:
        loaded = _load(path)
        loaded.findings.extend(validate_agreement(loaded, path.parent))
        self._checked(loaded)
        if loaded.usable and not _fails(loaded.findings):
            self.result.agreement = read_agreement(loaded, self.result.target.folder)

    def organisations(self, path: Path) -> Loaded:
        loaded = _load(path)
        loaded.findings.extend(validate_organisations(loaded))
        self._checked(loaded)
        self.result._organisations = loaded
        return loaded

    def _checked(self, loaded: Loaded) -> None:
        self.result.files.append(loaded.source.file)
        self.result.findings.extend(loaded.findings)


def read_target(target: Target) -> AgreementInput:
    """Load, validate and read one agreement folder (or the one file ``target.only`` names).

    Raises ``OSError`` only when a file exists but cannot be read at all.
    """
    reading = _Reading(target)
    if target.only is not None:
        if is_organisation_file(target.only):
            reading.organisations(target.only)
        else:
            reading.agreement(target.only)
        return reading.result
    agreement_path = target.folder / AGREEMENT_FILE
    if present(agreement_path):
        reading.agreement(agreement_path)
    else:
        reading.result.findings.append(_missing(
            agreement_path, _("The agreement folder has no {file}.").format(file=AGREEMENT_FILE)))
    lists = [target.folder / name for name in ORGANISATION_FILES
             if present(target.folder / name)]
    if not lists:
        reading.result.findings.append(_missing(
            target.folder / ORGANISATION_FILES[0],
            _("The agreement folder lists no organisations: add one of {files}.").format(
                files=", ".join(ORGANISATION_FILES))))
    elif len(lists) > 1:
        reading.result.findings.append(Finding(
            display(lists[1]), None, None, "$", "two-organisation-lists", Severity.ERROR,
            _("{files} each list organisations; keep one, so that nobody edits a list that "
              "is not used.").format(files=_(" and ").join(path.name for path in lists))))
    else:
        loaded = reading.organisations(lists[0])
        agreement = reading.result.agreement
        if agreement is not None and loaded.usable:
            together = validate_together(agreement, loaded)
            loaded.findings.extend(together)
            reading.result.findings.extend(together)
    return reading.result


@dataclass(slots=True)
class Inputs:
    """Every agreement the paths a user gave name, as read, and all their findings."""

    report: Report
    agreements: list[AgreementInput]

    def whole(self, command: str) -> list[tuple[Agreement, tuple[Organisation, ...]]]:
        """Each agreement and its organisations, when every one is a valid folder (see
        :meth:`AgreementInput.whole`)."""
        for read in self.agreements:
            if read.target.only is not None:
                read.whole(command)  # raises: a file, not a folder
        return [read.whole(command) for read in self.agreements]


def read_paths(paths: Iterable[Path]) -> Inputs:
    """Read every agreement the paths name (none: every folder under ``agreements/``)."""
    report = Report()
    agreements = [read_target(target) for target in resolve_targets(paths)]
    for read in agreements:
        report.extend(read.findings)
        report.files.extend(read.files)
    return Inputs(report, agreements)
