"""overens-docs: validate överenskommelser and build signature-ready documents.

The pipeline is a row of stages, one subpackage or module each:
``load`` (files -> data with positions) -> ``validate`` (schema, then semantic rules) ->
``model`` (validated data -> render context) -> ``render`` (Word/PDF templates) ->
``convert`` (LibreOffice) -> ``assemble`` (pypdf) -> ``verify``; ``build`` runs them.
"""

from overens_docs.findings import Finding, Report, Severity
from overens_docs.validate import validate_paths

__all__ = ["Finding", "Report", "Severity", "validate_paths"]
