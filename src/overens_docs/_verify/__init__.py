"""``overens verify``: a build folder (:mod:`.build_folder`), and a copy that came back
signed (:mod:`.returned`: its revisions, its pages, its e-signatures, the report kept with
it). The copy's modules import pyHanko, which is slow to import, only when a copy is
checked."""

from overens_docs._verify.build_folder import verify_build
from overens_docs._verify.returned import Returned, Verdict, verify_returned

__all__ = ["Returned", "Verdict", "verify_build", "verify_returned"]
