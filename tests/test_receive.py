"""`overens receive` files signed copies with receipts; `overens status` shows them as
evidence; a second receive changes nothing; a rebuild leaves the filed copies and the
kept texts alone, and stops at files in the build folder that it did not write."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pikepdf
import pytest

from conftest import RunCli
from pki import Pki, make_pki, sign

COPY = "organisations/arlingsbo-pensionarsforening.pdf"


@pytest.fixture(scope="module")
def pki() -> Pki:
    return make_pki()


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {str(path.relative_to(folder)): path.read_bytes()
            for path in sorted(folder.rglob("*")) if path.is_file()}


def _trusting(orebro_copy: Path, pki: Pki) -> None:
    """signing.trust in agreement.yaml names the kommun's root."""
    (orebro_copy / "rot.pem").write_bytes(pki.root.pem)
    agreement = orebro_copy / "agreement.yaml"
    text = agreement.read_text(encoding="utf-8")
    assert "\nsigning:" not in text
    agreement.write_text(text + "signing:\n  trust: [rot.pem]\n", encoding="utf-8")


def test_receive_files_a_copy_and_status_shows_its_evidence(
        run_cli: RunCli, orebro_copy: Path, orebro_built: Path, pki: Pki,
        tmp_path: Path) -> None:
    _trusting(orebro_copy, pki)
    copy = tmp_path / "från föreningen.pdf"
    copy.write_bytes(sign((orebro_built / COPY).read_bytes(), pki.person,
                          [pki.intermediate, pki.root]))
    result = run_cli("receive", orebro_copy, copy, "--build", orebro_built, "--format", "json")
    assert result.exit_code == 0, result.stdout
    [received] = json.loads(result.stdout)["copies"]
    receipt = received["receipt"]
    assert received["outcome"] == "filed" and receipt["how"] == "e-signature-trusted"
    filed = orebro_copy / receipt["file"]
    assert filed.read_bytes() == copy.read_bytes()
    assert receipt["file"].startswith("signed/arlingsbo-pensionarsforening-")
    assert (filed.with_suffix(".report.json")).is_file()
    page = filed.with_suffix(".report.html").read_text(encoding="utf-8")
    assert "Åsa Öberg" in page and "198001019876" not in page
    receipts = json.loads((orebro_copy / "signed" / "receipts.json").read_text("utf-8"))
    assert receipts["receipts"][0]["sha256"] == receipt["sha256"]

    status = run_cli("status", orebro_copy, "--format", "json")
    organisations = json.loads(status.stdout)["agreements"][0]["organisations"]
    mine = next(o for o in organisations if o["id"] == "arlingsbo-pension")
    [evidence] = mine["evidence"]
    assert (evidence["file"], evidence["sha256"]) == (receipt["file"], receipt["sha256"])
    assert evidence["text_fingerprint"] == receipt["text_fingerprint"]
    assert evidence["signatures"][0]["signer"] == "Åsa Öberg"
    assert mine["proven"] == "e-signature-trusted"
    # The list still says invited: a warning that names the row and the filed copy (in
    # the JSON, with the findings; for people, beside the status).
    [warning] = [f for f in json.loads(status.stdout)["findings"]
                 if f["rule"] == "register-receipt-disagrees"]
    assert warning["file"].endswith("organisations.yaml") and receipt["file"] in warning["message"]
    text = run_cli("status", orebro_copy)
    assert "Proven by a filed signed copy" in text.stdout and "e-signature, trusted" in text.stdout
    assert "[register-receipt-disagrees]" in text.stderr
    assert "organisations.yaml:" in text.stderr and receipt["file"] in text.stderr

    before = _snapshot(orebro_copy)
    again = run_cli("receive", orebro_copy, copy, "--build", orebro_built)
    assert again.exit_code == 0 and "nothing changed" in again.stdout
    assert _snapshot(orebro_copy) == before



def _proven(run_cli: RunCli, folder: Path) -> tuple[str, list[str]]:
    """How status says arlingsbo-pension is proven, and the rules of its findings."""
    status = json.loads(run_cli("status", folder, "--format", "json").stdout)
    mine = next(o for o in status["agreements"][0]["organisations"]
                if o["id"] == "arlingsbo-pension")
    return mine["proven"], [finding["rule"] for finding in status["findings"]]


