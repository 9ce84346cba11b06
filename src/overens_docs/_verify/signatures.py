"""The e-signatures in a returned copy, checked offline with pyHanko.

For every signature (PAdES, and the older ``adbe.pkcs7.detached``) and document timestamp:
whether it is intact (the bytes it signs are unchanged), what it covers and whether what
was added after it is allowed (pyHanko's difference analysis, :data:`DEFAULT_DIFF_POLICY`),
who signed (the certificate's name; a personal identity number in it is masked, never
kept), the time it claims and a timestamp's, whether the certificate was valid then, and
whether it chains to one of the kommun's own trust roots. Nothing is fetched: no
revocation server, no operating system's trust list. Revocation information the PDF does
not carry (its document security store) leaves revocation ``unknown``.
"""

from __future__ import annotations

import contextlib
import datetime
import hashlib
import io
import logging
import re
import warnings
from collections.abc import Iterable

with warnings.catch_warnings():  # pyHanko imports a DSA class that cryptography deprecates
    warnings.simplefilter("ignore")
    from asn1crypto import x509 as asn1_x509
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.diff_analysis import (
        DEFAULT_DIFF_POLICY,
        ModificationLevel,
        SuspiciousModification,
    )
    from pyhanko.sign.validation import validate_pdf_signature, validate_pdf_timestamp
    from pyhanko.sign.validation.dss import DocumentSecurityStore
    from pyhanko.sign.validation.errors import NoDSSFoundError
    from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature
    from pyhanko.sign.validation.status import (
        DocumentTimestampStatus,
        ModificationInfo,
        PdfSignatureStatus,
        SignatureCoverageLevel,
    )
    from pyhanko_certvalidator import ValidationContext

from overens_docs._i18n import _
from overens_docs._receipts import SignatureRecord
from overens_docs._verify.trust import TrustRoot

for _library in ("pyhanko", "pyhanko_certvalidator"):  # their findings are ours to report
    logging.getLogger(_library).addHandler(logging.NullHandler())
    logging.getLogger(_library).propagate = False

# A Swedish personal identity number (personnummer, samordningsnummer) in a name.
_PERSONAL_NUMBER = re.compile(r"(?<!\d)(?:\d{2})?(\d{6})[-+ ]?\d{4}(?!\d)")
_COVERS = {SignatureCoverageLevel.ENTIRE_FILE: "whole-file",
           SignatureCoverageLevel.ENTIRE_REVISION: "revision"}


def masked(text: str) -> str:
    """``text`` with any personal identity number in it reduced to its date of birth."""
    return _PERSONAL_NUMBER.sub(lambda match: f"{match.group(1)}-****", text)


def _time(value: datetime.datetime | None) -> str | None:
    return None if value is None else value.astimezone(datetime.UTC).isoformat(
        timespec="seconds").replace("+00:00", "Z")


def _name(certificate: asn1_x509.Certificate) -> tuple[str, str | None]:
    """The signer's name and organisation, as the certificate's subject gives them."""
    subject = certificate.subject.native
    name = subject.get("common_name") or " ".join(
        part for part in (subject.get("given_name"), subject.get("surname")) if part)
    organisation = subject.get("organization_name")
    return (masked(str(name or certificate.subject.human_friendly)),
            masked(str(organisation)) if organisation else None)


def _valid_then(certificate: asn1_x509.Certificate, moment: datetime.datetime) -> bool:
    validity = certificate["tbs_certificate"]["validity"]
    return bool(validity["not_before"].native <= moment <= validity["not_after"].native)


def _context(roots: Iterable[TrustRoot], moment: datetime.datetime | None,
             reader: PdfFileReader) -> tuple[ValidationContext, bool]:
    """A context that fetches nothing and trusts only ``roots``; with the revocation
    information the PDF carries, if any (then also whether it does)."""
    settings: dict[str, object] = {"trust_roots": [root.certificate for root in roots],
                                   "allow_fetching": False, "revocation_mode": "soft-fail"}
    if moment is not None:
        settings["moment"] = moment
    try:
        store = DocumentSecurityStore.read_dss(reader)
    except NoDSSFoundError:
        return ValidationContext(**settings), False  # type: ignore[arg-type]
    settings["revocation_mode"] = "hard-fail"
    return store.as_validation_context(settings), True


