"""A copy that came back signed: whose it is, whether it carries a build's text exactly,
and what its e-signatures say.

The copy holds only when every page its organisation was given is there, in order, and
unchanged in what it shows, with nothing inserted; pages appended after the last built
page (a signing service's verification page) are allowed only where a signature covers
them. Two ways to tell:

- **the built file's exact bytes, then incremental updates** (:mod:`.revisions`): each
  later revision may add signatures, form fields and their values, and nothing else;
- **saved anew** (:mod:`.pages`): every page compared with the build's by what it shows.

It is compared with the current build, or with a text kept from an earlier build whose
fingerprint it carries (:mod:`.given`). Every e-signature is checked offline
(:mod:`.signatures`): one that is not intact makes the copy fail; one that is intact but
not trusted is reported, and does not change whether the text holds.
"""

from __future__ import annotations

import dataclasses
import enum
import hashlib
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pikepdf
from pypdf import PdfReader

from overens_docs._build.versions import page_text
from overens_docs._domain.fingerprint import short_form
from overens_docs._findings import Finding, Severity
from overens_docs._i18n import _, ngettext
from overens_docs._load.input_files import InputRefusedError, read_input
from overens_docs._pdf.page_content import active_content
from overens_docs._receipts import SignatureRecord
from overens_docs._targets import display
from overens_docs._verify.given import Candidate, candidates, owner
from overens_docs._verify.pages import Comparison, compare
from overens_docs._verify.trust import TrustRoot

if TYPE_CHECKING:
    from overens_docs._verify.revisions import Revisions

_PRINTED = re.compile(r"[0-9A-F]{4} [0-9A-F]{4} [0-9A-F]{4}")  # a fingerprint as printed


class Verdict(enum.StrEnum):
    IDENTICAL = "identical"
    UPDATED = "incremental-updates"
    RESAVED = "same-text-resaved"
    CHANGED = "changed-after-build"
    DIFFERENT = "different-text"
    SCANNED = "no-text-layer"
    UNREADABLE = "unreadable"
    LOCKED = "needs-password"
    NO_BUILD = "no-build"


_HOLDING = (Verdict.IDENTICAL, Verdict.UPDATED, Verdict.RESAVED)


@dataclass
class Returned:
    """What a returned PDF is, compared with a build."""

    file: str
    verdict: Verdict
    message: str
    sha256: str = ""
    built_file: str | None = None  # the build's file it is (or was made from)
    build: str | None = None  # the build folder, or kept text, it was compared with
    text_fingerprint: str | None = None
    organisation: str | None = None
    updates: int = 0  # incremental updates appended after the built file
    appended_pages: int = 0
    appended_first_line: str | None = None
    compared_by_text: list[int] = field(default_factory=list)
    differing_pages: list[int] = field(default_factory=list)
    signatures: list[SignatureRecord] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    encrypted: bool = False
    appended_revision: int = 0  # the revision its appended pages first appear in

    @property
    def holds(self) -> bool:
        return self.verdict in _HOLDING and not any(
            finding.severity is Severity.ERROR for finding in self.findings)

    def as_dict(self) -> dict[str, object]:
        return {"file": self.file, "holds": self.holds, "verdict": self.verdict.value,
                "message": self.message, "organisation": self.organisation,
                "sha256": self.sha256, "built_file": self.built_file, "build": self.build,
                "text_fingerprint": self.text_fingerprint, "updates": self.updates,
                "appended_pages": self.appended_pages,
                "appended_first_line": self.appended_first_line,
                "compared_by_text": self.compared_by_text,
                "differing_pages": self.differing_pages, "encrypted": self.encrypted,
                "signatures": [signature.as_json() for signature in self.signatures],
                "findings": [finding.as_dict() for finding in self.findings]}


