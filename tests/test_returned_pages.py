"""A copy saved anew is compared page by page with what its organisation was given: each
tampering is refused with exit 1 and its page named (a rewritten page, a missing or forged
signature page, an inserted page, a changed number); a copy of an earlier text is checked
against the text kept from that build."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pikepdf
import pytest

from conftest import OREBRO, RunCli
from overens_docs import build
from overens_docs._pdf.page_numbers import FONT, _Encoding

COPY = "organisations/arlingsbo-pensionarsforening.pdf"


def _verify(run_cli: RunCli, folder: Path, copy: Path) -> tuple[int, dict[str, Any]]:
    result = run_cli("verify", folder, "--file", copy, "--format", "json")
    return result.exit_code, json.loads(result.stdout)


def _rules(answer: dict[str, Any]) -> list[tuple[str, int | None]]:
    return [(finding["rule"], finding.get("page")) for finding in answer["findings"]]


def _altered(source: Path, target: Path, change: Any) -> Path:
    with pikepdf.open(source) as pdf:
        change(pdf)
        pdf.save(target)
    return target


def _codes(page: pikepdf.Page, font: pikepdf.Name | str, old: str, new: str) -> tuple[bytes, bytes]:
    encoding = _Encoding(page.obj.Resources.Font[font])
    digits = 2 * encoding.code_length
    return (f"{encoding.codes[old]:0{digits}X}".encode(),
            f"{encoding.codes[new]:0{digits}X}".encode())


def _renumber_stamp(pdf: pikepdf.Pdf) -> None:
    """"sida 5 av 5" -> "sida 5 av 6" on the signature page: its stamp's last digit."""
    page = pdf.pages[-1]
    stamp = page.obj.Contents[-1]
    five, six = _codes(page, FONT, "5", "6")
    data = stamp.read_bytes()
    at = data.rindex(five)
    stamp.write(data[:at] + six + data[at + len(five):])


def _renumber_footer(pdf: pikepdf.Pdf) -> None:
    """The footer of page 2, "2 av 5" -> "2 av 6": the last '5' a text operator shows."""
    page = pdf.pages[1]
    instructions = list(pikepdf.parse_content_stream(page))
    font = None
    for index in reversed(range(len(instructions))):
        operator = str(instructions[index].operator)
        if operator in ("Tj", "TJ"):
            font = next(str(item.operands[0]) for item in reversed(instructions[:index])
                        if str(item.operator) == "Tf")
            five, six = _codes(page, font, "5", "6")
            operands = list(instructions[index].operands)
            shown = operands[-1]
            pieces = list(shown) if isinstance(shown, pikepdf.Array) else [shown]
            texts = [bytes(piece).hex().upper().encode() if isinstance(piece, pikepdf.String)
                     else None for piece in pieces]
            last = max((number for number, text in enumerate(texts)
                        if text is not None and text.endswith(five)), default=None)
            if last is None:
                continue
            changed = bytes.fromhex((texts[last][:-len(five)] + six).decode())  # type: ignore[index]
            pieces[last] = pikepdf.String(changed)
            operands[-1] = pikepdf.Array(pieces) if isinstance(shown, pikepdf.Array) else pieces[0]
            instructions[index] = pikepdf.ContentStreamInstruction(operands, instructions[index].operator)
            page.obj.Contents = pdf.make_stream(pikepdf.unparse_content_stream(instructions))
            return
    pytest.fail(f"no '5' shown on page 2 (font {font})")


def _insert_page(pdf: pikepdf.Pdf) -> None:
    """A page of extra terms before page 2."""
    font = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Font,
                                                Subtype=pikepdf.Name.Type1,
                                                BaseFont=pikepdf.Name.Helvetica))
    pdf.add_blank_page(page_size=(595, 842))
    page = pdf.pages[-1]
    page.obj.Resources = pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font))
    page.obj.Contents = pdf.make_stream(b"BT /F1 12 Tf 72 760 Td (Tillagg) Tj ET")
    pdf.pages.insert(1, page)
    del pdf.pages[-1]


def _drop_signature_page(pdf: pikepdf.Pdf) -> None:
    del pdf.pages[-1]


