"""The ``overens validate`` command as a user runs it: exit codes, text and JSON output."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tomllib
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import OREBRO, ROOT, RunCli


def _line_of(path: Path, needle: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(number for number, text in enumerate(lines, start=1) if needle in text)


def _replace_once(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) >= 1, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_orebro_sample_is_valid(run_cli: RunCli) -> None:
    result = run_cli("validate", OREBRO)
    assert result.exit_code == 0, result.stdout
    assert result.stdout.startswith("OK: 2 files checked, 0 errors, 0 warnings")


def test_validate_without_paths_checks_agreements_folder(run_cli: RunCli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    result = run_cli("validate", "--format", "json")
    assert result.exit_code == 0, result.stdout
    document = json.loads(result.stdout)
    assert len(document["summary"]["files"]) == 4
    # The two warnings are on purpose: in the Exempelkommun sample one organisation signed
    # the text before its revision, and must sign again; one to be written to has only a
    # phone number, so its letter goes by post.
    assert [(warning["file"], warning["rule"], warning["cell"])
            for warning in document["findings"]] == [
        ("agreements/exempelkommun/organisations.xlsx", "register-unknown-version", "H8"),
        ("agreements/exempelkommun/organisations.xlsx", "register-no-email", "A12")]


def _break_unknown_principle(folder: Path) -> tuple[str, int]:
    agreement = folder / "agreement.yaml"
    _replace_once(agreement, "principles: [langsiktighet]", "principles: [langsiktig]")
    return "unknown-principle", _line_of(agreement, "principles: [langsiktig]")


def _break_no_principle(folder: Path) -> tuple[str, int]:
    agreement = folder / "agreement.yaml"
    _replace_once(agreement, "principles: [kvalitet]", "principles: []")
    return "commitment-without-principle", _line_of(agreement, "principles: []")


def _break_party_without_commitments(folder: Path) -> tuple[str, int]:
    agreement = folder / "agreement.yaml"
    text = agreement.read_text(encoding="utf-8")
    start = text.index("    role: organisations")
    head, tail = text[:start], text[start:]
    commitments = tail.index("    commitments:")
    agreement.write_text(head + tail[:commitments] + "    commitments: []\n", encoding="utf-8")
    return "party-without-commitments", _line_of(agreement, "    commitments: []")


def _break_duplicate_key(folder: Path) -> tuple[str, int]:
    agreement = folder / "agreement.yaml"
    _replace_once(agreement, "public_body:\n", "public_body:\n  kind: region\n")
    return "yaml-duplicate-key", _line_of(agreement, "  kind: kommun")


def _break_check_digit(folder: Path) -> tuple[str, int]:
    organisations = folder / "organisations.yaml"
    text = organisations.read_text(encoding="utf-8")
    number = re.search(r'org_number: "(\d{6}-\d{4})"', text)
    assert number is not None
    good = number.group(1)
    bad = good[:-1] + str((int(good[-1]) + 1) % 10)
    _replace_once(organisations, good, bad)
    return "org-number-checksum", _line_of(organisations, bad)


BREAKAGES = {
    "unknown principle": _break_unknown_principle,
    "commitment citing none": _break_no_principle,
    "party without commitments": _break_party_without_commitments,
    "duplicate key": _break_duplicate_key,
    "wrong check digit": _break_check_digit,
}


@pytest.mark.parametrize("breakage", BREAKAGES.values(), ids=BREAKAGES.keys())
def test_broken_copies_of_orebro_fail_with_rule_and_line(run_cli: RunCli, orebro_copy: Path, breakage: Callable[[Path], tuple[str, int]]) -> None:
    rule, line = breakage(orebro_copy)

    text = run_cli("validate", orebro_copy)
    assert text.exit_code == 1
    assert re.search(rf":{line}:\d+: error \[{re.escape(rule)}\]", text.stdout), text.stdout
    assert "FAILED" in text.stdout

    as_json = run_cli("validate", "--format", "json", orebro_copy)
    assert as_json.exit_code == 1
    document = json.loads(as_json.stdout)
    matching = [f for f in document["findings"] if f["rule"] == rule]
    assert [f["line"] for f in matching] == [line]
    assert set(matching[0]) == {"file", "line", "column", "path", "rule", "severity", "message"}
    assert matching[0]["severity"] == "error"
    assert document["summary"]["valid"] is False


def test_json_output_for_a_valid_agreement(run_cli: RunCli) -> None:
    result = run_cli("validate", "--format", "json", OREBRO)
    document = json.loads(result.stdout)
    assert document["findings"] == []
    assert document["summary"]["errors"] == 0
    assert document["summary"]["valid"] is True
    assert len(document["summary"]["files"]) == 2


def test_warnings_pass_unless_strict(run_cli: RunCli) -> None:
    example = ROOT / "tests/examples/invalid/org-number-group.organisations.yaml"
    assert run_cli("validate", example).exit_code == 0
    strict = run_cli("validate", "--strict", example)
    assert strict.exit_code == 1
    assert "warnings fail" in strict.stdout


def test_missing_path_is_a_usage_error(run_cli: RunCli, tmp_path: Path) -> None:
    result = run_cli("validate", tmp_path / "nowhere")
    assert result.exit_code == 2
    assert "no such file or folder" in result.stderr


def test_usage_error_with_json_output_is_json(run_cli: RunCli, tmp_path: Path) -> None:
    result = run_cli("validate", "--format", "json", tmp_path / "nowhere")
    assert result.exit_code == 2
    assert json.loads(result.stdout) == {
        "error": f"{tmp_path / 'nowhere'}: no such file or folder.", "exit_code": 2}


def test_closed_output_pipe_ends_quietly(tmp_path: Path) -> None:
    # The reading end is closed before the command has even started, as `| head -0` would.
    process = subprocess.Popen(
        [sys.executable, "-m", "overens_docs", "validate", "--format", "json", str(OREBRO)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=tmp_path)
    assert process.stdout is not None
    assert process.stderr is not None
    process.stdout.close()
    stderr = process.stderr.read()
    process.stderr.close()
    assert process.wait(timeout=60) == 141
    assert stderr == b""


def test_folder_without_agreement_is_a_usage_error(run_cli: RunCli, tmp_path: Path) -> None:
    result = run_cli("validate", tmp_path)
    assert result.exit_code == 2


def test_unknown_option_is_a_usage_error(run_cli: RunCli) -> None:
    with pytest.raises(SystemExit) as exit_info:
        run_cli("validate", "--colour")
    assert exit_info.value.code == 2


def test_version_is_the_installed_one(run_cli: RunCli, capsys: pytest.CaptureFixture[str]) -> None:
    version = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
    with pytest.raises(SystemExit) as exit_info:
        run_cli("--version")
    assert exit_info.value.code == 0
    assert capsys.readouterr().out == f"overens-docs {version}\n"


def test_both_organisation_lists_is_an_error(run_cli: RunCli, orebro_copy: Path) -> None:
    (orebro_copy / "organisations.csv").write_text(
        "name;representative;representative_title\nA;B;C\n", encoding="utf-8")
    result = run_cli("validate", orebro_copy)
    assert result.exit_code == 1
    assert "[two-organisation-lists]" in result.stdout


def test_missing_organisation_list_is_an_error(run_cli: RunCli, orebro_copy: Path) -> None:
    (orebro_copy / "organisations.yaml").unlink()
    result = run_cli("validate", orebro_copy)
    assert result.exit_code == 1
    assert "[missing-file]" in result.stdout


def test_all_findings_of_a_run_are_reported(run_cli: RunCli, orebro_copy: Path) -> None:
    _break_unknown_principle(orebro_copy)
    _break_check_digit(orebro_copy)
    result = run_cli("validate", orebro_copy)
    assert "[unknown-principle]" in result.stdout
    assert "[org-number-checksum]" in result.stdout
    assert "2 errors" in result.stdout
