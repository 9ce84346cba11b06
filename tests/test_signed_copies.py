"""`overens verify --file` on copies signed with real e-signatures (pyHanko, an offline test
PKI): PAdES by one person and by two, adbe.pkcs7.detached, a service's seal over a re-saved
copy with its verification page, an untrusted root, an expired certificate, bytes changed
inside the signed range, changes after signing, and an AES-encrypted copy."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pikepdf
import pytest

from conftest import RunCli
from pki import IncrementalPdfFileWriter, Pki, generic, make_pki, sign

COPY = "organisations/arlingsbo-pensionarsforening.pdf"


@pytest.fixture(scope="module")
def pki() -> Pki:
    return make_pki()


@pytest.fixture
def built_copy(orebro_built: Path) -> bytes:
    return (orebro_built / COPY).read_bytes()


def _verify(run_cli: RunCli, build: Path, copy: bytes, folder: Path, *trust: Path,
            ) -> tuple[int, dict[str, Any]]:
    path = folder / "returned.pdf"
    path.write_bytes(copy)
    arguments: list[str | Path] = ["verify", build, "--file", path, "--format", "json"]
    for root in trust:
        arguments += ["--trust", root]
    result = run_cli(*arguments)
    return result.exit_code, json.loads(result.stdout)


def _rules(answer: dict[str, Any]) -> list[tuple[str, int | None]]:
    return [(finding["rule"], finding.get("page")) for finding in answer["findings"]]


def test_one_personal_pades_signature(run_cli: RunCli, orebro_built: Path, built_copy: bytes,
                                      pki: Pki, tmp_path: Path) -> None:
    signed = sign(built_copy, pki.person, [pki.intermediate, pki.root])
    code, answer = _verify(run_cli, orebro_built, signed, tmp_path, pki.root_file(tmp_path))
    assert (code, answer["holds"], answer["verdict"]) == (0, True, "incremental-updates")
    assert answer["organisation"] == "arlingsbo-pension" and answer["appended_pages"] == 0
    [signature] = answer["signatures"]
    assert signature["signer"] == "Åsa Öberg"
    assert (signature["intact"], signature["trusted"], signature["covers"],
            signature["modified_after"], signature["certificate_valid"]) == (
        True, True, "whole-file", False, True)
    assert signature["subfilter"] == "ETSI.CAdES.detached"
    assert signature["signed_at"] is not None and signature["revocation"] == "unknown"
    assert "198001019876" not in json.dumps(answer)  # personal data is not repeated


def test_the_organisation_and_the_kommun_both_sign(run_cli: RunCli, orebro_built: Path,
                                                   built_copy: bytes, pki: Pki,
                                                   tmp_path: Path) -> None:
    chain = [pki.intermediate, pki.root]
    once = sign(built_copy, pki.person, chain)
    twice = sign(once, pki.kommun, chain, field="Signatur2")
    code, answer = _verify(run_cli, orebro_built, twice, tmp_path, pki.root_file(tmp_path))
    assert (code, answer["verdict"], answer["updates"]) == (0, "incremental-updates", 2)
    first, second = answer["signatures"]
    assert (first["signer"], first["covers"], first["modified_after"]) == (
        "Åsa Öberg", "revision", False)
    assert (second["signer"], second["covers"]) == ("Karin Kommunsson", "whole-file")
    assert all(s["intact"] and s["trusted"] for s in answer["signatures"])


def test_an_older_detached_pkcs7_signature(run_cli: RunCli, orebro_built: Path,
                                           built_copy: bytes, pki: Pki,
                                           tmp_path: Path) -> None:
    signed = sign(built_copy, pki.person, [pki.intermediate, pki.root],
                  subfilter="adbe.pkcs7.detached")
    code, answer = _verify(run_cli, orebro_built, signed, tmp_path, pki.root_file(tmp_path))
    assert code == 0
    [signature] = answer["signatures"]
    assert signature["subfilter"] == "adbe.pkcs7.detached" and signature["trusted"]


def _verification_page(pdf: pikepdf.Pdf, text: bytes) -> None:
    """A signing service's verification page, appended."""
    font = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Font,
                                                Subtype=pikepdf.Name.Type1,
                                                BaseFont=pikepdf.Name.Helvetica))
    page = pdf.add_blank_page(page_size=(595, 842))
    page.obj.Resources = pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font))
    page.obj.Contents = pdf.make_stream(b"BT /F1 14 Tf 72 760 Td (" + text + b") Tj ET")


