"""overens diff: the comparison by id, the summary, who must sign again, and the
jämförelsedokument's tracked changes (accept all gives the new text, reject all the old)."""

from __future__ import annotations

import dataclasses
import datetime
import io
import json
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from conftest import EXAMPLES, OREBRO, RunCli
from overens_docs._domain import Agreement
from overens_docs._domain.template_files import document_template
from overens_docs._package_data import data_dir
from overens_docs._render.docx import xml_parts
from overens_docs._revise import diff as revise
from overens_docs._revise.compare import ORDER, Kind, compare
from overens_docs._revise.redline import AUTHOR, DOCUMENT, paragraph_text, tracked_docx, w
from overens_docs._revise.review import accept_all, marked_up, reject_all
from overens_docs._revise.summary import word_diff
from overens_docs._targets import display

OLD = EXAMPLES / "revision" / "old"
NEW = EXAMPLES / "revision" / "new"

# The sample revision: exactly these changes, and nothing else.
EXPECTED = {
    ("changed", "fields", None, "period"),
    ("added", "principles", None, "tillganglighet"),
    ("changed", "commitments", "kommunen", "k03"),
    ("added", "commitments", "kommunen", "k14"),
    ("removed", "commitments", "civilsamhallet", "c05"),
}


def _versions() -> tuple[Agreement, Agreement]:
    result = revise.diff(OLD, NEW)
    assert result.old is not None and result.new is not None
    return result.old, result.new


def _keys(changes: list[dict[str, object]]) -> set[tuple[object, ...]]:
    return {(c["kind"], c["section"], c["party"], c["id"]) for c in changes}


def test_the_sample_revision_is_exactly_its_changes_by_id(run_cli: RunCli) -> None:
    result = run_cli("diff", OLD, NEW, "--format", "json")
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert len(data["changes"]) == len(EXPECTED)
    assert _keys(data["changes"]) == EXPECTED
    assert set(data) == {"old_fingerprint", "new_fingerprint", "changes", "must_sign_again"}
    assert data["old_fingerprint"].startswith("d8f8c076e0eb")
    k03 = next(c for c in data["changes"] if c["id"] == "k03")
    assert k03["new"] == ("Kommunen ska dela upp upphandlingar i mindre delar när det är möjligt, "
                          'så att föreningar & kooperativ kan lämna "egna" anbud. '
                          "(principen om kvalitet)")


def test_swapping_old_and_new_swaps_added_and_removed(run_cli: RunCli) -> None:
    forward = json.loads(run_cli("diff", OLD, NEW, "--format", "json").stdout)
    result = run_cli("diff", NEW / "agreement.yaml", OLD / "agreement.yaml", "--format", "json")
    assert result.exit_code == 1
    backward = json.loads(result.stdout)
    swap = {"added": "removed", "removed": "added", "changed": "changed"}
    assert _keys(backward["changes"]) == {(swap[k], s, p, i) for k, s, p, i in EXPECTED}
    for change in backward["changes"]:
        mirror = next(c for c in forward["changes"] if c["id"] == change["id"])
        assert (change["old"], change["new"]) == (mirror["new"], mirror["old"])
    assert backward["must_sign_again"] == []  # OLD has no register


def test_the_same_text_exits_0(run_cli: RunCli) -> None:
    result = run_cli("diff", OREBRO, OREBRO / "agreement.yaml")
    assert result.exit_code == 0
    assert "Texterna är desamma" in result.stdout


def test_who_must_sign_again(run_cli: RunCli) -> None:
    result = run_cli("diff", OLD, NEW, "--format", "json")
    assert json.loads(result.stdout)["must_sign_again"] == [
        {"id": "idrott-pahittsta", "name": "Påhittsta Idrottsförening"},
        {"id": "ett-och-tva-vasteras", "name": 'Föreningen "Ett & Två" <Unga> i Västerås'}]
    text = run_cli("diff", OLD, NEW).stdout
    assert "måste skriva under den nya:\n  Påhittsta Idrottsförening (idrott-pahittsta)\n" in text
    assert "Åsens" not in text  # withdrawn: it need not sign again


def test_the_summary_is_section_by_section_with_word_changes(run_cli: RunCli) -> None:
    text = run_cli("diff", OLD, NEW).stdout
    assert "Uppgifter och texter\n  Ändrad: giltighetstid\n    2024-01-01 – [-2025-12-31-]{+2027-12-31+}" in text
    assert "Åtaganden – Det civila samhället\n  Borttagen: c05\n" in text
    assert "Kommunen ska [-sträva efter att upphandla tjänster-]{+dela upp upphandlingar+} i mindre delar" in text
    assert "språk <eller> storlek" in text
    assert "\n2 ändrade, 2 tillagda, 1 borttagen. Borttagen text står inom [- -]" in text


