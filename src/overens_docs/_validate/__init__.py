"""Stage 2: validation. Schema first, then the semantic rules; findings, never exceptions.

Each function takes a loaded file (:mod:`overens_docs._load`) and returns its findings;
:mod:`overens_docs._read` runs them on an agreement folder's files and reads the domain
from what holds.
"""

from __future__ import annotations

from pathlib import Path

from overens_docs._domain import Agreement
from overens_docs._findings import Finding
from overens_docs._load import Loaded
from overens_docs._validate import receipt_rules  # noqa: F401 -- registers its rule
from overens_docs._validate.agreement_rules import AGREEMENT_RULES, template_location
from overens_docs._validate.framework import run_rules
from overens_docs._validate.organisation_rules import ORGANISATION_RULES
from overens_docs._validate.register_rules import REGISTER_RULES, run_folder_rules
from overens_docs._validate.schema import check_schema
from overens_docs._validate.text_rules import TEXT_RULES

__all__ = ["validate_agreement", "validate_organisations", "validate_together"]


def validate_agreement(loaded: Loaded, folder: Path) -> list[Finding]:
    """Everything wrong with a loaded ``agreement.yaml`` in ``folder``."""
    if not loaded.usable:
        return []
    return [*check_schema(loaded, "agreement"), *run_rules(AGREEMENT_RULES, loaded),
            *run_rules(TEXT_RULES, loaded), *template_location(loaded, folder)]


def validate_organisations(loaded: Loaded) -> list[Finding]:
    """Everything wrong with a loaded organisation list, on its own."""
    if not loaded.usable:
        return []
    return [*check_schema(loaded, "organisations"),
            *run_rules(ORGANISATION_RULES | REGISTER_RULES, loaded),
            *run_rules(TEXT_RULES, loaded)]


def validate_together(agreement: Agreement, organisations: Loaded) -> list[Finding]:
    """The rules that need a valid agreement and its organisation list together (the
    signed versions against the text's fingerprint)."""
    return run_folder_rules(agreement, organisations)
