"""An offline test PKI, made here with `cryptography`, and signing with pyHanko as an
e-signing service does: a root and an intermediate CA (a BankID-like chain), signers with
Swedish names and a personal identity number in their certificate, an expired one, a
chain nobody trusts, and a service's seal."""

from __future__ import annotations

import datetime
import io
import warnings
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from asn1crypto import keys as asn1_keys
    from asn1crypto import x509 as asn1_x509
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers
    from pyhanko_certvalidator.registry import SimpleCertificateStore

__all__ = ["IncrementalPdfFileWriter", "Pki", "generic", "make_pki", "sign"]

NOW = datetime.datetime.now(datetime.UTC)
DAY = datetime.timedelta(days=1)


def _name(common: str, serial: str | None = None, organisation: str | None = None) -> x509.Name:
    attributes = [x509.NameAttribute(NameOID.COUNTRY_NAME, "SE")]
    if organisation:
        attributes.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation))
    attributes.append(x509.NameAttribute(NameOID.COMMON_NAME, common))
    if serial:
        attributes.append(x509.NameAttribute(NameOID.SERIAL_NUMBER, serial))
    return x509.Name(attributes)


@dataclass(frozen=True)
class Party:
    """A certificate and its key."""

    certificate: x509.Certificate
    key: ec.EllipticCurvePrivateKey

    @property
    def pem(self) -> bytes:
        return self.certificate.public_bytes(serialization.Encoding.PEM)

    def asn1(self) -> asn1_x509.Certificate:
        return asn1_x509.Certificate.load(
            self.certificate.public_bytes(serialization.Encoding.DER))


def issue(subject: x509.Name, issuer: Party | None, *, ca: bool,
          start: datetime.datetime = NOW - 30 * DAY,
          end: datetime.datetime = NOW + 365 * DAY) -> Party:
    """A certificate for ``subject``, signed by ``issuer`` (None: self-signed)."""
    key = ec.generate_private_key(ec.SECP256R1())
    signer_key = key if issuer is None else issuer.key
    builder = (x509.CertificateBuilder().subject_name(subject)
               .issuer_name(subject if issuer is None else issuer.certificate.subject)
               .public_key(key.public_key()).serial_number(x509.random_serial_number())
               .not_valid_before(start).not_valid_after(end)
               .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
               .add_extension(x509.KeyUsage(
                   digital_signature=not ca, content_commitment=not ca, key_encipherment=False,
                   data_encipherment=False, key_agreement=False, key_cert_sign=ca,
                   crl_sign=ca, encipher_only=False, decipher_only=False), critical=True)
               .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()),
                              critical=False))
    if issuer is not None:
        builder = builder.add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(
            issuer.key.public_key()), critical=False)
    return Party(builder.sign(signer_key, hashes.SHA256()), key)


@dataclass(frozen=True)
class Pki:
    root: Party
    intermediate: Party
    person: Party  # Åsa Öberg, with a personal identity number
    kommun: Party  # the kommun's signatory
    expired: Party
    seal: Party  # a signing service's seal
    stranger_root: Party
    stranger: Party  # chains to stranger_root, which nobody trusts

    def root_file(self, folder: Path, name: str = "rot.pem") -> Path:
        path = folder / name
        path.write_bytes(self.root.pem)
        return path


def make_pki() -> Pki:
    root = issue(_name("Testkommunens rotcertifikat", organisation="Testkommunen"), None,
                 ca=True, start=NOW - 3650 * DAY, end=NOW + 3650 * DAY)
    intermediate = issue(_name("Test-BankID Kund-CA", organisation="Testbanken AB"), root,
                         ca=True, start=NOW - 3000 * DAY, end=NOW + 3000 * DAY)
    stranger_root = issue(_name("Okänd rot"), None, ca=True, start=NOW - 3650 * DAY,
                          end=NOW + 3650 * DAY)
    return Pki(
        root, intermediate,
        issue(_name("Åsa Öberg", serial="198001019876"), intermediate, ca=False),
        issue(_name("Karin Kommunsson", serial="197002023456"), intermediate, ca=False),
        issue(_name("Östen Utgången", serial="196503031234"), intermediate, ca=False,
              start=NOW - 800 * DAY, end=NOW - 400 * DAY),
        issue(_name("Signeringstjänstens e-sigill", organisation="Signeringstjänsten AB"),
              intermediate, ca=False),
        stranger_root, issue(_name("Främling Främlingsson"), stranger_root, ca=False))


def sign(data: bytes, party: Party, chain: list[Party], *, field: str = "Signatur1",
         subfilter: str = "pades", password: str | None = None) -> bytes:
    """``data`` with a signature by ``party`` appended as an incremental update."""
    key = asn1_keys.PrivateKeyInfo.load(party.key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption()))
    signer = signers.SimpleSigner(
        signing_cert=party.asn1(), signing_key=key,
        cert_registry=SimpleCertificateStore.from_certs(  # type: ignore[no-untyped-call]
            [item.asn1() for item in chain]))
    writer = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
    if password is not None:
        writer.encrypt(password)  # type: ignore[no-untyped-call]
    chosen = (fields.SigSeedSubFilter.PADES if subfilter == "pades"
              else fields.SigSeedSubFilter.ADOBE_PKCS7_DETACHED)
    metadata = signers.PdfSignatureMetadata(field_name=field, subfilter=chosen)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        output = signers.sign_pdf(writer, metadata, signer=signer)
    return bytes(output.getvalue())