def verify_returned(folder: Path, returned: Path, roots: list[TrustRoot] | None = None,
                    ) -> Returned:
    """Whose copy ``returned`` is, and whether it carries a text built in ``folder`` (the
    build folder; the texts kept beside it too), its signatures checked against ``roots``."""
    shown = display(returned)
    try:
        data = read_input(returned)
    except InputRefusedError as refused:
        return Returned(shown, Verdict.UNREADABLE, refused.reason)
    except OSError as error:
        return Returned(shown, Verdict.UNREADABLE, _("It cannot be read ({reason}).").format(
            reason=error.strerror or error))
    result = Returned(shown, Verdict.UNREADABLE, "", hashlib.sha256(data).hexdigest())
    try:
        pdf = pikepdf.open(io.BytesIO(data), password="")
    except pikepdf.PasswordError:
        result.verdict, result.message = Verdict.LOCKED, _(
            "It is encrypted with a password, so it cannot be read: ask the sender for a copy "
            "without one.")
        return result
    except Exception as error:  # noqa: BLE001 -- any file at all may come back
        result.message = _("It is not a readable PDF ({error}).").format(error=str(error)[:200])
        return result
    with pdf:
        try:
            _examine(result, folder, data, pdf, roots or [])
        except Exception as error:  # noqa: BLE001 -- a malformed PDF is a finding, never a crash
            result.verdict = Verdict.UNREADABLE
            result.message = _("It is not a readable PDF ({error}).").format(
                error=str(error)[:200] or type(error).__name__)
    return result


def _examine(result: Returned, folder: Path, data: bytes, pdf: pikepdf.Pdf,
             roots: list[TrustRoot]) -> None:
    from overens_docs._verify import checks  # noqa: PLC0415 -- pyHanko takes a second to import

    result.encrypted = pdf.is_encrypted
    found = candidates(folder)
    if not found:
        result.verdict, result.message = Verdict.NO_BUILD, _(
            "{folder} holds no build to compare it with (no manifest.json, and no text kept "
            "beside it).").format(folder=display(folder))
        return
    result.signatures, problem = checks.signatures_of(result.file, data, roots)
    result.findings += problem
    result.findings += checks.active(result.file, active_content(pdf))
    prefix = _prefix(data, found)
    if prefix is not None:
        _updated(result, data, prefix)
    else:
        _resaved(result, data, pdf, found)
    result.findings += checks.signature_findings(result.file, result.signatures)
    result.findings += checks.appended(
        result.file, result.signatures, (result.appended_pages, len(pdf.pages)),
        result.appended_first_line, result.appended_revision)


def _prefix(data: bytes, found: list[Candidate]) -> tuple[Candidate, str, int] | None:
    """The build, organisation and size of the built file ``data`` starts with."""
    digests: dict[int, str] = {}
    for candidate in found:
        for organisation, files in candidate.built_files().items():
            for sha256, size in files:
                if size <= len(data):
                    if size not in digests:
                        digests[size] = hashlib.sha256(data[:size]).hexdigest()
                    if digests[size] == sha256:
                        return candidate, organisation, size
    return None


def _about(result: Returned, candidate: Candidate, organisation: str | None) -> None:
    result.build = candidate.shown
    result.text_fingerprint = candidate.fingerprint
    result.organisation = organisation
    if candidate.manifest is not None and organisation is not None:
        result.built_file = next((entry.path for entry in
                                  candidate.manifest.of_kind("organisation-pdf")
                                  if entry.organisation == organisation), None)


def _updated(result: Returned, data: bytes, prefix: tuple[Candidate, str, int]) -> None:
    candidate, organisation, size = prefix
    _about(result, candidate, organisation)
    built = result.built_file or candidate.shown
    if size == len(data):
        result.verdict = Verdict.IDENTICAL
        result.message = _("Identical to {file}, byte for byte.").format(file=built)
        return
    from overens_docs._verify.revisions import check_revisions  # noqa: PLC0415 -- pyHanko

    try:
        revisions = check_revisions(result.file, data, size)
    except Exception as error:  # noqa: BLE001 -- whatever was appended, it is a finding
        result.verdict = Verdict.CHANGED
        result.message = _("{file} as built, but what follows it is not an incremental update "
                           "that can be read ({error}).").format(
                               file=built, error=str(error)[:200] or type(error).__name__)
        result.findings.append(Finding(result.file, None, None, "$",
                                       "verify-changed-after-build", Severity.ERROR,
                                       result.message))
        return
    result.updates = revisions.count - 1 - revisions.base
    result.findings += revisions.findings
    result.differing_pages = sorted({f.page for f in revisions.findings if f.page})
    _mark_modified(result, revisions)
    if revisions.findings:
        result.verdict = Verdict.CHANGED
        result.message = _("{file} as built, but changed after the build (see the "
                           "findings).").format(file=built)
        return
    result.verdict = Verdict.UPDATED
    result.message = ngettext(
        "{file} as built, with {count} incremental update appended after it (signatures and "
        "form fields only); the built bytes are unchanged.",
        "{file} as built, with {count} incremental updates appended after it (signatures "
        "and form fields only); the built bytes are unchanged.", result.updates).format(
            file=built, count=result.updates)
    result.appended_pages = max(revisions.pages - revisions.built_pages, 0)
    result.appended_revision = revisions.appended_in or 0
    if result.appended_pages:
        result.appended_first_line = _texts(data)[revisions.built_pages][:80]


