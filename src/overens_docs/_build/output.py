"""Writing outputs so that nothing is ever half-written.

A build writes into a staging folder beside its destination and swaps it into place only
when everything in it is whole; single files are written under a temporary name and
renamed. A crash leaves the previous build untouched. The staging folder and the old build
moved aside are scratch folders (:mod:`overens_docs._scratch`): what a killed run leaves of
them, the next run removes.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from overens_docs._scratch import Scratch


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def as_usual(path: Path, *, folder: bool) -> None:
    """Give ``path``, made by ``tempfile`` (0700 or 0600), the permissions any other new
    folder or file gets here (0777 or 0666 less the umask), so others can read a build."""
    path.chmod((0o777 if folder else 0o666) & ~_umask())


def staging_folder(destination: Path) -> Scratch:
    """A new, empty folder beside ``destination`` to build into."""
    staging = Scratch.make(destination.parent, f".{destination.name}.staging-")
    as_usual(staging.path, folder=True)
    return staging


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` via a temporary file in the same folder."""
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
        as_usual(Path(temporary), folder=False)
        Path(temporary).replace(path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def swap_into_place(staging: Scratch, destination: Path) -> Path | None:
    """Replace ``destination`` (a folder) by ``staging`` with two renames. Returns the old
    build when it could not be removed once the new one was in place (the build holds: the
    caller warns, and the next run removes it), else None."""
    old = None
    if destination.exists():
        old = Scratch.make(destination.parent, f".{destination.name}.old-")
        old.path.rmdir()
        try:
            destination.replace(old.path)
        except BaseException:
            old.release()
            raise
    staging.path.replace(destination)
    staging.release()
    if old is not None and not old.remove():
        return old.path
    return None


def write_staged(path: Path, data: bytes) -> None:
    """Write into the staging folder, which is moved into place only when whole, so a
    temporary name per file would be work done twice; a failed write leaves nothing."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        path.write_bytes(data)
    except BaseException:
        path.unlink(missing_ok=True)
        raise


def move_files(staging: Path, destination: Path) -> None:
    """Move every file of ``staging`` to the same place under ``destination`` (--only)."""
    for path in sorted(staging.rglob("*")):
        if path.is_file():
            target = destination / path.relative_to(staging)
            target.parent.mkdir(parents=True, exist_ok=True)
            path.replace(target)
