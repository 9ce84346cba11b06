"""The package's one exception root.

Library code raises these for conditions a user must act on; the CLI turns them into a
message and an exit code in one place (``overens_docs._cli``). Problems *in the input data*
are not exceptions: they are :class:`~overens_docs._findings.Finding` values.
"""

from __future__ import annotations


class OverensError(Exception):
    """Base of every error overens-docs raises on purpose."""


class UsageError(OverensError, ValueError):
    """The command was asked for something that does not exist or makes no sense."""


class ToolMissingError(OverensError, FileNotFoundError):
    """An external program (LibreOffice) is not installed."""


class ConversionError(OverensError, RuntimeError):
    """An external conversion failed or timed out."""
