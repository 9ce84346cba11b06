"""Where the Word template an agreement names is, and where it may be.

``template: {document: NAME}`` in ``agreement.yaml`` names a file in the agreement's own
folder (a kommun's template with its logo, kept beside its agreement) or, when there is
none of that name, under the project's ``templates/`` folder (``default/agreement.docx``).
Nowhere else: an absolute path, a ``..`` that leaves the folder, or a link that points
out of it would make the documents depend on a file nobody reviewing the folder sees.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath, PureWindowsPath

from overens_docs._package_data import data_dir

DEFAULT_TEMPLATE = "default/agreement.docx"


def template_folders(folder: Path) -> tuple[Path, Path]:
    """The folders an agreement's templates may be read from: its own, and ``templates/``."""
    return folder, data_dir("templates")


def document_template(folder: Path, name: str | None) -> Path:
    """The template file ``name`` stands for (the default when None): in ``folder`` when
    there is something of that name there, else under ``templates/``. Call
    :func:`template_outside` first; the path may not exist (a build reports that)."""
    if name is None:
        return data_dir("templates") / DEFAULT_TEMPLATE
    own = folder / name
    if own.exists() or own.is_symlink():
        return own
    shared = data_dir("templates") / name
    return shared if shared.exists() else own


def template_outside(folder: Path, name: str) -> bool:
    """Whether ``name`` leads out of both ``folder`` and ``templates/``: an absolute path
    (on any system), a ``..`` that leaves the folder, or a link that points elsewhere."""
    if (PurePosixPath(name).is_absolute() or PureWindowsPath(name).is_absolute()
            or PureWindowsPath(name).drive):
        return True
    path = document_template(folder, name)
    root = folder if path == folder / name else data_dir("templates")
    try:
        return not path.resolve().is_relative_to(root.resolve())
    except (OSError, RuntimeError):  # a link loop: it leads nowhere we know
        return True