def test_invalid_input_exits_2_with_findings(run_cli: RunCli, tmp_path: Path) -> None:
    broken = tmp_path / "agreement.yaml"
    broken.write_text((OLD / "agreement.yaml").read_text(encoding="utf-8")
                      .replace("principles: [kvalitet]", "principles: [okand]", 1),
                      encoding="utf-8")
    result = run_cli("diff", OLD, broken, "--format", "json")
    assert result.exit_code == 2
    assert json.loads(result.stdout)["findings"]
    assert run_cli("diff", OLD, tmp_path / "missing").exit_code == 2
    assert run_cli("diff", OLD, NEW / "organisations.yaml").exit_code == 2


def test_a_new_order_is_one_change() -> None:
    old, _ = _versions()
    reordered = dataclasses.replace(old.parties[0], commitments=old.parties[0].commitments[::-1])
    moved = dataclasses.replace(old, parties=(reordered, *old.parties[1:]))
    [change] = compare(old, moved).changes
    assert (change.kind, change.id, change.party) == (Kind.CHANGED, ORDER, "kommunen")


def test_word_diff() -> None:
    assert word_diff("a b c d", "a x y d") == "a [-b c-]{+x y+} d"
    assert word_diff("same", "same") == "same"


# -- the jämförelsedokument ------------------------------------------------------------


def _rendered(agreement: Agreement) -> bytes:
    return revise.render_version(agreement, document_template(agreement.folder, None))


def _texts(docx: bytes) -> list[str]:
    document = etree.fromstring(xml_parts(docx)[DOCUMENT])
    return [paragraph_text(p) for p in document.iter(w("p"))]


WHEN = datetime.datetime(2025, 6, 1, tzinfo=datetime.UTC)


@pytest.mark.parametrize("swap", [False, True], ids=["old-to-new", "new-to-old"])
def test_accept_all_gives_the_new_text_and_reject_all_the_old(swap: bool) -> None:
    old, new = _versions()
    if swap:
        old, new = new, old
    before, after = _rendered(old), _rendered(new)
    tracked = xml_parts(tracked_docx(before, after, WHEN))[DOCUMENT]
    assert accept_all(tracked) == _texts(after)
    assert reject_all(tracked) == _texts(before)


def test_revisions_carry_author_and_date_and_only_the_changes() -> None:
    old, new = _versions()
    tracked = xml_parts(tracked_docx(_rendered(old), _rendered(new), WHEN))[DOCUMENT]
    document = etree.fromstring(tracked)
    revisions = list(document.iter(w("ins"), w("del")))
    assert revisions
    assert {(r.get(w("author")), r.get(w("date"))) for r in revisions} == {
        (AUTHOR, "2025-06-01T00:00:00Z")}
    ids = [r.get(w("id")) for r in revisions]
    assert len(ids) == len(set(ids))
    deleted = " ".join(t.text for t in document.iter(w("delText")))
    assert "2025" in deleted and "sträva efter att upphandla tjänster" in deleted
    assert "(principen om öppenhet)" in deleted  # c05, whole
    assert "Principen om kvalitet" not in deleted  # untouched paragraphs stay as they were


def test_the_same_text_has_no_revisions() -> None:
    old, _ = _versions()
    tracked = xml_parts(tracked_docx(_rendered(old), _rendered(old), WHEN))[DOCUMENT]
    assert b"<w:ins " not in tracked and b"<w:del " not in tracked


def test_printable_version_underlines_insertions_and_strikes_deletions() -> None:
    old, new = _versions()
    tracked = xml_parts(tracked_docx(_rendered(old), _rendered(new), WHEN))[DOCUMENT]
    document = etree.fromstring(marked_up(tracked))
    assert not list(document.iter(w("ins"), w("del"), w("delText")))
    struck = "".join(t.text for r in document.iter(w("r")) if r.find(f"{w('rPr')}/{w('strike')}")
                     is not None for t in r.iter(w("t")))
    underlined = "".join(t.text for r in document.iter(w("r"))
                         if r.find(f"{w('rPr')}/{w('u')}") is not None for t in r.iter(w("t")))
    assert "sträva efter att upphandla tjänster" in struck and "2025" in struck
    assert 'föreningar & kooperativ kan lämna "egna" anbud.' in underlined
    assert "Principen om tillgänglighet" in underlined


