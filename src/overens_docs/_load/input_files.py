"""The one way every input file is opened: agreement, organisation list, templates, a
returned PDF.

:func:`read_input` reads a file only when it is a regular file inside the folder it
belongs to (the agreement's folder, ``templates/``, the folder a user named it in):

- a link (or a ``..``) that leads out of that folder is refused, so a folder someone
  hands over cannot make the tool read, and quote, a file elsewhere (``/etc/passwd``,
  a key in the user's home);
- a FIFO, a device, a socket or a folder is refused before it is read (a FIFO would block
  the run, ``/dev/zero`` would never end), and so is anything under ``/proc``, ``/sys`` or
  ``/dev``, whose files claim a size of 0 and hold the system's secrets;
- a file larger than :data:`MAX_INPUT_BYTES` is refused, and reading stops there even
  when a file grows meanwhile.

A refused file is never read, so nothing of it can appear in a message:
:class:`InputRefusedError` says why in words of its own.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Sequence
from pathlib import Path

from overens_docs._errors import OverensError
from overens_docs._findings import Finding, Severity
from overens_docs._i18n import _
from overens_docs._targets import display

MAX_INPUT_BYTES = 256 * 1024 * 1024  # far more than any agreement, list or template
# Where the operating system shows itself as files.
SYSTEM_FOLDERS = tuple(Path(folder) for folder in ("/proc", "/sys", "/dev"))
_FLAGS = (os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0)
          | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0))
_CHUNK = 1 << 20


class InputRefusedError(OverensError):
    """An input file that is not read: ``reason`` says why, never what it holds."""

    rule = "input-refused"

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(reason)
        self.path = path
        self.reason = reason

    def finding(self, file: str) -> Finding:
        """The refusal as a finding about ``file`` (the name findings show it by)."""
        return Finding(file, None, None, "$", self.rule, Severity.ERROR, self.reason)


def _inside(path: Path, folders: Sequence[Path]) -> bool:
    return any(path.is_relative_to(folder) for folder in folders)


def _kind(mode: int) -> str:
    """What a file that is not a regular one is, in words."""
    if stat.S_ISDIR(mode):
        return _("a folder")
    if stat.S_ISFIFO(mode):
        return _("a FIFO (a named pipe)")
    if stat.S_ISSOCK(mode):
        return _("a socket")
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return _("a device")
    return _("not a regular file")


def checked_place(path: Path, within: Sequence[Path]) -> Path:
    """Where ``path`` really is, when that is inside one of the folders ``within`` and not
    a file of the operating system; :class:`InputRefusedError` otherwise, and
    ``FileNotFoundError`` when there is nothing there."""
    try:
        real = path.resolve(strict=True)
        folders = [folder.resolve() for folder in within]
    except RuntimeError as error:  # a loop of links
        raise InputRefusedError(path, _("{file} is a link that leads nowhere (a loop of links).")
                           .format(file=path.name)) from error
    except FileNotFoundError:
        if path.is_symlink():
            raise InputRefusedError(path, _("{file} is a link to {target}, which does not "
                                       "exist.").format(file=path.name,
                                                        target=path.readlink())) from None
        raise
    if _inside(real, SYSTEM_FOLDERS):
        raise InputRefusedError(path, _("{file} is a file of the operating system ({real}), not a "
                                   "document: it is not read.").format(file=path.name,
                                                                       real=real))
    if not _inside(real, folders):
        raise InputRefusedError(path, _(
            "{file} leads out of {folder} (a link to {real}): only files in the folder itself "
            "are read. Copy the file into the folder instead of linking to it.").format(
                file=path.name, folder=display(within[0]), real=real))
    return real


def read_input(path: Path, within: Sequence[Path] = (), *, limit: int | None = None) -> bytes:
    """The bytes of the input file ``path``, which must be a regular file inside one of the
    folders ``within`` (default: the folder it is in). Raises :class:`InputRefusedError` (see the
    module's docstring), ``FileNotFoundError`` when there is no such file, and other
    ``OSError``\\ s when the file cannot be read (no permission)."""
    real = checked_place(path, within or (path.parent,))
    limit = MAX_INPUT_BYTES if limit is None else limit
    descriptor = os.open(real, _FLAGS)
    try:
        status = os.fstat(descriptor)
        if not stat.S_ISREG(status.st_mode):
            raise InputRefusedError(path, _("{file} is {kind}, not a file: it is not read.").format(
                file=path.name, kind=_kind(status.st_mode)))
        if status.st_size > limit:
            raise InputRefusedError(path, _too_large(path, limit))
        chunks, size = [], 0
        while chunk := os.read(descriptor, _CHUNK):
            size += len(chunk)
            if size > limit:
                raise InputRefusedError(path, _too_large(path, limit))
            chunks.append(chunk)
        return b"".join(chunks)
    finally:
        os.close(descriptor)


def _too_large(path: Path, limit: int) -> str:
    return _("{file} is larger than {megabytes} MB, more than any agreement, list or template "
             "needs: it is not read.").format(file=path.name, megabytes=limit // (1 << 20))
