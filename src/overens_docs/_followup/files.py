"""Writing the follow-up's files so that each is whole or not there, and never in place of
one a person has filled in."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _temporary(path: Path, data: bytes) -> Path:
    """``data`` in a new file beside ``path``, with the permissions of any new file."""
    descriptor, name = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    temporary = Path(name)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
        temporary.chmod(0o666 & ~_umask())
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return temporary


def write_new(path: Path, data: bytes) -> bool:
    """Write ``data`` to ``path`` unless something is there already (then False, and
    nothing changes). A hard link makes the file appear whole, and fails if the name is
    taken even by a file made a moment ago; where links are not to be had, the name is
    checked first."""
    temporary = _temporary(path, data)
    try:
        try:
            os.link(temporary, path)
        except FileExistsError:
            return False
        except OSError:  # a file system without hard links
            if path.exists():
                return False
            temporary.replace(path)
        return True
    finally:
        with contextlib.suppress(FileNotFoundError):
            temporary.unlink()


def write_replacing(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file, replacing what is there."""
    temporary = _temporary(path, data)
    try:
        temporary.replace(path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
