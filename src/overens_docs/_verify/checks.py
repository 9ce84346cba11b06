"""The findings about a returned copy beyond its pages: its e-signatures, what it would
run or carries, its appended pages."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pikepdf

from overens_docs._findings import Finding, Severity
from overens_docs._i18n import N_, _, ngettext
from overens_docs._receipts import SignatureRecord
from overens_docs._verify.signatures import signatures
from overens_docs._verify.trust import TrustRoot

if TYPE_CHECKING:
    from overens_docs._verify.returned import Returned

_ACTIVE = {
    "JavaScript": N_("It carries JavaScript, which a PDF reader may run when it is opened."),
    "Launch": N_("It carries an action that starts another program."),
    "EmbeddedFile": N_("It carries embedded files (attachments), which are no part of the "
                       "text as built."),
}


def _finding(shown: str, rule: str, severity: Severity, message: str) -> Finding:
    return Finding(shown, None, None, "$", rule, severity, message)


def signatures_of(shown: str, data: bytes, roots: list[TrustRoot],
                  ) -> tuple[list[SignatureRecord], list[Finding]]:
    """The copy's e-signatures; a warning when they cannot be read at all."""
    try:
        return signatures(data, roots), []
    except Exception as error:  # noqa: BLE001 -- pyHanko may fail on any malformed file
        return [], [_finding(shown, "verify-signatures-unreadable", Severity.WARNING, _(
            "Its e-signatures cannot be read ({reason}), so none is counted.").format(
                reason=str(error)[:200] or type(error).__name__))]


def active(shown: str, kinds: list[str]) -> list[Finding]:
    return [_finding(shown, "verify-active-content", Severity.WARNING, _(_ACTIVE[kind]))
            for kind in kinds if kind in _ACTIVE]


def signature_findings(shown: str, found: list[SignatureRecord]) -> list[Finding]:
    """A signature that is not intact fails the copy; one that is intact but not trusted,
    or made with a certificate that was not valid then, is a warning."""
    findings = []
    for signature in found:
        if not signature.intact:
            findings.append(_finding(shown, "verify-signature-broken", Severity.ERROR, _(
                "The e-signature of {signer} is not intact: {problem}").format(
                    signer=signature.signer, problem=signature.problem or "")))
        elif signature.certificate_valid is False:
            findings.append(_finding(shown, "verify-signature-expired", Severity.WARNING, _(
                "The e-signature of {signer} was made with a certificate that was not valid "
                "at the time it claims ({time}).").format(signer=signature.signer,
                                                           time=signature.signed_at)))
        elif not signature.trusted:
            findings.append(_finding(shown, "verify-signature-untrusted", Severity.WARNING, _(
                "The e-signature of {signer} is intact, but its certificate does not chain to "
                "a root you trust (signing.trust in agreement.yaml, or --trust).").format(
                    signer=signature.signer)))
    return findings


def appended(result: Returned, pdf: pikepdf.Pdf) -> list[Finding]:
    """Pages after the last built page: reported, and allowed only under a signature."""
    if not result.appended_pages:
        return []
    covered = any(s.intact and not s.modified_after and (s.revision or 0)
                  >= result.appended_revision for s in result.signatures)
    first = len(pdf.pages) - result.appended_pages + 1
    count = ngettext("{count} page follows the last built page ({first_line}).",
                     "{count} pages follow the last built page ({first_line}).",
                     result.appended_pages).format(count=result.appended_pages,
                                                   first_line=result.appended_first_line or "")
    if covered:
        return [Finding(result.file, None, None, "$", "verify-appended-pages", Severity.WARNING,
                        count + " " + _("A signature covers them (a signing service's "
                                        "verification page)."), page=first)]
    return [Finding(result.file, None, None, "$", "verify-appended-pages", Severity.ERROR,
                    count + " " + _("No intact signature covers them, so they may have been "
                                    "added by anyone."), page=first)]