def _resaved(data: bytes, *, verification: bool, encryption: pikepdf.Encryption | None = None,
             ) -> bytes:
    """The copy as a service saves it anew (object streams, re-compressed)."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        if verification:
            _verification_page(pdf, b"Verifikat: undertecknat med Signeringstjansten")
        out = io.BytesIO()
        pdf.save(out, object_stream_mode=pikepdf.ObjectStreamMode.generate,
                 recompress_flate=True, encryption=encryption or False)
    return out.getvalue()


def test_a_service_seal_over_a_resaved_copy_with_its_verification_page(
        run_cli: RunCli, orebro_built: Path, built_copy: bytes, pki: Pki,
        tmp_path: Path) -> None:
    resaved = _resaved(built_copy, verification=True)
    sealed = sign(resaved, pki.seal, [pki.intermediate, pki.root])
    code, answer = _verify(run_cli, orebro_built, sealed, tmp_path, pki.root_file(tmp_path))
    assert (code, answer["verdict"], answer["organisation"]) == (
        0, "same-text-resaved", "arlingsbo-pension")
    assert answer["appended_pages"] == 1
    assert answer["appended_first_line"].startswith("Verifikat")
    assert _rules(answer) == [("verify-appended-pages", 6)]
    [seal] = answer["signatures"]
    assert (seal["organisation"], seal["trusted"], seal["covers"]) == (
        "Signeringstjänsten AB", True, "whole-file")
    # The same verification page, under no signature: anyone could have added it.
    code, answer = _verify(run_cli, orebro_built, resaved, tmp_path)
    assert code == 1 and _rules(answer) == [("verify-appended-pages", 6)]


def _update_page_2(data: bytes, change: str) -> bytes:
    """``data`` with an incremental update that draws on page 2 or comments it."""
    writer = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
    page = writer.root["/Pages"]["/Kids"][1].get_object()
    if change == "content":
        contents = page.raw_get("/Contents")
        drawn = writer.add_object(generic.StreamObject(
            stream_data=b"BT /F1 9 Tf 72 72 Td <0001> Tj ET"))
        page[generic.NameObject("/Contents")] = generic.ArrayObject(
            [*(contents if isinstance(contents, generic.ArrayObject) else [contents]), drawn])
        writer.update_container(page)
    else:
        note = writer.add_object(generic.DictionaryObject({  # type: ignore[no-untyped-call]
            generic.NameObject("/Type"): generic.NameObject("/Annot"),
            generic.NameObject("/Subtype"): generic.NameObject("/Text"),
            generic.NameObject("/Rect"): generic.ArrayObject(
                [generic.FloatObject(value)  # type: ignore[no-untyped-call]
                 for value in (100, 100, 120, 120)]),
            generic.NameObject("/Contents"): generic.TextStringObject("Vi godkänner inte §3")}))
        page[generic.NameObject("/Annots")] = generic.ArrayObject([note])
        writer.update_container(page)
    out = io.BytesIO()
    writer.write(out)  # type: ignore[no-untyped-call]
    return out.getvalue()


@pytest.mark.parametrize(("change", "rule"), [("content", "verify-changed-after-build"),
                                              ("comment", "verify-annotation")])
def test_a_signed_copy_changed_on_page_2_afterwards_is_refused(
        run_cli: RunCli, orebro_built: Path, built_copy: bytes, pki: Pki, tmp_path: Path, *,
        change: str, rule: str) -> None:
    signed = sign(built_copy, pki.person, [pki.intermediate, pki.root])
    changed = _update_page_2(signed, change)
    code, answer = _verify(run_cli, orebro_built, changed, tmp_path, pki.root_file(tmp_path))
    assert (code, answer["verdict"]) == (1, "changed-after-build")
    assert (rule, 2) in _rules(answer)
    [signature] = answer["signatures"]
    assert signature["intact"] and signature["modified_after"]


def test_a_copy_changed_on_page_2_before_it_was_signed_is_refused(
        run_cli: RunCli, orebro_built: Path, built_copy: bytes, pki: Pki,
        tmp_path: Path) -> None:
    """Signing what was changed does not make it the text built."""
    signed = sign(_update_page_2(built_copy, "content"), pki.person,
                  [pki.intermediate, pki.root])
    code, answer = _verify(run_cli, orebro_built, signed, tmp_path, pki.root_file(tmp_path))
    assert code == 1 and ("verify-changed-after-build", 2) in _rules(answer)


def test_an_untrusted_root_is_intact_but_not_trusted(
        run_cli: RunCli, orebro_built: Path, built_copy: bytes, pki: Pki,
        tmp_path: Path) -> None:
    signed = sign(built_copy, pki.stranger, [pki.stranger_root])
    code, answer = _verify(run_cli, orebro_built, signed, tmp_path, pki.root_file(tmp_path))
    assert (code, answer["holds"]) == (0, True)  # the text holds all the same
    [signature] = answer["signatures"]
    assert (signature["intact"], signature["trusted"]) == (True, False)
    assert _rules(answer) == [("verify-signature-untrusted", None)]
    # Without --trust nothing is trusted, not even by the system's list.
    code, answer = _verify(run_cli, orebro_built, sign(built_copy, pki.person, [
        pki.intermediate, pki.root]), tmp_path)
    assert code == 0 and not answer["signatures"][0]["trusted"]


def test_an_expired_certificate(run_cli: RunCli, orebro_built: Path, built_copy: bytes,
                                pki: Pki, tmp_path: Path) -> None:
    signed = sign(built_copy, pki.expired, [pki.intermediate, pki.root])
    code, answer = _verify(run_cli, orebro_built, signed, tmp_path, pki.root_file(tmp_path))
    assert code == 0
    [signature] = answer["signatures"]
    assert (signature["intact"], signature["trusted"], signature["certificate_valid"]) == (
        True, False, False)
    assert _rules(answer) == [("verify-signature-expired", None)]


def test_bytes_changed_inside_the_signed_range(run_cli: RunCli, orebro_built: Path,
                                               built_copy: bytes, pki: Pki,
                                               tmp_path: Path) -> None:
    signed = bytearray(sign(built_copy, pki.person, [pki.intermediate, pki.root]))
    assert signed[:5] == b"%PDF-" and signed[9] == ord("%")
    signed[10] ^= 0x01  # the header's binary comment: read by no one, signed all the same
    code, answer = _verify(run_cli, orebro_built, bytes(signed), tmp_path,
                           pki.root_file(tmp_path))
    assert code == 1
    [signature] = answer["signatures"]
    assert signature["intact"] is False
    assert ("verify-signature-broken", None) in _rules(answer)


def test_an_aes_encrypted_signed_copy(run_cli: RunCli, orebro_built: Path, built_copy: bytes,
                                      pki: Pki, tmp_path: Path) -> None:
    encrypted = _resaved(built_copy, verification=False, encryption=pikepdf.Encryption(
        owner="tjansten", user="", aes=True, R=6))
    signed = sign(encrypted, pki.person, [pki.intermediate, pki.root], password="")
    code, answer = _verify(run_cli, orebro_built, signed, tmp_path, pki.root_file(tmp_path))
    assert (code, answer["verdict"], answer["encrypted"]) == (0, "same-text-resaved", True)
    assert answer["signatures"][0]["intact"] and answer["signatures"][0]["trusted"]
    locked = _resaved(built_copy, verification=False, encryption=pikepdf.Encryption(
        owner="tjansten", user="hemligt", aes=True, R=6))
    code, answer = _verify(run_cli, orebro_built, locked, tmp_path)
    assert (code, answer["verdict"]) == (1, "needs-password")
