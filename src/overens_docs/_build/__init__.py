"""Stage: build the documents of a valid agreement (see :mod:`workflow` for the row of stages)."""

from overens_docs._build.outcomes import (
    AgreementBuild,
    Built,
    Errored,
    Failed,
    Outcome,
    Refused,
    Summary,
    UpToDate,
)
from overens_docs._build.plan import BuildRefused
from overens_docs._build.several import (
    Options,
    Request,
    build_all,
    one_folder_each,
    with_organisation,
)
from overens_docs._build.workflow import build_agreement

__all__ = ["AgreementBuild", "BuildRefused", "Built", "Errored", "Failed", "Options", "Outcome",
           "Refused", "Request", "Summary", "UpToDate", "build_agreement", "build_all",
           "one_folder_each", "with_organisation"]
