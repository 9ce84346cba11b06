"""What a Python user (and the ``overens`` command) calls: validate agreements, build their
documents, say where their registers of signatories stand, compare two versions of an
agreement, verify a build or a copy that came back, start or check a Word template, and
follow an agreement up year by year.

Each takes the paths a user gives (for most, agreement folders, a folder of them, or single
files; none means every folder under ``agreements/``) and returns findings and results as
data; none prints or exits. :mod:`overens_docs` re-exports these.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from overens_docs._errors import OverensError, ToolMissingError, UsageError
from overens_docs._findings import Report
from overens_docs._i18n import _
from overens_docs._read import read_paths

# Each command's own modules are imported when it is called: the others bring libraries
# that cost time and memory to load (openpyxl, pypdf, pyHanko), and every forked worker
# of a build would carry them.
if TYPE_CHECKING:
    from overens_docs._build import Built, Outcome, Request, Summary
    from overens_docs._followup import NewResult, ReportResult
    from overens_docs._receive import ReceiveResult
    from overens_docs._register import StatusResult
    from overens_docs._revise.diff import DiffResult
    from overens_docs._verify import Returned
    from overens_docs._verify.trust import TrustRoot

__all__ = ["BuildResult", "Built", "DiffResult", "NewResult", "ReportResult", "Returned",
           "StatusResult", "Summary", "build", "check_template", "diff", "followup_new",
           "followup_report", "new_template", "receive", "status", "validate", "verify",
           "verify_file"]


def validate(paths: Iterable[Path | str] = ()) -> Report:
    """Validate every agreement the paths name; the report holds every finding."""
    return read_paths(Path(path) for path in paths).report


def status(paths: Iterable[Path | str] = ()) -> StatusResult:
    """Validate, then say for each agreement who has signed which version of its text.

    Each agreement on its own: an invalid one gives its findings in ``result.report`` and
    no status; the valid ones are in ``result.agreements``. The filed copies' e-signatures
    are judged against the trust roots ``signing.trust`` names now.
    """
    from overens_docs._receive import judged_now  # noqa: PLC0415 -- see the imports
    from overens_docs._register import register_status  # noqa: PLC0415 -- see the imports

    return register_status((Path(path) for path in paths), judge=judged_now)


@dataclass
class BuildResult:
    """What a build did: every finding, the folders built (with what each holds) and left
    as they were, and whether a build step failed (as opposed to the input being invalid).
    ``errors``: the agreements (by folder) that could not be built as asked, and why; the
    others were built all the same."""

    report: Report
    built: list[Built] = field(default_factory=list)
    up_to_date: list[Path] = field(default_factory=list)  # folders left as they were
    build_failed: bool = False
    errors: dict[Path, OverensError] = field(default_factory=dict)

    @property
    def folders(self) -> list[Path]:
        """The folders built."""
        return [built.destination for built in self.built]

    @property
    def seconds(self) -> dict[Path, float]:
        """Each built folder's build time."""
        return {built.destination: built.seconds for built in self.built}

    @property
    def summaries(self) -> dict[Path, Summary]:
        """What each built folder holds (with ``only``, that organisation's files)."""
        return {built.destination: built.summary for built in self.built}


def build(paths: Iterable[Path | str] = (), *, out: Path | str = "build",
          only: str | None = None, progress: bool | None = None,
          timeout: float | None = None, force: bool = False,
          every: bool = False) -> BuildResult:
    """Validate, then build every agreement the paths name into ``out/<agreement id>/``.

    Each agreement on its own: an invalid one is not built (the result holds its
    findings), and one that cannot be built as asked is in ``result.errors``; the others
    are built all the same. Documents are made for the organisations that are to sign
    (invited, or signed an older text); ``every`` (``--all``) makes them for every
    organisation that has not withdrawn. ``only`` builds one organisation's documents (by
    its id) into the existing build of each agreement that lists it. ``progress`` shows a
    progress bar on standard error (default: when it is a terminal). ``timeout``: the
    seconds each LibreOffice run may take before it is taken to hang (default: a minute
    plus 0.1 s per page). An agreement whose build folder was built from the same inputs
    and is intact is left as it is, in ``result.up_to_date`` (``force`` builds it anyway).
    Raises :class:`~overens_docs.UsageError` for a run that cannot be done as asked (a
    file instead of a folder, an ``only`` id that no agreement lists), and
    :class:`~overens_docs.ToolMissingError` when LibreOffice is missing.
    """
    from overens_docs._build import (  # noqa: PLC0415 -- see the imports
        Options,
        build_all,
        one_folder_each,
        with_organisation,
    )

    result, requests = _requests(paths)
    show_progress = sys.stderr.isatty() if progress is None else progress
    requests, clashes = one_folder_each(requests)
    if clashes:  # refused before anything is built
        result.report.extend(clashes)
        return result
    if only is not None:
        requests = with_organisation(requests, only)
    options = Options(Path(out), only, show_progress, timeout, force, every)
    outcomes = build_all(requests, options)
    for folder, outcome in zip((request.agreement.folder for request in requests), outcomes,
                               strict=True):
        _record(result, folder, outcome)
    return result


