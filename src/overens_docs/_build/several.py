"""Building the agreements of one run: small ones side by side, large ones one by one.

A small agreement (fewer organisations than :data:`processes.PARALLEL_FROM`) is built in
one process, with LibreOffice as its child: about one core's work, mostly waiting for
LibreOffice to start. Several of them are built side by side, one per core, in worker
processes. A large agreement spreads its own work over every core, so large ones are built
one after another, here. The outcomes come back in the order asked, as data (an error is
returned, not raised, so that it crosses from a worker process intact).
"""

from __future__ import annotations

import dataclasses
import unicodedata
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from overens_docs._build import processes
from overens_docs._build.outcomes import Errored, Outcome, Refused
from overens_docs._build.plan import BuildRefused
from overens_docs._build.problems import at
from overens_docs._build.workflow import build_agreement
from overens_docs._domain import Agreement, Organisation, OrganisationContact
from overens_docs._errors import OverensError, UsageError
from overens_docs._findings import Finding
from overens_docs._i18n import _
from overens_docs._targets import display, unknown_id


@dataclass(frozen=True, slots=True)
class Request:
    """One valid agreement to build."""

    agreement: Agreement
    organisations: tuple[Organisation, ...]  # resolved (see overens_docs._read)
    # By organisation id, for the mailing list.
    contacts: Mapping[str, OrganisationContact] = field(default_factory=dict)


def one_folder_each(requests: Sequence[Request]) -> tuple[list[Request], list[Finding]]:
    """The requests of a run, each agreement folder once; and, when two different folders
    would build into the same ``OUT/<id>/`` (the same name in two places, or names that
    differ only by case or Unicode form, which Windows and macOS take for one folder),
    a ``build-same-folder`` finding at each of them: then nothing may be built."""
    unique: dict[Path, Request] = {}
    for request in requests:
        unique.setdefault(request.agreement.folder.resolve(), request)
    by_name: dict[str, list[Request]] = {}
    for request in unique.values():
        key = unicodedata.normalize("NFC", request.agreement.id).casefold()
        by_name.setdefault(key, []).append(request)
    findings = [at(request.agreement.place, "build-same-folder", _(
        "{folder} and {others} would all be built into the folder {name} of --out (names "
        "that differ only by case are one folder on Windows and macOS): build them in "
        "separate runs with different --out folders, or rename a folder.").format(
            folder=display(request.agreement.folder),
            others=_(" and ").join(display(other.agreement.folder) for other in clashing
                                   if other is not request),
            name=request.agreement.id))
        for clashing in by_name.values() if len(clashing) > 1 for request in clashing]
    return list(unique.values()), findings


@dataclass(frozen=True, slots=True)
class Options:
    """The options of the run, the same for every agreement (the workers' state)."""

    out: Path
    only: str | None = None
    progress: bool = False
    timeout: float | None = None
    force: bool = False
    every: bool = False  # --all: documents for everyone who has not withdrawn

    def start(self) -> None:
        """Nothing to open (the worker's language is set by :mod:`processes`)."""


def with_organisation(requests: Sequence[Request], only: str) -> list[Request]:
    """The requests whose agreement lists the organisation ``only`` (``--only``);
    :class:`UsageError` when none does, with the ids nearest to it."""
    chosen = [request for request in requests
              if any(organisation.id == only for organisation in request.organisations)]
    if requests and not chosen:
        everyone = [organisation for request in requests
                    for organisation in request.organisations]
        raise UsageError(unknown_id(
            ", ".join(display(request.agreement.folder) for request in requests), only,
            [organisation.id for organisation in everyone],
            {organisation.file_stem: organisation.id for organisation in everyone}))
    return chosen


def build_one(options: Options, request: Request) -> Outcome:
    try:
        return build_agreement(
            request.agreement, request.organisations, out=options.out, only=options.only,
            progress=options.progress, timeout=options.timeout, force=options.force,
            every=options.every, contacts=request.contacts)
    except BuildRefused as refused:
        return Refused(tuple(refused.findings))
    except OverensError as error:
        return Errored(error)


def _small(request: Request) -> bool:
    return not processes.parallel(len(request.organisations))


def build_all(requests: Sequence[Request], options: Options) -> Iterator[Outcome]:
    """Every request's outcome, in order; the small ones built side by side first when
    there are several (without a progress bar: two bars would garble each other)."""
    small = [index for index, request in enumerate(requests) if _small(request)]
    side_by_side: dict[int, Outcome] = {}
    if len(small) > 1 and processes.cores() > 1:
        quiet = dataclasses.replace(options, progress=False)
        with processes.Workers(build_one, quiet, [requests[index] for index in small],
                               processes=min(processes.cores(), len(small))) as workers:
            side_by_side = dict(zip(small, workers.results(), strict=True))
    for index, request in enumerate(requests):
        yield side_by_side[index] if index in side_by_side else build_one(options, request)
