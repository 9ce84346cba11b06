"""overens-docs: validate överenskommelser and build signature-ready documents.

The public API is what this module exports: :func:`validate`, :func:`build`,
:func:`status`, :func:`diff`, :func:`verify`, :func:`verify_file`, :func:`receive`,
:func:`new_template`, :func:`check_template`, :func:`followup_new` and
:func:`followup_report`, the findings they return (:class:`Report`, :class:`Finding`,
:class:`Severity`), the :class:`BuildResult`, :class:`StatusResult`, :class:`DiffResult`,
:class:`Returned`, :class:`NewResult` and :class:`ReportResult`, and the errors.
Everything else is private by name (``_load``, ``_validate``, ``_domain``, ``_render``,
``_pdf``, ``_build``: the stages of the pipeline, in order; see ARCHITECTURE.md).
"""

from typing import TYPE_CHECKING

from overens_docs._errors import ConversionError, OverensError, ToolMissingError, UsageError
from overens_docs._findings import Finding, Report, Severity

if TYPE_CHECKING:
    from overens_docs._api import (
        BuildResult,
        build,
        check_template,
        diff,
        followup_new,
        followup_report,
        new_template,
        receive,
        status,
        validate,
        verify,
        verify_file,
    )
    from overens_docs._followup import NewResult, ReportResult
    from overens_docs._register import StatusResult
    from overens_docs._revise.diff import DiffResult
    from overens_docs._verify import Returned

# Where each name of the API is, imported when first asked for (PEP 562): a command, or a
# build's worker processes, then load only the libraries they use.
_LAZY = {
    "NewResult": "overens_docs._followup", "ReportResult": "overens_docs._followup",
    "StatusResult": "overens_docs._register", "DiffResult": "overens_docs._revise.diff",
    "Returned": "overens_docs._verify",
    **dict.fromkeys(["BuildResult", "build", "check_template", "diff", "followup_new",
                     "followup_report", "new_template", "receive", "status", "validate",
                     "verify", "verify_file"], "overens_docs._api"),
}


def __getattr__(name: str) -> object:
    if name not in _LAZY:
        raise AttributeError(f"module 'overens_docs' has no attribute {name!r}")
    import importlib  # noqa: PLC0415 -- only when a name is first asked for

    value = getattr(importlib.import_module(_LAZY[name]), name)
    globals()[name] = value
    return value


__all__ = [
    "BuildResult",
    "ConversionError",
    "DiffResult",
    "Finding",
    "NewResult",
    "OverensError",
    "Report",
    "ReportResult",
    "Returned",
    "Severity",
    "StatusResult",
    "ToolMissingError",
    "UsageError",
    "build",
    "check_template",
    "diff",
    "followup_new",
    "followup_report",
    "new_template",
    "receive",
    "status",
    "validate",
    "verify",
    "verify_file",
]
