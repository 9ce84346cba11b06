"""Which files make up an agreement, and finding them from the paths a user gives.

An agreement is a folder holding ``agreement.yaml`` and the signing organisations in
``organisations.yaml``, ``organisations.csv`` or ``organisations.xlsx`` (one of them). The
folder's name is the agreement's id.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from overens_docs._errors import UsageError
from overens_docs._i18n import _

AGREEMENT_FILE = "agreement.yaml"
ORGANISATION_FILES = ("organisations.yaml", "organisations.csv", "organisations.xlsx")
DEFAULT_ROOT = Path("agreements")


@dataclass(frozen=True, slots=True)
class Target:
    """What one path on the command line asks to check.

    ``folder`` is an agreement folder; ``only`` limits the check to one of its files when
    the user named a file rather than the folder.
    """

    folder: Path
    only: Path | None = None

    @property
    def agreement_id(self) -> str:
        return self.folder.resolve().name


def present(path: Path) -> bool:
    """Whether there is something named ``path``: a file, or anything else a user may have
    put there by mistake (a FIFO, a link), which reading then refuses with a finding."""
    return not path.is_dir() and (path.exists() or path.is_symlink())


def is_agreement_folder(path: Path) -> bool:
    return path.is_dir() and (
        present(path / AGREEMENT_FILE)
        or any(present(path / name) for name in ORGANISATION_FILES)
    )


def resolve_targets(paths: Iterable[Path]) -> list[Target]:
    """Agreement folders (or single files) named by ``paths``; none means ``agreements/``.

    A folder of agreement folders stands for each of them. Raises :class:`UsageError` for
    a path that does not exist or holds no agreement.
    """
    given = list(paths) or [DEFAULT_ROOT]
    targets: list[Target] = []
    for path in given:
        if present(path):
            targets.append(Target(path.parent, only=path))
        elif is_agreement_folder(path):
            targets.append(Target(path))
        elif path.is_dir():
            children = sorted(child for child in path.iterdir() if is_agreement_folder(child))
            if not children:
                raise UsageError(
                    _("{path}: no agreement here (an agreement folder holds {file}).").format(
                        path=path, file=AGREEMENT_FILE))
            targets.extend(Target(child) for child in children)
        else:
            raise UsageError(_("{path}: no such file or folder.").format(path=path))
    return targets


def display(path: Path) -> str:
    """A path as findings show it: relative to the working folder when inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def unknown_id(folder: str, wanted: str, ids: list[str],
               file_names: Mapping[str, str] | None = None) -> str:
    """The message for ``--only WANTED`` when no organisation in ``folder`` has that id:
    the nearest ids (a typo is the usual cause; or the name of an organisation's files,
    ``file_names`` -> its id), else the first few there are."""
    file_names = file_names or {}
    if wanted in file_names:
        return _("{folder}: no organisation has the id '{id}', the name of the files of the "
                 "organisation with the id '{real}'. --only takes the id: --only {real}").format(
            folder=folder, id=wanted, real=file_names[wanted])
    nearest = difflib.get_close_matches(wanted, ids, n=3, cutoff=0.5)
    for name in difflib.get_close_matches(wanted, list(file_names), n=3, cutoff=0.6):
        if file_names[name] not in nearest:
            nearest.append(file_names[name])
    if nearest:
        return _("{folder}: no organisation has the id '{id}'. Did you mean: {nearest}?").format(
            folder=folder, id=wanted, nearest=", ".join(nearest))
    shown = ", ".join(ids[:5])
    if len(ids) > 5:
        shown += _(" and {count} more").format(count=len(ids) - 5)
    return _("{folder}: no organisation has the id '{id}'. Ids here: {ids}.").format(
        folder=folder, id=wanted, ids=shown)
