"""Receipts: the signed copies filed for an agreement, as the tool records them.

``overens receive`` files each signed copy that holds in the agreement's folder, under
``signed/`` (no build ever writes there), and records a receipt for it in
``signed/receipts.json``: the organisation, the filed file and its SHA-256, the text
fingerprint the copy carries, the verdict, and its e-signatures (who signed, when, intact,
trusted). The officer's own organisation list is never edited; ``overens status`` and the
register rules read these receipts beside it.

This module holds the records and reads them (the status and the rules need them); only
``overens receive`` writes them. A receipt file that cannot be read is a
:class:`ReceiptsProblem`, never a traceback.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from overens_docs._i18n import _
from overens_docs._targets import display

SIGNED = "signed"  # the folder, in an agreement's folder, of filed copies
RECEIPTS = "receipts.json"
FORMAT = "overens-receipts-1"

# How a filed copy proves a signature.
E_SIGNATURE = "e-signature"
PAPER = "paper"


@dataclass(frozen=True, slots=True)
class SignatureRecord:
    """One e-signature in a copy, as checked offline. ``signer`` is the name in the
    certificate (a personal identity number in it is never kept); ``signed_at`` the time
    the signature claims, ``timestamp`` a timestamp's; ``covers`` what it covers
    (``whole-file``, ``revision``: the file up to it, ``unclear``); ``certificate_valid``
    whether the certificate was valid at that time; ``revocation`` ``good``, ``revoked``
    or ``unknown`` (no revocation information in the PDF)."""

    signer: str
    intact: bool
    trusted: bool
    signed_at: str | None
    covers: str
    modified_after: bool
    kind: str = "signature"  # or "document-timestamp"
    subfilter: str | None = None  # ETSI.CAdES.detached (PAdES), adbe.pkcs7.detached
    organisation: str | None = None  # the O= of the certificate (a service's seal)
    issuer: str | None = None
    timestamp: str | None = None
    certificate_valid: bool | None = None
    revocation: str = "unknown"
    certificate_sha256: str | None = None
    revision: int | None = None  # the revision of the file it signs (0 = the first)
    problem: str | None = None  # why it is not intact or not trusted, in words

    def as_json(self) -> dict[str, object]:
        return {"signer": self.signer, "intact": self.intact, "trusted": self.trusted,
                "signed_at": self.signed_at, "covers": self.covers,
                "modified_after": self.modified_after, "kind": self.kind,
                "subfilter": self.subfilter, "organisation": self.organisation,
                "issuer": self.issuer, "timestamp": self.timestamp,
                "certificate_valid": self.certificate_valid, "revocation": self.revocation,
                "certificate_sha256": self.certificate_sha256, "revision": self.revision,
                "problem": self.problem}

    @classmethod
    def from_json(cls, item: dict[str, Any]) -> SignatureRecord:
        return cls(str(item["signer"]), bool(item["intact"]), bool(item["trusted"]),
                   item.get("signed_at"), str(item.get("covers", "unclear")),
                   bool(item.get("modified_after", False)), str(item.get("kind", "signature")),
                   item.get("subfilter"), item.get("organisation"), item.get("issuer"),
                   item.get("timestamp"), item.get("certificate_valid"),
                   str(item.get("revocation", "unknown")), item.get("certificate_sha256"),
                   item.get("revision"), item.get("problem"))


@dataclass(frozen=True, slots=True)
class Receipt:
    """One filed copy. ``file`` and ``report`` are relative to the agreement's folder."""

    organisation: str  # its id in the organisation list
    file: str
    sha256: str
    text_fingerprint: str
    verdict: str
    evidence: str  # E_SIGNATURE or PAPER
    signatures: tuple[SignatureRecord, ...] = ()
    report: str | None = None
    original_name: str | None = None  # the name the copy came with

    @property
    def trusted(self) -> bool:
        """Signed with an e-signature that is intact and chains to a trusted root."""
        return any(s.kind == "signature" and s.intact and s.trusted and not s.modified_after
                   for s in self.signatures)

    @property
    def how(self) -> str:
        """How it proves the signature: ``e-signature-trusted``, ``e-signature-untrusted``
        (intact, but not chaining to a trusted root, or made with an expired certificate)
        or ``paper`` (a scanned paper copy)."""
        if self.evidence == PAPER:
            return "paper"
        return "e-signature-trusted" if self.trusted else "e-signature-untrusted"

    def as_json(self) -> dict[str, object]:
        return {"organisation": self.organisation, "file": self.file, "sha256": self.sha256,
                "text_fingerprint": self.text_fingerprint, "verdict": self.verdict,
                "evidence": self.evidence, "how": self.how,
                "signatures": [signature.as_json() for signature in self.signatures],
                "report": self.report, "original_name": self.original_name}

    @classmethod
    def from_json(cls, item: dict[str, Any]) -> Receipt:
        return cls(str(item["organisation"]), str(item["file"]), str(item["sha256"]),
                   str(item["text_fingerprint"]), str(item["verdict"]),
                   str(item.get("evidence", E_SIGNATURE)),
                   tuple(SignatureRecord.from_json(signature)
                         for signature in item.get("signatures") or []),
                   item.get("report"), item.get("original_name"))


@dataclass(slots=True)
class Receipts:
    """Every receipt of one agreement, in the order they were received."""

    receipts: list[Receipt] = field(default_factory=list)

    def of(self, organisation: str) -> list[Receipt]:
        return [receipt for receipt in self.receipts if receipt.organisation == organisation]

    def by_sha256(self, sha256: str) -> Receipt | None:
        return next((r for r in self.receipts if r.sha256 == sha256), None)

    def as_json(self) -> dict[str, object]:
        return {"format": FORMAT, "receipts": [r.as_json() for r in self.receipts]}


@dataclass(frozen=True, slots=True)
class ReceiptsProblem:
    """Why ``signed/receipts.json`` cannot be read."""

    file: str
    reason: str


def receipts_path(agreement_folder: Path) -> Path:
    return agreement_folder / SIGNED / RECEIPTS


def read_receipts(agreement_folder: Path) -> Receipts | ReceiptsProblem:
    """The receipts of the agreement in ``agreement_folder`` (none when there is no file)."""
    path = receipts_path(agreement_folder)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return Receipts()
    except OSError as error:
        return ReceiptsProblem(display(path), _("It cannot be read ({reason}).").format(
            reason=error.strerror or error))
    reason = None
    try:
        document = json.loads(data.decode("utf-8"))
        if isinstance(document, dict) and document.get("format") == FORMAT:
            return Receipts([Receipt.from_json(item) for item in document["receipts"]])
    except (UnicodeDecodeError, ValueError, KeyError, TypeError, AttributeError) as error:
        reason = str(error)[:200]
    return ReceiptsProblem(display(path), _(
        "It is not a file of receipts that `overens receive` wrote ({reason}); restore it "
        "from a backup, or receive the copies in signed/ again.").format(
            reason=reason or FORMAT))