@pytest.mark.libreoffice
def test_diff_out_writes_the_comparison_documents(run_cli: RunCli, tmp_path: Path, soffice: str) -> None:
    result = run_cli("diff", OLD, NEW, "--out", tmp_path)
    assert result.exit_code == 1
    docx = (tmp_path / revise.DOCX_NAME).read_bytes()
    with zipfile.ZipFile(io.BytesIO(docx)) as package:
        assert package.testzip() is None
    old, new = _versions()
    # A heading and a sentence say what the document is; then the text, whose tracked
    # changes accepted give the new text and rejected the old.
    heading, introduction, *accepted = accept_all(xml_parts(docx)[DOCUMENT])
    assert heading == "Jämförelsedokument"
    assert introduction.startswith(f"Ändringar i {new.title} från versionen med fingeravtrycket "
                                   "D8F8 C076 E0EB till versionen med fingeravtrycket E6D6 340E 2266.")
    assert accepted == _texts(_rendered(new))
    assert reject_all(xml_parts(docx)[DOCUMENT])[2:] == _texts(_rendered(old))
    text = subprocess.run(["pdftotext", str(tmp_path / revise.PDF_NAME), "-"], check=True,
                          capture_output=True, text=True).stdout
    assert "sträva efter att upphandla tjänster" in text and "dela upp upphandlingar" in text
    assert "Principen om tillgänglighet" in text
    assert text.split("\n\n", 1)[1].startswith("Jämförelsedokument\n")  # under the header
    # The old and the new fingerprint apart, each on its own line (not "E0EBE6D6").
    lines = [line for line in text.splitlines() if line.startswith("Textens fingeravtryck")]
    assert lines == ["Textens fingeravtryck: D8F8 C076 E0EB",
                     "Textens fingeravtryck: E6D6 340E 2266"]
    info = subprocess.run(["pdfinfo", str(tmp_path / revise.PDF_NAME)], check=True,
                          capture_output=True, text=True).stdout
    assert f"Title:           {new.title} – jämförelsedokument\n" in info


_WORDS = st.text(alphabet="abcåäöÅÄÖ&<>\"'.,0123 ", min_size=1, max_size=40).map(str.strip) \
    .filter(bool)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_any_edit_of_the_commitments_is_accepted_and_rejected_exactly(data: st.DataObject) -> None:
    old, _ = _versions()
    party = old.parties[0]
    commitments = list(party.commitments)
    for _ in range(data.draw(st.integers(0, 4))):
        action = data.draw(st.sampled_from(["reword", "add", "remove"]))
        index = data.draw(st.integers(0, len(commitments) - 1))
        if action == "reword":
            commitments[index] = dataclasses.replace(
                commitments[index], text=data.draw(_WORDS) + " " + commitments[index].text)
        elif action == "add":
            commitments.insert(index, dataclasses.replace(
                commitments[index], id=f"x{len(commitments)}", text=data.draw(_WORDS)))
        elif len(commitments) > 1:
            del commitments[index]
    new = dataclasses.replace(old, parties=(
        dataclasses.replace(party, commitments=tuple(commitments)), *old.parties[1:]))
    before, after = _rendered(old), _rendered(new)
    tracked = xml_parts(tracked_docx(before, after, WHEN))[DOCUMENT]
    assert accept_all(tracked) == _texts(after)
    assert reject_all(tracked) == _texts(before)


@pytest.mark.parametrize("where", ["the new folder", "inside the old folder", "a file",
                                   "the templates"])
def test_diff_out_overlapping_an_input_is_refused_and_nothing_is_written(
        run_cli: RunCli, tmp_path: Path, where: str) -> None:
    old, new = tmp_path / "old", tmp_path / "new"
    shutil.copytree(OLD, old)
    shutil.copytree(NEW, new)
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    out = {"the new folder": new, "inside the old folder": old / "jamforelse",
           "a file": tmp_path / "notes.txt",
           "the templates": data_dir("templates") / "default"}[where]
    before = {p: p.read_bytes() for p in sorted(tmp_path.rglob("*")) if p.is_file()}
    templates = sorted(data_dir("templates").rglob("*"))
    result = run_cli("diff", old, new, "--out", out, "--format", "json")
    assert result.exit_code == 2
    message = json.loads(result.stdout)["error"]
    named = "notes.txt" if where == "a file" else display(
        {"the new folder": new, "inside the old folder": old}.get(where, data_dir("templates")))
    assert named in message and "--out" in message
    assert {p: p.read_bytes() for p in sorted(tmp_path.rglob("*")) if p.is_file()} == before
    assert not (old / "jamforelse").exists()
    assert sorted(data_dir("templates").rglob("*")) == templates


@pytest.mark.libreoffice
def test_diff_out_may_hold_the_inputs_further_down(run_cli: RunCli, tmp_path: Path, soffice: str) -> None:
    """Diff writes two files of its own names into --out and replaces nothing, so a folder
    that holds the agreement folders (such as the working folder) is a fine place."""
    shutil.copytree(OLD, tmp_path / "old")
    shutil.copytree(NEW, tmp_path / "new")
    result = run_cli("diff", tmp_path / "old", tmp_path / "new", "--out", tmp_path)
    assert result.exit_code == 1, result.stderr
    assert (tmp_path / revise.DOCX_NAME).is_file() and (tmp_path / revise.PDF_NAME).is_file()
