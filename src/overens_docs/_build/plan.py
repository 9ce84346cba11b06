"""Stage: plan a build: what to build, from which templates, and where.

The destination is ``OUT/<agreement id>/``. A build replaces that folder wholesale, so the
plan refuses a destination that is, contains or lies inside an input (the agreement
folder, the templates), and one that exists but was not written by an earlier build (it
holds no manifest of ours): a build never replaces anything it did not write.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from overens_docs._domain import Agreement, Organisation
from overens_docs._errors import UsageError
from overens_docs._package_data import data_dir
from overens_docs._targets import display

DEFAULT_TEMPLATE = "default/agreement.docx"
MANIFEST = "manifest.json"


@dataclass(frozen=True, slots=True)
class Plan:
    agreement: Agreement
    organisations: tuple[Organisation, ...]  # the ones to build: all, or --only's one
    destination: Path
    template: Path
    form: Path | None  # a PDF form for the signature pages, instead of the Word template's
    complete: bool  # False with --only: only that organisation's files are written
    timeout: float | None = None  # seconds per LibreOffice run (None: by its pages)

    @property
    def organisations_file(self) -> str:
        return self.organisations[0].place.file if self.organisations else ""


def plan(agreement: Agreement, organisations: tuple[Organisation, ...], out: Path,
         only: str | None, timeout: float | None = None) -> Plan:
    """The plan for one agreement; :class:`UsageError` when it cannot be built as asked."""
    if only is not None:
        organisations = tuple(o for o in organisations if o.id == only)
        if not organisations:
            raise UsageError(f"{display(agreement.folder)}: no organisation has the id '{only}'.")
    templates = data_dir("templates")
    form = agreement.template.signature_form
    destination = out / agreement.id
    check_destination(destination, inputs=(agreement.folder, templates))
    return Plan(agreement, organisations, destination,
                templates / (agreement.template.document or DEFAULT_TEMPLATE),
                templates / form if form else None, complete=only is None, timeout=timeout)


def _overlap(first: Path, second: Path) -> bool:
    return first == second or first.is_relative_to(second) or second.is_relative_to(first)


def check_destination(destination: Path, *, inputs: tuple[Path, ...]) -> None:
    """Refuse (with :class:`UsageError`) a destination a build must not replace."""
    resolved = destination.resolve()
    out = resolved.parent
    if out.exists() and not out.is_dir():
        raise UsageError(f"{display(destination.parent)} is a file, not a folder: --out names the "
                         "folder the build writes into.")
    existing = next(folder for folder in (out, *out.parents) if folder.exists())
    if not os.access(existing, os.W_OK):
        raise UsageError(f"{display(existing)}: cannot write there (no permission). Choose "
                         "another --out folder.")
    for folder in inputs:
        if _overlap(resolved, folder.resolve()):
            raise UsageError(
                f"{display(destination)}: a build there would overlap {display(folder)}, which "
                "holds its inputs. Choose another --out folder (the default is build/).")
    if resolved.exists() and not resolved.is_dir():
        raise UsageError(f"{display(destination)} is a file, not a folder: a build writes a "
                         "folder there. Choose another --out folder.")
    if resolved.is_dir() and any(resolved.iterdir()) and not written_by_a_build(resolved):
        raise UsageError(
            f"{display(destination)} exists and was not written by 'overens build' (it has no "
            f"{MANIFEST} of ours), so a build will not replace it. Move it away or choose "
            "another --out folder.")


def written_by_a_build(folder: Path) -> bool:
    """Whether ``folder`` holds a manifest that a build wrote."""
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return False
    return isinstance(manifest, dict) and isinstance(manifest.get("files"), list) and (
        "agreement" in manifest)
