"""The findings about a returned copy beyond its pages: its e-signatures, what it would
run or carries, its appended pages."""

from __future__ import annotations

from overens_docs._findings import Finding, Severity
from overens_docs._i18n import N_, _, ngettext
from overens_docs._receipts import SignatureRecord
from overens_docs._verify.signatures import signatures
from overens_docs._verify.trust import TrustRoot

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


def appended(shown: str, found: list[SignatureRecord], pages: tuple[int, int],
             first_line: str | None, revision: int) -> list[Finding]:
    """Pages after the last built page (``pages``: how many, of how many in all, which
    first appear in ``revision``): reported, and allowed only under a signature."""
    count, total = pages
    if not count:
        return []
    covered = any(s.intact and not s.modified_after and (s.revision or 0) >= revision
                  for s in found)
    first = total - count + 1
    said = ngettext("{count} page follows the last built page ({first_line}).",
                    "{count} pages follow the last built page ({first_line}).",
                    count).format(count=count, first_line=first_line or "")
    if covered:
        return [Finding(shown, None, None, "$", "verify-appended-pages", Severity.WARNING,
                        said + " " + _("A signature covers them (a signing service's "
                                       "verification page)."), page=first)]
    return [Finding(shown, None, None, "$", "verify-appended-pages", Severity.ERROR,
                    said + " " + _("No intact signature covers them, so they may have been "
                                   "added by anyone."), page=first)]
