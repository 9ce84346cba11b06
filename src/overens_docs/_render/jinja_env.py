"""The one Jinja environment every template is rendered with.

Sandboxed, because a template is a document someone may send us, and without the sandbox
``{{ cycler.__init__.__globals__.os }}`` reaches Python; with limits on the work a render
may do (:mod:`jinja_limits`), because the sandbox alone lets ``{{ 9 ** 9 ** 9 }}`` compute
for hours; ``StrictUndefined``, because a name the data lacks must be an error, not an
empty gap in a signed document; autoescaped, because docxtpl renders into XML and an
unescaped ``&`` or ``<`` silently destroys text.
"""

from __future__ import annotations

import functools
from collections.abc import MutableMapping
from typing import Any

from jinja2 import StrictUndefined, Template

from overens_docs._render.jinja_limits import LimitedSandbox

# Compiled template sources kept (those of a few templates' parts).
_COMPILED_KEPT = 64


class _Environment(LimitedSandbox):
    """Compiles each template source once. docxtpl hands every part of a Word template
    over as source at every render, and compiling it costs more than rendering it: about
    45 ms of each render of the default template, against 0.5 ms per signature page."""

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self._compiled: dict[str, Template] = {}

    def from_string(self, source: Any, globals: MutableMapping[str, Any] | None = None,
                    template_class: type[Template] | None = None) -> Template:
        if globals is not None or template_class is not None or not isinstance(source, str):
            return super().from_string(source, globals, template_class)
        if source not in self._compiled:
            if len(self._compiled) >= _COMPILED_KEPT:
                self._compiled.clear()
            self._compiled[source] = super().from_string(source)
        return self._compiled[source]


@functools.cache
def environment() -> LimitedSandbox:
    return _Environment(undefined=StrictUndefined, autoescape=True)