def _blank_signature_page(pdf: pikepdf.Pdf) -> None:
    page = pdf.pages[-1]
    page.obj.Contents = pdf.make_stream(b"")


def _forge_signature_page(pdf: pikepdf.Pdf) -> None:
    """Its own signature page with a word drawn over it."""
    pdf.pages[-1].contents_add(pdf.make_stream(b"BT /F1 9 Tf 72 400 Td <0001> Tj ET"))


def _rewrite_page_2(pdf: pikepdf.Pdf) -> None:
    pdf.pages[1].contents_add(pdf.make_stream(b"BT /F1 9 Tf 72 72 Td <0001> Tj ET"),
                              prepend=True)


def _terms_before(pdf: pikepdf.Pdf) -> None:
    pdf.pages.insert(0, pdf.pages[2])


@pytest.mark.parametrize(("change", "expected"), [
    (_rewrite_page_2, ("verify-page-changed", 2)),
    (_renumber_footer, ("verify-page-changed", 2)),
    (_renumber_stamp, ("verify-signature-page", 5)),
    (_insert_page, ("verify-page-inserted", 2)),
    (_terms_before, ("verify-page-inserted", 1)),
    (_drop_signature_page, ("verify-organisation", None)),
    (_blank_signature_page, ("verify-organisation", None)),
    (_forge_signature_page, ("verify-signature-page", 5)),
])
def test_each_tampering_is_refused_with_its_page_named(
        run_cli: RunCli, orebro_built: Path, tmp_path: Path, change: Any,
        expected: tuple[str, int | None]) -> None:
    copy = _altered(orebro_built / COPY, tmp_path / "returned.pdf", change)
    code, answer = _verify(run_cli, orebro_built, copy)
    assert (code, answer["holds"]) == (1, False)
    assert expected in _rules(answer), _rules(answer)
    if expected[1] is None:  # no signature page: the text pages are still compared
        assert answer["differing_pages"] == [5] or not answer["differing_pages"]


def test_a_resaved_copy_whose_content_was_rewritten_is_compared_by_its_text(
        run_cli: RunCli, orebro_built: Path, tmp_path: Path) -> None:
    """A service that renames every font: the content cannot be matched, the text can."""
    def rename(pdf: pikepdf.Pdf) -> None:
        page = pdf.pages[1]
        fonts = page.obj.Resources.Font
        renamed = {str(name): f"/R{number}" for number, name in enumerate(fonts.keys())}
        data = page.obj.Contents.read_bytes() if isinstance(
            page.obj.Contents, pikepdf.Stream) else b"\n".join(
                part.read_bytes() for part in page.obj.Contents)
        for old, new in renamed.items():
            data = data.replace(old.encode() + b" ", new.encode() + b" ")
        resources = pikepdf.Dictionary(dict(page.obj.Resources.items()))
        resources.Font = pikepdf.Dictionary({renamed[str(k)]: v for k, v in fonts.items()})
        page.obj.Resources = resources
        page.obj.Contents = pdf.make_stream(data)
        for font in resources.Font.values():  # re-subset: the font program differs
            font.BaseFont = pikepdf.Name("/XYZABC+Renamed")

    copy = _altered(orebro_built / COPY, tmp_path / "returned.pdf", rename)
    code, answer = _verify(run_cli, orebro_built, copy)
    assert (code, answer["verdict"], answer["compared_by_text"]) == (
        0, "same-text-resaved", [2])
    assert "compared by their text" in answer["message"]



def _javascript(pdf: pikepdf.Pdf) -> None:
    pdf.Root.OpenAction = pdf.make_indirect(pikepdf.Dictionary(
        S=pikepdf.Name.JavaScript, JS=pikepdf.String("app.alert('hej')")))


def _launch(pdf: pikepdf.Pdf) -> None:
    link = pikepdf.Dictionary(Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Link,
                              Rect=[0, 0, 10, 10], A=pikepdf.Dictionary(
                                  S=pikepdf.Name.Launch, F=pikepdf.String("calc.exe")))
    pdf.pages[0].obj.Annots = pdf.make_indirect(pikepdf.Array([pdf.make_indirect(link)]))


