"""What became of one agreement's build, as data: built, up to date, failed, refused,
or stopped by an error. Returned, never raised, so that an outcome crosses from a worker
process intact (see :mod:`several`)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from overens_docs._build.manifest import Manifest
from overens_docs._errors import OverensError
from overens_docs._findings import Finding


@dataclass(frozen=True, slots=True)
class Summary:
    """What a build wrote, as its manifest lists it: with ``--only``, that organisation's
    files only."""

    organisations: int
    files: int
    pages: int

    @classmethod
    def of(cls, manifest: Manifest, only: str | None) -> Summary:
        files = [entry for entry in manifest.files.values()
                 if only is None or entry.organisation == only]
        return cls(1 if only is not None else len(manifest.organisations), len(files),
                   sum(entry.pages or 0 for entry in files))


@dataclass(frozen=True, slots=True)
class Built:
    destination: Path
    summary: Summary
    seconds: float


@dataclass(frozen=True, slots=True)
class UpToDate:
    """Built from the same inputs before, and intact: left as it was."""

    destination: Path


@dataclass(frozen=True, slots=True)
class Failed:
    """A build step found problems (``findings``); nothing was moved into place."""

    destination: Path
    findings: tuple[Finding, ...]


@dataclass(frozen=True, slots=True)
class Refused:
    """Refused as asked, before anything was made: it would mix versions in one folder."""

    findings: tuple[Finding, ...]


@dataclass(frozen=True, slots=True)
class Errored:
    """What stopped the run for this agreement (LibreOffice missing, a usage error)."""

    error: OverensError


AgreementBuild = Built | UpToDate | Failed
Outcome = Built | UpToDate | Failed | Refused | Errored
