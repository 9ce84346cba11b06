"""Where the register stands: for each agreement, who has signed which version of its text.

``overens status`` prints this. An organisation's signature is *current* when its
``signed_version`` matches the text fingerprint of the agreement as it is now; a signed
organisation whose version matches another text signed an older version (it is
*outdated*) and must sign again. One that signed without a recorded version is neither.

Beside the hand-kept list, the receipts of the signed copies ``overens receive`` filed
(:mod:`._receipts`) are each organisation's *evidence*: its signature of the current text
is *proven* by a filed copy (an e-signature, trusted or not, or a scanned paper copy), or
only recorded by hand. Where the two disagree, the register rules warn (see
:mod:`._validate.receipt_rules`).
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from overens_docs import _reporters as reporters
from overens_docs._domain import Agreement, Organisation, OrganisationContact, Standing, Status
from overens_docs._domain.fingerprint import matches, short_form, text_fingerprint
from overens_docs._findings import Finding, Report
from overens_docs._i18n import _
from overens_docs._read import read_paths
from overens_docs._receipts import Receipt, Receipts, read_receipts


def _iso(date: datetime.date | None) -> str | None:
    return None if date is None else date.isoformat()


@dataclass(frozen=True, slots=True)
class OrganisationStatus:
    """One organisation, where it stands towards the current text, its filed copies, and,
    for one that is to sign, how to reach it (the officer's own view: never published)."""

    organisation: Organisation
    current: bool  # its signed_version matches the current text
    contact: OrganisationContact | None = None  # of one that is to sign
    evidence: tuple[Receipt, ...] = ()  # its filed signed copies, of any version
    fingerprint: str = ""  # the current text's

    @property
    def standing(self) -> Standing:
        return self.organisation.standing or Standing.INVITED

    @property
    def proof(self) -> Receipt | None:
        """The filed copy that proves best that it signed the current text: a trusted
        e-signature before an untrusted one, before a scanned paper copy."""
        order = {"e-signature-trusted": 0, "e-signature-untrusted": 1, "paper": 2}
        current = [r for r in self.evidence if r.text_fingerprint == self.fingerprint]
        return min(current, key=lambda receipt: order[receipt.how], default=None)

    @property
    def outdated(self) -> bool:
        """Signed, not withdrawn, but a version that is not the current text."""
        return self.standing is Standing.OUTDATED

    def as_dict(self) -> dict[str, object]:
        organisation = self.organisation
        document: dict[str, object] = {
            "id": organisation.id, "name": organisation.name,
            "status": organisation.status.value, "signed_on": _iso(organisation.signed_on),
            "current": self.current, "standing": self.standing.value,
            "ceremony": _iso(organisation.signs.ceremony if self.standing.to_sign else None),
            "invited_on": _iso(organisation.invited_on),
            "proven": self.proof.how if self.proof is not None else None,
            "evidence": [_evidence(receipt) for receipt in self.evidence]}
        if self.standing.to_sign:
            contact = self.contact or OrganisationContact(None, None)
            document["contact"] = {"representative": organisation.representative,
                                   "title": organisation.representative_title,
                                   "email": contact.email, "contact": contact.contact}
        return document


def _evidence(receipt: Receipt) -> dict[str, object]:
    return {"file": receipt.file, "sha256": receipt.sha256,
            "text_fingerprint": receipt.text_fingerprint, "how": receipt.how,
            "verdict": receipt.verdict, "report": receipt.report,
            "signatures": [signature.as_json() for signature in receipt.signatures]}


@dataclass(frozen=True, slots=True)
class AgreementStatus:
    agreement: Agreement
    text_fingerprint: str
    standings: tuple[OrganisationStatus, ...]

    def with_status(self, status: Status) -> list[OrganisationStatus]:
        return [s for s in self.standings if s.organisation.status is status]

    @property
    def outdated(self) -> list[OrganisationStatus]:
        return [standing for standing in self.standings if standing.outdated]

    @property
    def proven(self) -> list[OrganisationStatus]:
        return [standing for standing in self.standings if standing.proof is not None]

    def summary(self) -> dict[str, int]:
        return {"signed": len(self.with_status(Status.SIGNED)),
                "invited": len(self.with_status(Status.INVITED)),
                "withdrawn": len(self.with_status(Status.WITHDRAWN)),
                "outdated": len(self.outdated),
                "proven": len(self.proven)}

    def as_dict(self) -> dict[str, object]:
        return {"id": self.agreement.id, "text_fingerprint": self.text_fingerprint,
                "summary": self.summary(),
                "organisations": [standing.as_dict() for standing in self.standings]}


# Judges the filed copies' e-signatures again, as they stand now (see _receive.judged_now).
Judge = Callable[[Agreement, Receipts], tuple[Receipts, list[Finding]]]


def agreement_status(agreement: Agreement, organisations: Iterable[Organisation],
                     contacts: Mapping[str, OrganisationContact] | None = None, *,
                     judge: Judge | None = None, report: Report | None = None,
                     ) -> AgreementStatus:
    """Where each of ``organisations`` (resolved, see :mod:`overens_docs._read`) stands.
    ``judge``: the filed copies' e-signatures judged again (its findings go to
    ``report``); without it, as their receipts recorded them."""
    fingerprint = text_fingerprint(agreement)
    contacts = contacts or {}
    receipts = read_receipts(agreement.folder)
    filed = receipts if isinstance(receipts, Receipts) else Receipts()  # the rules warn
    if judge is not None:
        filed, findings = judge(agreement, filed)
        if report is not None:
            report.extend(findings)
    return AgreementStatus(agreement, fingerprint, tuple(
        OrganisationStatus(organisation, organisation.signed_version is not None
                           and matches(fingerprint, organisation.signed_version),
                           contacts.get(organisation.id), tuple(filed.of(organisation.id)),
                           fingerprint)
        for organisation in organisations))


@dataclass(slots=True)
class StatusResult:
    """Every finding of validating the agreements, and their status when they are valid."""

    report: Report
    agreements: list[AgreementStatus] = field(default_factory=list)


def register_status(paths: Iterable[Path], judge: Judge | None = None) -> StatusResult:
    """Read the agreement folders ``paths`` names, then say where each register stands
    (``judge``: see :func:`agreement_status`).

    Each agreement on its own: an invalid one gives its findings and no status, and the
    others their status. Raises :class:`~overens_docs._errors.UsageError` for a path that
    names a single file: the status needs the agreement and its organisations.
    """
    inputs = read_paths(paths)
    result = StatusResult(inputs.report)
    for read in inputs.agreements:
        if read.target.only is not None:
            read.whole("status")  # raises: a file, not a folder
    result.agreements.extend(  # the valid ones; the findings say why another is not
        agreement_status(*read.whole("status"), read.contacts, judge=judge,
                         report=result.report) for read in inputs.agreements
        if read.valid and read.agreement is not None and read.organisations is not None)
    return result


def as_json(result: StatusResult) -> str:
    """The status of each valid agreement, and every finding (as ``validate`` gives them)."""
    return json.dumps({"agreements": [status.as_dict() for status in result.agreements],
                       **reporters.document(result.report)}, ensure_ascii=False, indent=2)


def _contact(status: OrganisationStatus) -> str:
    """How to reach an organisation that is to sign: its representative, e-mail, phone."""
    organisation, contact = status.organisation, status.contact or OrganisationContact(None, None)
    parts = [f"{organisation.representative} ({organisation.representative_title})"]
    parts += [value for value in (contact.email, contact.contact) if value]
    return "; ".join(dict.fromkeys(parts))


def _names(standings: Iterable[OrganisationStatus], *, details: bool = False) -> list[str]:
    lines = []
    for standing in standings:
        organisation = standing.organisation
        line = f"    {organisation.name} ({organisation.id})"
        if details:
            version = organisation.signed_version or ""
            line += _(", signed {date}, version {version}").format(
                date=organisation.signed_on,
                version=short_form(version) if len(version) >= 12 else version)
        if standing.standing.to_sign:
            if organisation.signs.ceremony is not None:
                line += _(", invited to the ceremony of {date}").format(
                    date=organisation.signs.ceremony)
            if organisation.invited_on is not None:
                line += _(", written to on {date}").format(date=organisation.invited_on)
            line += "\n      " + _("contact: {contact}").format(contact=_contact(standing))
        lines.append(line)
    return lines


def as_text(result: StatusResult) -> str:
    """Per agreement: its fingerprint, the counts, who must sign again, who has not signed
    (with how to reach those who are to sign)."""
    blocks = []
    for status in result.agreements:
        counts = status.summary()
        unrecorded = [s for s in status.with_status(Status.SIGNED)
                      if s.organisation.signed_version is None]
        lines = [
            f"{status.agreement.id}: {status.agreement.title}",
            "  " + _("text fingerprint {short} ({full})").format(
                short=short_form(status.text_fingerprint), full=status.text_fingerprint),
            "  " + _("{signed} signed ({outdated} an older version, {unrecorded} without a "
                     "recorded version), {invited} invited, {withdrawn} withdrawn").format(
                signed=counts["signed"], outdated=counts["outdated"],
                unrecorded=len(unrecorded), invited=counts["invited"],
                withdrawn=counts["withdrawn"]),
        ]
        if status.outdated:
            lines.append("  " + _("Signed an older version and must sign again:"))
            lines += _names(status.outdated, details=True)
        if unrecorded:
            lines.append("  " + _("Signed, but which version is not recorded "
                                  "(signed_version):"))
            lines += _names(unrecorded)
        lines += _evidence_lines(status)
        invited = status.with_status(Status.INVITED)
        if invited:
            lines.append("  " + _("Invited, not yet signed:"))
            lines += _names(invited)
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def _evidence_lines(status: AgreementStatus) -> list[str]:
    """Who is proven to have signed the current text by a filed copy, and how; and who is
    recorded as signed by hand only."""
    how = {"e-signature-trusted": _("e-signature, trusted"),
           "e-signature-untrusted": _("e-signature, not trusted"),
           "paper": _("scanned paper copy")}
    lines = []
    if status.proven:
        lines.append("  " + _("Proven by a filed signed copy of the current text:"))
        for standing in status.proven:
            proof = standing.proof
            assert proof is not None  # noqa: S101 -- proven
            organisation = standing.organisation
            lines.append(f"    {organisation.name} ({organisation.id}): {how[proof.how]}, "
                         f"{proof.file}")
    by_hand = [s for s in status.with_status(Status.SIGNED) if s.current and s.proof is None]
    if by_hand:
        lines.append("  " + _("Signed the current text, recorded by hand only (no filed "
                              "copy):"))
        lines += _names(by_hand)
    return lines
