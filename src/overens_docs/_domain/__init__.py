"""The domain: an agreement, its parties, principles and commitments, and the organisations
that sign it, as frozen dataclasses with their places in the source files; and the rules
of the trade that belong to it (organisation numbers, names as identifiers)."""

from overens_docs._domain.model import (
    Activity,
    Adoption,
    Agreement,
    Commitment,
    Contact,
    Definition,
    Organisation,
    Paragraphs,
    Party,
    Period,
    Place,
    Principle,
    PublicBody,
    Role,
    Signatory,
    SignatureLayout,
    Signing,
    Status,
    TemplateChoice,
)
from overens_docs._domain.reading import read_agreement, read_organisations

__all__ = [
    "Activity",
    "Adoption",
    "Agreement",
    "Commitment",
    "Contact",
    "Definition",
    "Organisation",
    "Paragraphs",
    "Party",
    "Period",
    "Place",
    "Principle",
    "PublicBody",
    "Role",
    "Signatory",
    "SignatureLayout",
    "Signing",
    "Status",
    "TemplateChoice",
    "read_agreement",
    "read_organisations",
]