def _requests(paths: Iterable[Path | str]) -> tuple[BuildResult, list[Request]]:
    """What ``paths`` ask to build: a result holding the report of reading them, and a
    request for each valid agreement (the report says why another is not). Read in a
    process of its own (:func:`~overens_docs._build.processes.apart`): what was read to
    validate them (the files' data and where each value stands in them, 4 KB an
    organisation) stays there; the domain's records say what the build needs, their places
    included."""
    from overens_docs._build.processes import apart  # noqa: PLC0415 -- see the imports

    return apart(_read_requests, [Path(path) for path in paths])


def _read_requests(paths: list[Path]) -> tuple[BuildResult, list[Request]]:
    from overens_docs._build import Request  # noqa: PLC0415 -- see the imports

    inputs = read_paths(paths)
    for read in inputs.agreements:
        if read.target.only is not None:
            read.whole("build")  # raises: a file, not a folder
    return BuildResult(inputs.report), [
        Request(*read.whole("build"), read.contacts) for read in inputs.agreements
        if read.valid and read.agreement is not None and read.organisations is not None]


def _record(result: BuildResult, folder: Path, outcome: Outcome) -> None:
    """Put what the build of the agreement in ``folder`` came to into ``result``."""
    from overens_docs._build import (  # noqa: PLC0415 -- see the imports
        Built,
        Errored,
        Failed,
        Refused,
        UpToDate,
    )

    match outcome:
        case Errored(ToolMissingError() as error):  # no agreement can be built
            raise error
        case Errored(error):
            result.errors[folder] = error
        case Refused(findings):  # the input asks for a build that would mix versions
            result.report.extend(findings)
        case Failed(_destination, findings):
            result.report.extend(findings)
            result.build_failed = True
        case UpToDate(destination):
            result.up_to_date.append(destination)
        case Built(warnings=warnings):
            result.built.append(outcome)
            result.report.extend(warnings)


def diff(old: Path | str, new: Path | str, *, out: Path | str | None = None,
         timeout: float | None = None) -> DiffResult:
    """Validate two versions of an agreement (folders or ``agreement.yaml`` files) and
    compare them: ``result.revision`` holds the changes and who must sign again, or is None
    when the input is invalid (``result.report`` says why). With ``out``, also write
    ``jamforelsedokument.docx`` and ``.pdf`` there (``result.written``); that needs
    LibreOffice and raises :class:`~overens_docs.OverensError` when it fails."""
    from overens_docs._revise.diff import diff as _diff  # noqa: PLC0415 -- see the imports
    from overens_docs._revise.diff import write_comparison  # noqa: PLC0415

    result = _diff(Path(old), Path(new))
    if out is not None and result.old is not None and result.new is not None \
            and result.revision is not None:
        result.written = write_comparison(result.old, result.new, Path(out), timeout=timeout)
    return result


def verify(folder: Path | str) -> Report:
    """Every problem with the build in ``folder`` (a build folder, or a folder of them such
    as ``build/``): files that changed, are missing or were added since the build, and
    copies that are not the build's text with the organisation's own signature page.
    ``report.files`` names every file checked."""
    from overens_docs._build.manifest import MANIFEST  # noqa: PLC0415 -- see the imports
    from overens_docs._verify import verify_build  # noqa: PLC0415

    folder = _build_folder(Path(folder))
    builds = [] if (folder / MANIFEST).is_file() else sorted(
        child for child in folder.iterdir() if (child / MANIFEST).is_file())
    if not builds:
        return verify_build(folder)
    report = Report()
    for build_folder in builds:
        found = verify_build(build_folder)
        report.extend(found.findings)
        report.files.extend(found.files)
    return report