def _attachment(pdf: pikepdf.Pdf) -> None:
    pdf.attachments["villkor.txt"] = pikepdf.AttachedFileSpec(pdf, b"nya villkor")


@pytest.mark.parametrize(("change", "kind"), [(_javascript, "JavaScript"),
                                              (_launch, "program"),
                                              (_attachment, "embedded files")])
def test_active_content_in_a_copy_is_a_warning_that_says_what_it_is(
        run_cli: RunCli, orebro_built: Path, tmp_path: Path, change: Any, kind: str) -> None:
    """What a copy would run or carries besides its pages is no part of the text: its
    pages still hold, and each kind is a verify-active-content warning."""
    copy = _altered(orebro_built / COPY, tmp_path / "returned.pdf", change)
    code, answer = _verify(run_cli, orebro_built, copy)
    [warning] = [f for f in answer["findings"] if f["rule"] == "verify-active-content"]
    assert warning["severity"] == "warning" and kind in warning["message"]
    assert code == 0 and answer["holds"]


@pytest.fixture(scope="module")
def revised(tmp_path_factory: pytest.TempPathFactory, soffice: str) -> tuple[Path, Path]:
    """A build folder rebuilt after a text change (the first text kept beside it), and a
    copy of the first text as one organisation was given it."""
    root = tmp_path_factory.mktemp("revised")
    folder = root / "orebro"
    shutil.copytree(OREBRO, folder)
    out = root / "out"
    assert not build([folder], out=out, progress=False).report.fails()
    old_copy = root / "old-copy.pdf"
    shutil.copyfile(out / "orebro" / COPY, old_copy)
    agreement = folder / "agreement.yaml"
    agreement.write_text(agreement.read_text(encoding="utf-8").replace(
        "i dialog mellan", "i samtal mellan"), encoding="utf-8")
    assert not build([folder], out=out, progress=False).report.fails()
    return out / "orebro", old_copy


def test_a_copy_of_an_earlier_text_is_checked_against_the_kept_text(
        run_cli: RunCli, revised: tuple[Path, Path], tmp_path: Path) -> None:
    folder, old_copy = revised
    kept = sorted(path.name for path in (folder.parent / "orebro.versions").iterdir())
    assert len(kept) == 2 and all((folder.parent / "orebro.versions" / name / "agreement.pdf")
                                  .is_file() for name in kept)
    code, answer = _verify(run_cli, folder, old_copy)  # byte for byte the older build's
    assert (code, answer["verdict"], answer["organisation"]) == (
        0, "identical", "arlingsbo-pension")
    assert answer["build"].endswith(f"orebro.versions/{kept[0]}") or answer["build"].endswith(
        f"orebro.versions/{kept[1]}")
    resaved = tmp_path / "old-resaved.pdf"
    with pikepdf.open(old_copy) as pdf:
        pdf.save(resaved, recompress_flate=True,
                 object_stream_mode=pikepdf.ObjectStreamMode.disable)
    code, answer = _verify(run_cli, folder, resaved)
    assert (code, answer["verdict"]) == (0, "same-text-resaved")
    assert answer["text_fingerprint"] != json.loads(
        (folder / "manifest.json").read_text(encoding="utf-8"))["text_fingerprint"]
    forged = _altered(old_copy, tmp_path / "old-forged.pdf", _rewrite_page_2)
    code, answer = _verify(run_cli, folder, forged)
    assert code == 1 and ("verify-page-changed", 2) in _rules(answer)


def test_a_copy_with_the_old_fingerprint_is_not_the_current_text(
        revised: tuple[Path, Path], tmp_path: Path) -> None:
    """Without the kept text, a copy of the earlier text does not pass as the current one."""
    folder, old_copy = revised
    alone = tmp_path / "orebro"
    shutil.copytree(folder, alone)
    resaved = tmp_path / "old-resaved.pdf"
    with pikepdf.open(old_copy) as pdf:
        pdf.save(resaved, recompress_flate=True)
    from overens_docs._verify import verify_returned  # noqa: PLC0415

    returned = verify_returned(alone, resaved)
    assert not returned.holds and returned.verdict.value == "different-text"
    assert returned.differing_pages
