"""``overens receive``: signed copies checked, filed and recorded.

Each copy is verified (:mod:`._verify`) against the agreement's current build, or a text
kept from an earlier build whose fingerprint it carries, with the kommun's trust roots
(``signing.trust`` in ``agreement.yaml`` and ``--trust``). A copy that holds and carries
an e-signature (or that the officer says is a scanned paper copy, ``--scanned``) is filed
in the agreement's folder under ``signed/``, where no build ever writes, as
``<organisation>-<FINGERPRINT>.pdf`` (never over another file), with its report beside it
(``.report.json``, ``.report.html``), and a receipt is added to ``signed/receipts.json``
(:mod:`._receipts`). A copy already received (the same SHA-256) changes nothing; one that
does not hold is refused with its findings, and nothing is written for it.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from overens_docs._build.output import write_atomic
from overens_docs._build.versions import folder_name
from overens_docs._domain import Agreement, Organisation
from overens_docs._domain.fingerprint import text_fingerprint
from overens_docs._errors import UsageError
from overens_docs._findings import Finding, Report, Severity
from overens_docs._i18n import _
from overens_docs._load.input_files import InputRefusedError, read_input
from overens_docs._read import read_paths
from overens_docs._receipts import (
    E_SIGNATURE,
    PAPER,
    SIGNED,
    Receipt,
    Receipts,
    ReceiptsProblem,
    read_receipts,
    receipts_path,
)
from overens_docs._targets import display
from overens_docs._verify import Returned, Verdict, verify_returned
from overens_docs._verify.checks import signatures_of
from overens_docs._verify.report import report_html, report_json
from overens_docs._verify.trust import TrustRoot, load_roots

FILED, ALREADY, REFUSED = "filed", "already-received", "refused"


@dataclass
class Received:
    """What became of one copy: ``filed``, ``already-received`` or ``refused``."""

    copy: str
    outcome: str
    returned: Returned | None = None
    receipt: Receipt | None = None
    findings: list[Finding] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        return {"copy": self.copy, "outcome": self.outcome,
                "receipt": self.receipt.as_json() if self.receipt else None,
                "verification": self.returned.as_dict() if self.returned else None,
                "findings": [finding.as_dict() for finding in self.findings]}


@dataclass
class ReceiveResult:
    report: Report  # the agreement's and the trust roots' findings
    received: list[Received] = field(default_factory=list)

    @property
    def refused(self) -> bool:
        return self.report.fails() or any(r.outcome == REFUSED for r in self.received)


def trust_roots(agreement: Agreement, extra: list[Path]) -> tuple[list[TrustRoot], list[Finding]]:
    """The certificates ``signing.trust`` names (relative to the agreement's folder) and
    ``extra`` ones; a finding at each file that is not a certificate."""
    named = [(agreement.folder / name, place) for name, place in agreement.signing.trust]
    roots: list[TrustRoot] = []
    findings = []
    for path, place in [*named, *((path, None) for path in extra)]:
        try:
            within = (agreement.folder,) if place is not None else ()
            roots += load_roots(read_input(path, within), display(path))
        except (InputRefusedError, OSError, ValueError, TypeError) as error:
            reason = getattr(error, "strerror", None) or str(error)[:200]
            message = _("{file} is not a certificate that can be trusted ({reason}).").format(
                file=display(path), reason=reason)
            if place is None:
                raise UsageError(message) from error
            findings.append(Finding(place.file, place.line, place.column, "$",
                                    "trust-unreadable", Severity.ERROR, message))
    return roots, findings


def receive(folder: Path, copies: list[Path], *, build: Path | None = None,
            trust: list[Path] | None = None, scanned: str | None = None) -> ReceiveResult:
    """Verify, file and record each of ``copies`` for the agreement in ``folder``."""
    inputs = read_paths([folder])
    result = ReceiveResult(inputs.report)
    if inputs.report.fails():
        return result
    [(agreement, organisations)] = inputs.whole("receive")
    roots, problems = trust_roots(agreement, trust or [])
    result.report.extend(problems)
    receipts = read_receipts(agreement.folder)
    if isinstance(receipts, ReceiptsProblem):
        result.report.extend([Finding(receipts.file, None, None, "$", "receipts-unreadable",
                                      Severity.ERROR, receipts.reason)])
    if result.report.fails() or isinstance(receipts, ReceiptsProblem):
        return result
    if scanned is not None and scanned not in {o.id for o in organisations}:
        raise UsageError(_("--scanned {id}: no organisation of {folder} has that id.").format(
            id=scanned, folder=display(agreement.folder)))
    context = _Context(agreement, organisations, build or Path("build") / agreement.id,
                       roots, receipts)
    for copy in copies:
        result.received.append(context.receive(copy, scanned))
    if any(received.outcome == FILED for received in result.received):
        write_atomic(receipts_path(agreement.folder), (json.dumps(
            receipts.as_json(), ensure_ascii=False, indent=2) + "\n").encode())
    return result


def judged_now(agreement: Agreement, receipts: Receipts,
               ) -> tuple[Receipts, list[Finding]]:
    """``receipts`` with the e-signatures of each filed copy judged again against the trust
    roots ``signing.trust`` names now, for ``overens status``: a root added to it since a
    copy was received makes that copy's signature trusted, and one taken off makes it
    untrusted, as a new ``receive`` would find. ``signed/receipts.json`` keeps what was found
    when the copy was received. A filed copy that is gone, or whose bytes are no longer
    those received, keeps what its receipt says, with a warning at the copy."""
    if not any(receipt.evidence == E_SIGNATURE for receipt in receipts.receipts):
        return receipts, []
    roots, findings = trust_roots(agreement, [])
    judged = []
    for receipt in receipts.receipts:
        if receipt.evidence != E_SIGNATURE:
            judged.append(receipt)
            continue
        path = agreement.folder / receipt.file
        try:
            data = read_input(path, [agreement.folder])
        except (InputRefusedError, OSError) as error:
            data, reason = None, getattr(error, "strerror", None) or str(error)[:200]
        else:
            reason = _("its bytes are not those received")
        if data is None or hashlib.sha256(data).hexdigest() != receipt.sha256:
            findings.append(Finding(display(path), None, None, "$", "receipt-copy-changed",
                                    Severity.WARNING, _(
                "{file}: the filed copy cannot be checked again ({reason}): its receipt, "
                "of when it was received, is shown. Put the copy received back in its "
                "place, or receive it again.").format(file=display(path), reason=reason)))
            judged.append(receipt)
            continue
        found, _problems = signatures_of(display(path), data, roots)
        judged.append(dataclasses.replace(receipt, signatures=tuple(found))
                      if found else receipt)
    return Receipts(judged), findings


@dataclass
class _Context:
    agreement: Agreement
    organisations: tuple[Organisation, ...]
    build: Path
    roots: list[TrustRoot]
    receipts: Receipts

    def receive(self, copy: Path, scanned: str | None) -> Received:
        shown = display(copy)
        try:
            data = copy.read_bytes()
        except OSError as error:
            raise UsageError(_("{file}: it cannot be read ({reason}).").format(
                file=shown, reason=error.strerror or error)) from error
        sha256 = hashlib.sha256(data).hexdigest()
        earlier = self.receipts.by_sha256(sha256)
        if earlier is not None:
            return Received(shown, ALREADY, receipt=earlier)
        returned = verify_returned(self.build, copy, self.roots)
        refusal = self._refusal(returned, scanned)
        if refusal is not None:
            return Received(shown, REFUSED, returned,
                            findings=[*returned.findings, refusal])
        receipt = self._file(copy, data, returned, scanned)
        self.receipts.receipts.append(receipt)
        return Received(shown, FILED, returned, receipt, returned.findings)

    def _refusal(self, returned: Returned, scanned: str | None) -> Finding | None:
        """Why ``returned`` is not filed, or None."""
        if scanned is not None:
            return _scanned_refusal(returned, scanned)
        if returned.verdict is Verdict.SCANNED:
            return _refused(returned, _(
                "It has no text to check. If it is a scan of a copy signed on paper, compare "
                "it with agreement.pdf by eye and receive it with --scanned ORG_ID."))
        if not returned.holds:
            return _refused(returned, _("It does not hold, so it is not filed."))
        if not any(s.kind == "signature" and s.intact for s in returned.signatures):
            return _refused(returned, _(
                "It carries no intact e-signature, so it proves no one signed it. If it is a "
                "scan of a copy signed on paper, receive it with --scanned ORG_ID."))
        if returned.organisation is None:
            return _refused(returned, _("Whose copy it is cannot be told."))
        return None

    def _file(self, copy: Path, data: bytes, returned: Returned, scanned: str | None,
              ) -> Receipt:
        organisation = scanned or returned.organisation or "?"
        fingerprint = returned.text_fingerprint or text_fingerprint(self.agreement)
        stem = next((o.file_stem for o in self.organisations if o.id == organisation),
                    organisation)
        signed = self.agreement.folder / SIGNED
        name = f"{stem}-{folder_name(fingerprint)}"
        number = 1
        while any((signed / f"{name}{suffix}").exists()
                  for suffix in (".pdf", ".report.json", ".report.html")):
            number += 1
            name = f"{stem}-{folder_name(fingerprint)}-{number}"
        relative = f"{SIGNED}/{name}.pdf"
        write_atomic(signed / f"{name}.pdf", data)
        write_atomic(signed / f"{name}.report.json", report_json(
            returned, filed=relative, evidence=PAPER if scanned else E_SIGNATURE))
        write_atomic(signed / f"{name}.report.html", report_html(returned, relative))
        return Receipt(organisation, relative, returned.sha256, fingerprint,
                       returned.verdict.value, PAPER if scanned else E_SIGNATURE,
                       tuple(returned.signatures), f"{SIGNED}/{name}.report.html", copy.name)


def _scanned_refusal(returned: Returned, scanned: str) -> Finding | None:
    """A scan of a copy signed on paper (the officer says so) is filed when it has no
    text to check, or when its text holds and is that organisation's copy."""
    if returned.verdict is Verdict.SCANNED:
        return None
    if not returned.holds:
        return _refused(returned, _("It does not hold, so it is not filed."))
    if returned.organisation not in (None, scanned):
        return _refused(returned, _("It is the copy of {organisation}, not of {scanned}.")
                        .format(organisation=returned.organisation, scanned=scanned))
    return None


def _refused(returned: Returned, message: str) -> Finding:
    return Finding(returned.file, None, None, "$", "receive-refused", Severity.ERROR, message)


def as_text(result: ReceiveResult) -> str:
    """Each copy: filed where, already received, or refused and why."""
    from overens_docs._reporters import finding_line  # noqa: PLC0415 -- text output only
    from overens_docs._verify.report import signature_line  # noqa: PLC0415

    lines = []
    for received in result.received:
        receipt = received.receipt
        if received.outcome == FILED and receipt is not None:
            lines.append(_("{copy}: filed as {file} ({organisation}, {how})").format(
                copy=received.copy, file=receipt.file, organisation=receipt.organisation,
                how=_how(receipt)))
            lines += ["  " + signature_line(signature) for signature in receipt.signatures]
        elif received.outcome == ALREADY and receipt is not None:
            lines.append(_("{copy}: received before, as {file}; nothing changed").format(
                copy=received.copy, file=receipt.file))
        else:
            lines.append(_("{copy}: refused, not filed").format(copy=received.copy))
        lines += ["  " + finding_line(finding) for finding in received.findings]
    return "\n".join(lines)


def _how(receipt: Receipt) -> str:
    return {"paper": _("a scanned paper copy"),
            "e-signature-trusted": _("e-signature, trusted"),
            "e-signature-untrusted": _("e-signature, not trusted")}[receipt.how]
