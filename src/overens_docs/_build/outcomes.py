"""What became of one agreement's build, as data: built, up to date, failed, refused,
or stopped by an error. Returned, never raised, so that an outcome crosses from a worker
process intact (see :mod:`several`)."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path

from overens_docs._build.manifest import Manifest
from overens_docs._build.plan import Plan
from overens_docs._errors import OverensError
from overens_docs._findings import Finding


@dataclass(frozen=True, slots=True)
class Summary:
    """What a build wrote, as its manifest lists it: with ``--only``, that organisation's
    files only; and, of a full build, who got no documents and why (counts by standing),
    who the ceremony file is for, the ceremonies after it, and the letters."""

    organisations: int  # those who got documents
    files: int
    pages: int
    without_documents: tuple[tuple[str, int], ...] = ()  # (standing, how many)
    ceremony: str | None = None  # the date signature-pages.pdf is for (None: no one date)
    ceremony_organisations: int = 0  # how many are in it (0: there is none)
    later_ceremonies: tuple[tuple[str, int], ...] = ()  # (date, invited): not yet in a file
    letters: int = 0
    mailing_list: int = 0  # rows
    letters_missing: bool = False  # organisations to write to, but no invitation: no letters

    @classmethod
    def of(cls, manifest: Manifest, only: str | None, plan: Plan | None = None) -> Summary:
        files = [entry for entry in manifest.files.values()
                 if only is None or entry.organisation == only]
        built = {entry.organisation for entry in manifest.files.values()
                 if entry.organisation is not None and not entry.kind.startswith("letter")}
        summary = cls(1 if only is not None else len(built), len(files),
                      sum(entry.pages or 0 for entry in files))
        selection = plan.selection if plan is not None and only is None else None
        if selection is None:
            return summary
        ceremony = selection.ceremony
        return dataclasses.replace(
            summary,
            without_documents=tuple((standing.value, count)
                                    for standing, count in selection.without_documents),
            ceremony=ceremony.date.isoformat() if ceremony and ceremony.date else None,
            ceremony_organisations=len(ceremony.organisations) if ceremony else 0,
            later_ceremonies=tuple((date.isoformat(), count)
                                   for date, count in selection.later_ceremonies),
            letters=len(manifest.of_kind("letter-pdf")),
            mailing_list=len(selection.recipients),
            letters_missing=bool(selection.recipients) and plan is not None
            and plan.agreement.invitation is None)

    def as_dict(self) -> dict[str, object]:
        return {"organisations": self.organisations, "files": self.files,
                "pages": self.pages, "without_documents": dict(self.without_documents),
                "ceremony": {"date": self.ceremony,
                             "organisations": self.ceremony_organisations}
                if self.ceremony_organisations else None,
                "later_ceremonies": dict(self.later_ceremonies), "letters": self.letters,
                "mailing_list": self.mailing_list}


@dataclass(frozen=True, slots=True)
class Built:
    destination: Path
    summary: Summary
    seconds: float
    warnings: tuple[Finding, ...] = ()  # what the build found that did not stop it


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