def _mark_modified(result: Returned, revisions: Revisions) -> None:
    """A signature is modified after when a later revision changes the text."""
    def changed_after(signature: SignatureRecord) -> bool:
        return signature.revision is not None and any(
            revision > signature.revision for revision in revisions.changed)

    result.signatures = [dataclasses.replace(signature, modified_after=True)
                         if changed_after(signature) else signature
                         for signature in result.signatures]


def _texts(data: bytes) -> list[str]:
    reader = PdfReader(io.BytesIO(data))
    if reader.is_encrypted:
        reader.decrypt("")
    return [page_text(page) for page in reader.pages]


def _resaved(result: Returned, data: bytes, pdf: pikepdf.Pdf, found: list[Candidate]) -> None:
    texts = _texts(data)
    if not any(texts):
        result.verdict, result.message = Verdict.SCANNED, _(
            "It has no text layer (a scanned paper copy?), so its text cannot be checked; "
            "compare it with agreement.pdf by eye, and receive it with --scanned.")
        return
    candidate, organisation = _identify(texts, pdf, found)
    _about(result, candidate, organisation)
    if organisation is None:
        expected = candidate.expected_text_pages()
    else:
        expected = candidate.expected(organisation)
    comparison = compare(result.file, pdf, texts, expected, organisation)
    _compared(result, comparison, candidate, organisation)


def _compared(result: Returned, comparison: Comparison, candidate: Candidate,
              organisation: str | None) -> None:
    result.findings += comparison.findings
    result.appended_pages, result.appended_first_line = (comparison.appended,
                                                        comparison.first_line)
    result.compared_by_text = comparison.by_text
    result.differing_pages = comparison.differing_pages
    if organisation is None:
        result.findings.append(Finding(result.file, None, None, "$", "verify-organisation",
                                       Severity.ERROR, _(
            "No organisation's signature page, as built, follows the text in it: whose "
            "copy it is cannot be told.")))
    if comparison.findings or organisation is None:
        result.verdict = Verdict.DIFFERENT
        result.message = ngettext(
            "It is not the text built in {build} as its organisation was given it: page "
            "{pages} differs.",
            "It is not the text built in {build} as its organisation was given it: pages "
            "{pages} differ.", max(len(result.differing_pages), 1)).format(
                build=candidate.shown, pages=", ".join(map(str, result.differing_pages))
                or "-")
        return
    result.verdict = Verdict.RESAVED
    result.message = _("Saved anew (its bytes differ), but every page shows what was built "
                       "in {build}.").format(build=candidate.shown)
    if comparison.by_text:
        result.message += " " + _("Pages {pages} could only be compared by their text (their "
                                  "content was re-encoded).").format(
            pages=", ".join(map(str, comparison.by_text)))


def _identify(texts: list[str], pdf: pikepdf.Pdf, found: list[Candidate],
              ) -> tuple[Candidate, str | None]:
    """The build the copy is of (by the fingerprint it prints; else the current one), and
    whose copy it is (by its signature page's content, else by the name on it)."""
    printed = set(_PRINTED.findall(" ".join(texts)))
    ordered = sorted(found, key=lambda c: short_form(c.fingerprint) not in printed)
    for candidate in ordered:
        organisation = owner(candidate, texts, pdf)
        if organisation is not None:
            return candidate, organisation
    return ordered[0], None


