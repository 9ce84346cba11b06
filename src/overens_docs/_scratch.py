"""Scratch folders: what a run makes beside its outputs and in the system's temporary
folder, removed by the run, or by the next run when it was killed.

A run makes its staging folders, the old build it moves aside, its work folder and each
LibreOffice profile as a :class:`Scratch`: a folder whose name says it is ours (one of
:data:`OURS`), with a lock file beside it (``<folder>.lock``) that holds the process's id
and that the process keeps locked while it lives (``fcntl.flock``; ``msvcrt.locking`` on
Windows). Processes started from it (forked workers, LibreOffice) inherit the lock. The
operating system drops it when the last of them ends, however it ends, so a killed run
leaves folders whose lock nobody holds: :func:`sweep`, called as the next run starts,
removes exactly those, and nothing else (not a folder of another name, not one of another
user, not one whose owner still runs).
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

# Folders of ours, by name: a build's staging folder and the old build moved aside
# (".orebro.staging-k3j_2abc", ".orebro.old-..."), a build's work folder, a diff's, and a
# LibreOffice profile; each ends in the eight characters tempfile makes.
OURS = re.compile(r"\A(?:\..+\.(?:staging|old)|\.overens-work|\.overens-diff|"
                  r"overens-lo-profile|overens-diff)-[a-z0-9_]{8}\Z")
LOCK_SUFFIX = ".lock"
_UNLOCKED_AGE = 3600.0  # seconds: an ownerless folder without a lock file, made this long ago


def _lock(descriptor: int) -> bool:
    """Take the lock on ``descriptor`` without waiting; False when another process has it."""
    try:
        if sys.platform == "win32":
            import msvcrt  # noqa: PLC0415 -- Windows only

            msvcrt.locking(descriptor, msvcrt.LK_NBLCK, 1)
        else:
            import fcntl  # noqa: PLC0415 -- POSIX only

            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


class Scratch:
    """A folder of ours, locked while this process (or a child) lives; see the module."""

    def __init__(self, path: Path, descriptor: int) -> None:
        self.path = path
        self.lock = path.with_name(path.name + LOCK_SUFFIX)
        self.descriptor: int | None = descriptor

    @classmethod
    def make(cls, parent: Path, prefix: str) -> Scratch:
        """A new, empty folder in ``parent`` named ``prefix`` and eight random characters."""
        path = Path(tempfile.mkdtemp(prefix=prefix, dir=parent))
        try:
            return cls.claim(path)
        except BaseException:
            path.rmdir()
            raise

    @classmethod
    def claim(cls, path: Path) -> Scratch:
        """Lock the folder ``path`` (ours by name) as this process's."""
        lock = path.with_name(path.name + LOCK_SUFFIX)
        descriptor = os.open(lock, os.O_RDWR | os.O_CREAT | getattr(os, "O_BINARY", 0), 0o600)
        if not _lock(descriptor):
            os.close(descriptor)
            raise OSError(f"{lock} is locked by another process")
        os.write(descriptor, f"{os.getpid()}\n".encode())
        return cls(path, descriptor)

    @property
    def descriptors(self) -> tuple[int, ...]:
        """The lock's descriptor, for a child process to inherit (and hold the lock)."""
        return () if self.descriptor is None else (self.descriptor,)

    def release(self) -> None:
        """Give the folder up (it was moved into place, or removed): the lock file goes."""
        if self.descriptor is not None:
            os.close(self.descriptor)
            self.descriptor = None
            self.lock.unlink(missing_ok=True)

    def remove(self) -> bool:
        """Remove the folder and its lock; False (the folder left, for the next run's sweep)
        when it cannot be removed."""
        shutil.rmtree(self.path, ignore_errors=True)
        if self.path.exists():
            if self.descriptor is not None:
                os.close(self.descriptor)  # the lock file stays, unlocked: the next run sweeps
                self.descriptor = None
            return False
        self.release()
        return True

    def __enter__(self) -> Scratch:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.remove()


def _mine(path: Path) -> bool:
    """Whether ``path`` belongs to this user (anything, where users do not own files)."""
    try:
        status = path.lstat()
    except OSError:
        return False
    return not hasattr(os, "getuid") or status.st_uid == os.getuid()


@contextlib.contextmanager
def _ownerless(lock: Path) -> Iterator[bool]:
    """Whether nobody holds ``lock``, holding it meanwhile if so."""
    try:
        descriptor = os.open(lock, os.O_RDWR | getattr(os, "O_BINARY", 0))
    except OSError:
        yield False
        return
    try:
        yield _lock(descriptor)
    finally:
        os.close(descriptor)


def sweep(parent: Path) -> list[Path]:
    """Remove what killed runs left in ``parent``: each folder of ours whose lock nobody
    holds (or, without a lock file, made over an hour ago), and each lock file whose folder
    is gone and that nobody holds. Returns the folders removed; never raises."""
    removed: list[Path] = []
    try:
        entries = list(parent.iterdir())
    except OSError:
        return removed
    names = {entry.name for entry in entries}
    for entry in entries:
        lock = entry.with_name(entry.name + LOCK_SUFFIX)
        if OURS.match(entry.name) and _mine(entry) and entry.is_dir() \
                and not entry.is_symlink():
            if lock.name in names:
                with _ownerless(lock) as free:
                    if free:
                        shutil.rmtree(entry, ignore_errors=True)
                        lock.unlink(missing_ok=True)
            elif time.time() - entry.lstat().st_mtime > _UNLOCKED_AGE:
                shutil.rmtree(entry, ignore_errors=True)
            if not entry.exists():
                removed.append(entry)
        elif (entry.name.endswith(LOCK_SUFFIX) and _mine(entry)
              and OURS.match(entry.name.removesuffix(LOCK_SUFFIX))
              and entry.name.removesuffix(LOCK_SUFFIX) not in names):
            with _ownerless(entry) as free:
                if free:
                    entry.unlink(missing_ok=True)
    return removed