def test_status_judges_filed_signatures_against_the_trust_roots_named_now(
        run_cli: RunCli, orebro_copy: Path, orebro_built: Path, pki: Pki,
        tmp_path: Path) -> None:
    """A root named in signing.trust after a copy was received makes it trusted in status,
    and one taken off untrusted, with no new receive; the receipt keeps what receive found.
    A filed copy whose bytes changed shows its receipt's judgement, with a warning."""
    copy = tmp_path / "signerad.pdf"
    copy.write_bytes(sign((orebro_built / COPY).read_bytes(), pki.person,
                          [pki.intermediate, pki.root]))
    result = run_cli("receive", orebro_copy, copy, "--build", orebro_built, "--format", "json")
    receipt = json.loads(result.stdout)["copies"][0]["receipt"]
    assert receipt["how"] == "e-signature-untrusted"  # no root named yet
    receipts = (orebro_copy / "signed" / "receipts.json").read_bytes()
    assert _proven(run_cli, orebro_copy)[0] == "e-signature-untrusted"
    _trusting(orebro_copy, pki)
    assert _proven(run_cli, orebro_copy)[0] == "e-signature-trusted"
    assert "e-signature, trusted" in run_cli("status", orebro_copy).stdout
    assert (orebro_copy / "signed" / "receipts.json").read_bytes() == receipts
    filed = orebro_copy / receipt["file"]
    filed.write_bytes(filed.read_bytes() + b"\n%% changed\n")
    proven, rules = _proven(run_cli, orebro_copy)
    assert (proven, rules.count("receipt-copy-changed")) == ("e-signature-untrusted", 1)
    filed.unlink()
    proven, rules = _proven(run_cli, orebro_copy)
    assert (proven, rules.count("receipt-copy-changed")) == ("e-signature-untrusted", 1)


def test_a_copy_that_does_not_hold_is_refused_and_nothing_is_written(
        run_cli: RunCli, orebro_copy: Path, orebro_built: Path, pki: Pki,
        tmp_path: Path) -> None:
    before = _snapshot(orebro_copy)
    unsigned = orebro_built / COPY  # the text holds, but nobody signed it
    changed = tmp_path / "ändrad.pdf"
    with pikepdf.open(unsigned) as pdf:
        pdf.pages[1].contents_add(pdf.make_stream(b"BT /F1 9 Tf 72 72 Td <0001> Tj ET"))
        pdf.save(changed)
    result = run_cli("receive", orebro_copy, unsigned, changed, "--build", orebro_built,
                     "--format", "json")
    assert result.exit_code == 1
    outcomes = json.loads(result.stdout)["copies"]
    assert [copy["outcome"] for copy in outcomes] == ["refused", "refused"]
    assert "receive-refused" in [f["rule"] for f in outcomes[0]["findings"]]
    assert ("verify-page-changed", 2) in [(f["rule"], f.get("page"))
                                          for f in outcomes[1]["findings"]]
    assert _snapshot(orebro_copy) == before


def test_a_scanned_paper_copy_is_filed_as_such(run_cli: RunCli, orebro_copy: Path,
                                               orebro_built: Path, tmp_path: Path) -> None:
    scan = tmp_path / "skannad.pdf"
    with pikepdf.new() as pdf:
        pdf.add_blank_page()
        pdf.save(scan)
    refused = run_cli("receive", orebro_copy, scan, "--build", orebro_built)
    assert refused.exit_code == 1 and "--scanned" in refused.stdout
    result = run_cli("receive", orebro_copy, scan, "--build", orebro_built,
                     "--scanned", "bokslukarna", "--format", "json")
    assert result.exit_code == 0
    receipt = json.loads(result.stdout)["copies"][0]["receipt"]
    assert (receipt["organisation"], receipt["how"]) == ("bokslukarna", "paper")
    status = json.loads(run_cli("status", orebro_copy, "--format", "json").stdout)
    mine = next(o for o in status["agreements"][0]["organisations"] if o["id"] == "bokslukarna")
    assert mine["proven"] == "paper"


def test_a_rebuild_leaves_filed_copies_and_kept_texts_alone(
        run_cli: RunCli, orebro_copy: Path, pki: Pki, tmp_path: Path, soffice: str) -> None:
    out = tmp_path / "build"
    assert run_cli("build", orebro_copy, "--out", out).exit_code == 0
    copy = tmp_path / "signerad.pdf"
    copy.write_bytes(sign((out / "orebro" / COPY).read_bytes(), pki.person,
                          [pki.intermediate, pki.root]))
    assert run_cli("receive", orebro_copy, copy, "--build", out / "orebro").exit_code == 0
    signed = _snapshot(orebro_copy / "signed")
    kept = _snapshot(out / "orebro.versions")
    assert run_cli("build", orebro_copy, "--out", out, "--force").exit_code == 0
    assert _snapshot(orebro_copy / "signed") == signed
    assert _snapshot(out / "orebro.versions") == kept
    # A signed copy saved in the build folder stops the next build; nothing is deleted.
    stray = out / "orebro" / "organisations" / "signerad.pdf"
    shutil.copyfile(copy, stray)
    result = run_cli("build", orebro_copy, "--out", out, "--force", "--format", "json")
    assert result.exit_code == 1
    findings = json.loads(result.stdout)["findings"]
    assert [(f["rule"], f["file"]) for f in findings if f["severity"] == "error"] == [
        ("build-unlisted-file", str(stray))]
    assert stray.read_bytes() == copy.read_bytes()
