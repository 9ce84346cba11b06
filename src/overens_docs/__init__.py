"""overens-docs: validate överenskommelser and build signature-ready documents.

The public API is what this module exports: :func:`validate`, :func:`build` and
:func:`status`, the findings they return (:class:`Report`, :class:`Finding`,
:class:`Severity`), the :class:`BuildResult` and :class:`StatusResult`, and the errors.
Everything else is private by name (``_load``, ``_validate``, ``_domain``, ``_render``,
``_convert``, ``_assemble``, ``_check``, ``_build``: the stages of the pipeline, in order;
see ARCHITECTURE.md).
"""

from overens_docs._api import BuildResult, build, status, validate
from overens_docs._errors import ConversionError, OverensError, ToolMissingError, UsageError
from overens_docs._findings import Finding, Report, Severity
from overens_docs._register import StatusResult

__all__ = [
    "BuildResult",
    "ConversionError",
    "Finding",
    "OverensError",
    "Report",
    "Severity",
    "StatusResult",
    "ToolMissingError",
    "UsageError",
    "build",
    "status",
    "validate",
]