def _modified_after(info: ModificationInfo) -> bool:
    result = info.diff_result
    return isinstance(result, SuspiciousModification) or (
        result is not None and result.modification_level == ModificationLevel.OTHER)


def _record(embedded: EmbeddedPdfSignature, roots: list[TrustRoot],
            reader: PdfFileReader) -> SignatureRecord:
    certificate = embedded.signer_cert
    claimed = embedded.self_reported_timestamp
    context, carried = _context(roots, claimed, reader)
    timestamp = embedded.sig_object_type == "/DocTimeStamp"
    status: DocumentTimestampStatus | PdfSignatureStatus
    when: datetime.datetime | None
    if timestamp:
        status = validate_pdf_timestamp(embedded, context, DEFAULT_DIFF_POLICY)
        stamped, when = None, status.timestamp
    else:
        status = validate_pdf_signature(embedded, context, diff_policy=DEFAULT_DIFF_POLICY)
        stamped = status.timestamp_validity
        when = stamped.timestamp if stamped is not None and stamped.intact else claimed
    name, organisation = _name(certificate)
    revoked = status.revocation_details is not None
    problem = None
    if not status.intact:
        problem = _("The signed bytes have changed since it was made.")
    elif not status.valid:
        problem = _("Its signature value does not match its certificate.")
    elif not status.trusted:
        indication = status.trust_problem_indic
        problem = _("Its certificate does not chain to a trusted root ({reason}).").format(
            reason=str(indication) if indication is not None else "?")
    return SignatureRecord(
        signer=name, intact=bool(status.intact and status.valid), trusted=bool(status.trusted),
        signed_at=_time(when if timestamp else claimed),
        covers=_COVERS.get(status.coverage, "unclear"),  # type: ignore[arg-type]
        modified_after=_modified_after(status),
        kind="document-timestamp" if timestamp else "signature",
        subfilter=str(embedded.sig_object.get("/SubFilter", "/?"))[1:],
        organisation=organisation, issuer=masked(certificate.issuer.human_friendly),
        timestamp=_time(stamped.timestamp) if stamped is not None else None,
        certificate_valid=_valid_then(certificate, when) if when is not None else None,
        revocation="revoked" if revoked else ("good" if carried and status.trusted
                                              else "unknown"),
        certificate_sha256=hashlib.sha256(certificate.dump()).hexdigest(),
        revision=embedded.signed_revision, problem=problem)


def _broken(embedded: EmbeddedPdfSignature | None, error: Exception) -> SignatureRecord:
    """A signature pyHanko cannot read or check: not intact."""
    name = _("(unreadable)")
    with contextlib.suppress(Exception):  # its certificate may be as broken as the rest
        name = _name(embedded.signer_cert)[0] if embedded is not None else name
    return SignatureRecord(signer=name, intact=False, trusted=False, signed_at=None,
                           covers="unclear", modified_after=False,
                           problem=_("It cannot be checked ({reason}).").format(
                               reason=str(error)[:200] or type(error).__name__))


def signatures(data: bytes, roots: list[TrustRoot], password: bytes = b"") -> list[
        SignatureRecord]:
    """Every signature and document timestamp in the PDF ``data``, in the order they were
    added. ``password``: the (empty) user password of an encrypted copy."""
    reader = PdfFileReader(io.BytesIO(data), strict=False)
    if reader.encrypted:
        reader.decrypt(password)
    found = []
    for embedded in reader.embedded_signatures:
        try:
            found.append(_record(embedded, roots, reader))
        except Exception as error:  # noqa: BLE001 -- any broken signature is a finding, not a crash
            found.append(_broken(embedded, error))
    return found