def verify_file(folder: Path | str, returned: Path | str,
                trust: Iterable[Path | str] = ()) -> Returned:
    """Whose copy ``returned`` (a PDF that came back) is, whether it carries a text built
    in ``folder`` (or kept beside it), and what its e-signatures say; they are trusted when
    they chain to one of the certificates in the files ``trust`` names."""
    from overens_docs._verify import verify_returned  # noqa: PLC0415 -- see the imports

    if not Path(returned).is_file():
        raise UsageError(_("{file}: no such file.").format(file=returned))
    return verify_returned(_build_folder(Path(folder)), Path(returned),
                           _roots(Path(path) for path in trust))


def _roots(paths: Iterable[Path]) -> list[TrustRoot]:
    from overens_docs._load.input_files import InputRefusedError, read_input  # noqa: PLC0415
    from overens_docs._verify.trust import load_roots  # noqa: PLC0415 -- see the imports

    roots = []
    for path in paths:
        try:
            roots += load_roots(read_input(path), str(path))
        except (InputRefusedError, OSError, ValueError, TypeError) as error:
            raise UsageError(_("{file} is not a certificate that can be trusted ({reason})."
                               ).format(file=path, reason=getattr(error, "strerror", None)
                                        or str(error)[:200])) from error
    return roots


def receive(folder: Path | str, copies: Iterable[Path | str], *,
            build: Path | str | None = None, trust: Iterable[Path | str] = (),
            scanned: str | None = None) -> ReceiveResult:
    """Verify each signed copy of the agreement in ``folder`` against its build (default:
    ``build/<agreement id>``, and the texts kept beside it), and file each that holds in
    ``folder/signed/`` with a receipt in ``signed/receipts.json``. ``scanned``: the copies
    are scans of a copy that organisation signed on paper. Raises
    :class:`~overens_docs.UsageError` for a copy or certificate that cannot be read."""
    from overens_docs._receive import receive as _receive  # noqa: PLC0415 -- pyHanko is slow to import

    paths = [Path(copy) for copy in copies]
    for path in paths:
        if not path.is_file():
            raise UsageError(_("{file}: no such file.").format(file=path))
    return _receive(Path(folder), paths, build=None if build is None else Path(build),
                    trust=[Path(path) for path in trust], scanned=scanned)


def _build_folder(folder: Path) -> Path:
    if not folder.is_dir():
        raise UsageError(_("{folder}: no such build folder.").format(folder=folder))
    return folder


def new_template(destination: Path | str, *, force: bool = False) -> Path:
    """Write an editable copy of the default Word template to ``destination``."""
    from overens_docs import _templates  # noqa: PLC0415 -- see the imports

    return _templates.new_template(Path(destination), force=force)


def check_template(template: Path | str, agreement: Path | str | None = None) -> Report:
    """Every problem of the Word template ``template``, against the data a build of
    ``agreement`` (an agreement folder; default: a sample that sets every value) gives it."""
    from overens_docs import _templates  # noqa: PLC0415 -- see the imports

    return _templates.check_template_file(Path(template),
                                          None if agreement is None else Path(agreement))


def followup_new(folder: Path | str, year: int) -> NewResult:
    """Validate the agreement folder ``folder``, then write ``year``'s follow-up workbook
    (last year's entries carried over) and a questionnaire for every organisation that has
    signed, into ``folder/uppfoljning/<year>/``, replacing nothing that exists. Invalid
    input writes nothing: ``result.report`` holds the findings. Raises
    :class:`~overens_docs.UsageError` for a path that is not an agreement folder."""
    from overens_docs._followup import followup_new as _followup_new  # noqa: PLC0415

    return _followup_new(Path(folder), year)


def followup_report(folder: Path | str, year: int, *, out: Path | str | None = None,
                    timeout: float | None = None) -> ReportResult:
    """Read and check ``year``'s follow-up of the agreement in ``folder`` (the workbook,
    earlier years' workbooks, the questionnaires in ``svar/``); when nothing fails, write
    the report (Word, PDF/A, HTML and the charts) into ``out`` (default:
    ``build/<agreement>-uppfoljning-<year>``). ``result.figures`` holds the numbers and
    ``result.written`` the files. Raises :class:`~overens_docs.UsageError` when there is no
    workbook for the year, and :class:`~overens_docs.OverensError` when LibreOffice fails."""
    from overens_docs._followup import read_year, write_report  # noqa: PLC0415

    result = read_year(Path(folder), year)
    if result.figures is not None:
        destination = Path(out) if out is not None else (
            Path("build") / f"{result.figures.agreement.id}-uppfoljning-{year}")
        result.written = write_report(result.figures, destination, timeout=timeout)
    return result
