"""The one Jinja environment every template is rendered with.

Sandboxed, because a template is a document someone may send us, and without the sandbox
``{{ cycler.__init__.__globals__.os }}`` reaches Python; ``StrictUndefined``, because a name
the data lacks must be an error, not an empty gap in a signed document; autoescaped,
because docxtpl renders into XML and an unescaped ``&`` or ``<`` silently destroys text.
"""

from __future__ import annotations

import functools

from jinja2 import StrictUndefined
from jinja2.sandbox import SandboxedEnvironment


@functools.cache
def environment() -> SandboxedEnvironment:
    return SandboxedEnvironment(undefined=StrictUndefined, autoescape=True)
