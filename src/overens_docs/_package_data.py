"""The one place that finds the project's schemas and templates.

An installed package carries them inside itself (``overens_docs/_data``, see
``pyproject.toml``); a checkout or editable install reads the top-level ``schemas/`` and
``templates/`` folders, so an edited template is used at once.
"""

from __future__ import annotations

import functools
import json
from importlib import resources
from pathlib import Path
from typing import Any

from overens_docs._errors import OverensError
from overens_docs._i18n import _

_CHECKOUT_ROOT = Path(__file__).resolve().parents[2]


def data_dir(name: str) -> Path:
    """``schemas`` or ``templates``, wherever this copy of the package keeps them."""
    packaged = Path(str(resources.files("overens_docs"))) / "_data" / name
    if packaged.is_dir():
        return packaged
    checkout = _CHECKOUT_ROOT / name
    if checkout.is_dir():
        return checkout
    raise OverensError(_("overens-docs is incomplete: its '{name}' folder is missing.").format(
        name=name))


@functools.cache
def schema(name: str) -> dict[str, Any]:
    """A JSON Schema from ``schemas/``, e.g. ``schema("agreement")``."""
    path = data_dir("schemas") / f"{name}.schema.json"
    loaded: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return loaded
