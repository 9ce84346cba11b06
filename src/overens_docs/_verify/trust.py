"""The kommun's trust roots: the certificates whose e-signatures it trusts, read from the
files ``signing.trust`` and ``--trust`` name (PEM, one or more certificates, or DER)."""

from __future__ import annotations

from dataclasses import dataclass

from asn1crypto import pem
from asn1crypto import x509 as asn1_x509

from overens_docs._i18n import _


@dataclass(frozen=True, slots=True)
class TrustRoot:
    """A certificate the kommun trusts, and the file it came from."""

    certificate: asn1_x509.Certificate
    source: str


def load_roots(data: bytes, source: str) -> list[TrustRoot]:
    """Every certificate in ``data`` (PEM, one or more, or DER); ValueError if none."""
    if pem.detect(data):
        found = [asn1_x509.Certificate.load(der) for kind, _headers, der
                 in pem.unarmor(data, multiple=True) if kind == "CERTIFICATE"]
    else:
        found = [asn1_x509.Certificate.load(data)]
    for certificate in found:
        certificate.native  # noqa: B018 -- parses it whole: a damaged one raises here
    if not found:
        raise ValueError(_("there is no certificate in it"))
    return [TrustRoot(certificate, source) for certificate in found]
