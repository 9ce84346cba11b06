"""Stage: build the documents of a valid agreement (see :mod:`workflow` for the row of stages)."""

from overens_docs._build.plan import Refused
from overens_docs._build.several import Options, Outcome, Request, build_all, with_organisation
from overens_docs._build.workflow import build_agreement

__all__ = ["Options", "Outcome", "Refused", "Request", "build_agreement", "build_all",
           "with_organisation"]
