"""What a Python user calls: validate agreements, build their documents, say where
their registers of signatories stand, and compare two versions of an agreement.

All three take the paths a user gives (agreement folders, a folder of them, or single files;
none means every folder under ``agreements/``) and return findings as data; none prints
or exits. :mod:`overens_docs` re-exports these.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from overens_docs._build import Options, Outcome, Request, build_all, with_organisation
from overens_docs._errors import OverensError, ToolMissingError, UsageError
from overens_docs._findings import Report, Severity
from overens_docs._i18n import _
from overens_docs._register import StatusResult, register_status
from overens_docs._revise.diff import DiffResult, write_comparison
from overens_docs._revise.diff import diff as _diff
from overens_docs._validate import validate_paths


def validate(paths: Iterable[Path | str] = ()) -> Report:
    """Validate every agreement the paths name; the report holds every finding."""
    report, _checked = validate_paths(Path(path) for path in paths)
    return report


def status(paths: Iterable[Path | str] = ()) -> StatusResult:
    """Validate, then say for each agreement who has signed which version of its text.

    Each agreement on its own: an invalid one gives its findings in ``result.report`` and
    no status; the valid ones are in ``result.agreements``.
    """
    return register_status(Path(path) for path in paths)


@dataclass
class BuildResult:
    """What a build did: every finding, the folders built, and whether a build step failed
    (as opposed to the input being invalid). ``errors``: the agreements (by folder) that
    could not be built as asked, and why; the others were built all the same."""

    report: Report
    folders: list[Path] = field(default_factory=list)
    build_failed: bool = False
    seconds: dict[Path, float] = field(default_factory=dict)  # each built folder's build time
    up_to_date: list[Path] = field(default_factory=list)  # folders left as they were
    errors: dict[Path, OverensError] = field(default_factory=dict)


def build(paths: Iterable[Path | str] = (), *, out: Path | str = "build",
          only: str | None = None, progress: bool | None = None,
          timeout: float | None = None, force: bool = False) -> BuildResult:
    """Validate, then build every agreement the paths name into ``out/<agreement id>/``.

    Each agreement on its own: an invalid one is not built (the result holds its
    findings), and one that cannot be built as asked is in ``result.errors``; the others
    are built all the same. ``only`` builds one organisation's documents (by its id) into
    the existing build of each agreement that lists it. ``progress`` shows a
    progress bar on standard error (default: when it is a terminal). ``timeout``: the
    seconds each LibreOffice run may take before it is taken to hang (default: a minute
    plus 0.1 s per page). An agreement whose build folder was built from the same inputs
    and is intact is left as it is, in ``result.up_to_date`` (``force`` builds it anyway).
    Raises :class:`~overens_docs.UsageError` for a run that cannot be done as asked (a
    file instead of a folder, an ``only`` id that no agreement lists), and
    :class:`~overens_docs.ToolMissingError` when LibreOffice is missing.
    """
    report, checked_all = validate_paths(Path(path) for path in paths)
    result = BuildResult(report)
    show_progress = sys.stderr.isatty() if progress is None else progress
    requests = []
    for checked in checked_all:
        if checked.target.only is not None:
            raise UsageError(_("{file}: build takes agreement folders, not files.")
                             .format(file=checked.target.only))
        read = checked.read()
        if read is not None:  # valid and complete; the report says why another is not
            requests.append(Request(*read))
    if only is not None:
        requests = with_organisation(requests, only)
    options = Options(Path(out), only, show_progress, timeout, force)
    for request, outcome in zip(requests, build_all(requests, options), strict=True):
        if isinstance(outcome.error, ToolMissingError):  # no agreement can be built
            raise outcome.error
        if outcome.error is not None:
            result.errors[request.agreement.folder] = outcome.error
        elif outcome.refused:  # the input asks for a build that would mix versions
            report.extend(outcome.refused)
        else:
            _built(result, outcome)
    return result


def _built(result: BuildResult, outcome: Outcome) -> None:
    assert outcome.destination is not None  # noqa: S101 -- neither refused nor failed
    result.report.extend(outcome.findings)
    if any(finding.severity is Severity.ERROR for finding in outcome.findings):
        result.build_failed = True
    elif outcome.up_to_date:
        result.up_to_date.append(outcome.destination)
    else:
        result.folders.append(outcome.destination)
        result.seconds[outcome.destination] = outcome.seconds


def diff(old: Path | str, new: Path | str, *, out: Path | str | None = None,
         timeout: float | None = None) -> DiffResult:
    """Validate two versions of an agreement (folders or ``agreement.yaml`` files) and
    compare them: ``result.revision`` holds the changes and who must sign again, or is None
    when the input is invalid (``result.report`` says why). With ``out``, also write
    ``jamforelsedokument.docx`` and ``.pdf`` there (``result.written``); that needs
    LibreOffice and raises :class:`~overens_docs.OverensError` when it fails."""
    result = _diff(Path(old), Path(new))
    if out is not None and result.old is not None and result.new is not None \
            and result.revision is not None:
        result.written = write_comparison(result.old, result.new, Path(out), timeout=timeout)
    return result
